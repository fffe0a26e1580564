using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.Bayesian;

namespace CollaborativeFiltering.Tests.Factorization;

/// <summary>
/// The relational computation against the expanded design matrix, and every conditional of the Gibbs
/// sampler against the full joint, on a tiny problem with every block (ids, rated items, raters,
/// demographics, genres, release year, time, a group of one's own) and random parameters.
/// </summary>
public sealed partial class BayesianFactorizationMachineTests
{
    private const int TinyRank = 3;

    private static readonly Lazy<RatingsDataset> TinySet = new(() => SyntheticDataGenerator.Generate(
        new SyntheticOptions { Users = 12, Items = 15, Ratings = 80, Dimensions = 2, MinRatingsPerUser = 3, Seed = 5 }).Dataset);

    [Fact]
    public void Refresh_RandomParameters_ResidualsMatchTheExpandedDesignMatrix()
    {
        RatingsDataset train = TinySet.Value;
        FmTraining t = TinyTraining(train, seed: 1);

        double[] expanded = ExpandedPredictions(t, train);

        float[] y = train.ByUser.ValueArray;
        for (int n = 0; n < train.Count; n++)
        {
            t.Residuals[n].Should().BeApproximately(y[n] - expanded[n], 1e-9);
        }

        t.Blocks.Should().HaveCount(3, "user, item and time blocks");
        t.Layout.Groups.Select(g => g.Name).Should().Contain(["user id", "rated items", "age", "sex", "occupation", "zip prefix", "item id", "raters", "genres", "release year", "rating time", "popularity"]);
    }

    [Fact]
    public void Layout_RatedItemsAndGenres_AreNormalised()
    {
        RatingsDataset train = TinySet.Value;
        FmTraining t = TinyTraining(train, seed: 1);
        FmGroupSpec rated = t.Layout.Groups.Single(g => g.Name == "rated items");
        FmBlock user = t.Blocks[0];
        int u = 4, count = train.ByUser.GetColumns(u).Length;
        var values = new List<(int Feature, float Value)>();
        for (int c = user.RowOffsets[u]; c < user.RowOffsets[u + 1]; c++)
        {
            if (user.FeatureGroups[user.RowFeatures[c]] == Array.IndexOf(t.Layout.Groups, rated))
            {
                values.Add((user.RowFeatures[c] - rated.Offset, user.RowValues[c]));
            }
        }

        values.Select(v => v.Feature).Should().BeEquivalentTo(train.ByUser.GetColumns(u).ToArray());
        values.Should().OnlyContain(v => Math.Abs(v.Value - (1 / Math.Sqrt(count))) < 1e-6);

        FmGroupSpec genres = t.Layout.Groups.Single(g => g.Name == "genres");
        int genreGroup = Array.IndexOf(t.Layout.Groups, genres);
        FmBlock item = t.Blocks[1];
        for (int i = 0; i < item.Rows; i++)
        {
            double sum = 0;
            for (int c = item.RowOffsets[i]; c < item.RowOffsets[i + 1]; c++)
            {
                sum += item.FeatureGroups[item.RowFeatures[c]] == genreGroup ? item.RowValues[c] : 0;
            }

            sum.Should().BeApproximately(train.Catalog.ItemInfos[i].Genres.Count == 0 ? 0 : 1, 1e-6);
        }
    }

    [Fact]
    public void Conditionals_EveryLinearWeightAndFactor_MatchTheFullJoint()
    {
        RatingsDataset train = TinySet.Value;
        FmTraining t = TinyTraining(train, seed: 2);
        float[] y = train.ByUser.ValueArray;

        (double globalMean, double globalPrecision) = t.GlobalConditional();
        double[] baseline = ExpandedPredictions(t, train);
        double residualSum = 0;
        for (int n = 0; n < train.Count; n++)
        {
            residualSum += y[n] - (baseline[n] - t.GlobalWeight);
        }

        globalPrecision.Should().BeApproximately(t.NoisePrecision * train.Count, 1e-9);
        globalMean.Should().BeApproximately(residualSum / train.Count, 1e-9);

        for (int b = 0; b < t.Blocks.Length; b++)
        {
            FmBlock block = t.Blocks[b];
            for (int j = 0; j < block.Features; j++)
            {
                int g = block.FeatureGroups[j];
                (double mean, double precision) = Brute(t, train, y, ref t.LinearWeights[b][j], t.Hyper.MuW[g], t.Hyper.LambdaW[g]);
                (double m, double p) = t.LinearConditional(b, j);
                p.Should().BeApproximately(precision, 1e-6 * precision, $"block {b}, linear weight {j}");
                m.Should().BeApproximately(mean, 1e-6 * (1 + Math.Abs(mean)), $"block {b}, linear weight {j}");
                for (int f = 0; f < TinyRank; f++)
                {
                    (mean, precision) = Brute(t, train, y, ref t.Factors[b][(f * block.Features) + j], t.Hyper.MuV[(g * TinyRank) + f], t.Hyper.LambdaV[(g * TinyRank) + f]);
                    (m, p) = t.FactorConditional(b, j, f);
                    p.Should().BeApproximately(precision, 1e-6 * precision, $"block {b}, factor {j}, rank {f}");
                    m.Should().BeApproximately(mean, 1e-6 * (1 + Math.Abs(mean)), $"block {b}, factor {j}, rank {f}");
                }
            }
        }
    }

