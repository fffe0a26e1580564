using System.Buffers.Binary;
using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Persistence;

public sealed class RatingsDatasetCacheTests : IDisposable
{
    private const int HeaderSize = 64;

    private readonly string _directory = Directory.CreateTempSubdirectory("cf-cache-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    private static RatingsDataset Sample(bool timestamps)
    {
        RatingsDataset data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 50, Items = 40, Ratings = 900, MinRatingsPerUser = 3, HalfStars = true, Seed = 12 }).Dataset;
        var builder = new RatingsDatasetBuilder(data.Catalog);
        int k = 0;
        foreach (Rating r in data)
        {
            builder.Add(r with { Timestamp = timestamps ? 1_500_000_000L + (k++ * 37) : null });
        }

        return builder.Build();
    }

    private static void ShouldEqual(RatingsDataset actual, RatingsDataset expected)
    {
        actual.Catalog.Users.Ids.Should().Equal(expected.Catalog.Users.Ids);
        actual.Catalog.Items.Ids.Should().Equal(expected.Catalog.Items.Ids);
        actual.Catalog.ItemInfos.Select(i => i.Title).Should().Equal(expected.Catalog.ItemInfos.Select(i => i.Title));
        actual.Count.Should().Be(expected.Count);
        actual.ValueRange.Should().Be(expected.ValueRange);
        actual.HasTimestamps.Should().Be(expected.HasTimestamps);
        actual.ByUser.RowOffsets.ToArray().Should().Equal(expected.ByUser.RowOffsets.ToArray());
        actual.ByUser.ColumnIndices.ToArray().Should().Equal(expected.ByUser.ColumnIndices.ToArray());
        actual.ByUser.Values.ToArray().Should().Equal(expected.ByUser.Values.ToArray());
        actual.ByItem.RowOffsets.ToArray().Should().Equal(expected.ByItem.RowOffsets.ToArray());
        actual.ByItem.ColumnIndices.ToArray().Should().Equal(expected.ByItem.ColumnIndices.ToArray());
        actual.ByItem.Values.ToArray().Should().Equal(expected.ByItem.Values.ToArray());
        actual.Timestamps.ToArray().Should().Equal(expected.Timestamps.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Save_ThenOpen_GivesTheSameDataset(bool timestamps)
    {
        RatingsDataset data = Sample(timestamps);
        string path = PathOf("data.cfd");
        RatingsDatasetCache.Save(data, path);

        RatingsDataset opened = RatingsDatasetCache.Open(path);

        data.HasTimestamps.Should().Be(timestamps);
        ShouldEqual(opened, data);
        opened.LoadReport.Should().BeNull();
        new FileInfo(path).Length.Should().Be(HeaderSize + CatalogLength(path) + (4L * (data.UserCount + 1)) + ((timestamps ? 16L : 8L) * data.Count) + ((timestamps ? 5 : 4) * 4));
    }

    [Fact]
    public void Save_OfASplitsTrainingSet_StoresItsRatingsOnly()
    {
        DatasetSplit split = DatasetSplitter.RandomHoldout(Sample(timestamps: true), 0.2, seed: 1);
        string path = PathOf("train.cfd");
        RatingsDatasetCache.Save(split.Train, path);

        ShouldEqual(RatingsDatasetCache.Open(path), split.Train);
    }

    [Fact]
    public void Save_EmptyDataset_RoundTrips()
    {
        RatingsDataset empty = RatingsDataset.Empty(Catalog.Sequential(3, 2));
        string path = PathOf("empty.cfd");
        RatingsDatasetCache.Save(empty, path);

        RatingsDataset opened = RatingsDatasetCache.Open(path);
        opened.Count.Should().Be(0);
        opened.UserCount.Should().Be(3);
        opened.ItemCount.Should().Be(2);
    }

    [Fact]
    public void Save_Cancelled_LeavesTheExistingFileUntouched()
    {
        string path = PathOf("data.cfd");
        File.WriteAllText(path, "old");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        FluentActions.Invoking(() => RatingsDatasetCache.Save(Sample(timestamps: false), path, cancelled.Token)).Should().Throw<OperationCanceledException>();

        File.ReadAllText(path).Should().Be("old");
        Directory.GetFiles(_directory).Should().ContainSingle();
    }

    [Fact]
    public void Save_PathIsAnExistingFolder_ThrowsArgumentExceptionNamingIt()
    {
        string folder = Directory.CreateDirectory(PathOf("cache")).FullName;

        Action act = () => RatingsDatasetCache.Save(Sample(timestamps: false), folder);

        act.Should().Throw<ArgumentException>().WithParameterName("path").WithMessage($"*'{folder}'*folder*");
        Directory.EnumerateFileSystemEntries(folder).Should().BeEmpty();
    }

    [Fact]
    public void Open_MissingFile_ThrowsFileNotFound()
    {
        FluentActions.Invoking(() => RatingsDatasetCache.Open(PathOf("none.cfd"))).Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void Open_EveryTruncation_ThrowsNamingTheFile()
    {
        string path = PathOf("data.cfd");
        RatingsDatasetCache.Save(Sample(timestamps: true), path);
        byte[] bytes = File.ReadAllBytes(path);
        string cut = PathOf("cut.cfd");
        foreach (int length in new[] { 0, 7, HeaderSize - 1, HeaderSize, HeaderSize + 10, bytes.Length / 2, bytes.Length - 1 })
        {
            File.WriteAllBytes(cut, bytes[..length]);
            var e = FluentActions.Invoking(() => RatingsDatasetCache.Open(cut)).Should().Throw<ModelFormatException>().Which;
            e.FilePath.Should().Be(cut);
            e.Message.Should().MatchRegex("truncated|shorter than", $"a file cut at {length} bytes");
        }
    }

    [Fact]
    public void Open_TrailingBytes_ThrowsSayingSo()
    {
        string path = PathOf("data.cfd");
        RatingsDatasetCache.Save(Sample(timestamps: false), path);
        File.AppendAllText(path, "x");

        FluentActions.Invoking(() => RatingsDatasetCache.Open(path)).Should().Throw<ModelFormatException>().WithMessage("*unexpected bytes*");
    }

    [Fact]
    public void Open_AnyFlippedByte_ThrowsAChecksumOrHeaderError()
    {
        string path = PathOf("data.cfd");
        RatingsDatasetCache.Save(Sample(timestamps: true), path);
        byte[] original = File.ReadAllBytes(path);
        string forged = PathOf("forged.cfd");
        var random = new Random(3);
        for (int trial = 0; trial < 60; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            int at = trial < 8 ? trial * 8 : random.Next(bytes.Length);
            bytes[at] ^= (byte)(1 << random.Next(8));
            File.WriteAllBytes(forged, bytes);
            FluentActions.Invoking(() => RatingsDatasetCache.Open(forged)).Should().Throw<ModelFormatException>($"byte {at} was flipped")
                .Which.FilePath.Should().Be(forged);
        }
    }

    [Fact]
    public void Open_AModelFile_SaysItIsAModelAndWhatLoadsIt()
    {
        string path = PathOf("model.bin");
        byte[] bytes = new byte[256];
        "CFSOFTMX"u8.CopyTo(bytes);
        File.WriteAllBytes(path, bytes);

        FluentActions.Invoking(() => RatingsDatasetCache.Open(path)).Should().Throw<ModelFormatException>()
            .WithMessage("*not a dataset cache*It is a softmax model: load it with SoftmaxModel.Load or ModelFile.Load.");
    }

    [Fact]
    public void Open_NotACache_ThrowsSayingWhatItIs()
    {
        string path = PathOf("ratings.csv");
        File.WriteAllText(path, new string('1', 100));

        FluentActions.Invoking(() => RatingsDatasetCache.Open(path)).Should().Throw<ModelFormatException>().WithMessage("*not a dataset cache*");
    }

    [Fact]
    public void Open_NewerVersion_ThrowsAskingForAnUpgrade()
    {
        string path = PathOf("data.cfd");
        RatingsDatasetCache.Save(Sample(timestamps: false), path);
        byte[] bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 2);
        Reseal(bytes);
        File.WriteAllBytes(path, bytes);

        FluentActions.Invoking(() => RatingsDatasetCache.Open(path)).Should().Throw<ModelFormatException>().WithMessage("*version 2*upgrade*");
    }

    [Theory]
    [InlineData(20, int.MaxValue)] // ratings
    [InlineData(12, int.MaxValue - 1)] // users
    [InlineData(20, -1)]
    public void Open_ForgedCountWithValidHeaderChecksum_ThrowsBeforeAllocating(int offset, int value)
    {
        string path = PathOf("data.cfd");
        RatingsDatasetCache.Save(Sample(timestamps: false), path);
        byte[] bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset), value);
        Reseal(bytes);
        File.WriteAllBytes(path, bytes);

        long before = GC.GetAllocatedBytesForCurrentThread();
        FluentActions.Invoking(() => RatingsDatasetCache.Open(path)).Should().Throw<ModelFormatException>().Which.Message.Should().MatchRegex("header describes|negative");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(1 << 20);
    }

    [Fact]
    public void Open_ForgedContentsWithValidChecksums_ThrowNamingTheProblem()
    {
        RatingsDataset data = Sample(timestamps: false);
        string path = PathOf("data.cfd");
        RatingsDatasetCache.Save(data, path);
        byte[] original = File.ReadAllBytes(path);
        long catalog = CatalogLength(path);
        int offsetsAt = HeaderSize + (int)catalog + 4;
        int itemsAt = offsetsAt + (4 * (data.UserCount + 1)) + 4;
        int valuesAt = itemsAt + (4 * data.Count) + 4;
        int firstRow = data.ByUser.GetRowLength(0);
        firstRow.Should().BeGreaterThan(1);

        Expect(bytes => BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(itemsAt + 4), data.ByUser.ColumnIndices[0]), "strictly ascending");
        Expect(bytes => BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(itemsAt), data.ItemCount), "below");
        Expect(bytes => BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(itemsAt), -5), "below");
        Expect(bytes => BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(valuesAt + 8), float.NaN), "not a finite number");
        Expect(bytes => BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offsetsAt + 4), data.Count + 1), "past the last rating");
        Expect(bytes => BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offsetsAt), 1), "must run from 0");

        void Expect(Action<byte[]> forge, string problem)
        {
            byte[] bytes = (byte[])original.Clone();
            forge(bytes);
            ResealSections(bytes, (int)catalog, data.UserCount, data.Count);
            string forged = PathOf("forged.cfd");
            File.WriteAllBytes(forged, bytes);
            var e = FluentActions.Invoking(() => RatingsDatasetCache.Open(forged)).Should().Throw<ModelFormatException>().Which;
            e.Message.Should().Contain(problem);
            e.Offset.Should().BeGreaterThanOrEqualTo(HeaderSize);
        }
    }

    private static long CatalogLength(string path)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        using var file = File.OpenRead(path);
        file.ReadExactly(header);
        return BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
    }

    /// <summary>Recomputes the header's checksum, as a forger would.</summary>
    private static void Reseal(byte[] bytes) =>
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(60), Crc(bytes.AsSpan(0, 60)));

    /// <summary>Recomputes every section's checksum (no timestamps), as a forger would.</summary>
    private static void ResealSections(byte[] bytes, int catalog, int users, int count)
    {
        int at = HeaderSize;
        foreach (int length in new[] { catalog, 4 * (users + 1), 4 * count, 4 * count })
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + length), Crc(bytes.AsSpan(at, length)));
            at += length + 4;
        }
    }

    /// <summary>CRC-32C, bit by bit (an independent implementation of the file's checksum).</summary>
    private static uint Crc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }

        return ~crc;
    }
}
