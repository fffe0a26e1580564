using System.IO.Compression;
using System.Text;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neighborhood;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Fuzz;

/// <summary>A result that breaks a promise although no exception said so (a NaN, an index out of range).</summary>
public sealed class FuzzFailureException(string message) : Exception(message);

/// <summary>
/// One thing to fuzz: valid inputs written by the library's own writers (<see cref="Seeds"/>), and
/// what to do with a mutated one. <see cref="Run"/> returns normally when the input was accepted and
/// the result keeps every promise (finite values, indices in range), throws one of the
/// <see cref="Expected"/> exception types when it was rejected, and anything else is a finding.
/// </summary>
public sealed record FuzzTarget(string Name, IReadOnlyList<byte[]> Seeds, bool Text, Action<byte[]> Run, Type Expected)
{
    /// <summary>Runs <paramref name="input"/>; returns null when the outcome is allowed, else the unexpected exception.</summary>
    public Exception? Check(byte[] input) => Check(input, out _);

    /// <summary>Runs <paramref name="input"/>; returns null when the outcome is allowed (<paramref name="accepted"/> tells whether the input loaded), else the unexpected exception.</summary>
    public Exception? Check(byte[] input, out bool accepted)
    {
        accepted = false;
        try
        {
            Run(input);
            accepted = true;
            return null;
        }
        catch (Exception e) when (Expected.IsInstanceOfType(e) && e is not FuzzFailureException)
        {
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}

/// <summary>The parsers and model loaders, each with seeds from the library's writers.</summary>
public static class FuzzTargets
{
    private static readonly Lazy<IReadOnlyList<FuzzTarget>> Targets = new(Create);

    /// <summary>Every target.</summary>
    public static IReadOnlyList<FuzzTarget> All => Targets.Value;

    private static IReadOnlyList<FuzzTarget> Create()
    {
        RatingsDataset small = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 8, Items = 12, Ratings = 40, MinRatingsPerUser = 2, Seed = 11, GenreCount = 5 }).Dataset;
        RatingsDataset halves = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 6, Items = 9, Ratings = 30, MinRatingsPerUser = 2, Seed = 12, HalfStars = true }).Dataset;
        (byte[] uData, byte[] uItem, byte[] uUser) = Write100K(small);
        (byte[] ratingsCsv, byte[] moviesCsv) = WriteLatest(halves);
        byte[] ratingsDat = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(uData).Replace("\t", "::", StringComparison.Ordinal));

        byte[][] models = [.. FactorizationModels(small).Select(SaveModel)];
        byte[][] knn = [.. NeighborhoodModels(small, ease: false).Select(SaveAny)];
        byte[][] ease = [.. NeighborhoodModels(small, ease: true).Select(SaveAny)];
        byte[][] softmax = [SaveSoftmax(small)];
        var options = new DelimitedRatingsOptions { HasHeader = true, TimestampColumn = 3 };

        return
        [
            new("FactorizationModel.Load", models, false, bytes => CheckModel(FactorizationModel.Load(new MemoryStream(bytes))), typeof(ModelFormatException)),
            new("FactorizationModel.Load (gzip stream)", models, false, bytes => CheckModel(FactorizationModel.Load(Gzipped(bytes))), typeof(ModelFormatException)),
            new("FactorizationModel.Load (checksums recomputed)", models, false, bytes => CheckModel(FactorizationModel.Load(new MemoryStream(Forge(bytes, FactorizationHeaderChecksumOffset(bytes))))), typeof(ModelFormatException)),
            new("FactorizationModel.Load (checksums recomputed, gzip)", models, false, bytes => CheckModel(FactorizationModel.Load(Gzipped(Forge(bytes, FactorizationHeaderChecksumOffset(bytes))))), typeof(ModelFormatException)),
            new("SoftmaxModel.Load", softmax, false, bytes => CheckModel(SoftmaxModel.Load(new MemoryStream(bytes))), typeof(ModelFormatException)),
            new("SoftmaxModel.Load (checksums recomputed)", softmax, false, bytes => CheckModel(SoftmaxModel.Load(new MemoryStream(Forge(bytes, SoftmaxHeaderChecksumOffset(bytes))))), typeof(ModelFormatException)),
            new("SoftmaxModel.Load (gzip stream)", softmax, false, bytes => CheckModel(SoftmaxModel.Load(Gzipped(bytes))), typeof(ModelFormatException)),
            new("DelimitedRatingsReader.Read", [ratingsCsv], true, bytes => CheckDataset(DelimitedRatingsReader.Read(new MemoryStream(bytes), "fuzz.csv", options)), typeof(RatingsFormatException)),
            new("ModelFile.Load kNN", knn, false, bytes => CheckAnyModel(ModelFile.Load(new MemoryStream(bytes))), typeof(ModelFormatException)),
            new("ModelFile.Load kNN (checksums recomputed)", knn, false, bytes => CheckAnyModel(ModelFile.Load(new MemoryStream(Forge(bytes, 40)))), typeof(ModelFormatException)),
            new("ModelFile.Load kNN (checksums recomputed, gzip)", knn, false, bytes => CheckAnyModel(ModelFile.Load(Gzipped(Forge(bytes, 40)))), typeof(ModelFormatException)),
            new("ModelFile.Load EASE", ease, false, bytes => CheckAnyModel(ModelFile.Load(new MemoryStream(bytes))), typeof(ModelFormatException)),
            new("ModelFile.Load EASE (checksums recomputed)", ease, false, bytes => CheckAnyModel(ModelFile.Load(new MemoryStream(Forge(bytes, 32)))), typeof(ModelFormatException)),
            new("ModelFile.Load EASE (checksums recomputed, gzip)", ease, false, bytes => CheckAnyModel(ModelFile.Load(Gzipped(Forge(bytes, 32)))), typeof(ModelFormatException)),
            new("MovieLens.Load100K u.data", [uData], true, bytes => CheckDataset(MovieLens.Load100K(new MemoryStream(bytes), new MemoryStream(uItem), new MemoryStream(uUser))), typeof(RatingsFormatException)),
            new("MovieLens.Load100K u.item", [uItem], true, bytes => CheckDataset(MovieLens.Load100K(new MemoryStream(uData), new MemoryStream(bytes), new MemoryStream(uUser))), typeof(RatingsFormatException)),
            new("MovieLens.Load100K u.user", [uUser], true, bytes => CheckDataset(MovieLens.Load100K(new MemoryStream(uData), new MemoryStream(uItem), new MemoryStream(bytes))), typeof(RatingsFormatException)),
            new("MovieLens.Load1M ratings.dat", [ratingsDat], true, bytes => CheckDataset(MovieLens.Load1M(new MemoryStream(bytes), null, null)), typeof(RatingsFormatException)),
            new("MovieLens.LoadLatest ratings.csv", [ratingsCsv], true, bytes => CheckDataset(MovieLens.LoadLatest(new MemoryStream(bytes), new MemoryStream(moviesCsv))), typeof(RatingsFormatException)),
            new("MovieLens.LoadLatest movies.csv", [moviesCsv], true, bytes => CheckDataset(MovieLens.LoadLatest(new MemoryStream(ratingsCsv), new MemoryStream(bytes))), typeof(RatingsFormatException)),
        ];
    }

    /// <summary>
    /// A checksum is not a signature: the mutated file with its header CRC (at <paramref name="headerChecksumOffset"/>)
    /// and its final CRC recomputed, as a forger would, so that the mutation reaches the parsers behind them.
    /// </summary>
    public static byte[] Forge(byte[] bytes, int headerChecksumOffset)
    {
        byte[] forged = (byte[])bytes.Clone();
        if (headerChecksumOffset >= 0 && headerChecksumOffset + 4 <= forged.Length)
        {
            BitConverter.TryWriteBytes(forged.AsSpan(headerChecksumOffset), Crc32C(forged.AsSpan(0, headerChecksumOffset)));
        }

        if (forged.Length >= headerChecksumOffset + 8)
        {
            BitConverter.TryWriteBytes(forged.AsSpan(forged.Length - 4), Crc32C(forged.AsSpan(0, forged.Length - 4)));
        }

        return forged;
    }

    /// <summary>Where a factorization file's header checksum is: byte 36, or 40 when the file holds posterior samples (version 3 or 4 with flag 32: the sample count comes first).</summary>
    private static int FactorizationHeaderChecksumOffset(byte[] bytes) =>
        bytes.Length >= 12 && BitConverter.ToUInt16(bytes, 8) >= 3 && (BitConverter.ToUInt16(bytes, 10) & 32) != 0 ? 40 : 36;

    /// <summary>Where a softmax file's header checksum is: after 68 fixed bytes and 4 per hidden layer (the count at byte 52).</summary>
    private static int SoftmaxHeaderChecksumOffset(byte[] bytes) =>
        bytes.Length < 56 ? -1 : 68 + (4 * Math.Clamp(BitConverter.ToInt32(bytes, 52), 0, 64));

    /// <summary>CRC-32C (Castagnoli), the model files' checksum.</summary>
    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0x82F63B78 ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }

    private static IEnumerable<FactorizationModel> FactorizationModels(RatingsDataset data)
    {
        yield return new AlsFactorizer(new AlsOptions { Dimensions = 3, Iterations = 2 }).Fit(data);
        yield return new RegularizedFactorizer(new RegularizedOptions { Dimensions = 2, Iterations = 3 }).Fit(data);
        yield return new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = 2, Iterations = 2 }).Fit(data); // version 2: implicit item factors
        yield return new BprFactorizer(new BprOptions { Dimensions = 2, Iterations = 2 }).Fit(data);
        yield return new BayesianMatrixFactorizer(new BayesianMatrixOptions { Dimensions = 2, Iterations = 4, BurnIn = 1, StoredSamples = 2 }).Fit(data); // version 3: posterior samples
        yield return FactorizationModel.FromEmbeddings(Catalog.Sequential(2, 3), 2, [1f, -0f, 1e-30f, 9e18f], [0.5f, 1f, -2f, 3f, float.Epsilon, 0f]);
    }

    private static IEnumerable<IRecommenderModel> NeighborhoodModels(RatingsDataset data, bool ease)
    {
        if (ease)
        {
            yield return new EaseRecommender(new EaseOptions { Regularization = 3 }).Fit(data);
            yield break;
        }

        yield return new ItemKnnRecommender(new KnnOptions { Shrinkage = 2 }).Fit(data);
        yield return new UserKnnRecommender(new KnnOptions { Similarity = KnnSimilarity.Pearson, Predictor = KnnPredictor.WithMeans, Neighbors = 3, SavedNeighbors = 4, ClipPredictions = false }).Fit(data);
    }

    private static byte[] SaveAny(IRecommenderModel model)
    {
        var stream = new MemoryStream();
        ModelFile.Save(model, stream);
        return stream.ToArray();
    }

    private static byte[] SaveModel(FactorizationModel model)
    {
        var stream = new MemoryStream();
        model.Save(stream);
        return stream.ToArray();
    }

    private static byte[] SaveSoftmax(RatingsDataset data)
    {
        SoftmaxModel model = new SoftmaxTrainer(new SoftmaxOptions { Dimensions = 3, HiddenLayerSizes = [4], ItemEmbeddingDimensions = 3, BatchSize = 4, Iterations = 3, UseGenres = true, UseReleaseYears = true, UseItemBiases = true }).Fit(data);
        var stream = new MemoryStream();
        model.Save(stream);
        return stream.ToArray();
    }

    private static (byte[] Data, byte[] Items, byte[] Users) Write100K(RatingsDataset data)
    {
        string directory = Path.Combine(Path.GetTempPath(), "cf-fuzz-seeds-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            MovieLensWriter.Write100K(data, directory);
            return (File.ReadAllBytes(Path.Combine(directory, "u.data")), File.ReadAllBytes(Path.Combine(directory, "u.item")), File.ReadAllBytes(Path.Combine(directory, "u.user")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static (byte[] Ratings, byte[] Movies) WriteLatest(RatingsDataset data)
    {
        string directory = Path.Combine(Path.GetTempPath(), "cf-fuzz-seeds-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            MovieLensWriter.WriteLatest(data, directory);
            return (File.ReadAllBytes(Path.Combine(directory, "ratings.csv")), File.ReadAllBytes(Path.Combine(directory, "movies.csv")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static GZipStream Gzipped(byte[] bytes)
    {
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        compressed.Position = 0;
        return new GZipStream(compressed, CompressionMode.Decompress);
    }

    /// <summary>A loaded model keeps the promises: finite values, finite predictions and scores.</summary>
    private static void CheckModel(IEmbeddingModel model)
    {
        Require(model.ItemEmbeddings.Length == (long)model.Catalog.ItemCount * model.Dimensions, "item embeddings of the wrong length");
        foreach (float v in model.ItemEmbeddings)
        {
            Require(float.IsFinite(v), "a non-finite item embedding");
        }

        if (model.Catalog.ItemCount > 0 && model.Catalog.UserCount > 0)
        {
            var query = new float[model.Dimensions];
            if (model.TryGetUserQuery(new UserIndex(0), query))
            {
                foreach (Recommendation r in Recommender.RecommendForQuery(model, query, 3))
                {
                    Require(float.IsFinite(r.Score), "a non-finite score");
                }
            }

            if (model is FactorizationModel fm)
            {
                Require(float.IsFinite(fm.Predict(new UserIndex(0), new ItemIndex(0))), "a non-finite prediction");
            }
        }
    }

    /// <summary>
    /// A loaded model of any kind keeps the promises: finite predictions, scores finite or −∞ (an item the
    /// model does not score), recommendations and neighbours that work.
    /// </summary>
    private static void CheckAnyModel(IRecommenderModel model)
    {
        if (model is IEmbeddingModel embedding)
        {
            CheckModel(embedding);
            return;
        }

        int n = model.Catalog.UserCount, m = model.Catalog.ItemCount;
        if (n == 0 || m == 0)
        {
            return;
        }

        var scores = new float[m];
        for (int u = 0; u < Math.Min(n, 4); u++)
        {
            for (int i = 0; i < Math.Min(m, 4); i++)
            {
                Require(float.IsFinite(model.Predict(new UserIndex(u), new ItemIndex(i))), "a non-finite prediction");
            }

            if (model.TryScoreItems(new UserIndex(u), scores))
            {
                Require(scores.All(s => float.IsFinite(s) || float.IsNegativeInfinity(s)), "a NaN or +∞ score");
                foreach (Recommendation r in Recommender.Recommend(model, new UserIndex(u), 3))
                {
                    Require(float.IsFinite(r.Score), "a non-finite recommended score");
                }
            }
        }

        model.ScoreItemsForNewUser([0], [4f], scores);
        Require(scores.All(s => float.IsFinite(s) || float.IsNegativeInfinity(s)), "a NaN or +∞ score for a new user");
        if (model is IItemSimilarityModel)
        {
            Require(Neighbors.NearestItems(model, new ItemIndex(0), 3).Neighbors.All(x => float.IsFinite(x.Score)), "a non-finite neighbour weight");
        }

        if (model is IUserSimilarityModel)
        {
            Require(Neighbors.NearestUsers(model, new UserIndex(0), 3).All(x => float.IsFinite(x.Score)), "a non-finite neighbour similarity");
        }
    }

    /// <summary>A loaded dataset keeps the promises: finite ratings, indices in range.</summary>
    private static void CheckDataset(RatingsDataset data)
    {
        foreach (float v in data.ByUser.Values)
        {
            Require(float.IsFinite(v), "a non-finite rating");
        }

        foreach (int i in data.ByUser.ColumnIndices)
        {
            Require((uint)i < (uint)data.ItemCount, "an item index out of range");
        }

        Require(data.ByItem.Values.Length == data.Count, "item-major view of another size");
    }

    private static void Require(bool condition, string problem)
    {
        if (!condition)
        {
            throw new FuzzFailureException(problem);
        }
    }
}
