using System.Buffers.Binary;
using System.IO.Compression;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Fuzz;
using CollaborativeFiltering.Neighborhood;
using CollaborativeFiltering.Neighborhood.Persistence;

namespace CollaborativeFiltering.Tests.Neighborhood;

/// <summary>
/// The kNN and EASE files through <see cref="ModelFile"/>: a saved model loads as the same model (every
/// prediction, score and neighbour bit for bit), a damaged file is refused by its checksum, and a forged one
/// (checksums recomputed, as anyone can) is refused by the validation behind them with a
/// <see cref="ModelFormatException"/> naming the offset, having allocated in proportion to the bytes that arrived.
/// </summary>
public sealed class NeighborhoodPersistenceTests : IDisposable
{
    private const long AllocationBudget = 16 << 20;

    private readonly string _directory = Directory.CreateTempSubdirectory("cf-neighborhood-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string> Kinds => ["item-knn", "user-knn", "ease"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SaveLoad_AnyNeighborhoodModel_GivesTheSameModelBitForBit(string kind)
    {
        IRecommenderModel model = Fit(kind);
        string path = Path.Combine(_directory, kind + ".cfmodel");

        ModelFile.Save(model, path);
        IRecommenderModel loaded = ModelFile.Load(path);

        loaded.Should().BeOfType(model.GetType());
        loaded.Catalog.IsCompatibleWith(model.Catalog).Should().BeTrue();
        loaded.PredictsRatings.Should().Be(model.PredictsRatings);
        loaded.RatingScale.Should().Be(model.RatingScale);
        loaded.ToString().Should().Be(model.ToString());
        int n = model.Catalog.UserCount, m = model.Catalog.ItemCount;
        for (int u = 0; u < n; u++)
        {
            for (int i = 0; i < m; i++)
            {
                loaded.Predict(U(u), I(i)).Should().Be(model.Predict(U(u), I(i)));
            }

            float[] expected = new float[m], actual = new float[m];
            loaded.TryScoreItems(U(u), actual).Should().Be(model.TryScoreItems(U(u), expected));
            actual.Should().Equal(expected);
        }

        float[] newUser = new float[m], newUserLoaded = new float[m];
        model.ScoreItemsForNewUser([0, 3], [5, 2], newUser);
        loaded.ScoreItemsForNewUser([0, 3], [5, 2], newUserLoaded);
        newUserLoaded.Should().Equal(newUser);
        if (model is IItemSimilarityModel items)
        {
            for (int i = 0; i < m; i++)
            {
                NeighborhoodTestData.Row((IItemSimilarityModel)loaded, i).Should().Equal(NeighborhoodTestData.Row(items, i));
            }
        }

        if (model is IUserSimilarityModel users)
        {
            for (int u = 0; u < n; u++)
            {
                NeighborhoodTestData.Row((IUserSimilarityModel)loaded, u).Should().Equal(NeighborhoodTestData.Row(users, u));
            }
        }
    }

    [Fact]
    public void SaveLoad_KnnOptions_AreKept()
    {
        var options = new KnnOptions { Similarity = KnnSimilarity.AdjustedCosine, Predictor = KnnPredictor.WithMeans, Neighbors = 3, MinNeighbors = 2, MinSupport = 2, Shrinkage = 7.5, SavedNeighbors = 5, NormalizeTopN = false, ClipPredictions = false };
        ItemKnnModel model = new ItemKnnRecommender(options).Fit(Data());

        var loaded = (ItemKnnModel)ModelFile.Load(new MemoryStream(Save(model)));

        loaded.Options.Should().Be(model.Options);
        loaded.PredictionRange.Should().BeNull();
        loaded.NeighborCount.Should().Be(model.NeighborCount);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Load_OneByteFlipped_ThrowsModelFormatException(string kind)
    {
        byte[] bytes = Save(Fit(kind));
        bytes[bytes.Length / 2] ^= 0x10;

        FluentActions.Invoking(() => ModelFile.Load(new MemoryStream(bytes))).Should().Throw<ModelFormatException>().Which.Message.Should().Contain("checksum");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Load_Truncated_ThrowsModelFormatException(string kind)
    {
        byte[] bytes = Save(Fit(kind));

        FluentActions.Invoking(() => ModelFile.Load(new MemoryStream(bytes[..^9]))).Should().Throw<ModelFormatException>();
        FluentActions.Invoking(() => ModelFile.Load(Gzipped(bytes[..^9]))).Should().Throw<ModelFormatException>();
    }

    public static TheoryData<string, int, int> ForgedCounts => new()
    {
        { "item-knn", KnnModelFormat.UserCountOffset, 300_000_000 },
        { "item-knn", KnnModelFormat.RatingCountOffset, int.MaxValue - 1 },
        { "item-knn", KnnModelFormat.NeighborCountOffset, 500_000_000 },
        { "user-knn", KnnModelFormat.ItemCountOffset, 300_000_000 },
        { "user-knn", KnnModelFormat.CatalogLengthOffset, int.MaxValue },
        { "ease", EaseModelFormat.ItemCountOffset, 40_000 },
        { "ease", EaseModelFormat.UserItemCountOffset, int.MaxValue - 1 },
        { "ease", EaseModelFormat.OptionsLengthOffset, int.MaxValue },
    };

    [Theory]
    [MemberData(nameof(ForgedCounts))]
    public void Load_ForgedCountThroughGzip_ThrowsModelFormatExceptionWithoutAllocatingIt(string kind, int offset, int value)
    {
        byte[] bytes = Save(Fit(kind));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset), value);
        bytes = FuzzTargets.Forge(bytes, kind == "ease" ? EaseModelFormat.HeaderChecksumOffset : KnnModelFormat.HeaderChecksumOffset);

        AssertFailsCheaply(() => ModelFile.Load(Gzipped(bytes)), bytes.Length);
        AssertFailsCheaply(() => ModelFile.Load(new MemoryStream(bytes)), bytes.Length);
    }

    [Fact]
    public void Load_ForgedNeighbourOutOfRange_ThrowsNamingTheNeighbourLists()
    {
        byte[] bytes = Save(Fit("item-knn"));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(KnnNeighborsAt(bytes)), 9); // M = 9: one past the last item

        ModelFormatException e = LoadForged(bytes, KnnModelFormat.HeaderChecksumOffset);

        e.Message.Should().Contain("neighbour lists");
        e.Offset.Should().BeGreaterThanOrEqualTo(KnnNeighborsAt(bytes));
    }

