namespace CollaborativeFiltering.Factorization.Als;

/// <summary>
/// The weight of one row's penalty in explicit ALS: λ·n̄^(1−ν)·n^ν for a row with n training ratings, n̄
/// being the mean number of ratings per row on its side (|Ω|/N for users, |Ω|/M for items) and ν
/// <see cref="AlsOptions.RegularizationExponent"/>. ν = 1 is Zhou et al.'s weighted λ, λ·n (computed as
/// exactly that product, so the default is bit-identical to the weighted-λ code it replaced); ν = 0 is a
/// plain ridge, λ·n̄ on every row; in between, heavy rows are penalised less than in proportion to their
/// ratings (the frequency-scaled regularization of Rendle et al., RecSys 2022). n̄^(1−ν) keeps λ's scale:
/// a row with the mean number of ratings gets λ·n̄ whatever ν.
/// </summary>
internal readonly struct AlsPenalty
{
    private readonly double _lambda;
    private readonly double _exponent;

    /// <summary>λ·n̄^(1−ν) / λ, the factor of n^ν in λ units.</summary>
    private readonly double _relativeScale;

    /// <summary>Creates the weights of one side.</summary>
    /// <param name="lambda">λ, positive.</param>
    /// <param name="exponent">ν in [0, 1].</param>
    /// <param name="ratings">|Ω|, the training ratings.</param>
    /// <param name="rows">The rows of this side (users or items), positive.</param>
    public AlsPenalty(double lambda, double exponent, long ratings, int rows)
    {
        _lambda = lambda;
        _exponent = exponent;
        _relativeScale = exponent == 1 ? 1 : Math.Pow((double)ratings / rows, 1 - exponent);
    }

    /// <summary>λ·n̄^(1−ν)·n^ν, what the row's normal equations add to their diagonal.</summary>
    /// <param name="count">n, the row's ratings.</param>
    /// <returns>The weight.</returns>
    public double Weight(int count) => _exponent == 1 ? _lambda * count : _lambda * Relative(count);

    /// <summary>n̄^(1−ν)·n^ν, the weight in units of λ (the reported penalty is λ·Σ of it times ‖x‖² + b²).</summary>
    /// <param name="count">n, the row's ratings.</param>
    /// <returns>The relative weight.</returns>
    public double Relative(int count) => _exponent == 1 ? count : _relativeScale * Math.Pow(count, _exponent);
}
