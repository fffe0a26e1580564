using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Training;

namespace CollaborativeFiltering.Tests.Factorization;

/// <summary>A fit continued after some sweeps (successive halving's promoted trials) against one fit of the whole budget.</summary>
public sealed partial class ImplicitAlsFactorizerTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(3, 4)]
    public void Start_ContinuedAfterSomeSweeps_BitIdenticalToOneFitOfTheWholeBudget(int conjugateGradientSteps, int firstPart)
    {
        RatingsDataset train = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 120, Items = 80, Ratings = 3000, MinRatingsPerUser = 5, Dimensions = 3, Seed = 9 }).Dataset;
        var options = new ImplicitAlsOptions { Dimensions = 8, Iterations = 9, ConjugateGradientSteps = conjugateGradientSteps };
        FactorizationModel whole = new ImplicitAlsFactorizer(options).Fit(train);

        var trainer = (IContinuableTrainer<FactorizationModel>)new ImplicitAlsFactorizer(options with { Iterations = firstPart });
        using TrainingRun<FactorizationModel> run = trainer.Start(train, null, CancellationToken.None);
        FactorizationModel first = run.RunTo(firstPart, null, keepTraining: true, CancellationToken.None);
        float[] firstItems = first.ItemEmbeddings.ToArray();
        FactorizationModel continued = run.RunTo(options.Iterations, null, keepTraining: false, CancellationToken.None);

        continued.UserEmbeddings.ToArray().Should().Equal(whole.UserEmbeddings.ToArray());
        continued.ItemEmbeddings.ToArray().Should().Equal(whole.ItemEmbeddings.ToArray());
        first.ItemEmbeddings.ToArray().Should().Equal(firstItems, "the first part's model owns copies that the continued fit does not touch");
        firstItems.Should().NotEqual(whole.ItemEmbeddings.ToArray());
    }
}
