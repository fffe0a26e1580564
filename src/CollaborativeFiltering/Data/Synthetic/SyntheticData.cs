using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// A synthetic dataset and the model it was drawn from. Each rating is the planted score
/// μ + b_u + b_i + ⟨p_u, q_i⟩ plus Gaussian noise of standard deviation <see cref="NoiseStdDev"/>,
/// rounded to the rating scale and clipped to [<see cref="MinRating"/>, <see cref="MaxRating"/>], so a
/// trained model can be compared with the truth: <see cref="NoiseFloorRmse(RatingsDataset)"/> is the
/// error no model can beat by much. Made by <see cref="SyntheticDataGenerator.Generate(SyntheticOptions?, CancellationToken)"/>;
/// immutable and safe to share between threads.
/// </summary>
public sealed class SyntheticData
{
    private readonly float[] _userFactors;
    private readonly float[] _itemFactors;
    private readonly float[] _userBiases;
    private readonly float[] _itemBiases;

    internal SyntheticData(
        SyntheticOptions options,
        RatingsDataset dataset,
        float globalMean,
        float[] userFactors,
        float[] itemFactors,
        float[] userBiases,
        float[] itemBiases,
        int[][] franchises)
    {
        Options = options;
        Dataset = dataset;
        GlobalMean = globalMean;
        MaxRating = 5f;
        _userFactors = userFactors;
        _itemFactors = itemFactors;
        _userBiases = userBiases;
        _itemBiases = itemBiases;
        var lists = new IReadOnlyList<int>[franchises.Length];
        for (int f = 0; f < lists.Length; f++)
        {
            lists[f] = Array.AsReadOnly(franchises[f]);
        }

        Franchises = Array.AsReadOnly(lists);
    }

    /// <summary>
    /// The planted franchises (<see cref="SyntheticOptions.FranchiseCount"/>): each a list of item
    /// indices, ascending, whose planted factors are nearly the same; empty when none were planted.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<int>> Franchises { get; }

    /// <summary>The options the data was generated with.</summary>
    public SyntheticOptions Options { get; }

    /// <summary>The ratings, over a catalogue with user and item metadata and the MovieLens genre vocabulary.</summary>
    public RatingsDataset Dataset { get; }

    /// <summary>d, the rank of the planted model: the length of each row of <see cref="UserFactors"/> and <see cref="ItemFactors"/>.</summary>
    public int Dimensions => Options.Dimensions;

    /// <summary>μ, the planted global offset.</summary>
    public float GlobalMean { get; }

    /// <summary>p, the planted user factors: row-major, <see cref="RatingsDataset.UserCount"/> rows of <see cref="Dimensions"/> values.</summary>
    public ReadOnlySpan<float> UserFactors => _userFactors;

    /// <summary>q, the planted item factors: row-major, <see cref="RatingsDataset.ItemCount"/> rows of <see cref="Dimensions"/> values.</summary>
    public ReadOnlySpan<float> ItemFactors => _itemFactors;

    /// <summary>b_u, the planted user biases, one per user.</summary>
    public ReadOnlySpan<float> UserBiases => _userBiases;

    /// <summary>b_i, the planted item biases, one per item.</summary>
    public ReadOnlySpan<float> ItemBiases => _itemBiases;

    /// <summary>σ, the standard deviation of the noise added to each planted score before rounding.</summary>
    public double NoiseStdDev => Options.NoiseStdDev;

    /// <summary>The lowest rating: 1, or 0.5 with <see cref="SyntheticOptions.HalfStars"/>.</summary>
    public float MinRating => Options.HalfStars ? 0.5f : 1f;

    /// <summary>The highest rating, 5.</summary>
    public float MaxRating { get; }

