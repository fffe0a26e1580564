using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Scoring;

/// <summary>
/// A ranking other than the model's plain one, as a change of the embedding scores ⟨q, v_j⟩ + b_j:
/// each item's additive term (the item bias, or ln(1 + n_j) for the support-aware score; −∞ for items
/// below the minimum support) and, for the support-aware score, the query scaled by w/σ_u, σ_u being the
/// standard deviation of the user's affinities ⟨q, v_j⟩ over the catalogue. σ_u comes from the item
/// embeddings' mean v̄ and second moment C = VᵀV/M: σ_u² = qᵀCq − (q·v̄)², so the scores stay one
/// matrix product and the batch top-k kernel serves them unchanged. Immutable once built.
/// </summary>
internal sealed class RankingTransform
{
    private readonly double[]? _mean;
    private readonly double[]? _secondMoment;
    private readonly double _weight;

    private RankingTransform(float[] itemTerms, double[]? mean, double[]? secondMoment, double weight)
    {
        ItemTerms = itemTerms;
        _mean = mean;
        _secondMoment = secondMoment;
        _weight = weight;
    }

    /// <summary>M additive terms, one per item; −∞ excludes the item.</summary>
    public float[] ItemTerms { get; }

    /// <summary>Whether queries are rescaled (the support-aware score).</summary>
    public bool ScalesQueries => _mean is not null;

    /// <summary>The transform for these options, or <see langword="null"/> when the model's plain scores rank unchanged.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">The options need the model's item support and the model has none, or a support-aware score was asked of a model without embeddings.</exception>
    public static RankingTransform? Create(IRecommenderModel model, RankingOptions? options, string paramName)
    {
        options ??= RankingOptions.Default;
        options.Validate();
        RankingScore score = options.Score ?? model.DefaultRanking;
        if (score == RankingScore.Model && options.MinimumSupport == 0)
        {
            return null;
        }

        ReadOnlySpan<int> support = model.ItemSupport;
        int m = model.Catalog.ItemCount;
        if (support.Length != m)
        {
            ThrowHelper.Argument(paramName, string.Create(CultureInfo.InvariantCulture,
                $"The ranking options ask for {(score == RankingScore.SupportAware ? "the support-aware score" : $"a minimum support of {options.MinimumSupport}")}, but the model does not know its items' training support (a model built from embeddings, or read from a file saved without it)."));
        }

        var terms = new float[m];
        IEmbeddingModel? embeddings = model as IEmbeddingModel;
        if (score == RankingScore.SupportAware)
        {
            if (embeddings is null)
            {
                ThrowHelper.Argument(paramName, "The support-aware score needs a model with embeddings (IEmbeddingModel).");
            }

            for (int j = 0; j < m; j++)
            {
                terms[j] = MathF.Log(1 + support[j]);
            }
        }
        else if (embeddings is not null)
        {
            embeddings.ItemBiases.CopyTo(terms);
        }

        for (int j = 0; j < m; j++)
        {
            if (support[j] < options.MinimumSupport)
            {
                terms[j] = float.NegativeInfinity;
            }
        }

        if (score != RankingScore.SupportAware)
        {
            return new RankingTransform(terms, null, null, 0);
        }

        int d = embeddings!.Dimensions;
        ReadOnlySpan<float> v = embeddings.ItemEmbeddings;
        var mean = new double[d];
        var second = new double[d * d];
        for (int j = 0; j < m; j++)
        {
            ReadOnlySpan<float> row = v.Slice(j * d, d);
            for (int a = 0; a < d; a++)
            {
                double x = row[a];
                mean[a] += x;
                Span<double> line = second.AsSpan(a * d, d);
                for (int b = a; b < d; b++)
                {
                    line[b] += x * row[b];
                }
            }
        }

        double inverse = m == 0 ? 0 : 1.0 / m;
        for (int a = 0; a < d; a++)
        {
            mean[a] *= inverse;
            for (int b = a; b < d; b++)
            {
                second[(a * d) + b] *= inverse;
                second[(b * d) + a] = second[(a * d) + b];
            }
        }

        return new RankingTransform(terms, mean, second, options.TasteWeight);
    }

    /// <summary>Scales a user's query by w/σ_u (to zero when the user's affinities do not vary).</summary>
    public void ScaleQuery(Span<float> query)
    {
        if (_mean is null)
        {
            return;
        }

        int d = query.Length;
        double centred = 0, quadratic = 0;
        for (int a = 0; a < d; a++)
        {
            centred += query[a] * _mean[a];
            double row = 0;
            ReadOnlySpan<double> line = _secondMoment.AsSpan(a * d, d);
            for (int b = 0; b < d; b++)
            {
                row += line[b] * query[b];
            }

            quadratic += query[a] * row;
        }

        double variance = quadratic - (centred * centred);
        double scale = variance > 1e-20 * Math.Max(quadratic, double.Epsilon) && variance > 0 ? _weight / Math.Sqrt(variance) : 0;
        for (int a = 0; a < d; a++)
        {
            query[a] = (float)(query[a] * scale);
        }
    }

    /// <summary>Applies the transform to scores the model computed with <paramref name="query"/>: for the support-aware score recomputes them from the scaled query; otherwise adds the filter.</summary>
    public void Score(IEmbeddingModel model, Span<float> query, Span<float> scores)
    {
        ScaleQuery(query);
        ScoreKernel.DotAll(model.ItemEmbeddings, model.Dimensions, query, scores);
        for (int j = 0; j < scores.Length; j++)
        {
            scores[j] += ItemTerms[j];
        }
    }

    /// <summary>For a model without embeddings: leaves its scores and removes the items below the minimum support.</summary>
    public void Filter(Span<float> scores)
    {
        for (int j = 0; j < scores.Length; j++)
        {
            if (float.IsNegativeInfinity(ItemTerms[j]))
            {
                scores[j] = float.NegativeInfinity;
            }
        }
    }
}
