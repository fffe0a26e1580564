using CollaborativeFiltering.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace CollaborativeFiltering.Scoring;

/// <summary>
/// The BPR fold-in (<see cref="FoldIn.ComputePairwiseUserEmbedding"/>): the query x that maximises
/// f(x) = (1/|P|)·Σ_((i,j)∈P) ln σ(s_i − s_j) − (λ/2)‖x‖², s = Vx + b, over the pairs P of a given item i and
/// an item j not given, with the item embeddings V and biases b held fixed. f is strictly concave, so
/// Newton's method with a backtracking line search finds its maximiser in a few steps; each step costs
/// O(|P|·d + (|N| + |J|)·d² + d³). Above <see cref="PairBudget"/> pairs the negatives are a seeded sample
/// of the other items, so that the cost stays bounded on large catalogues.
/// </summary>
internal static class PairwiseFoldIn
{
    /// <summary>The most (given, other) pairs one Newton step evaluates.</summary>
    public const int PairBudget = 1 << 21;

    /// <summary>The fewest other items kept when the pairs are sampled.</summary>
    private const int MinNegatives = 64;

    /// <summary>The smallest λ used, so that the criterion has a maximiser even for a model trained without a penalty.</summary>
    private const double MinRegularization = 1e-6;

    private const int MaxIterations = 50;
    private const ulong SampleStream = 65;

    /// <summary>Solves for x; the inputs are validated (distinct items in range).</summary>
    public static float[] Solve(IEmbeddingModel model, ReadOnlySpan<int> items, double lambda)
    {
        int d = model.Dimensions, m = model.Catalog.ItemCount;
        ReadOnlySpan<float> v = model.ItemEmbeddings, b = model.ItemBiases;
        lambda = Math.Max(lambda, MinRegularization);
        int[] positives = items.ToArray();
        Array.Sort(positives);
        int[] negatives = Negatives(positives, m);
        var x = new double[d];
        if (negatives.Length == 0)
        {
            return new float[d];
        }

        double pairs = (double)positives.Length * negatives.Length;
        var scoresI = new double[positives.Length];
        var scoresJ = new double[negatives.Length];
        var a = new double[positives.Length];
        var bigA = new double[positives.Length];
        var c = new double[negatives.Length];
        var bigC = new double[negatives.Length];
        var r = new double[positives.Length * d];
        var gradient = new double[d];
        var hessian = new double[d * d]; // −H, column-major (symmetric)
        var trial = new double[d];
        double value = Objective(x);
        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            Scores(x, positives, scoresI);
            Scores(x, negatives, scoresJ);
            Array.Clear(a);
            Array.Clear(bigA);
            Array.Clear(c);
            Array.Clear(bigC);
            Array.Clear(r);
            for (int p = 0; p < positives.Length; p++)
            {
                Span<double> rp = r.AsSpan(p * d, d);
                for (int q = 0; q < negatives.Length; q++)
                {
                    double w = Sigmoid(scoresJ[q] - scoresI[p]); // σ(−(s_i − s_j)): the gradient weight of the pair
                    double h = w * (1 - w);
                    a[p] += w;
                    c[q] += w;
                    bigA[p] += h;
                    bigC[q] += h;
                    ReadOnlySpan<float> vj = v.Slice(negatives[q] * d, d);
                    for (int k = 0; k < d; k++)
                    {
                        rp[k] += h * vj[k];
                    }
                }
            }

            // g = (1/|P|)(Σ_i a_i v_i − Σ_j c_j v_j) − λx; −H = (1/|P|)(Σ_i A_i v_i v_iᵀ + Σ_j C_j v_j v_jᵀ − Σ_i (v_i r_iᵀ + r_i v_iᵀ)) + λI.
            Array.Clear(gradient);
            Array.Clear(hessian);
            for (int p = 0; p < positives.Length; p++)
            {
                ReadOnlySpan<float> vi = v.Slice(positives[p] * d, d);
                ReadOnlySpan<double> rp = r.AsSpan(p * d, d);
                for (int k = 0; k < d; k++)
                {
                    gradient[k] += a[p] * vi[k];
                    for (int l = 0; l < d; l++)
                    {
                        hessian[(l * d) + k] += (bigA[p] * vi[k] * vi[l]) - (vi[k] * rp[l]) - (rp[k] * vi[l]);
                    }
                }
            }

            for (int q = 0; q < negatives.Length; q++)
            {
                ReadOnlySpan<float> vj = v.Slice(negatives[q] * d, d);
                for (int k = 0; k < d; k++)
                {
                    gradient[k] -= c[q] * vj[k];
                    for (int l = 0; l < d; l++)
                    {
                        hessian[(l * d) + k] += bigC[q] * vj[k] * vj[l];
                    }
                }
            }

            for (int k = 0; k < d; k++)
            {
                gradient[k] = (gradient[k] / pairs) - (lambda * x[k]);
                for (int l = 0; l < d; l++)
                {
                    hessian[(l * d) + k] /= pairs;
                }

                hessian[(k * d) + k] += lambda;
            }

            double[] step = Matrix<double>.Build.Dense(d, d, hessian).Cholesky().Solve(Vector<double>.Build.Dense(gradient)).AsArray() ?? [];
            double slope = 0, stepNorm = 0, norm = 0;
            for (int k = 0; k < d; k++)
            {
                slope += gradient[k] * step[k];
                stepNorm += step[k] * step[k];
                norm += x[k] * x[k];
            }

            double t = 1, next = double.NegativeInfinity;
            for (; t > 1e-8; t /= 2)
            {
                for (int k = 0; k < d; k++)
                {
                    trial[k] = x[k] + (t * step[k]);
                }

                next = Objective(trial);
                if (next >= value + (1e-4 * t * slope))
                {
                    break;
                }
            }

            if (!(next >= value))
            {
                break; // no ascent left in double precision
            }

            trial.CopyTo(x, 0);
            value = next;
            if (t * Math.Sqrt(stepNorm) <= 1e-9 * (1 + Math.Sqrt(norm)))
            {
                break;
            }
        }