    /// <summary>The planted score μ + b_u + b_i + ⟨p_u, q_i⟩, continuous and not clipped (accumulated in double).</summary>
    /// <param name="user">The user's dense index.</param>
    /// <param name="item">The item's dense index.</param>
    /// <returns>The score before noise and rounding.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> or <paramref name="item"/> is outside the catalogue.</exception>
    public float PlantedScore(UserIndex user, ItemIndex item)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(user.Value, _userBiases.Length, nameof(user));
        ThrowHelper.ThrowIfIndexOutOfRange(item.Value, _itemBiases.Length, nameof(item));
        return (float)Score(user.Value, item.Value);
    }

    /// <summary>
    /// E[rating | user, item]: the mean of the rating the generator draws for the pair, the planted score
    /// s plus Normal(0, σ²) noise rounded to the scale and clipped to [<see cref="MinRating"/>,
    /// <see cref="MaxRating"/>]: <c>MinRating + step · Σ_t P(s + ε ≥ t)</c> over the rounding thresholds
    /// t between the scale's levels (1.5, 2.5, 3.5, 4.5 for whole stars). It is the prediction with the
    /// least expected squared error that any model can make, even one that knows the planted model
    /// (<see cref="BayesOptimalRmse"/>); with σ = 0 it is the rating itself. The normal tail comes from
    /// a rational approximation of erfc accurate to 1.2·10⁻⁷ relative.
    /// </summary>
    /// <param name="user">The user's dense index.</param>
    /// <param name="item">The item's dense index.</param>
    /// <returns>The expected rating, in [<see cref="MinRating"/>, <see cref="MaxRating"/>].</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="user"/> or <paramref name="item"/> is outside the catalogue.</exception>
    public double ExpectedRating(UserIndex user, ItemIndex item)
    {
        ThrowHelper.ThrowIfIndexOutOfRange(user.Value, _userBiases.Length, nameof(user));
        ThrowHelper.ThrowIfIndexOutOfRange(item.Value, _itemBiases.Length, nameof(item));
        return ExpectedRating(Score(user.Value, item.Value), NoiseStdDev, Options.HalfStars);
    }

    /// <summary>
    /// The least root mean squared error any predictor can expect on <paramref name="ratings"/>: that of
    /// <see cref="ExpectedRating(UserIndex, ItemIndex)"/>, the Bayes-optimal prediction of someone who knows the planted model
    /// and the noise. It lies a little below <see cref="NoiseFloorRmse"/>, because the clipped planted
    /// score is not quite the mean of a rounded, clipped rating near the ends of the scale (on the 1M-rating
    /// set of 6,040 × 3,706, seed 7, and its 10 % random holdout of seed 3: 0.53766 against 0.53908, 0.26 % lower).
    /// </summary>
    /// <param name="ratings">Ratings over this data's catalogue (same users and items in the same order).</param>
    /// <returns>The RMSE, accumulated in double.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ratings"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="ratings"/> is empty or over another catalogue.</exception>
    public double BayesOptimalRmse(RatingsDataset ratings)
    {
        double sigma = NoiseStdDev;
        bool halfStars = Options.HalfStars;
        return Rmse(ratings, (user, item) => ExpectedRating(Score(user, item), sigma, halfStars));
    }

    /// <summary>
    /// The noise floor: the root mean squared error of the planted model's predictions, the planted
    /// score clipped to [<see cref="MinRating"/>, <see cref="MaxRating"/>], against
    /// <paramref name="ratings"/> (this dataset, or a split of it). It is about
    /// √(σ² + rounding²) and a trained model should come close to it, not below it by much: it lies a
    /// fraction of a percent above the least error any predictor can expect, <see cref="BayesOptimalRmse"/>.
    /// </summary>
    /// <param name="ratings">Ratings over this data's catalogue (same users and items in the same order).</param>
    /// <returns>The RMSE, accumulated in double.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ratings"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="ratings"/> is empty or over another catalogue.</exception>
    public double NoiseFloorRmse(RatingsDataset ratings)
    {
        double min = MinRating, max = MaxRating;
        return Rmse(ratings, (user, item) => Math.Clamp(Score(user, item), min, max));
    }

    /// <summary>The RMSE of <paramref name="predict"/> (user, item) against <paramref name="ratings"/>, after the checks both public RMSEs document.</summary>
    private double Rmse(RatingsDataset ratings, Func<int, int, double> predict)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        if (!ratings.Catalog.IsCompatibleWith(Dataset.Catalog))
        {
            ThrowHelper.Argument(nameof(ratings), "The ratings are over another catalogue; pass this data's Dataset or a split of it.");
        }

        if (ratings.Count == 0)
        {
            ThrowHelper.Argument(nameof(ratings), "The ratings are empty; the RMSE of no ratings is undefined.");
        }

        ReadOnlySpan<int> offsets = ratings.ByUser.RowOffsets;
        ReadOnlySpan<int> items = ratings.ByUser.ColumnIndices;
        ReadOnlySpan<float> values = ratings.ByUser.Values;
        double sum = 0;
        for (int u = 0; u < ratings.UserCount; u++)
        {
            for (int p = offsets[u]; p < offsets[u + 1]; p++)
            {
                double error = values[p] - predict(u, items[p]);
                sum += error * error;
            }
        }

        return Math.Sqrt(sum / ratings.Count);
    }

    /// <summary>A short description: sizes, rank, μ and σ.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"SyntheticData: {Dataset.UserCount} users × {Dataset.ItemCount} items, {Dataset.Count} ratings, rank {Dimensions}, μ = {Display.Number(GlobalMean)}, σ = {Display.Number(NoiseStdDev)}");

    /// <summary>
    /// E[clip(round(<paramref name="score"/> + ε))], ε ~ Normal(0, <paramref name="sigma"/>²), on the
    /// whole-star (1–5) or half-star (0.5–5) scale, rounding as the generator does (a value exactly on a
    /// threshold goes up): the lowest level plus one step for every threshold the noisy score reaches.
    /// </summary>
    internal static double ExpectedRating(double score, double sigma, bool halfStars)
    {
        double step = halfStars ? 0.5 : 1, min = halfStars ? 0.5 : 1;
        double expected = min;
        for (double threshold = min + (step / 2); threshold < 5; threshold += step)
        {
            double reach = sigma > 0 ? UpperNormalTail((threshold - score) / sigma) : score >= threshold ? 1 : 0;
            expected += step * reach;
        }

        return expected;
    }

    /// <summary>
    /// P(Z ≥ <paramref name="z"/>) for a standard normal Z, as ½·erfc(z/√2), erfc from the Chebyshev-fitted
    /// rational approximation of Numerical Recipes (2nd ed., §6.2, <c>erfcc</c>): relative error below 1.2·10⁻⁷ everywhere.
    /// </summary>
    internal static double UpperNormalTail(double z)
    {
        double x = z / Math.Sqrt(2), a = Math.Abs(x), t = 1 / (1 + (0.5 * a));
        double poly = 0;
        for (int c = ErfcCoefficients.Length - 1; c >= 0; c--)
        {
            poly = (poly * t) + ErfcCoefficients[c];
        }

        double erfc = t * Math.Exp(-(a * a) + poly);
        return 0.5 * (x >= 0 ? erfc : 2 - erfc);
    }

    /// <summary>The coefficients c₀…c₉ of <c>erfcc</c>: erfc(a) ≈ t·exp(−a² + Σ c_j t^j), t = 1/(1 + a/2).</summary>
    private static readonly double[] ErfcCoefficients =
        [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];

    /// <summary>The planted score in double, without argument checks.</summary>
    internal double Score(int user, int item) =>
        Score(GlobalMean, _userBiases[user], _itemBiases[item], _userFactors.AsSpan(user * Dimensions, Dimensions), _itemFactors.AsSpan(item * Dimensions, Dimensions));

    /// <summary>μ + b_u + b_i + ⟨p, q⟩ in double; the generator rates with this very expression, so <see cref="PlantedScore"/> is exactly the score the noise was added to.</summary>
    internal static double Score(float globalMean, float userBias, float itemBias, ReadOnlySpan<float> p, ReadOnlySpan<float> q)
    {
        double dot = 0;
        for (int k = 0; k < p.Length; k++)
        {
            dot += (double)p[k] * q[k];
        }

        return (double)globalMean + userBias + itemBias + dot;
    }
}
