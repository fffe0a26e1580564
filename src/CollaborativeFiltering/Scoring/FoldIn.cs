using System.Globalization;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Models;
using MathNet.Numerics.LinearAlgebra;

namespace CollaborativeFiltering.Scoring;

/// <summary>
/// Fold-in: an embedding for a user the model was not trained on, from a few of their ratings, with
/// the item embeddings held fixed. The library's fold-in strategies live here, and each model picks its
/// own for <see cref="IEmbeddingModel.ComputeNewUserQuery"/>:
/// <list type="bullet">
/// <item><description>ridge (<see cref="ComputeUserEmbedding"/>, explicit ratings): the regularized
/// least-squares solution of <c>min_x Σ_j (r_j − μ − b_j − ⟨x, V_j⟩)² + λ‖x‖²</c>, i.e.
/// <c>(VₛᵀVₛ + λI) x = Vₛᵀ(r − μ − b)</c>, μ being <see cref="IEmbeddingModel.GlobalMean"/> and b_j the
/// model's item biases (0 when it has none);</description></item>
/// <item><description>confidence-weighted (<see cref="ComputeImplicitUserEmbedding"/>, implicit feedback,
/// Hu, Koren and Volinsky 2008): <c>(VᵀV + Vₛᵀ(C − I)Vₛ + λ·w·I) x = VₛᵀC·1</c> over the n given
/// interactions, c = 1 + α·r, w = M + α·Σ r (or n), with VᵀV over the whole catalogue: for a user of the
/// training set, with the model's λ, scaling and α, that user's next implicit-ALS update.</description></item>
/// <item><description>SVD++ (Koren 2008; the model's <c>ComputeNewUserQuery</c>, since only a model
/// trained by SVD++ has implicit item factors y_j): the given items N are the user's implicit feedback,
/// s = |N|^−½·Σ_(j∈N) y_j, and the query is s + x with x the ridge solution for the residuals,
/// <c>(VₛᵀVₛ + λI) x = Vₛᵀ(r − μ − b − Vₛs)</c>.</description></item>
/// <item><description>BPR (Rendle et al. 2009; the model's <c>ComputeNewUserQuery</c> for a model trained by
/// BPR): the x that maximises the BPR criterion of the given items against every other item,
/// <c>(1/(|N|·|J|))·Σ_(i∈N) Σ_(j∈J) ln σ(⟨x, V_i − V_j⟩ + b_i − b_j) − (λ/2)‖x‖²</c>, J the items not in N,
/// by Newton's method (the criterion is strictly concave).</description></item>
/// </list>
/// Both are solved by a d×d Cholesky factorisation in double. The result is a query embedding for
/// <see cref="Recommender.RecommendForQuery"/> or
/// <see cref="Similarity.ScoreAll(IEmbeddingModel, ReadOnlySpan{float}, SimilarityMeasure)"/>. Thread-safe.
/// </summary>
public static class FoldIn
{
    /// <summary>Computes a new user's embedding from ratings of items given by dense index.</summary>
    /// <param name="model">The model whose item embeddings are held fixed.</param>
    /// <param name="items">Distinct dense item indices.</param>
    /// <param name="ratings">The user's ratings, aligned with <paramref name="items"/>.</param>
    /// <param name="options">λ; <see langword="null"/> for the defaults.</param>
    /// <returns>d floats: the user's query embedding.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No ratings, the spans' lengths differ, or an item appears twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item index is outside <c>[0, M)</c>, or a rating is not finite or is outside the model's <see cref="IRecommenderModel.RatingScale"/>.</exception>
    /// <exception cref="InvalidOperationException">The solved embedding is not finite (values too large for single precision).</exception>
    public static float[] ComputeUserEmbedding(IEmbeddingModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> ratings, FoldInOptions? options = null)
    {
        EmbeddingModelChecks.ThrowIfInvalid(model, nameof(model));
        ThrowIfInvalidRatings(model, items, ratings);
        FoldInOptions o = options ?? Defaults;
        o.Validate();
        return Solve(model, items, ratings, o.Regularization);
    }