    /// <summary>
    /// The draws update the cached row sums in place (no refresh between them): after drawing every
    /// linear weight and every factor of every block, the residuals still match the expanded design
    /// matrix and the conditionals computed from the caches still match the full joint.
    /// </summary>
    [Fact]
    public void SampleBlocks_IncrementalCaches_StayEqualToTheExpandedDesignMatrix()
    {
        RatingsDataset train = TinySet.Value;
        FmTraining t = TinyTraining(train, seed: 3);
        float[] y = train.ByUser.ValueArray;

        t.SampleGlobal();
        for (int b = 0; b < t.Blocks.Length; b++)
        {
            t.SampleLinear(b);
        }

        for (int f = 0; f < TinyRank; f++)
        {
            for (int b = 0; b < t.Blocks.Length; b++)
            {
                t.SampleFactors(b, f);
            }
        }

        double[] expanded = ExpandedPredictions(t, train);
        for (int n = 0; n < train.Count; n++)
        {
            t.Residuals[n].Should().BeApproximately(y[n] - expanded[n], 1e-9);
        }

        for (int b = 0; b < t.Blocks.Length; b++)
        {
            int j = t.Blocks[b].Features / 2, g = t.Blocks[b].FeatureGroups[j];
            (double mean, double precision) = Brute(t, train, y, ref t.Factors[b][(1 * t.Blocks[b].Features) + j], t.Hyper.MuV[(g * TinyRank) + 1], t.Hyper.LambdaV[(g * TinyRank) + 1]);
            (double m, double p) = t.FactorConditional(b, j, 1);
            p.Should().BeApproximately(precision, 1e-6 * precision);
            m.Should().BeApproximately(mean, 1e-6 * (1 + Math.Abs(mean)));
        }
    }

    /// <summary>
    /// The normal–gamma conditionals against the joint log p(θ | μ, λ) + log p(μ | λ) + log p(λ):
    /// differences of the joint between two values of λ (μ fixed) equal those of the Gamma density,
    /// and between two values of μ (λ fixed) those of the Normal density.
    /// </summary>
    [Fact]
    public void NormalGamma_Conditionals_MatchTheJoint()
    {
        double[] theta = [0.3, -0.1, 0.45, 0.02, -0.6];
        double sum = theta.Sum();

        double mu = 0.07;
        double squares = theta.Sum(x => (x - mu) * (x - mu));
        (double shape, double rate) = NormalGamma.Precision(theta.Length, squares, mu);
        double JointOfLambda(double lambda) => LogJoint(theta, mu, lambda);
        double LogGamma(double lambda) => ((shape - 1) * Math.Log(lambda)) - (rate * lambda);
        (JointOfLambda(0.7) - JointOfLambda(2.3)).Should().BeApproximately(LogGamma(0.7) - LogGamma(2.3), 1e-9);

        double fixedLambda = 1.9;
        (double mean, double precision) = NormalGamma.Mean(theta.Length, sum, fixedLambda);
        double LogNormal(double m) => -0.5 * precision * (m - mean) * (m - mean);
        (LogJoint(theta, 0.4, fixedLambda) - LogJoint(theta, -0.2, fixedLambda)).Should().BeApproximately(LogNormal(0.4) - LogNormal(-0.2), 1e-9);

        static double LogJoint(double[] theta, double mu, double lambda)
        {
            double log = 0;
            foreach (double x in theta)
            {
                log += (0.5 * Math.Log(lambda)) - (0.5 * lambda * (x - mu) * (x - mu));
            }

            double g0 = NormalGamma.Gamma0;
            log += (0.5 * Math.Log(g0 * lambda)) - (0.5 * g0 * lambda * (mu - NormalGamma.Mu0) * (mu - NormalGamma.Mu0));
            log += (((NormalGamma.AlphaLambda / 2) - 1) * Math.Log(lambda)) - (NormalGamma.BetaLambda / 2 * lambda);
            return log;
        }
    }

