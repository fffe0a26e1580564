using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;

/// <summary>
/// Issue 15, point 6: what a learner can reach on a synthetic set, beside the noise floor the accuracy
/// tests read their targets against (<see cref="SyntheticData.NoiseFloorRmse"/>, the clipped planted score).
/// Prints, for one shape and split (default: the 1M tests' 6,040 × 3,706, seed 7, RandomHoldout(0.1, seed 3)):
/// <list type="bullet">
/// <item>the Bayes-optimal predictor E[r | u, i] (<see cref="SyntheticData.BayesOptimalRmse"/>);</item>
/// <item>the estimation cost of a Bayesian learner that knows the prior exactly (the planted rows' mean and
/// covariance) and one side's rows, in a well-specified Gaussian model: per test rating zᵀ Σ_post z, with
/// Σ_post the posterior covariance of the other side's row [b; p] from its training ratings (the expected
/// excess squared error of the posterior mean); users and items, and their sum (the first-order cost when
/// both are learned);</item>
/// <item>BPMF at its defaults on the same pairs with continuous Gaussian noise of the floor's size in
/// place of the rounded, clipped ratings (what the model class reaches where it is well specified), and
/// on the generator's ratings, with the Gaussian and with the ordinal likelihood.</item>
/// </list>
/// <c>dotnet run -c Release --project benchmarks/CollaborativeFiltering.Scale -- attainable [--users 6040] [--items 3706] [--ratings 1000000] [--seed 7] [--no-fit]</c>
/// (the fits take about 10 s of CPU each at the 1M shape).
/// </summary>
internal static class Attainable
{
    public static void Run(Arguments arguments)
    {
        SyntheticData data = SyntheticDataGenerator.Generate(new SyntheticOptions
        {
            Users = arguments.Int("users", 6040),
            Items = arguments.Int("items", 3706),
            Ratings = arguments.Int("ratings", 1_000_000),
            Seed = arguments.Int("seed", 7),
        });
        DatasetSplit split = DatasetSplitter.RandomHoldout(data.Dataset, 0.1, seed: 3);
        double floor = data.NoiseFloorRmse(split.Test), bayes = data.BayesOptimalRmse(split.Test);
        Console.WriteLine($"{data}; test {split.Test.Count} ratings");
        Console.WriteLine($"noise floor (clipped planted score)        {floor:F5}");
        Console.WriteLine($"Bayes-optimal E[r | u, i]                  {bayes:F5}  {bayes / floor:F4}x the floor");

        double noiseVariance = Math.Pow(data.NoiseFloorRmse(split.Train), 2);
        double users = ExcessOfLearnedSide(data, split, learnUsers: true, noiseVariance);
        double items = ExcessOfLearnedSide(data, split, learnUsers: false, noiseVariance);
        Console.WriteLine($"known prior, items known, users learned    {Math.Sqrt((floor * floor) + users):F5}  {Math.Sqrt((floor * floor) + users) / floor:F4}x (excess MSE {users:F5})");
        Console.WriteLine($"known prior, users known, items learned    {Math.Sqrt((floor * floor) + items):F5}  {Math.Sqrt((floor * floor) + items) / floor:F4}x (excess MSE {items:F5})");
        double both = Math.Sqrt((floor * floor) + users + items);
        Console.WriteLine($"both learned, first order (sum of excess)  {both:F5}  {both / floor:F4}x");
        if (arguments.Flag("no-fit"))
        {
            return;
        }

        (RatingsDataset gaussianTrain, RatingsDataset gaussianTest) = (Gaussian(data, split.Train, floor, 11), Gaussian(data, split.Test, floor, 12));
        double gaussianFloor = Rmse(gaussianTest, (u, i) => data.PlantedScore(new UserIndex(u), new ItemIndex(i)));
        double gaussianBpmf = Math.Sqrt(new BayesianMatrixFactorizer(new BayesianMatrixOptions { ClipPredictions = false }).Fit(gaussianTrain).MeanSquaredError(gaussianTest));
        Console.WriteLine($"BPMF defaults, Gaussian noise, no rounding {gaussianBpmf:F5}  {gaussianBpmf / gaussianFloor:F4}x its floor ({gaussianFloor:F5})");
        double bpmf = Math.Sqrt(new BayesianMatrixFactorizer().Fit(split.Train).MeanSquaredError(split.Test));
        Console.WriteLine($"BPMF defaults, the generator's ratings     {bpmf:F5}  {bpmf / floor:F4}x the floor, {bpmf / bayes:F4}x the Bayes-optimal");
        double ordinal = Math.Sqrt(new BayesianMatrixFactorizer(new BayesianMatrixOptions { OrdinalRatings = true }).Fit(split.Train).MeanSquaredError(split.Test));
        Console.WriteLine($"BPMF, OrdinalRatings, the generator's      {ordinal:F5}  {ordinal / floor:F4}x the floor, {ordinal / bayes:F4}x the Bayes-optimal");
    }

