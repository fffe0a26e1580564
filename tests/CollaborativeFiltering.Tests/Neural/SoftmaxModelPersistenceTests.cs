using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neural;

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
        bytes[8] = 2;

        var act = () => SoftmaxModel.Load(new MemoryStream(bytes));

        act.Should().Throw<ModelFormatException>().Which.Message.Should().Contain("format version 2 is newer").And.Contain("byte 8");
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
