using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Training;

/// <summary>A small synthetic rating set shared by the search and continued-fit tests: fits take milliseconds and wide, barely regularized models overfit it within a few iterations.</summary>
internal static class TrainingTestData
{
    /// <summary>150 users × 90 items, 4,000 ratings (at least 10 per user) from a planted rank-3 structure, seed 5.</summary>
    public static readonly RatingsDataset Small = SyntheticDataGenerator.Generate(new SyntheticOptions
    {
        Users = 150,
        Items = 90,
        Ratings = 4000,
        MinRatingsPerUser = 10,
        Dimensions = 3,
        Seed = 5,
    }).Dataset;

    /// <summary><see cref="Small"/> split 80/20 at random (seed 1).</summary>
    public static readonly DatasetSplit SmallSplit = DatasetSplitter.RandomHoldout(Small, 0.2, 1);
}
