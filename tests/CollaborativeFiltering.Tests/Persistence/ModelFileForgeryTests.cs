using System.Buffers.Binary;
using System.IO.Compression;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.Persistence;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Neural.Persistence;
using CollaborativeFiltering.Persistence;
using CollaborativeFiltering.Tests.Neural;

namespace CollaborativeFiltering.Tests.Persistence;

/// <summary>
/// A checksum is not a signature: anyone can forge a header and recompute its CRC. These tests forge
/// counts and section lengths in both model formats, recompute the header checksum, and read the
/// result through a non-seekable stream (gzip, where the loader cannot compare the header's sizes with
/// the stream's length first). The load must fail with <see cref="ModelFormatException"/> having
/// allocated in proportion to the bytes that actually arrived, never what the header claims.
/// </summary>
public sealed class ModelFileForgeryTests
{
    /// <summary>Far below what any forged count would allocate (GiBs), far above the few KB read.</summary>
    private const long AllocationBudget = 16 << 20;

    public static TheoryData<int, int> FactorizationForgeries => new()
    {
        { FactorizationModelFormat.UserCountOffset, 200_000_000 },
        { FactorizationModelFormat.ItemCountOffset, int.MaxValue / 4 },
        { FactorizationModelFormat.CatalogLengthOffset, int.MaxValue },
        { FactorizationModelFormat.DimensionsOffset, 1_000_000 },
    };

    [Theory]
    [MemberData(nameof(FactorizationForgeries))]
    public void FactorizationLoad_ForgedCountThroughGzip_ThrowsModelFormatExceptionWithoutAllocatingIt(int offset, int value)
    {
        byte[] bytes = Save(AlsModel());
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset), value);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(FactorizationModelFormat.HeaderChecksumOffset), Crc32C.Compute(bytes.AsSpan(0, FactorizationModelFormat.HeaderChecksumOffset)));

        AssertFailsCheaply(() => FactorizationModel.Load(Gzipped(bytes)), bytes.Length);
        AssertFailsCheaply(() => FactorizationModel.Load(new MemoryStream(bytes)), bytes.Length);
    }

    public static TheoryData<int, int> SoftmaxForgeries => new()
    {
        { 16, 300_000_000 },       // N users (user offsets N+1 ints)
        { 20, 100_000_000 },       // M items
        { 60, int.MaxValue },      // catalogue length
        { 64, int.MaxValue - 1 },  // user-item count
    };

    [Theory]
    [MemberData(nameof(SoftmaxForgeries))]
    public void SoftmaxLoad_ForgedCountThroughGzip_ThrowsModelFormatExceptionWithoutAllocatingIt(int offset, int value)
    {
        SoftmaxModel model = SoftmaxTestData.SmallModel();
        var stream = new MemoryStream();
        model.Save(stream);
        byte[] bytes = stream.ToArray();
        int checksumOffset = SoftmaxModelFormat.FixedHeaderSize + (4 * model.Options.HiddenLayerSizes.Count);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset), value);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(checksumOffset), Crc32C.Compute(bytes.AsSpan(0, checksumOffset)));

        AssertFailsCheaply(() => SoftmaxModel.Load(Gzipped(bytes)), bytes.Length);
        AssertFailsCheaply(() => SoftmaxModel.Load(new MemoryStream(bytes)), bytes.Length);
    }

    [Fact]
    public void FactorizationLoad_ThroughGzip_RoundTripsAModelLargerThanOneReadChunk()
    {
        // 3,000 × 128 floats per table: several of the reader's 1 MiB chunks, so the growing path runs.
        var catalog = Catalog.Sequential(3000, 3000);
        var random = new Random(7);
        float[] users = [.. Enumerable.Range(0, 3000 * 128).Select(_ => (float)random.NextDouble() - 0.5f)];
        float[] items = [.. Enumerable.Range(0, 3000 * 128).Select(_ => (float)random.NextDouble() - 0.5f)];
        var model = FactorizationModel.FromEmbeddings(catalog, 128, users, items);

        FactorizationModel loaded = FactorizationModel.Load(Gzipped(Save(model)));

        loaded.UserEmbeddings.ToArray().Should().Equal(users);
        loaded.ItemEmbeddings.ToArray().Should().Equal(items);
    }

    private static void AssertFailsCheaply(Action load, int fileLength)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        load.Should().Throw<ModelFormatException>();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        allocated.Should().BeLessThan(AllocationBudget, "the forged file has only {0} bytes", fileLength);
    }

    private static FactorizationModel AlsModel()
    {
        RatingsDataset data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 30, Items = 40, Ratings = 600, MinRatingsPerUser = 5, Seed = 2 }).Dataset;
        return new AlsFactorizer(new AlsOptions { Dimensions = 4, Iterations = 2 }).Fit(data);
    }

    private static byte[] Save(FactorizationModel model)
    {
        var stream = new MemoryStream();
        model.Save(stream);
        return stream.ToArray();
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