    /// <summary>
    /// The SVD++ fold-in: the ridge fold-in of <see cref="ComputeUserEmbedding"/> around the user's implicit
    /// term s = |N|^−½·Σ_(j∈N) y_j, the given items being N; returns s + x. The inputs are checked as
    /// <see cref="ComputeUserEmbedding"/> checks them.
    /// </summary>
    /// <param name="model">The model whose item embeddings V, biases and μ are held fixed.</param>
    /// <param name="implicitItemFactors">The model's y_j, M·d floats row-major.</param>
    /// <param name="items">Distinct dense item indices.</param>
    /// <param name="ratings">The user's ratings, aligned with <paramref name="items"/>.</param>
    /// <param name="options">λ; <see langword="null"/> for the defaults.</param>
    internal static float[] ComputeUserEmbeddingWithImplicitFactors(IEmbeddingModel model, ReadOnlySpan<float> implicitItemFactors, ReadOnlySpan<int> items, ReadOnlySpan<float> ratings, FoldInOptions? options = null)
    {
        EmbeddingModelChecks.ThrowIfInvalid(model, nameof(model));
        ThrowIfInvalidRatings(model, items, ratings);
        FoldInOptions o = options ?? Defaults;
        o.Validate();
        int d = model.Dimensions;
        var implicitTerm = new double[d];
        foreach (int j in items)
        {
            ReadOnlySpan<float> y = implicitItemFactors.Slice(j * d, d);
            for (int p = 0; p < d; p++)
            {
                implicitTerm[p] += y[p];
            }
        }

        double scale = 1 / Math.Sqrt(items.Length);
        for (int p = 0; p < d; p++)
        {
            implicitTerm[p] *= scale;
        }

        return Solve(model, items, ratings, o.Regularization, implicitTerm);
    }

    /// <summary>
    /// The BPR fold-in: the query x maximising (1/(|N|·|J|))·Σ_(i∈N) Σ_(j∈J) ln σ(⟨x, V_i − V_j⟩ + b_i − b_j) − (λ/2)‖x‖²
    /// over the given items N and the others J (a seeded sample of J when |N|·|J| exceeds 2²¹), by Newton's method.
    /// The values only have to be finite: which items were interacted with is what counts.
    /// </summary>
    /// <param name="model">The model whose item embeddings and biases are held fixed.</param>
    /// <param name="items">Distinct dense item indices.</param>
    /// <param name="values">The interaction strengths, aligned with <paramref name="items"/>, finite.</param>
    /// <param name="lambda">λ (at least 10⁻⁶ is used).</param>
    internal static float[] ComputePairwiseUserEmbedding(IEmbeddingModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> values, double lambda)
    {
        EmbeddingModelChecks.ThrowIfInvalid(model, nameof(model));
        ThrowIfInvalidRatings(model, items, values);
        return PairwiseFoldIn.Solve(model, items, lambda);
    }

    /// <summary>
    /// Computes a new user's embedding from implicit feedback (interaction strengths r ≥ 0) by the
    /// confidence-weighted solve of implicit ALS, exactly, in double. Costs O(M·d²) for VᵀV over all items
    /// plus O(n·d² + d³).
    /// </summary>
    /// <param name="model">The model whose item embeddings are held fixed (its biases are ignored).</param>
    /// <param name="items">Distinct dense item indices the user interacted with.</param>
    /// <param name="values">The interaction strengths, finite and ≥ 0, aligned with <paramref name="items"/>.</param>
    /// <param name="options">λ and α; <see langword="null"/> for the defaults (those of implicit ALS).</param>
    /// <returns>d floats: the user's query embedding.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No interactions, the spans' lengths differ, or an item appears twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An item index is outside <c>[0, M)</c>, a value is negative or not finite, or an option is out of range.</exception>
    /// <exception cref="InvalidOperationException">The solved embedding is not finite (values too large for single precision).</exception>
    public static float[] ComputeImplicitUserEmbedding(IEmbeddingModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> values, ImplicitFoldInOptions? options = null)
    {
        EmbeddingModelChecks.ThrowIfInvalid(model, nameof(model));
        if (items.Length != values.Length)
        {
            ThrowHelper.Argument(nameof(values), string.Create(CultureInfo.InvariantCulture, $"There are {items.Length} items but {values.Length} values; give one value per item."));
        }

        if (items.IsEmpty)
        {
            ThrowHelper.Argument(nameof(items), "items is empty; fold-in needs at least one interaction.");
        }

        var seen = new HashSet<int>();
        for (int k = 0; k < items.Length; k++)
        {
            ThrowHelper.ThrowIfIndexOutOfRange(items[k], model.Catalog.ItemCount, nameof(items));
            if (!seen.Add(items[k]))
            {
                ThrowHelper.Argument(nameof(items), string.Create(CultureInfo.InvariantCulture, $"The item index {items[k]} appears twice; give each item once."));
            }

            if (!(values[k] >= 0) || !float.IsFinite(values[k]))
            {
                ThrowHelper.ArgumentOutOfRange(nameof(values), values[k], string.Create(CultureInfo.InvariantCulture, $"a finite interaction strength, zero or greater (item {items[k]})"));
            }
        }

        ImplicitFoldInOptions o = options ?? ImplicitDefaults;
        o.Validate();
        return SolveImplicit(model, items, values, o.Regularization, o.RegularizationScaling, o.Alpha);
    }

