namespace CollaborativeFiltering.Factorization;

/// <summary>Which relational block a <see cref="FeatureGroup"/> belongs to: one row per user, or one row per item.</summary>
public enum FeatureSide
{
    /// <summary>A row per user of the catalogue.</summary>
    User,

    /// <summary>A row per item of the catalogue.</summary>
    Item,
}