    /// <summary>
    /// A training on <paramref name="train"/> with every block (ids, implicit feedback both ways, user
    /// and item information, time, an item group of one's own), rank 3 and random parameters and priors.
    /// </summary>
    internal static FmTraining TinyTraining(RatingsDataset train, int seed)
    {
        var options = new FactorizationMachineOptions
        {
            Dimensions = TinyRank,
            Iterations = 4,
            BurnIn = 1,
            Blocks = FeatureBlocks.Default | FeatureBlocks.Raters | FeatureBlocks.Time,
            TimeBucketDays = 20,
        };
        var popularity = FeatureGroup.Weighted("popularity", FeatureSide.Item, [.. Enumerable.Range(0, train.ItemCount).Select(i =>
            (IReadOnlyDictionary<string, float>?)(i % 4 == 0 ? null : new Dictionary<string, float> { ["log count"] = (float)Math.Log(1 + train.ByItem.GetColumns(i).Length), ["odd"] = i % 2 }))]);
        FmTraining t = new BayesianFactorizationMachine(options, [popularity]).CreateTraining(train);
        var random = new Random(seed);
        double Uniform(double scale) => scale * ((2 * random.NextDouble()) - 1);
        for (int b = 0; b < t.Blocks.Length; b++)
        {
            for (int j = 0; j < t.LinearWeights[b].Length; j++)
            {
                t.LinearWeights[b][j] = Uniform(0.3);
            }

            for (int a = 0; a < t.Factors[b].Length; a++)
            {
                t.Factors[b][a] = Uniform(0.4);
            }
        }

        (double[] muW, double[] lambdaW, double[] muV, double[] lambdaV) = t.Hyper;
        for (int g = 0; g < muW.Length; g++)
        {
            muW[g] = Uniform(0.2);
            lambdaW[g] = 0.5 + (2.5 * random.NextDouble());
        }

        for (int h = 0; h < muV.Length; h++)
        {
            muV[h] = Uniform(0.2);
            lambdaV[h] = 0.5 + (2.5 * random.NextDouble());
        }

        t.GlobalWeight = 3.4;
        t.NoisePrecision = 1.7;
        t.Refresh(keep: false);
        return t;
    }

    /// <summary>
    /// Every rating's FM prediction from the expanded design matrix: the concatenation of its rows in
    /// every block, w₀ + Σ w_j x_j + Σ_{j &lt; l} ⟨v_j, v_l⟩ x_j x_l, pair by pair.
    /// </summary>
    internal static double[] ExpandedPredictions(FmTraining t, RatingsDataset train)
    {
        int[] offsets = train.ByUser.RowOffsetArray, items = train.ByUser.ColumnArray;
        int k = t.Factors[0].Length / t.Blocks[0].Features;
        var result = new double[train.Count];
        var x = new List<(int Block, int Feature, double Value)>();
        for (int u = 0; u < train.UserCount; u++)
        {
            for (int n = offsets[u]; n < offsets[u + 1]; n++)
            {
                int[] rows = t.Blocks.Length == 3 ? [u, items[n], t.Layout.RatingBuckets![n]] : [u, items[n]];
                x.Clear();
                for (int b = 0; b < t.Blocks.Length; b++)
                {
                    FmBlock block = t.Blocks[b];
                    for (int c = block.RowOffsets[rows[b]]; c < block.RowOffsets[rows[b] + 1]; c++)
                    {
                        x.Add((b, block.RowFeatures[c], block.RowValues[c]));
                    }
                }

                double prediction = t.GlobalWeight;
                for (int a = 0; a < x.Count; a++)
                {
                    prediction += x[a].Value * t.LinearWeights[x[a].Block][x[a].Feature];
                    for (int c = a + 1; c < x.Count; c++)
                    {
                        double dot = 0;
                        int pa = t.Blocks[x[a].Block].Features, pc = t.Blocks[x[c].Block].Features;
                        for (int f = 0; f < k; f++)
                        {
                            dot += t.Factors[x[a].Block][(f * pa) + x[a].Feature] * t.Factors[x[c].Block][(f * pc) + x[c].Feature];
                        }

                        prediction += dot * x[a].Value * x[c].Value;
                    }
                }

                result[n] = prediction;
            }
        }

        return result;
    }

    /// <summary>
    /// The Gaussian conditional of one parameter θ from the full joint: ŷ is linear in θ, so with
    /// g = ŷ(θ = 0) and h = ŷ(θ = 1) − g (both from the expanded design matrix) the precision is
    /// α·Σh² + λ and the mean (α·Σ(y − g)h + λμ) / precision. θ is restored.
    /// </summary>
    private static (double Mean, double Precision) Brute(FmTraining t, RatingsDataset train, float[] y, ref double theta, double mu, double lambda)
    {
        double saved = theta;
        theta = 0;
        double[] g = ExpandedPredictions(t, train);
        theta = 1;
        double[] one = ExpandedPredictions(t, train);
        theta = saved;
        double h2 = 0, eh = 0;
        for (int n = 0; n < g.Length; n++)
        {
            double h = one[n] - g[n];
            h2 += h * h;
            eh += (y[n] - g[n]) * h;
        }

        double precision = (t.NoisePrecision * h2) + lambda;
        return (((t.NoisePrecision * eh) + (lambda * mu)) / precision, precision);
    }
}
