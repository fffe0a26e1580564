using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Factorization;

/// <summary>
/// SVD++ written the slow, plain way in double, as Surprise's <c>SVDpp</c> does it: at every rating the
/// implicit sum is recomputed from the y_j and every y_j of N(u) is updated. The tests replay the
/// trainer's order of ratings through it.
/// </summary>
internal sealed class SvdPlusPlusReference
{
    private readonly int _d;
    private readonly int[][] _implicitSets;

    public SvdPlusPlusReference(RatingsDataset train, float[] users, float[] items, float[] implicitFactors, int d)
    {
        _d = d;
        P = Array.ConvertAll(users, x => (double)x);
        Q = Array.ConvertAll(items, x => (double)x);
        Y = Array.ConvertAll(implicitFactors, x => (double)x);
        BU = new double[train.UserCount];
        BI = new double[train.ItemCount];
        Mean = (float)DatasetStatistics.GlobalMean(train); // the trainer's μ is a float
        _implicitSets = [.. Enumerable.Range(0, train.UserCount).Select(u => train.ByUser.GetColumns(u).ToArray())];

        // Rows without training ratings start at zero, as in the trainer.
        for (int u = 0; u < train.UserCount; u++)
        {
            if (_implicitSets[u].Length == 0)
            {
                Array.Clear(P, u * d, d);
            }
        }

        for (int i = 0; i < train.ItemCount; i++)
        {
            if (train.ByItem.GetColumns(i).Length == 0)
            {
                Array.Clear(Q, i * d, d);
                Array.Clear(Y, i * d, d);
            }
        }
    }

    public double[] P { get; }

    public double[] Q { get; }

    public double[] Y { get; }

    public double[] BU { get; }

    public double[] BI { get; }

    public double Mean { get; }

    /// <summary>|N(u)|^−½·Σ_(j∈N(u)) y_j.</summary>
    public double[] ImplicitTerm(int u)
    {
        var z = new double[_d];
        int[] set = _implicitSets[u];
        foreach (int j in set)
        {
            for (int k = 0; k < _d; k++)
            {
                z[k] += Y[(j * _d) + k];
            }
        }

        for (int k = 0; k < _d; k++)
        {
            z[k] /= Math.Sqrt(set.Length);
        }

        return z;
    }

    /// <summary>p_u + the implicit term.</summary>
    public double[] Query(int u)
    {
        double[] z = ImplicitTerm(u);
        for (int k = 0; k < _d; k++)
        {
            z[k] += P[(u * _d) + k];
        }

        return z;
    }

    public double Predict(int u, int i)
    {
        double[] x = Query(u);
        double dot = 0;
        for (int k = 0; k < _d; k++)
        {
            dot += x[k] * Q[(i * _d) + k];
        }

        return Mean + BU[u] + BI[i] + dot;
    }

    /// <summary>One rating's update, every right-hand side taking the values before it; returns e.</summary>
    public double Step(int u, int i, double r, double lr, double lambda, double implicitLambda, double biasLr, double biasLambda)
    {
        double[] z = ImplicitTerm(u);
        double e = r - Predict(u, i);
        BU[u] += biasLr * (e - (biasLambda * BU[u]));
        BI[i] += biasLr * (e - (biasLambda * BI[i]));
        int[] set = _implicitSets[u];
        double scale = 1 / Math.Sqrt(set.Length);
        for (int k = 0; k < _d; k++)
        {
            double pk = P[(u * _d) + k], qk = Q[(i * _d) + k];
            P[(u * _d) + k] += lr * ((e * qk) - (lambda * pk));
            Q[(i * _d) + k] += lr * ((e * (pk + z[k])) - (lambda * qk));
            foreach (int j in set)
            {
                Y[(j * _d) + k] += lr * ((e * scale * qk) - (implicitLambda * Y[(j * _d) + k]));
            }
        }

        return e;
    }

    /// <summary>The per-rating objective ℓ_ui = (r − r̂)² + λ_b(b_u² + b_i²) + λ(‖p_u‖² + ‖q_i‖²) + λ_y·Σ_(j∈N(u)) ‖y_j‖², summed over <paramref name="train"/>.</summary>
    public double Objective(RatingsDataset train, double lambda, double implicitLambda, double biasLambda)
    {
        double total = 0;
        foreach (Rating rating in train)
        {
            int u = rating.User.Value, i = rating.Item.Value;
            double e = rating.Value - Predict(u, i);
            double penalty = biasLambda * ((BU[u] * BU[u]) + (BI[i] * BI[i]));
            for (int k = 0; k < _d; k++)
            {
                penalty += lambda * ((P[(u * _d) + k] * P[(u * _d) + k]) + (Q[(i * _d) + k] * Q[(i * _d) + k]));
                foreach (int j in _implicitSets[u])
                {
                    penalty += implicitLambda * Y[(j * _d) + k] * Y[(j * _d) + k];
                }
            }

            total += (e * e) + penalty;
        }

        return total;
    }
}
