namespace CollaborativeFiltering.Projection;

/// <summary>How <see cref="TSne"/> places the points before optimising.</summary>
public enum TSneInitialization
{
    /// <summary>
    /// The first two principal components of the input (of the L2-normalised rows for
    /// <see cref="TSneDistance.Cosine"/>), scaled so that the first coordinate has standard
    /// deviation 10⁻⁴ (as scikit-learn does). Deterministic and keeps more global structure. Falls back
    /// to <see cref="Random"/> when the input has fewer than two dimensions or no variance.
    /// </summary>
    Pca = 0,

    /// <summary>Independent Normal(0, 10⁻⁸) coordinates drawn from <see cref="TSneOptions.Seed"/>.</summary>
    Random = 1,
}
