using System.Buffers.Binary;
using System.IO.Compression;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.Bayesian;
using CollaborativeFiltering.Persistence;

namespace CollaborativeFiltering.Tests.Factorization;

/// <summary>The factorization machine's own model file (<c>CFFMACHN</c>): round trips, damaged and forged files, and the files written before it.</summary>
public sealed partial class BayesianFactorizationMachineTests
{
    private static readonly Lazy<FactorizationMachineModel> EveryBlock = new(() => new BayesianFactorizationMachine(
        Quick with { Blocks = FeatureBlocks.Default | FeatureBlocks.Raters | FeatureBlocks.Time, StoredSamples = 6 }).Fit(Small.Value.Dataset));

    [Fact]
    public void ModelFileSave_EveryBlock_LoadsAsFactorizationMachineWithBitIdenticalPredictionsAndFoldIn()
    {
        FactorizationMachineModel model = EveryBlock.Value;
        model.FeatureGroups.Should().Contain(["user id", "rated items", "occupation", "genres", "raters", "rating time"]);

        var loaded = (FactorizationMachineModel)ModelFile.Load(new MemoryStream(SaveFm(model)));

        loaded.Options.Should().Be(model.Options);
        loaded.FeatureGroups.Should().Equal(model.FeatureGroups);
        loaded.NoisePrecision.Should().Be(model.NoisePrecision);
        loaded.PosteriorSampleCount.Should().Be(6);
        loaded.ItemSupport.ToArray().Should().Equal(model.ItemSupport.ToArray()).And.Equal(Enumerable.Range(0, model.ItemCount).Select(i => Small.Value.Dataset.Count(r => r.Item.Value == i)));
        loaded.DefaultRanking.Should().Be(RankingScore.SupportAware);
        loaded.UserEmbeddings.ToArray().Should().Equal(model.UserEmbeddings.ToArray());
        loaded.ItemBiases.ToArray().Should().Equal(model.ItemBiases.ToArray());
        for (int u = 0; u < model.UserCount; u += 7)
        {
            for (int i = 0; i < model.ItemCount; i += 5)
            {
                loaded.PredictDistribution(U(u), I(i)).Should().Be(model.PredictDistribution(U(u), I(i)));
            }
        }

        UserInfo info = Small.Value.Dataset.Catalog.UserInfos[4];
        loaded.ComputeNewUserQuery([1, 8, 30], [5, 2, 4], info).Should().Equal(model.ComputeNewUserQuery([1, 8, 30], [5, 2, 4], info));
        loaded.ToString().Should().Be(model.ToString());
    }

    [Fact]
    public void ModelFileSave_ToPath_RoundTripsAndRejectsBytesAfterTheModel()
    {
        FactorizationMachineModel model = EveryBlock.Value;
        string path = Path.Combine(Path.GetTempPath(), $"fm-{Guid.NewGuid():N}.cfm");
        try
        {
            ModelFile.Save(model, path);
            ((FactorizationMachineModel)ModelFile.Load(path)).Predict(U(3), I(9)).Should().Be(model.Predict(U(3), I(9)));

            File.AppendAllText(path, "x");
            FluentActions.Invoking(() => ModelFile.Load(path)).Should().Throw<ModelFormatException>().WithMessage("*1 unexpected bytes*");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ModelFileLoad_TruncatedAnywhere_ThrowsModelFormatException()
    {
        byte[] bytes = SaveFm(EveryBlock.Value);
        int fmPart = FmPartLength(bytes);
        var cuts = Enumerable.Range(0, FmModelFormat.HeaderSize + 8).Concat(Enumerable.Range(0, 60).Select(k => k * (bytes.Length - 1) / 59)).Append(fmPart).Append(fmPart + 10);

        foreach (int cut in cuts.Where(c => c < bytes.Length))
        {
            FluentActions.Invoking(() => ModelFile.Load(new MemoryStream(bytes[..cut]))).Should().Throw<ModelFormatException>(because: $"the model was cut after {cut} of {bytes.Length} bytes");
        }
    }

    [Fact]
    public void ModelFileLoad_AnyByteFlipped_ThrowsModelFormatException()
    {
        byte[] bytes = SaveFm(EveryBlock.Value);

        for (int offset = 0; offset < bytes.Length; offset += Math.Max(1, bytes.Length / 400))
        {
            byte[] damaged = (byte[])bytes.Clone();
            damaged[offset] ^= 0x10;
            FluentActions.Invoking(() => ModelFile.Load(new MemoryStream(damaged))).Should().Throw<ModelFormatException>(because: $"byte {offset} was flipped");
        }
    }

    [Fact]
    public void ModelFileLoad_CorruptedContextFreePart_NamesTheByteInTheWholeFile()
    {
        byte[] bytes = SaveFm(EveryBlock.Value);
        int coreAt = FmPartLength(bytes);
        bytes[^10] ^= 1;

        ModelFormatException e = FluentActions.Invoking(() => ModelFile.Load(new MemoryStream(bytes))).Should().Throw<ModelFormatException>().Which;

        e.Message.Should().Contain($"starting at byte {coreAt}").And.Contain("checksum");
        e.Offset.Should().Be(bytes.Length - 4);
    }

    [Theory]
    [InlineData(FmModelFormat.DimensionsOffset, 1_000_000)]
    [InlineData(FmModelFormat.GroupCountOffset, 60_000)]
    [InlineData(FmModelFormat.UserFeatureCountOffset, 100_000_000)]
    [InlineData(FmModelFormat.OptionsLengthOffset, int.MaxValue)]
    [InlineData(FmModelFormat.GroupsLengthOffset, 1_000_000_000)]
    public void ModelFileLoad_ForgedCountThroughGzip_ThrowsWithoutAllocatingIt(int offset, int value)
    {
        byte[] bytes = SaveFm(EveryBlock.Value);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset), value);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(FmModelFormat.HeaderChecksumOffset), Crc32C.Compute(bytes.AsSpan(0, FmModelFormat.HeaderChecksumOffset)));

