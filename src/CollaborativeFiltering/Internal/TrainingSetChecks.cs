using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Internal;

/// <summary>The argument checks every trainer makes on its training and validation sets.</summary>
internal static class TrainingSetChecks
{
    /// <summary>Throws when <paramref name="train"/> is null or empty, or <paramref name="validation"/> is over another catalogue.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The training set is empty, or the validation set's catalogue differs.</exception>
    public static void ThrowIfInvalid(RatingsDataset train, RatingsDataset? validation)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Count == 0)
        {
            ThrowHelper.Argument(nameof(train), "The training set has no ratings; there is nothing to learn from.");
        }

        if (validation is not null && !train.Catalog.IsCompatibleWith(validation.Catalog))
        {
            ThrowHelper.Argument(nameof(validation), "The validation set belongs to another catalogue than the training set (different user or item ids); split both from one dataset, or read both files together (MovieLens.LoadSplit, DelimitedRatingsReader.ReadSplit), so that indices mean the same users and items.");
        }
    }
}
