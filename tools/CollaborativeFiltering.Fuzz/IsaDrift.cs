using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Fuzz;

/// <summary>
/// Measures how far results move between instruction sets. <see cref="Dump"/> trains every model on
/// one synthetic set with fixed seeds and writes each model's predictions (ranking scores for the
/// softmax and implicit models) for every user and item; run it under each instruction-set setting,
/// then <see cref="Compare"/> reports the largest differences:
/// <code>
/// dotnet run -c Release --project tools/CollaborativeFiltering.Fuzz -- isa-dump avx512.bin
/// DOTNET_EnableAVX512=0 dotnet run ... -- isa-dump avx2.bin
/// DOTNET_EnableHWIntrinsic=0 dotnet run ... -- isa-dump scalar.bin
/// dotnet run ... -- isa-compare avx512.bin avx2.bin scalar.bin
/// </code>
/// </summary>
public static class IsaDrift
{
    public static void Dump(string path)
    {
        RatingsDataset data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 300, Items = 400, Ratings = 20_000, Seed = 7 }).Dataset;
        (string Name, Func<IEmbeddingModel> Train)[] models =
        [
            ("ALS", () => new AlsFactorizer(new AlsOptions { Iterations = 10 }).Fit(data)),
            ("implicit ALS", () => new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 32, Iterations = 8 }).Fit(data)),
            ("biased SGD", () => new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 32, Iterations = 20 }).Fit(data)),
            ("SVD++", () => new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Iterations = 20 }).Fit(data)),
            ("BPR", () => new BprFactorizer(new BprOptions { Dimensions = 32, Iterations = 20 }).Fit(data)),
            ("plain GD", () => new GradientDescentFactorizer(new GradientDescentOptions { Iterations = 200 }).Fit(data)),
            ("regularized GD", () => new RegularizedFactorizer(new RegularizedOptions { Iterations = 300 }).Fit(data)),
            ("softmax", () => new SoftmaxTrainer(new SoftmaxOptions { Iterations = 300 }).Fit(data)),
            ("BPMF", () => new BayesianMatrixFactorizer(new BayesianMatrixOptions { Iterations = 40, BurnIn = 10 }).Fit(data)),
            ("Bayesian FM", () => new BayesianFactorizationMachine(new FactorizationMachineOptions { Iterations = 40, BurnIn = 10 }).Fit(data)),
        ];

        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(models.Length);
        foreach ((string name, Func<IEmbeddingModel> train) in models)
        {
            IEmbeddingModel model = train();
            writer.Write(name);
            float[] values = Values(model);
            writer.Write(values.Length);
            foreach (float v in values)
            {
                writer.Write(v);
            }
        }
    }

    public static void Compare(string[] paths)
    {
        Dictionary<string, float[]>[] runs = [.. paths.Select(Read)];
        foreach (string name in runs[0].Keys)
        {
            float[] reference = runs[0][name];
            double scale = reference.Max(v => Math.Abs((double)v));
            for (int r = 1; r < runs.Length; r++)
            {
                float[] other = runs[r][name];
                double max = 0;
                for (int k = 0; k < reference.Length; k++)
                {
                    max = Math.Max(max, Math.Abs((double)reference[k] - other[k]));
                }

                Console.WriteLine($"{name,-15} {Path.GetFileNameWithoutExtension(paths[0])} vs {Path.GetFileNameWithoutExtension(paths[r])}: max |difference| {max:E2} over {reference.Length:N0} values (largest |value| {scale:F2}; relative {max / scale:E2})");
            }
        }
    }

    /// <summary>Predictions of every pair for the explicit-rating models, ranking scores (dot + bias) for the others.</summary>
    private static float[] Values(IEmbeddingModel model)
    {
        int n = model.Catalog.UserCount, m = model.Catalog.ItemCount;
        var values = new float[n * m];
        var query = new float[model.Dimensions];
        var scores = new float[m];
        for (int u = 0; u < n; u++)
        {
            if (model is FactorizationModel { Options: not ImplicitAlsOptions } fm)
            {
                for (int i = 0; i < m; i++)
                {
                    values[(u * m) + i] = fm.Predict(new UserIndex(u), new ItemIndex(i));
                }

                continue;
            }

            if (model is FactorizationMachineModel machine)
            {
                for (int i = 0; i < m; i++)
                {
                    values[(u * m) + i] = machine.Predict(new UserIndex(u), new ItemIndex(i));
                }

                continue;
            }

            model.TryGetUserQuery(new UserIndex(u), query);
            Similarity.ScoreAll(model, query, SimilarityMeasure.Dot, scores);
            scores.CopyTo(values, u * m);
        }

        return values;
    }

    private static Dictionary<string, float[]> Read(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        int count = reader.ReadInt32();
        for (int k = 0; k < count; k++)
        {
            string name = reader.ReadString();
            var values = new float[reader.ReadInt32()];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = reader.ReadSingle();
            }

            result[name] = values;
        }

        return result;
    }
}
