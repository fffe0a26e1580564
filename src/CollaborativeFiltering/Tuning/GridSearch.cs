namespace CollaborativeFiltering.Tuning;

/// <summary>A grid search: see <see cref="SearchStrategy.Grid"/>.</summary>
public sealed record GridSearch : SearchStrategy
{
    internal GridSearch()
    {
    }

    /// <summary>"grid".</summary>
    /// <returns>The description.</returns>
    public override string ToString() => "grid";
}
