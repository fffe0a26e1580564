using System.Buffers.Binary;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.Persistence;

namespace CollaborativeFiltering.Tests.Factorization;

/// <summary>Format version 2: the implicit item factors of an SVD++ model (flag 16, after the prediction range and the training scale).</summary>
public sealed partial class FactorizationModelPersistenceTests
{
    [Fact]
    public void SaveLoad_SvdPlusPlusModel_RoundTripsTheImplicitFactorsAsVersion2()
    {
        FactorizationModel model = SvdPlusPlusModel();
        byte[] bytes = ToBytes(model);
        string path = Path.Combine(_directory, "svdpp.cfm");
        ModelFile.Save(model, path);

        FactorizationModel loaded = FactorizationModel.Load(new MemoryStream(bytes));
        var fromFile = (FactorizationModel)ModelFile.Load(path);

        BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(FactorizationModelFormat.VersionOffset)).Should().Be(2);
        BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(FactorizationModelFormat.FlagsOffset)).Should().Be(
            FactorizationModelFormat.FlagBiases | FactorizationModelFormat.FlagOptions | FactorizationModelFormat.FlagPredictionRange | FactorizationModelFormat.FlagTrainingScale | FactorizationModelFormat.FlagImplicitFactors);
        File.ReadAllBytes(path).Should().Equal(bytes);
        foreach (FactorizationModel m in new[] { loaded, fromFile })
        {
            AssertBitExact(m, model);
            Bits(m.ImplicitItemFactors).Should().Equal(Bits(model.ImplicitItemFactors));
            m.Options.Should().BeOfType<SvdPlusPlusOptions>();
            m.RatingScale.Should().Be(model.RatingScale).And.NotBeNull();
            m.ComputeNewUserQuery([1, 4, 6], [5, 2, 4]).Should().Equal(model.ComputeNewUserQuery([1, 4, 6], [5, 2, 4]));
        }
    }

    [Fact]
    public void Save_ModelWithoutImplicitFactorsOrSupport_StaysVersion1()
    {
        FactorizationModel model = WithoutSupport(new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 3, Iterations = 2 }).Fit(FullBatchTestData.Random(10, 8, 0.5, seed: 1)));

        byte[] bytes = ToBytes(model);

        BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(FactorizationModelFormat.VersionOffset)).Should().Be(1, "earlier versions of the library read every model they can hold");
        (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(FactorizationModelFormat.FlagsOffset)) & FactorizationModelFormat.FlagImplicitFactors).Should().Be(0);
        FactorizationModel.Load(new MemoryStream(bytes)).ImplicitItemFactors.IsEmpty.Should().BeTrue();
    }

    [Fact]
    public void Load_ImplicitFactorsFlagInAVersion1File_ThrowsNamingTheFlag()
    {
        byte[] bytes = ToBytes(SvdPlusPlusModel());
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(FactorizationModelFormat.VersionOffset), 1);
        FixChecksums(bytes);

        var e = FluentActions.Invoking(() => FactorizationModel.Load(new MemoryStream(bytes))).Should().Throw<ModelFormatException>().Which;

        e.Offset.Should().Be(FactorizationModelFormat.FlagsOffset);
        e.Message.Should().Contain("version 1").And.Contain("need version 2");
    }

    [Fact]
    public void Load_TruncatedInsideTheImplicitFactors_ThrowsNamingThem()
    {
        byte[] bytes = ToBytes(SvdPlusPlusModel());
        byte[] cut = bytes[..(bytes.Length - 4 - 10)];

        foreach (Func<FactorizationModel> load in new Func<FactorizationModel>[]
        {
            () => FactorizationModel.Load(new MemoryStream(cut)),
            () => FactorizationModel.Load(new NonSeekableStream(new MemoryStream(cut))),
        })
        {
            load.Should().Throw<ModelFormatException>().Which.Message.Should().Contain("inside the implicit item factors");
        }
    }

    [Fact]
    public void Load_NaNImplicitFactorWithValidChecksums_ThrowsNamingTheSection()
    {
        FactorizationModel model = SvdPlusPlusModel();
        byte[] bytes = ToBytes(model);
        int offset = bytes.Length - 4 - (model.ImplicitItemFactors.Length * 4) + 8; // y[2]
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(offset), float.NaN);
        FixChecksums(bytes);

        var e = FluentActions.Invoking(() => FactorizationModel.Load(new MemoryStream(bytes))).Should().Throw<ModelFormatException>().Which;

        e.Message.Should().Contain("implicit item factors").And.Contain("index 2");
        e.Offset.Should().Be(offset);
    }

    [Fact]
    public void Load_HugeImplicitFactorWithValidChecksums_ThrowsNamingTheItem()
    {
        FactorizationModel model = SvdPlusPlusModel();
        byte[] bytes = ToBytes(model);
        int offset = bytes.Length - 4 - (model.ImplicitItemFactors.Length * 4);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(offset), 1e30f);
        FixChecksums(bytes);

        FluentActions.Invoking(() => FactorizationModel.Load(new MemoryStream(bytes))).Should().Throw<ModelFormatException>()
            .Which.Message.Should().Contain("implicit factor of item");
    }

    [Fact]
    public void Load_FlippedByteAtEveryOffsetOfAnSvdPlusPlusModel_ThrowsModelFormatException()
    {
        byte[] bytes = ToBytes(SvdPlusPlusModel());
        for (int offset = 0; offset < bytes.Length; offset++)
        {
            byte[] damaged = (byte[])bytes.Clone();
            damaged[offset] ^= 0x01;

            FluentActions.Invoking(() => FactorizationModel.Load(new MemoryStream(damaged))).Should().Throw<ModelFormatException>(because: $"byte {offset} was flipped");
        }
    }

    [Fact]
    public void WithPredictionRange_SvdPlusPlusModel_KeepsTheImplicitFactors()
    {
        FactorizationModel model = SvdPlusPlusModel();

        FactorizationModel unclamped = model.WithPredictionRange(null);

        Bits(unclamped.ImplicitItemFactors).Should().Equal(Bits(model.ImplicitItemFactors));
        unclamped.ComputeNewUserQuery([0, 3], [4, 1]).Should().Equal(model.ComputeNewUserQuery([0, 3], [4, 1]));
    }

    /// <summary>A trained SVD++ model as a version 2 file holds it: without the training support (flag 32, version 3).</summary>
    private static FactorizationModel SvdPlusPlusModel() => WithoutSupport(TrainedSvdPlusPlusModel());

    private static FactorizationModel TrainedSvdPlusPlusModel() =>
        new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = 3, Iterations = 3, Seed = 3 }).Fit(FullBatchTestData.Random(12, 9, 0.5, seed: 4));

    private static FactorizationModel WithoutSupport(FactorizationModel m) =>
        new(m.Catalog, m.Dimensions, m.UserEmbeddingArray, m.ItemEmbeddingArray, m.UserBiasArray, m.ItemBiasArray, m.GlobalMean, m.Options, m.PredictionRange, m.TrainingScale, m.ImplicitItemFactorArray);

    [Fact]
    public void SaveLoad_TrainedSvdPlusPlusModel_IsVersion4WithImplicitFactorsAndSupport()
    {
        FactorizationModel model = TrainedSvdPlusPlusModel();
        byte[] bytes = ToBytes(model);

        FactorizationModel loaded = FactorizationModel.Load(new MemoryStream(bytes));

        BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(FactorizationModelFormat.VersionOffset)).Should().Be(4);
        Bits(loaded.ImplicitItemFactors).Should().Equal(Bits(model.ImplicitItemFactors));
        loaded.ItemSupport.ToArray().Should().Equal(model.ItemSupport.ToArray()).And.NotBeEmpty();
        loaded.DefaultRanking.Should().Be(RankingScore.SupportAware, "SVD++ fits rating values alone");
    }

    [Fact]
    public void Load_SupportFlagInAVersion2File_ThrowsNamingTheFlag()
    {
        byte[] bytes = ToBytes(TrainedSvdPlusPlusModel());
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(FactorizationModelFormat.VersionOffset), 2);
        FixChecksums(bytes);

        var e = FluentActions.Invoking(() => FactorizationModel.Load(new MemoryStream(bytes))).Should().Throw<ModelFormatException>().Which;

        e.Offset.Should().Be(FactorizationModelFormat.FlagsOffset);
        e.Message.Should().Contain("version 2").And.Contain("training support, flag 0x0040, version 4");
    }
}