        var result = new float[d];
        for (int k = 0; k < d; k++)
        {
            result[k] = (float)x[k];
        }

        if (!TensorPrimitivesExtensions.AllFinite(result) || !(EmbeddingLimits.Norm(result) <= EmbeddingLimits.MaxNorm))
        {
            ThrowHelper.InvalidOperation("Fold-in produced an embedding that is not finite or whose norm exceeds 1E+19 (the item embeddings are too large for single precision).");
        }

        return result;

        double Objective(double[] point)
        {
            Scores(point, positives, scoresI);
            Scores(point, negatives, scoresJ);
            double sum = 0;
            for (int p = 0; p < positives.Length; p++)
            {
                for (int q = 0; q < negatives.Length; q++)
                {
                    sum -= Softplus(scoresJ[q] - scoresI[p]); // ln σ(s_i − s_j) = −ln(1 + e^(s_j − s_i))
                }
            }

            double squares = 0;
            foreach (double value in point)
            {
                squares += value * value;
            }

            return (sum / pairs) - (lambda / 2 * squares);
        }

        void Scores(double[] point, int[] indices, double[] destination)
        {
            ReadOnlySpan<float> rows = model.ItemEmbeddings, biases = model.ItemBiases;
            for (int k = 0; k < indices.Length; k++)
            {
                ReadOnlySpan<float> row = rows.Slice(indices[k] * d, d);
                double s = biases.IsEmpty ? 0 : biases[indices[k]];
                for (int l = 0; l < d; l++)
                {
                    s += point[l] * row[l];
                }

                destination[k] = s;
            }
        }
    }

    /// <summary>The items not in <paramref name="positives"/> (ascending), or a seeded sample of them when all pairs would exceed <see cref="PairBudget"/>.</summary>
    private static int[] Negatives(int[] positives, int m)
    {
        var all = new int[m - positives.Length];
        int cursor = 0, next = 0;
        for (int j = 0; j < m; j++)
        {
            if (next < positives.Length && positives[next] == j)
            {
                next++;
            }
            else
            {
                all[cursor++] = j;
            }
        }

        int keep = Math.Max(MinNegatives, PairBudget / positives.Length);
        if (all.Length <= keep)
        {
            return all;
        }

        var random = new SeededRandom(positives.Length, SampleStream);
        for (int k = 0; k < keep; k++)
        {
            int pick = k + random.NextInt(all.Length - k);
            (all[k], all[pick]) = (all[pick], all[k]);
        }

        int[] sample = all[..keep];
        Array.Sort(sample);
        return sample;
    }

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    private static double Softplus(double z) => Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z)));
}
