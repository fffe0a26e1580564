namespace CollaborativeFiltering;

/// <summary>
/// How implicit ALS (and its fold-in of new users) scales the L2 penalty λ·w_r·‖x_r‖² of each user's
/// and item's factors: by the row's total confidence or by its number of interactions.
/// </summary>
public enum ImplicitRegularizationScaling
{
    /// <summary>
    /// w_r = the row's total confidence Σ_j c_rj over every pair of the row, observed or not: M + α·Σ r
    /// for a user (N + α·Σ r for an item). The implicit loss weighs every pair of a row, so this keeps the
    /// penalty a fixed share of each row's data weight, for light and heavy users and for catalogues of
    /// any size: the frequency-scaled regularization of Rendle, Krichene, Zhang and Koren (2022,
    /// "Revisiting the performance of iALS on item recommendation benchmarks"), with ν = 1.
    /// </summary>
    TotalConfidence,

    /// <summary>
    /// w_r = the row's number of interactions n_r (weighted-λ, as in Spark's implicit ALS and Zhou et al.
    /// 2008's explicit ALS): rows are penalised by their observed pairs only, although their loss weighs
    /// every pair of the catalogue, so a light user's factors are hardly penalised.
    /// </summary>
    InteractionCount,
}
