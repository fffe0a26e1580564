namespace CollaborativeFiltering.Neighborhood;

/// <summary>What a kNN model's neighbour lists relate: items to items (item-kNN) or users to users (user-kNN).</summary>
internal enum KnnOrientation
{
    /// <summary>Item-kNN: a rating r_ui is predicted from u's ratings of the items most similar to i.</summary>
    Items = 0,

    /// <summary>User-kNN: a rating r_ui is predicted from the ratings of i by the users most similar to u.</summary>
    Users = 1,
}
