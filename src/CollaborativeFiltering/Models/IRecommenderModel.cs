using CollaborativeFiltering.Data;

namespace CollaborativeFiltering;

/// <summary>What every trained recommender offers: the catalogue its indices refer to.</summary>
public interface IRecommenderModel
{
    /// <summary>The users and items the model's indices refer to.</summary>
    Catalog Catalog { get; }
}