    /// <summary>Computes a new user's embedding from ratings of items given by external id.</summary>
    /// <param name="model">The model whose item embeddings are held fixed.</param>
    /// <param name="ratingsByItemId">(item id, rating) pairs, e.g. a dictionary; each id once.</param>
    /// <param name="options">λ; <see langword="null"/> for the defaults.</param>
    /// <returns>d floats: the user's query embedding.</returns>
    /// <exception cref="ArgumentNullException">An argument or an id is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No ratings, or an id appears twice.</exception>
    /// <exception cref="KeyNotFoundException">An item id is not in the catalogue; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A rating is not finite or is outside the model's <see cref="IRecommenderModel.RatingScale"/>; the message names the item, the rating and the scale.</exception>
    /// <exception cref="InvalidOperationException">The solved embedding is not finite (values too large for single precision).</exception>
    public static float[] ComputeUserEmbeddingById(IEmbeddingModel model, IEnumerable<KeyValuePair<string, float>> ratingsByItemId, FoldInOptions? options = null)
    {
        EmbeddingModelChecks.ThrowIfInvalid(model, nameof(model));
        var (items, ratings) = ResolveById(model, ratingsByItemId, nameof(ratingsByItemId));
        FoldInOptions o = options ?? Defaults;
        o.Validate();
        return Solve(model, items, ratings, o.Regularization);
    }

    /// <summary>
    /// Computes a new user's embedding from ratings of items given by title: each text selects the
    /// first item (lowest index) whose title contains it, compared case-insensitively, as
    /// <see cref="Neighbors.NearestItemsByTitle"/> does.
    /// </summary>
    /// <param name="model">The model whose item embeddings are held fixed.</param>
    /// <param name="ratingsByTitle">(title substring, rating) pairs.</param>
    /// <param name="options">λ; <see langword="null"/> for the defaults.</param>
    /// <returns>d floats: the user's query embedding.</returns>
    /// <exception cref="ArgumentNullException">An argument or a title is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No ratings, a title is empty, or two titles select the same item.</exception>
    /// <exception cref="KeyNotFoundException">No title contains a text; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A rating is not finite or is outside the model's <see cref="IRecommenderModel.RatingScale"/>; the message names the item, the rating and the scale.</exception>
    /// <exception cref="InvalidOperationException">The solved embedding is not finite (values too large for single precision).</exception>
    public static float[] ComputeUserEmbeddingByTitle(IEmbeddingModel model, IEnumerable<KeyValuePair<string, float>> ratingsByTitle, FoldInOptions? options = null)
    {
        EmbeddingModelChecks.ThrowIfInvalid(model, nameof(model));
        var (items, ratings) = ResolveByTitle(model, ratingsByTitle, nameof(ratingsByTitle));
        FoldInOptions o = options ?? Defaults;
        o.Validate();
        return Solve(model, items, ratings, o.Regularization);
    }

    private static FoldInOptions Defaults { get; } = new();

    private static ImplicitFoldInOptions ImplicitDefaults { get; } = new();

    /// <summary>Resolves (id, rating) pairs to dense indices, validating ids, ratings and duplicates.</summary>
    internal static (int[] Items, float[] Ratings) ResolveById(IRecommenderModel model, IEnumerable<KeyValuePair<string, float>> ratingsByItemId, string paramName)
    {
        ArgumentNullException.ThrowIfNull(ratingsByItemId, paramName);
        var items = new List<int>();
        var ratings = new List<float>();
        var seen = new HashSet<int>();
        foreach (var (id, rating) in ratingsByItemId)
        {
            if (id is null)
            {
                throw new ArgumentNullException(paramName, "An item id is null.");
            }

            if (!model.Catalog.Items.TryGetIndex(id, out int item))
            {
                ThrowHelper.KeyNotFound($"The item id '{id}' is not in the model's catalogue.");
            }

            ThrowIfInvalidRating(model, rating, $"'{id}'", paramName);
            if (!seen.Add(item))
            {
                ThrowHelper.Argument(paramName, $"The item id '{id}' appears twice; give each item once.");
            }

            items.Add(item);
            ratings.Add(rating);
        }

        ThrowIfEmpty(items.Count, paramName);
        return ([.. items], [.. ratings]);
    }

