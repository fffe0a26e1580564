using System.Buffers.Binary;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Neural.Persistence;
using CollaborativeFiltering.Persistence;

namespace CollaborativeFiltering.Tests.Neural;

public sealed class SoftmaxModelPersistenceTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cf-softmax-persistence-" + Guid.NewGuid().ToString("N"));

    public SoftmaxModelPersistenceTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void SaveLoad_Path_RoundTripsBitExactAndLeavesOnlyTheModelFile()
    {
        SoftmaxModel model = SoftmaxTestData.SmallModel();
        string path = Path.Combine(_directory, "model.cfs");

        model.Save(path);
        SoftmaxModel loaded = SoftmaxModel.Load(path);

        AssertSame(loaded, model);
        Directory.GetFiles(_directory).Select(Path.GetFileName).Should().Equal("model.cfs");
    }

    [Fact]
    public void SaveLoad_StreamWithBytesAround_ReadsOneModelAndStopsAfterIt()
    {
        SoftmaxModel model = TinyModel();
        var stream = new MemoryStream();
        stream.Write([1, 2, 3]);
        model.Save(stream);
        long end = stream.Position;
        stream.Write([9, 9]);
        stream.Position = 3;

        SoftmaxModel loaded = SoftmaxModel.Load(stream);

        stream.Position.Should().Be(end);
        AssertSame(loaded, model);
    }

    [Fact]
    public void SaveLoad_LinearModelWithoutFeaturesOrBiases_RoundTrips()
    {
        RatingsDataset train = SoftmaxTestData.TinyRatings();
        SoftmaxModel model = new SoftmaxTrainer(new SoftmaxOptions { Dimensions = 3, HiddenLayerSizes = [], ItemEmbeddingDimensions = 2, BatchSize = 4, Iterations = 3 }).Fit(train);

        AssertSame(SoftmaxModel.Load(new MemoryStream(ToBytes(model))), model);
    }

    [Fact]
    public void Load_EveryTruncation_ThrowsModelFormatException()
    {
        byte[] bytes = ToBytes(TinyModel());

        for (int length = 0; length < bytes.Length; length += Math.Max(1, length / 8))
        {
            byte[] truncated = bytes[..length];
            var act = () => SoftmaxModel.Load(new MemoryStream(truncated));
            act.Should().Throw<ModelFormatException>($"the model is cut after {length} bytes").Which.Message.Should().MatchRegex("truncated|empty");
        }
    }

    [Fact]
    public void Load_AnyFlippedByte_ThrowsModelFormatException()
    {
        byte[] bytes = ToBytes(TinyModel());

        for (int offset = 0; offset < bytes.Length; offset += 3)
        {
            byte[] corrupted = (byte[])bytes.Clone();
            corrupted[offset] ^= 0x20;
            var act = () => SoftmaxModel.Load(new MemoryStream(corrupted));
            act.Should().Throw<ModelFormatException>($"byte {offset} is flipped");
        }
    }

    [Fact]
    public void Load_NewerVersion_ThrowsNamingIt()
    {
        byte[] bytes = ToBytes(TinyModel());
        bytes[8] = 3;

        var act = () => SoftmaxModel.Load(new MemoryStream(bytes));

        act.Should().Throw<ModelFormatException>().Which.Message.Should().Contain("format version 3 is newer").And.Contain("byte 8");
    }

    [Fact]
    public void SaveLoad_TrainedModel_KeepsItsRatingScaleInVersion2WithFlag2()
    {
        SoftmaxModel model = TinyModel();
        byte[] bytes = ToBytes(model);

        SoftmaxModel loaded = SoftmaxModel.Load(new MemoryStream(bytes));

        model.RatingScale.Should().Be(new RatingRange(4, 4), "every tiny rating is 4");
        loaded.RatingScale.Should().Be(model.RatingScale);
        BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)).Should().Be(2);
        BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(10)).Should().Be(SoftmaxModelFormat.FlagItemBiases | SoftmaxModelFormat.FlagRatingScale);
        BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(bytes.Length - 12)).Should().Be(4f);
        BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(bytes.Length - 8)).Should().Be(4f);
    }

    [Fact]
    public void Load_Version1File_LoadsWithoutAScale_AndEveryRatedItemEntersANewUsersBag()
    {
        SoftmaxModel model = TinyModel();
        byte[] version1 = AsVersion1(ToBytes(model));

        SoftmaxModel loaded = SoftmaxModel.Load(new MemoryStream(version1));

        loaded.RatingScale.Should().BeNull("version 1 did not record the scale");
        loaded.LikedRatingThreshold.Should().BeNull();
        loaded.ItemEmbeddings.ToArray().Should().Equal(model.ItemEmbeddings.ToArray());
        loaded.ComputeNewUserQuery([1, 2], [1, 9]).Should().Equal(model.ComputeQuery([1, 2]), "without a scale any finite value counts and every item enters");
        FluentActions.Invoking(() => loaded.ComputeNewUserQuery([1], [float.NaN])).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("values");
    }

    [Fact]
    public void Load_RatingScaleFlagInAVersion1File_ThrowsNamingTheFlags()
    {
        byte[] bytes = ToBytes(TinyModel());
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 1);
        FixChecksums(bytes);

        var act = () => SoftmaxModel.Load(new MemoryStream(bytes));

        act.Should().Throw<ModelFormatException>().Which.Message.Should().Contain("unknown flags 0x0003").And.Contain("format version 1");
    }

    [Theory]
    [InlineData(float.NaN, 4f, 12, "minimum")]
    [InlineData(4f, float.PositiveInfinity, 8, "maximum")]
    [InlineData(5f, 1f, 8, "maximum")]
    public void Load_CorruptedRatingScaleWithValidChecksums_ThrowsNamingTheOffset(float min, float max, int fromEnd, string bound)
    {
        byte[] bytes = ToBytes(TinyModel());
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(bytes.Length - 12), min);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(bytes.Length - 8), max);
        FixChecksums(bytes);

        var act = () => SoftmaxModel.Load(new MemoryStream(bytes));

        var e = act.Should().Throw<ModelFormatException>().Which;
        e.Offset.Should().Be(bytes.Length - fromEnd);
        e.Message.Should().Contain($"rating scale's {bound}");
    }

    /// <summary>The file a version-1 writer made of the same model: no scale, no flag 2, version 1.</summary>
    private static byte[] AsVersion1(byte[] bytes)
    {
        byte[] v1 = [.. bytes.AsSpan(0, bytes.Length - 12), .. bytes.AsSpan(bytes.Length - 4)];
        BinaryPrimitives.WriteUInt16LittleEndian(v1.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(v1.AsSpan(10), (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(v1.AsSpan(10)) & ~SoftmaxModelFormat.FlagRatingScale));
        FixChecksums(v1);
        return v1;
    }

    /// <summary>Recomputes the header's and the file's CRC-32C after a test edits bytes.</summary>
    private static void FixChecksums(byte[] bytes)
    {
        int hidden = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(SoftmaxModelFormat.HiddenCountOffset));
        int headerChecksum = SoftmaxModelFormat.FixedHeaderSize + (4 * hidden);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(headerChecksum), Crc32C.Compute(bytes.AsSpan(0, headerChecksum)));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4)));
    }

    [Fact]
    public void Load_FactorizationModelFile_SaysWhichLoaderToUse()
    {
        string path = Path.Combine(_directory, "mf.cfm");
        FactorizationModel.FromEmbeddings(Catalog.Sequential(2, 2), 1, [1f, 2f], [3f, 4f]).Save(path);

        var act = () => SoftmaxModel.Load(path);

        act.Should().Throw<ModelFormatException>().Which.Message.Should().Contain("mf.cfm").And.Contain("FactorizationModel.Load");
    }

    [Fact]
    public void Load_Path_TrailingBytes_Throws()
    {
        string path = Path.Combine(_directory, "model.cfs");
        File.WriteAllBytes(path, [.. ToBytes(TinyModel()), 0, 0]);

        var act = () => SoftmaxModel.Load(path);

        act.Should().Throw<ModelFormatException>().Which.Message.Should().Contain("2 unexpected bytes");
    }

    [Fact]
    public void Save_Path_WriteFailsMidway_LeavesOldModelIntactAndNoTemporaryFile()
    {
        string path = Path.Combine(_directory, "model.cfs");
        SoftmaxModel old = TinyModel();
        old.Save(path);
        byte[] before = File.ReadAllBytes(path);

        var act = () => SoftmaxTestData.SmallModel().Save(path, inner => new FailingStream(inner, failAfter: 2000));

        act.Should().Throw<IOException>().WithMessage("*simulated*");
        File.ReadAllBytes(path).Should().Equal(before);
        Directory.GetFiles(_directory).Select(Path.GetFileName).Should().Equal("model.cfs");
    }

    private static SoftmaxModel TinyModel() => new SoftmaxTrainer(new SoftmaxOptions
    {
        Dimensions = 3,
        HiddenLayerSizes = [4, 2],
        ItemEmbeddingDimensions = 2,
        UseGenres = true,
        UseReleaseYears = true,
        UseItemBiases = true,
        BatchSize = 4,
        Iterations = 5,
        Optimizer = SoftmaxOptimizer.Adam,
    }).Fit(SoftmaxTestData.TinyRatings());

    private static byte[] ToBytes(SoftmaxModel model)
    {
        var stream = new MemoryStream();
        model.Save(stream);
        return stream.ToArray();
    }

    private static void AssertSame(SoftmaxModel loaded, SoftmaxModel model)
    {
        SoftmaxTrainerTests.AssertBitIdentical(loaded, model);
        loaded.Options.Should().BeEquivalentTo(model.Options);
        loaded.Catalog.Users.Ids.Should().Equal(model.Catalog.Users.Ids);
        loaded.Catalog.Items.Ids.Should().Equal(model.Catalog.Items.Ids);
        loaded.Catalog.ItemInfos.Should().BeEquivalentTo(model.Catalog.ItemInfos);
        var a = new float[model.Dimensions];
        var b = new float[model.Dimensions];
        for (int u = 0; u < model.UserCount; u++)
        {
            loaded.GetUserItems(U(u)).ToArray().Should().Equal(model.GetUserItems(U(u)).ToArray());
            loaded.TryGetUserQuery(U(u), a);
            model.TryGetUserQuery(U(u), b);
            a.Should().Equal(b);
        }
    }
}