    /// <summary>Mean over the test ratings of zᵀ Σ_post z: one side's rows [1; q] known, the other side's [b; p] learned from its training ratings under the planted rows' own mean and covariance.</summary>
    private static double ExcessOfLearnedSide(SyntheticData data, DatasetSplit split, bool learnUsers, double noiseVariance)
    {
        int d = data.Dimensions, p = d + 1;
        ReadOnlySpan<float> biases = learnUsers ? data.UserBiases : data.ItemBiases;
        ReadOnlySpan<float> factors = learnUsers ? data.UserFactors : data.ItemFactors;
        float[] knownFactors = (learnUsers ? data.ItemFactors : data.UserFactors).ToArray();
        int rows = biases.Length;

        // The prior: the planted rows' covariance (their mean does not enter the posterior covariance).
        var mean = new double[p];
        for (int r = 0; r < rows; r++)
        {
            mean[0] += biases[r];
            for (int k = 0; k < d; k++)
            {
                mean[k + 1] += factors[(r * d) + k];
            }
        }

        for (int a = 0; a < p; a++)
        {
            mean[a] /= rows;
        }

        var covariance = new double[p, p];
        var x = new double[p];
        for (int r = 0; r < rows; r++)
        {
            x[0] = biases[r] - mean[0];
            for (int k = 0; k < d; k++)
            {
                x[k + 1] = factors[(r * d) + k] - mean[k + 1];
            }

            for (int a = 0; a < p; a++)
            {
                for (int b = 0; b < p; b++)
                {
                    covariance[a, b] += x[a] * x[b] / rows;
                }
            }
        }

        double[,] priorPrecision = Inverse(covariance);
        CsrView train = learnUsers ? split.Train.ByUser : split.Train.ByItem, test = learnUsers ? split.Test.ByUser : split.Test.ByItem;
        var z = new double[p];
        double excess = 0;
        for (int r = 0; r < rows; r++)
        {
            if (test.RowOffsets[r] == test.RowOffsets[r + 1])
            {
                continue;
            }

            var precision = (double[,])priorPrecision.Clone();
            for (int e = train.RowOffsets[r]; e < train.RowOffsets[r + 1]; e++)
            {
                Features(knownFactors, train.ColumnIndices[e], d, z);
                for (int a = 0; a < p; a++)
                {
                    for (int b = 0; b < p; b++)
                    {
                        precision[a, b] += z[a] * z[b] / noiseVariance;
                    }
                }
            }

            double[,] posterior = Inverse(precision);
            for (int e = test.RowOffsets[r]; e < test.RowOffsets[r + 1]; e++)
            {
                Features(knownFactors, test.ColumnIndices[e], d, z);
                for (int a = 0; a < p; a++)
                {
                    for (int b = 0; b < p; b++)
                    {
                        excess += z[a] * posterior[a, b] * z[b];
                    }
                }
            }
        }

        return excess / split.Test.Count;
    }

    private static void Features(float[] knownFactors, int other, int d, double[] z)
    {
        z[0] = 1;
        for (int k = 0; k < d; k++)
        {
            z[k + 1] = knownFactors[(other * d) + k];
        }
    }

    /// <summary>The same pairs with the planted score plus Normal(0, σ²) noise, not rounded or clipped.</summary>
    private static RatingsDataset Gaussian(SyntheticData data, RatingsDataset ratings, double sigma, int seed)
    {
        var random = new Random(seed);
        var builder = new RatingsDatasetBuilder(ratings.Catalog);
        foreach (Rating r in ratings)
        {
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            double noise = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            builder.Add(r with { Value = (float)(data.PlantedScore(r.User, r.Item) + (sigma * noise)) });
        }

        return builder.Build();
    }

    private static double Rmse(RatingsDataset ratings, Func<int, int, double> predict)
    {
        double sum = 0;
        foreach (Rating r in ratings)
        {
            double e = r.Value - predict(r.User.Value, r.Item.Value);
            sum += e * e;
        }

        return Math.Sqrt(sum / ratings.Count);
    }

    /// <summary>The inverse of a small symmetric positive-definite matrix, by Gauss–Jordan elimination with partial pivoting.</summary>
    private static double[,] Inverse(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        var inverse = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            inverse[i, i] = 1;
        }

        for (int c = 0; c < n; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < n; r++)
            {
                if (Math.Abs(a[r, c]) > Math.Abs(a[pivot, c]))
                {
                    pivot = r;
                }
            }

            for (int k = 0; k < n; k++)
            {
                (a[c, k], a[pivot, k]) = (a[pivot, k], a[c, k]);
                (inverse[c, k], inverse[pivot, k]) = (inverse[pivot, k], inverse[c, k]);
            }

            double scale = 1 / a[c, c];
            for (int k = 0; k < n; k++)
            {
                a[c, k] *= scale;
                inverse[c, k] *= scale;
            }

            for (int r = 0; r < n; r++)
            {
                if (r != c && a[r, c] != 0)
                {
                    double f = a[r, c];
                    for (int k = 0; k < n; k++)
                    {
                        a[r, k] -= f * a[c, k];
                        inverse[r, k] -= f * inverse[c, k];
                    }
                }
            }
        }

        return inverse;
    }
}