    /// <summary>Resolves (title substring, rating) pairs to the first matching items.</summary>
    internal static (int[] Items, float[] Ratings) ResolveByTitle(IRecommenderModel model, IEnumerable<KeyValuePair<string, float>> ratingsByTitle, string paramName)
    {
        ArgumentNullException.ThrowIfNull(ratingsByTitle, paramName);
        var items = new List<int>();
        var ratings = new List<float>();
        var texts = new Dictionary<int, string>();
        foreach (var (title, rating) in ratingsByTitle)
        {
            TitleSearch.ThrowIfInvalid(title, paramName);
            int item = TitleSearch.FindFirst(model.Catalog, title);
            if (item < 0)
            {
                ThrowHelper.KeyNotFound($"No item title contains '{title}'.");
            }

            ThrowIfInvalidRating(model, rating, $"'{title}'", paramName);
            if (!texts.TryAdd(item, title))
            {
                ThrowHelper.Argument(paramName, $"'{texts[item]}' and '{title}' both select the item '{model.Catalog.TitleOf(item)}'; rate each item once.");
            }

            items.Add(item);
            ratings.Add(rating);
        }

        ThrowIfEmpty(items.Count, paramName);
        return ([.. items], [.. ratings]);
    }

    /// <summary>Throws unless the items and ratings are aligned, non-empty, in range, distinct, finite and within the model's rating scale (if it has one).</summary>
    internal static void ThrowIfInvalidRatings(IRecommenderModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> ratings)
    {
        if (items.Length != ratings.Length)
        {
            ThrowHelper.Argument(nameof(ratings), string.Create(CultureInfo.InvariantCulture, $"There are {items.Length} items but {ratings.Length} ratings; give one rating per item."));
        }

        ThrowIfEmpty(items.Length, nameof(ratings));
        var seen = new HashSet<int>();
        for (int i = 0; i < items.Length; i++)
        {
            ThrowHelper.ThrowIfIndexOutOfRange(items[i], model.Catalog.ItemCount, nameof(items));
            ThrowIfInvalidRating(model, ratings[i], $"'{model.Catalog.Items.Ids[items[i]]}'", nameof(ratings));
            if (!seen.Add(items[i]))
            {
                ThrowHelper.Argument(nameof(items), string.Create(CultureInfo.InvariantCulture, $"The item index {items[i]} appears twice; give each item once."));
            }
        }
    }

    /// <summary>
    /// Builds and solves the normal equations; the inputs are validated. With an <paramref name="offset"/> s
    /// (SVD++'s implicit term), the targets are r − μ − b − ⟨s, V_j⟩ and the result is s + x.
    /// </summary>
    internal static float[] Solve(IEmbeddingModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> ratings, double lambda, double[]? offset = null)
    {
        int d = model.Dimensions;
        ReadOnlySpan<float> v = model.ItemEmbeddings;
        ReadOnlySpan<float> biases = model.ItemBiases;
        double mu = model.GlobalMean;
        var a = new double[d * d]; // column-major for MathNet; symmetric anyway
        var b = new double[d];
        for (int i = 0; i < items.Length; i++)
        {
            int j = items[i];
            ReadOnlySpan<float> row = v.Slice(j * d, d);
            double target = ratings[i] - mu - (biases.IsEmpty ? 0 : biases[j]);
            if (offset is not null)
            {
                for (int p = 0; p < d; p++)
                {
                    target -= offset[p] * row[p];
                }
            }

            for (int p = 0; p < d; p++)
            {
                double vp = row[p];
                b[p] += vp * target;
                for (int q = 0; q <= p; q++)
                {
                    a[(q * d) + p] += vp * row[q];
                }
            }
        }

        for (int p = 0; p < d; p++)
        {
            a[(p * d) + p] += lambda;
            for (int q = 0; q < p; q++)
            {
                a[(p * d) + q] = a[(q * d) + p];
            }
        }

        Vector<double> x = Matrix<double>.Build.Dense(d, d, a).Cholesky().Solve(Vector<double>.Build.Dense(b));
        var result = new float[d];
        for (int p = 0; p < d; p++)
        {
            result[p] = (float)(x[p] + (offset is null ? 0 : offset[p]));
        }

        if (!TensorPrimitivesExtensions.AllFinite(result) || !(EmbeddingLimits.Norm(result) <= EmbeddingLimits.MaxNorm))
        {
            ThrowHelper.InvalidOperation("Fold-in produced an embedding that is not finite or whose norm exceeds 1E+19 (the ratings are too large for the item embeddings in single precision).");
        }

        return result;
    }

