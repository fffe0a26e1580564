using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Neighborhood.Knn;

/// <summary>
/// The statistics a kNN fit starts from: μ, the users' and items' mean ratings, and the baseline estimates
/// b_u, b_i fitted by alternating least squares exactly as Surprise's <c>baseline_only</c> with
/// <c>method='als'</c> does (Koren 2010, section 2.1): starting from zero, each sweep sets every item's
/// b_i = Σ_{u∈R(i)} (r_ui − μ − b_u) / (λ_i + |R(i)|), then every user's b_u = Σ_{i∈R(u)} (r_ui − μ − b_i) / (λ_u + |R(u)|).
/// Sums run in double in index order, so the result does not depend on threads.
/// </summary>
internal static class KnnBaselines
{
    /// <summary>Computes the statistics; the biases only when <paramref name="withBiases"/> (else zero).</summary>
    public static KnnStatistics Compute(WorkingRatings train, int sweeps, double userRegularization, double itemRegularization, bool withBiases, CancellationToken cancellationToken)
    {
        int n = train.UserCount, m = train.ItemCount;
        double total = 0;
        foreach (float value in train.ByUser.Values)
        {
            total += value;
        }

        double mu = total / train.Count;
        float[] userMeans = Means(train.ByUser, mu);
        float[] itemMeans = Means(train.ByItem, mu);
        var userBiases = new float[n];
        var itemBiases = new float[m];
        if (withBiases)
        {
            var bu = new double[n];
            var bi = new double[m];
            for (int sweep = 0; sweep < sweeps; sweep++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Solve(train.ByItem, mu, bu, bi, itemRegularization);
                Solve(train.ByUser, mu, bi, bu, userRegularization);
            }

            Narrow(bu, userBiases);
            Narrow(bi, itemBiases);
        }

        return new KnnStatistics((float)mu, userBiases, itemBiases, userMeans, itemMeans);
    }

    /// <summary>For every row r: target[r] = Σ (value − μ − other[column]) / (λ + count), 0 for an empty row.</summary>
    private static void Solve(CsrView rows, double mu, double[] other, double[] target, double regularization)
    {
        ReadOnlySpan<int> offsets = rows.RowOffsets;
        ReadOnlySpan<int> columns = rows.ColumnIndices;
        ReadOnlySpan<float> values = rows.Values;
        for (int r = 0; r < target.Length; r++)
        {
            int start = offsets[r], end = offsets[r + 1];
            double deviation = 0;
            for (int p = start; p < end; p++)
            {
                deviation += values[p] - mu - other[columns[p]];
            }

            target[r] = end == start ? 0 : deviation / (regularization + (end - start));
        }
    }

    private static float[] Means(CsrView rows, double mu)
    {
        var means = new float[rows.RowCount];
        ReadOnlySpan<int> offsets = rows.RowOffsets;
        ReadOnlySpan<float> values = rows.Values;
        for (int r = 0; r < means.Length; r++)
        {
            double sum = 0;
            for (int p = offsets[r]; p < offsets[r + 1]; p++)
            {
                sum += values[p];
            }

            int count = offsets[r + 1] - offsets[r];
            means[r] = (float)(count == 0 ? mu : sum / count);
        }

        return means;
    }

    private static void Narrow(double[] source, float[] destination)
    {
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = (float)source[i];
        }
    }
}
