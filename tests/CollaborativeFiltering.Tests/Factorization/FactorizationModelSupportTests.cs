using System.Buffers.Binary;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.Persistence;
using CollaborativeFiltering.Persistence;

namespace CollaborativeFiltering.Tests.Factorization;

/// <summary>The training support a trained model keeps (rating counts, mean), its cold users and items, their fallback predictions, and the support section of the model file.</summary>
public sealed class FactorizationModelSupportTests
{
    public static TheoryData<string> Trainers => new() { "gd", "regularized", "sgd", "als", "implicit" };

    // ------------------------------------------------------------------ support and cold rows

    [Theory]
    [MemberData(nameof(Trainers))]
    public void Fit_EveryTrainer_RecordsEachUsersAndItemsTrainingRatingCount(string trainer)
    {
        FactorizationModel model = Fit(trainer);

        model.UserSupport.ToArray().Should().Equal(2, 2, 0);
        model.ItemSupport.ToArray().Should().Equal(2, 1, 1, 0);
        model.IsColdUser(U(2)).Should().BeTrue();
        model.IsColdUser(U(0)).Should().BeFalse();
        model.IsColdItem(I(3)).Should().BeTrue();
        model.IsColdItem(I(1)).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Trainers))]
    public void Predict_ColdUserOrItem_IsFinite(string trainer)
    {
        FactorizationModel model = Fit(trainer);

        for (int u = 0; u < model.UserCount; u++)
        {
            for (int i = 0; i < model.ItemCount; i++)
            {
                float.IsFinite(model.Predict(U(u), I(i))).Should().BeTrue();
            }
        }
    }

    [Theory]
    [InlineData("gd")]
    [InlineData("regularized")]
    public void Predict_ColdPairNotebookModel_IsTheMeanTrainingRating(string trainer)
    {
        FactorizationModel model = Fit(trainer);

        model.Predict(U(2), I(0)).Should().Be(3f); // (4 + 2 + 5 + 1) / 4
        model.Predict(U(0), I(3)).Should().Be(3f);
        model.Predict(U(2), I(3)).Should().Be(3f);
        model.Predict(U(0), I(0)).Should().NotBe(3f, "a pair of known rows keeps the dot product");
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("als")]
    public void Predict_ColdItemOrUserBiasedModel_IsTheKnownSidesBaseline(string trainer)
    {
        FactorizationModel model = Fit(trainer);
        RatingRange range = model.PredictionRange!.Value;

        model.GetItemEmbedding(I(3)).ToArray().Should().OnlyContain(x => x == 0);
        model.GetUserEmbedding(U(2)).ToArray().Should().OnlyContain(x => x == 0);
        model.ItemBiases[3].Should().Be(0);
        model.UserBiases[2].Should().Be(0);
        model.Predict(U(0), I(3)).Should().BeApproximately(range.Clamp(model.GlobalMean + model.UserBiases[0]), 1e-5f);
        model.Predict(U(2), I(1)).Should().BeApproximately(range.Clamp(model.GlobalMean + model.ItemBiases[1]), 1e-5f);
    }

    [Fact]
    public void FromEmbeddings_HasNoSupportAndNoColdRows()
    {
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(2, 2), 1, [0f, 1f], [0f, 1f]);

        model.UserSupport.IsEmpty.Should().BeTrue();
        model.ItemSupport.IsEmpty.Should().BeTrue();
        model.IsColdUser(U(0)).Should().BeFalse();
        model.IsColdItem(I(0)).Should().BeFalse();
        model.Predict(U(0), I(0)).Should().Be(0f, "without support the dot product is the prediction");
    }

    [Fact]
    public void IsColdItem_IndexOutOfRange_Throws()
    {
        FactorizationModel model = Fit("sgd");

        var act = () => model.IsColdItem(I(4));

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("item");
    }

    // ------------------------------------------------------------------ persistence

    [Theory]
    [MemberData(nameof(Trainers))]
    public void SaveLoad_TrainedModel_KeepsTheSupportAfterItsFlag(string trainer)
    {
        FactorizationModel model = Fit(trainer);

        byte[] bytes = ToBytes(model);
        FactorizationModel loaded = FactorizationModel.Load(new MemoryStream(bytes));

        (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(FactorizationModelFormat.FlagsOffset)) & FactorizationModelFormat.FlagSupport).Should().NotBe(0);
        bytes.Length.Should().Be(ToBytes(WithoutSupport(model)).Length + ((3 + 4) * sizeof(int)) + sizeof(float));
        loaded.UserSupport.ToArray().Should().Equal(2, 2, 0);
        loaded.ItemSupport.ToArray().Should().Equal(2, 1, 1, 0);
        loaded.Predict(U(2), I(3)).Should().Be(model.Predict(U(2), I(3)));
        loaded.Predict(U(0), I(3)).Should().Be(model.Predict(U(0), I(3)));
    }

    [Fact]
    public void Load_FileWithoutTheSupportSection_LoadsAsAModelWithoutSupport()
    {
        // A file written before the support section existed is a file without flag 8: same layout.
        FactorizationModel old = WithoutSupport(Fit("gd"));
        byte[] bytes = ToBytes(old);

        FactorizationModel loaded = FactorizationModel.Load(new MemoryStream(bytes));

        (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(FactorizationModelFormat.FlagsOffset)) & FactorizationModelFormat.FlagSupport).Should().Be(0);
        loaded.ItemSupport.IsEmpty.Should().BeTrue();
        loaded.IsColdItem(I(3)).Should().BeFalse();
        loaded.Predict(U(2), I(3)).Should().Be(old.Predict(U(2), I(3)));
    }

    [Fact]
    public void Load_NegativeSupportCountWithValidChecksums_ThrowsNamingTheOffset()
    {
        byte[] bytes = ToBytes(Fit("sgd"));
        int offset = bytes.Length - 4 - sizeof(float) - sizeof(int); // the last item's count
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset), -1);
        FixChecksums(bytes);

        var act = () => FactorizationModel.Load(new MemoryStream(bytes));

        var e = act.Should().Throw<ModelFormatException>().Which;
        e.Offset.Should().Be(offset);
        e.Message.Should().Contain("training-support count is -1");
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Load_NonFiniteMeanWithValidChecksums_Throws(float mean)
    {
        byte[] bytes = ToBytes(Fit("sgd"));
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(bytes.Length - 8), mean);
        FixChecksums(bytes);

        var act = () => FactorizationModel.Load(new MemoryStream(bytes));

        act.Should().Throw<ModelFormatException>().Which.Message.Should().Contain("mean training rating");
    }

    [Fact]
    public void Load_TruncatedInsideTheSupport_ThrowsNamingIt()
    {
        byte[] bytes = ToBytes(Fit("sgd"));

        var act = () => FactorizationModel.Load(new MemoryStream(bytes[..(bytes.Length - 10)]));

        act.Should().Throw<ModelFormatException>().Which.Message.Should().Contain("inside the training support");
    }

    [Fact]
    public void Load_FlippedByteInTheSupport_Throws()
    {
        byte[] bytes = ToBytes(Fit("als"));
        for (int offset = bytes.Length - 4 - 32; offset < bytes.Length; offset++)
        {
            byte[] damaged = (byte[])bytes.Clone();
            damaged[offset] ^= 0x01;

            var act = () => FactorizationModel.Load(new MemoryStream(damaged));

            act.Should().Throw<ModelFormatException>(because: $"byte {offset} was flipped");
        }
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>Users 1–3 and items 1–4; user 3 and item 4 have no rating.</summary>
    private static RatingsDataset Ratings() =>
        new RatingsDatasetBuilder(Catalog.Sequential(3, 4)).Add("1", "1", 4f).Add("1", "2", 2f).Add("2", "1", 5f).Add("2", "3", 1f).Build();

    private static FactorizationModel Fit(string trainer)
    {
        RatingsDataset ratings = Ratings();
        return trainer switch
        {
            "gd" => new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = 2, Iterations = 20, LearningRate = 0.1, MaxDegreeOfParallelism = 1 }).Fit(ratings),
            "regularized" => new RegularizedFactorizer(new RegularizedOptions { Dimensions = 2, Iterations = 20, LearningRate = 0.1, MaxDegreeOfParallelism = 1 }).Fit(ratings),
            "sgd" => new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 2, Iterations = 10, MaxDegreeOfParallelism = 1 }).Fit(ratings),
            "als" => new AlsFactorizer(new AlsOptions { Dimensions = 2, Iterations = 3, MaxDegreeOfParallelism = 1 }).Fit(ratings),
            _ => new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 2, Iterations = 3, MaxDegreeOfParallelism = 1 }).Fit(ratings),
        };
    }

    private static FactorizationModel WithoutSupport(FactorizationModel model) =>
        new(model.Catalog, model.Dimensions, model.UserEmbeddingArray, model.ItemEmbeddingArray, model.UserBiasArray, model.ItemBiasArray, model.GlobalMean, model.Options, model.PredictionRange, model.TrainingScale);

    private static byte[] ToBytes(FactorizationModel model)
    {
        var stream = new MemoryStream();
        model.Save(stream);
        return stream.ToArray();
    }

    private static void FixChecksums(byte[] bytes)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(FactorizationModelFormat.HeaderChecksumOffset), Crc32C.Compute(bytes.AsSpan(0, FactorizationModelFormat.HeaderChecksumOffset)));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4)));
    }
}