    /// <summary>
    /// Solves the implicit objective for one user with the item factors fixed (inputs validated):
    /// A = VᵀV + Σ_k α·r_k·y_k y_kᵀ + λ·n·I and b = Σ_k (1 + α·r_k)·y_k, VᵀV through the Gram kernel,
    /// everything else in double.
    /// </summary>
    internal static float[] SolveImplicit(IEmbeddingModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> values, double lambda, ImplicitRegularizationScaling scaling, double alpha)
    {
        int d = model.Dimensions, dp = GramKernel.RowStride(d);
        ReadOnlySpan<float> v = model.ItemEmbeddings;
        var gram = new double[dp * dp];
        GramKernel.Gram(v, d, 0, model.Catalog.ItemCount, new PaddedRows(GramKernel.ChunkRows, d, dp), gram);
        var a = new double[d * d]; // column-major for MathNet; symmetric anyway
        var b = new double[d];
        for (int p = 0; p < d; p++)
        {
            for (int q = p; q < d; q++)
            {
                a[(q * d) + p] = gram[(p * dp) + q];
            }
        }

        for (int k = 0; k < items.Length; k++)
        {
            ReadOnlySpan<float> y = v.Slice(items[k] * d, d);
            double w = alpha * values[k];
            for (int p = 0; p < d; p++)
            {
                double yp = y[p];
                b[p] += (1 + w) * yp;
                for (int q = p; q < d; q++)
                {
                    a[(q * d) + p] += w * yp * y[q];
                }
            }
        }

        double weight = items.Length;
        if (scaling == ImplicitRegularizationScaling.TotalConfidence)
        {
            // As ImplicitAlsTraining.PenaltyWeights computes it (α in single precision, the sum in double), so
            // that a training user's fold-in is that user's next update.
            double strength = 0;
            foreach (float value in values)
            {
                strength += value;
            }

            weight = model.Catalog.ItemCount + ((double)(float)alpha * strength);
        }

        return SolveSymmetric(a, b, d, lambda * weight, "Fold-in produced a non-finite embedding (the item embeddings or values are too large for single precision).");
    }

    /// <summary>Adds <paramref name="diagonal"/> to the diagonal of the upper triangle <paramref name="a"/> (column-major), mirrors it and solves by Cholesky.</summary>
    private static float[] SolveSymmetric(double[] a, double[] b, int d, double diagonal, string nonFiniteMessage)
    {
        for (int p = 0; p < d; p++)
        {
            a[(p * d) + p] += diagonal;
            for (int q = p + 1; q < d; q++)
            {
                a[(p * d) + q] = a[(q * d) + p];
            }
        }

        Vector<double> x = Matrix<double>.Build.Dense(d, d, a).Cholesky().Solve(Vector<double>.Build.Dense(b));
        var result = new float[d];
        for (int p = 0; p < d; p++)
        {
            result[p] = (float)x[p];
        }

        if (!TensorPrimitivesExtensions.AllFinite(result) || !(EmbeddingLimits.Norm(result) <= EmbeddingLimits.MaxNorm))
        {
            ThrowHelper.InvalidOperation(nonFiniteMessage);
        }

        return result;
    }

    private static void ThrowIfEmpty(int count, string paramName)
    {
        if (count == 0)
        {
            ThrowHelper.Argument(paramName, $"{paramName} is empty; fold-in needs at least one rating.");
        }
    }

    /// <summary>Throws unless the rating is finite and, when the model knows its <see cref="IRecommenderModel.RatingScale"/>, inside it.</summary>
    private static void ThrowIfInvalidRating(IRecommenderModel model, float rating, string item, string paramName)
    {
        if (!float.IsFinite(rating))
        {
            throw new ArgumentOutOfRangeException(paramName, rating, string.Create(CultureInfo.InvariantCulture, $"The rating of {item} is {rating}; a rating must be a finite number."));
        }

        if (model.RatingScale is { } scale && !scale.Contains(rating))
        {
            throw new ArgumentOutOfRangeException(paramName, rating, string.Create(CultureInfo.InvariantCulture,
                $"The rating of {item} is {rating}, outside the model's rating scale {scale} (the range of its training ratings)."));
        }
    }
}