        foreach (Stream stream in new Stream[] { Gzipped(bytes), new MemoryStream(bytes) })
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            FluentActions.Invoking(() => ModelFile.Load(stream)).Should().Throw<ModelFormatException>();
            (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(16 << 20, "the forged file has only {0} bytes", bytes.Length);
        }
    }

    [Theory]
    [InlineData(float.NaN, "non-finite")]
    [InlineData(float.PositiveInfinity, "non-finite")]
    [InlineData(-1f, "precision")]
    public void ModelFileLoad_ForgedHyperParameterWithValidChecksums_ThrowsNamingIt(float value, string message)
    {
        byte[] bytes = SaveFm(EveryBlock.Value);
        int k = EveryBlock.Value.Dimensions, end = FmPartLength(bytes) - 4;
        int lambdaOfTheLastFactor = end - 4;
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(lambdaOfTheLastFactor), value);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(end), Crc32C.Compute(bytes.AsSpan(0, end)));
        k.Should().BePositive();

        FluentActions.Invoking(() => ModelFile.Load(new MemoryStream(bytes))).Should().Throw<ModelFormatException>()
            .WithMessage($"*{message}*").Which.Offset.Should().Be(lambdaOfTheLastFactor);
    }

    [Fact]
    public void ModelFileLoad_NoisePrecisionNotPositive_ThrowsNamingIt()
    {
        byte[] bytes = SaveFm(EveryBlock.Value);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(FmModelFormat.NoisePrecisionOffset), 0f);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(FmModelFormat.HeaderChecksumOffset), Crc32C.Compute(bytes.AsSpan(0, FmModelFormat.HeaderChecksumOffset)));

        FluentActions.Invoking(() => ModelFile.Load(new MemoryStream(bytes))).Should().Throw<ModelFormatException>().WithMessage("*noise precision*");
    }

    [Fact]
    public void ModelFileLoad_NewerVersion_ThrowsAskingForAnUpgrade()
    {
        byte[] bytes = SaveFm(EveryBlock.Value);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(FmModelFormat.VersionOffset), 2);

        FluentActions.Invoking(() => ModelFile.Load(new MemoryStream(bytes))).Should().Throw<ModelFormatException>().WithMessage("*newer*");
    }

    [Fact]
    public void GroupsProblem_GroupsThatDoNotFitTheModel_AreNamed()
    {
        FactorizationMachineModel model = EveryBlock.Value;
        FmGroupSpec[] groups = model.Groups;
        int userFeatures = model.UserParameterArray.Length / (model.Dimensions + 1);

        FmModelFormat.GroupsProblem(groups, model.UserCount, model.ItemCount, userFeatures).Should().BeNull();
        FmModelFormat.GroupsProblem(groups, model.UserCount + 1, model.ItemCount, userFeatures).Should().Contain("'user id'");
        FmModelFormat.GroupsProblem(groups, model.UserCount, model.ItemCount, userFeatures + 1).Should().Contain("header says");
        FmModelFormat.GroupsProblem([groups[0], groups[0]], model.UserCount, model.ItemCount, userFeatures).Should().Contain("two groups");
        FmModelFormat.GroupsProblem([groups[0] with { Offset = 1 }], model.UserCount, model.ItemCount, userFeatures).Should().Contain("starts at feature 1");
    }

    [Fact]
    public void ModelFileLoad_GroupsThatDoNotFitTheModel_ThrowsModelFormatException()
    {
        FactorizationMachineModel model = EveryBlock.Value;
        FmGroupSpec[] groups = [.. model.Groups.Select(g => g.Kind == FmGroupKind.Age ? g with { Count = g.Count + 1 } : g)];
        var forged = new FactorizationMachineModel(model.ContextFree, model.Options, groups, model.UserParameterArray, model.HyperArray, model.NoisePrecision);

        FluentActions.Invoking(() => ModelFile.Load(new MemoryStream(SaveFm(forged)))).Should().Throw<ModelFormatException>().WithMessage("*'age'*");
    }

    /// <summary>Before the FM had a file of its own, <c>ModelFile.Save</c> wrote its context-free part; such files still load, as factorization models with the same predictions.</summary>
    [Fact]
    public void ModelFileLoad_FileOfTheContextFreePartAsWrittenBefore_LoadsAsFactorizationModel()
    {
        FactorizationMachineModel model = EveryBlock.Value;
        using var stream = new MemoryStream();
        model.ContextFree.Save(stream);

        var loaded = (FactorizationModel)ModelFile.Load(new MemoryStream(stream.ToArray()));

        loaded.PredictDistribution(U(2), I(11)).Should().Be(model.PredictDistribution(U(2), I(11)));
    }

    /// <summary>
    /// An FM file as written before the model kept its training support (its context-free part a version-3
    /// factorization model without flag 64) still loads, predicts the same and ranks by its own scores,
    /// having no support to be support-aware with.
    /// </summary>
    [Fact]
    public void ModelFileLoad_FileWrittenBeforeTheTrainingSupport_LoadsAndRanksByTheModelsScores()
    {
        FactorizationMachineModel model = EveryBlock.Value;
        byte[] bytes = SaveFm(model);
        int fmPart = FmPartLength(bytes);
        byte[] core = bytes[fmPart..];
        BinaryPrimitives.ReadUInt16LittleEndian(core.AsSpan(8)).Should().Be(4);
        int supportBytes = 4 * (model.UserCount + model.ItemCount + 1);
        byte[] older = [.. core.AsSpan(0, core.Length - 4 - supportBytes), 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt16LittleEndian(older.AsSpan(8), 3);
        BinaryPrimitives.WriteUInt16LittleEndian(older.AsSpan(10), (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(older.AsSpan(10)) & ~64));
        BinaryPrimitives.WriteUInt32LittleEndian(older.AsSpan(40), Crc32C.Compute(older.AsSpan(0, 40)));
        BinaryPrimitives.WriteUInt32LittleEndian(older.AsSpan(older.Length - 4), Crc32C.Compute(older.AsSpan(0, older.Length - 4)));

        var loaded = (FactorizationMachineModel)ModelFile.Load(new MemoryStream([.. bytes.AsSpan(0, fmPart), .. older]));

        loaded.ItemSupport.IsEmpty.Should().BeTrue();
        loaded.DefaultRanking.Should().Be(RankingScore.Model);
        loaded.PredictDistribution(U(2), I(11)).Should().Be(model.PredictDistribution(U(2), I(11)));
    }

    private static byte[] SaveFm(FactorizationMachineModel model)
    {
        using var stream = new MemoryStream();
        ModelFile.Save(model, stream);
        return stream.ToArray();
    }

    /// <summary>The length of the FM's own part, up to where the context-free factorization model starts.</summary>
    private static int FmPartLength(byte[] bytes)
    {
        int k = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(FmModelFormat.DimensionsOffset));
        int groups = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(FmModelFormat.GroupCountOffset));
        int features = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(FmModelFormat.UserFeatureCountOffset));
        int options = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(FmModelFormat.OptionsLengthOffset));
        int groupBytes = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(FmModelFormat.GroupsLengthOffset));
        return FmModelFormat.HeaderSize + options + groupBytes + (4 * (k + 1) * (features + (2 * groups))) + 4;
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