    [Fact]
    public void Load_ForgedNaNSimilarity_ThrowsModelFormatException()
    {
        byte[] bytes = Save(Fit("user-knn"));
        int neighbors = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(KnnModelFormat.NeighborCountOffset));
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(KnnNeighborsAt(bytes) + (4 * neighbors)), float.NaN);

        LoadForged(bytes, KnnModelFormat.HeaderChecksumOffset).Message.Should().Contain("neighbour lists");
    }

    [Fact]
    public void Load_ForgedEaseDiagonal_ThrowsNamingTheItem()
    {
        byte[] bytes = Save(Fit("ease"));
        int m = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(EaseModelFormat.ItemCountOffset));
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(EaseWeightsAt(bytes) + (4 * ((2 * m) + 2))), 0.5f);

        ModelFormatException e = LoadForged(bytes, EaseModelFormat.HeaderChecksumOffset);

        e.Message.Should().Contain("item 2 on itself");
        e.Offset.Should().Be(EaseWeightsAt(bytes) + (4 * ((2 * m) + 2)));
    }

    [Fact]
    public void Load_ForgedEaseWeightsWhoseScoresOverflow_ThrowsModelFormatException()
    {
        byte[] bytes = Save(Fit("ease"));
        int m = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(EaseModelFormat.ItemCountOffset));
        int at = EaseWeightsAt(bytes);

        // Two finite weights in column 1 whose sum is beyond single precision: a user who rated items 0 and 2 would score +∞.
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(at + (4 * 1)), float.MaxValue);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(at + (4 * ((2 * m) + 1))), float.MaxValue);

        LoadForged(bytes, EaseModelFormat.HeaderChecksumOffset).Message.Should().Contain("item 1's column").And.Contain("overflow");
    }

    [Fact]
    public void Load_ForgedKnnRangeFlagWithoutClipping_ThrowsModelFormatException()
    {
        byte[] bytes = Save(new ItemKnnRecommender(new KnnOptions { ClipPredictions = false }).Fit(Data()));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(KnnModelFormat.FlagsOffset), 0x8);

        LoadForged(bytes, KnnModelFormat.HeaderChecksumOffset).Message.Should().Contain("flags");
    }

    private static ModelFormatException LoadForged(byte[] bytes, int headerChecksumOffset)
    {
        byte[] forged = FuzzTargets.Forge(bytes, headerChecksumOffset);
        return FluentActions.Invoking(() => ModelFile.Load(new MemoryStream(forged))).Should().Throw<ModelFormatException>().Which;
    }

    /// <summary>Where a kNN file's neighbour indices start (see <see cref="KnnModelFormat"/>'s layout).</summary>
    private static int KnnNeighborsAt(byte[] bytes)
    {
        ReadOnlySpan<byte> b = bytes;
        bool items = b[..8].SequenceEqual("CFITMKNN"u8);
        int n = BinaryPrimitives.ReadInt32LittleEndian(b[KnnModelFormat.UserCountOffset..]);
        int m = BinaryPrimitives.ReadInt32LittleEndian(b[KnnModelFormat.ItemCountOffset..]);
        int r = BinaryPrimitives.ReadInt32LittleEndian(b[KnnModelFormat.RatingCountOffset..]);
        int options = BinaryPrimitives.ReadInt32LittleEndian(b[KnnModelFormat.OptionsLengthOffset..]);
        int catalog = BinaryPrimitives.ReadInt32LittleEndian(b[KnnModelFormat.CatalogLengthOffset..]);
        return KnnModelFormat.HeaderSize + options + catalog + (4 * (n + 1)) + (8 * r) + (8 * (n + m)) + (4 * ((items ? m : n) + 1));
    }

    /// <summary>Where an EASE file's weights start (see <see cref="EaseModelFormat"/>'s layout).</summary>
    private static int EaseWeightsAt(byte[] bytes)
    {
        ReadOnlySpan<byte> b = bytes;
        int n = BinaryPrimitives.ReadInt32LittleEndian(b[EaseModelFormat.UserCountOffset..]);
        int r = BinaryPrimitives.ReadInt32LittleEndian(b[EaseModelFormat.UserItemCountOffset..]);
        int options = BinaryPrimitives.ReadInt32LittleEndian(b[EaseModelFormat.OptionsLengthOffset..]);
        int catalog = BinaryPrimitives.ReadInt32LittleEndian(b[EaseModelFormat.CatalogLengthOffset..]);
        return EaseModelFormat.HeaderSize + options + catalog + (4 * (n + 1)) + (4 * r);
    }

    private static RatingsDataset Data() => NeighborhoodTestData.Random(12, 9, 0.5, seed: 3);

    private static IRecommenderModel Fit(string kind) => kind switch
    {
        "item-knn" => new ItemKnnRecommender(new KnnOptions { Shrinkage = 2 }).Fit(Data()),
        "user-knn" => new UserKnnRecommender(new KnnOptions { Similarity = KnnSimilarity.Pearson, Predictor = KnnPredictor.WithMeans, Neighbors = 3 }).Fit(Data()),
        _ => new EaseRecommender(new EaseOptions { Regularization = 3 }).Fit(Data()),
    };

    private static byte[] Save(IRecommenderModel model)
    {
        var stream = new MemoryStream();
        ModelFile.Save(model, stream);
        return stream.ToArray();
    }

    private static void AssertFailsCheaply(Action load, int fileLength)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        load.Should().Throw<ModelFormatException>();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        allocated.Should().BeLessThan(AllocationBudget, "the forged file has only {0} bytes", fileLength);
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
}
