namespace CollaborativeFiltering.Neighborhood;

/// <summary>
/// What a kNN model knows of its training ratings besides the ratings themselves: the global mean μ, the
/// baseline biases b_u and b_i (all zero when the fit needed none), and every user's and item's mean
/// rating (μ for one without ratings).
/// </summary>
internal sealed record KnnStatistics(float GlobalMean, float[] UserBiases, float[] ItemBiases, float[] UserMeans, float[] ItemMeans)
{
    /// <summary>The baseline estimate b_ui = μ + b_u + b_i, in double, the one expression every use of it evaluates.</summary>
    public double Baseline(int user, int item) => (double)GlobalMean + UserBiases[user] + ItemBiases[item];
}
