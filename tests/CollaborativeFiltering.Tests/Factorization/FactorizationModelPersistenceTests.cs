using System.Buffers.Binary;
using System.Text;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.Persistence;
using CollaborativeFiltering.Persistence;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed partial class FactorizationModelPersistenceTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cf-persistence-" + Guid.NewGuid().ToString("N"));

    public FactorizationModelPersistenceTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // ------------------------------------------------------------------ round trips

    [Fact]
    public void SaveLoad_Stream_RoundTripsEverythingBitExact()
    {
        FactorizationModel model = RichModel();

        FactorizationModel loaded = FactorizationModel.Load(new MemoryStream(ToBytes(model)));

        AssertBitExact(loaded, model);
    }

    [Fact]
    public void SaveLoad_Path_RoundTripsAndLeavesOnlyTheModelFile()
    {
        FactorizationModel model = RichModel();
        string path = Path.Combine(_directory, "model.cfm");

        model.Save(path);
        FactorizationModel loaded = FactorizationModel.Load(path);

        AssertBitExact(loaded, model);
        Directory.GetFiles(_directory).Select(Path.GetFileName).Should().Equal("model.cfm");
        loaded.Predict("u,2", "i3").Should().Be(model.Predict("u,2", "i3"));
    }

    [Fact]
    public void SaveLoad_NoBiasesNoMetadataNoOptions_RoundTrips()
    {
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(2, 2), 2, [1f, 2f, 3f, 4f], [-1f, 0.5f, 0.25f, -0.125f]);

        FactorizationModel loaded = FactorizationModel.Load(new MemoryStream(ToBytes(model)));

        loaded.HasBiases.Should().BeFalse();
        loaded.UserBiases.IsEmpty.Should().BeTrue();
        loaded.Options.Should().BeNull();
        loaded.Catalog.ItemInfos.Should().BeEmpty();
        loaded.Catalog.UserInfos.Should().BeEmpty();
        loaded.Catalog.Genres.Should().BeEmpty();
        loaded.Catalog.Users.Ids.Should().Equal("1", "2");
        loaded.UserEmbeddings.ToArray().Should().Equal(1f, 2f, 3f, 4f);
        loaded.ItemEmbeddings.ToArray().Should().Equal(-1f, 0.5f, 0.25f, -0.125f);
        loaded.Predict(U(1), I(0)).Should().Be((3f * -1f) + (4f * 0.5f));
    }

    [Fact]
    public void SaveLoad_EmptyCatalogue_RoundTrips()
    {
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(0, 0), 4, [], []);

        FactorizationModel loaded = FactorizationModel.Load(new MemoryStream(ToBytes(model)));

        loaded.UserCount.Should().Be(0);
        loaded.ItemCount.Should().Be(0);
        loaded.Dimensions.Should().Be(4);
    }

    [Fact]
    public void Load_UserInfos_SharesOneStringPerDistinctSexAndOccupation()
    {
        var catalog = new Catalog(IdMap.Sequential(3), IdMap.Sequential(1),
            [new UserInfo("1", 30, "F", "writer", "10001"), new UserInfo("2", null, "F", "writer", null), new UserInfo("3", 41, "M", "writer", "10001")]);
        var model = FactorizationModel.FromEmbeddings(catalog, 1, [1f, 2f, 3f], [1f]);

        FactorizationModel loaded = FactorizationModel.Load(new MemoryStream(ToBytes(model)));

        IReadOnlyList<UserInfo> infos = loaded.Catalog.UserInfos;
        infos.Should().Equal(catalog.UserInfos);
        ReferenceEquals(infos[0].Sex, infos[1].Sex).Should().BeTrue();
        ReferenceEquals(infos[0].Occupation, infos[2].Occupation).Should().BeTrue();
    }

    [Fact]
    public void Save_Stream_Layout_StartsWithMagicVersionAndHeaderFields()
    {
        byte[] bytes = ToBytes(RichModel());

        Encoding.ASCII.GetString(bytes, 0, 8).Should().Be("CFMODEL\0");
        BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)).Should().Be(1);
        BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(10)).Should().Be(FactorizationModelFormat.FlagBiases);
        BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)).Should().Be(3);
        BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(16)).Should().Be(2);
        BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(20)).Should().Be(3);
        BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(24)).Should().Be(3.53f);
        BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4)).Should().Be(Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4)));
        FactorizationModel.FormatVersion.Should().Be(4, "version 2 added the implicit item factors of SVD++, version 3 the posterior samples, version 4 the training support; a model without any of them is still written as version 1");
    }

    [Fact]
    public void Load_Stream_TwoModelsBackToBack_ReadsEachAndStopsAfterItsChecksum()
    {
        FactorizationModel first = RichModel();
        var second = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 1), 1, [2f], [3f]);
        var stream = new MemoryStream();
        first.Save(stream);
        long boundary = stream.Position;
        second.Save(stream);
        stream.Position = 0;

        FactorizationModel a = FactorizationModel.Load(stream);
        stream.Position.Should().Be(boundary);
        FactorizationModel b = FactorizationModel.Load(stream);

        AssertBitExact(a, first);
        b.Predict(U(0), I(0)).Should().Be(6f);
        stream.Position.Should().Be(stream.Length);
    }

    [Fact]
    public void SaveLoad_EveryOptionsRecordOfTheLibrary_RoundTripsWithEqualValues()
    {
        // Every sealed options record found by reflection, with its defaults and with Seed/Dimensions changed.
        foreach (Type type in FactorizationOptionsJson.KnownOptionTypes.Values)
        {
            var options = (FactorizationOptions)Activator.CreateInstance(type)!;
            options = options with { Dimensions = 3, Seed = 12345, Iterations = 17 };
            FactorizationModel model = WithOptions(RichModel(), options);

            FactorizationModel loaded = FactorizationModel.Load(new MemoryStream(ToBytes(model)));

            loaded.Options.Should().NotBeNull();
            loaded.Options!.GetType().Should().Be(type);
            loaded.Options.Should().Be(options, because: $"{type.Name} must round-trip");
            AssertBitExact(loaded, model);
        }
    }

    [Fact]
    public void SaveLoad_GradientDescentOptions_RoundTripsEveryValueExactly()
    {
        var options = new GradientDescentOptions
        {
            Dimensions = 3,
            Iterations = 17,
            Seed = -5,
            MaxDegreeOfParallelism = 3,
            ReportInterval = 4,
            InitStdDev = 1e-300,
            LearningRate = 0.1 + 0.2,
        };
        FactorizationModel model = WithOptions(RichModel(), options);

        FactorizationModel loaded = FactorizationModel.Load(new MemoryStream(ToBytes(model)));

        loaded.Options.Should().BeOfType<GradientDescentOptions>().Which.Should().Be(options);
        ((GradientDescentOptions)loaded.Options!).LearningRate.Should().Be(0.30000000000000004);
        AssertBitExact(loaded, model);
    }

    [Fact]
    public void SaveLoad_RegularizedOptions_RoundTripsEveryValueExactly()
    {
        var options = new RegularizedOptions
        {
            Dimensions = 3,
            Iterations = 9,
            Seed = 77,
            InitStdDev = 0.05,
            LearningRate = 20,
            RegularizationWeight = 1.0 / 3.0,
            GravityWeight = 0,
        };
        FactorizationModel model = WithOptions(RichModel(), options);

        FactorizationModel loaded = FactorizationModel.Load(new MemoryStream(ToBytes(model)));

        loaded.Options.Should().BeOfType<RegularizedOptions>().Which.Should().Be(options);
    }

    [Fact]
    public void SaveLoad_TrainedModel_PredictsIdenticallyAndKeepsItsOptions()
    {
        var ratings = new RatingsDatasetBuilder().Add("a", "x", 4f).Add("a", "y", 2f).Add("b", "x", 5f).Add("b", "z", 1f).Build();
        var options = new GradientDescentOptions { Dimensions = 2, Iterations = 20, LearningRate = 0.1, MaxDegreeOfParallelism = 1 };
        FactorizationModel model = new GradientDescentFactorizer(options).Fit(ratings);
        string path = Path.Combine(_directory, "trained.cfm");

        model.Save(path);
        FactorizationModel loaded = FactorizationModel.Load(path);

        AssertBitExact(loaded, model);
        loaded.Options.Should().Be(options);
        loaded.MeanSquaredError(ratings).Should().Be(model.MeanSquaredError(ratings));
    }

    [Fact]
    public void SaveLoad_PredictionRange_RoundTripsAfterTheBiasesWithItsFlag()
    {
        FactorizationModel plain = RichModel();
        FactorizationModel model = plain.WithPredictionRange(new RatingRange(0.5f, 5f));

        byte[] bytes = ToBytes(model);
        FactorizationModel loaded = FactorizationModel.Load(new MemoryStream(bytes));

        AssertBitExact(loaded, model);
        loaded.PredictionRange.Should().Be(new RatingRange(0.5f, 5f));
        loaded.Predict(U(1), I(2)).Should().Be(model.Predict(U(1), I(2)));
        bytes.Length.Should().Be(ToBytes(plain).Length + 8);
        BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(FactorizationModelFormat.FlagsOffset)).Should().Be(FactorizationModelFormat.FlagBiases | FactorizationModelFormat.FlagPredictionRange);
        BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(bytes.Length - 12)).Should().Be(0.5f);
        BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(bytes.Length - 8)).Should().Be(5f);
    }

    [Fact]
    public void SaveLoad_NoPredictionRange_HasNoFlagAndLoadsWithoutRange()
    {
        byte[] bytes = ToBytes(RichModel());

        FactorizationModel loaded = FactorizationModel.Load(new MemoryStream(bytes));

        (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(FactorizationModelFormat.FlagsOffset)) & FactorizationModelFormat.FlagPredictionRange).Should().Be(0);
        loaded.PredictionRange.Should().BeNull();
        loaded.Predict(U(1), I(2)).Should().Be(RichModel().Predict(U(1), I(2)));
    }

    [Fact]
    public void SaveLoad_TrainedAlsModel_KeepsTheTrainingRange()
    {
        var ratings = new RatingsDatasetBuilder().Add("a", "x", 4f).Add("a", "y", 2f).Add("b", "x", 5f).Add("b", "z", 1.5f).Build();
        FactorizationModel model = new AlsFactorizer(new AlsOptions { Dimensions = 2, Iterations = 3, RegularizationExponent = 0.5 }).Fit(ratings);

        FactorizationModel loaded = FactorizationModel.Load(new MemoryStream(ToBytes(model)));

        loaded.Options.Should().Be(model.Options);
        ((AlsOptions)loaded.Options!).RegularizationExponent.Should().Be(0.5);
        loaded.PredictionRange.Should().Be(new RatingRange(1.5f, 5f));
        loaded.MeanSquaredError(ratings).Should().Be(model.MeanSquaredError(ratings));
    }

    [Fact]
    public void SaveLoad_TrainedPlainModel_KeepsItsRatingScaleWithItsFlag()
    {
        var ratings = new RatingsDatasetBuilder().Add("a", "x", 4f).Add("a", "y", 2f).Add("b", "x", 5f).Add("b", "z", 1.5f).Build();
        FactorizationModel model = new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = 2, Iterations = 3 }).Fit(ratings);

        byte[] bytes = ToBytes(model);
        FactorizationModel loaded = FactorizationModel.Load(new MemoryStream(bytes));

        model.PredictionRange.Should().BeNull("the notebook's model does not clamp");
        loaded.RatingScale.Should().Be(new RatingRange(1.5f, 5f)).And.Be(model.RatingScale);
        BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(FactorizationModelFormat.FlagsOffset)).Should().Be(FactorizationModelFormat.FlagOptions | FactorizationModelFormat.FlagTrainingScale | FactorizationModelFormat.FlagSupport);
        int support = ((2 + 3) * sizeof(int)) + sizeof(float); // the training support follows the scale
        BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(bytes.Length - 12 - support)).Should().Be(1.5f);
        BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(bytes.Length - 8 - support)).Should().Be(5f);
    }

    [Fact]
    public void Load_FileWithoutTrainingScale_LoadsWithoutOne()
    {
        FactorizationModel loaded = FactorizationModel.Load(new MemoryStream(ToBytes(RichModel())));

        loaded.RatingScale.Should().BeNull("files written before flag 8 existed carry no scale");
    }

    [Fact]
    public void Load_CorruptedTrainingScaleWithValidChecksums_ThrowsNamingIt()
    {
        var ratings = new RatingsDatasetBuilder().Add("a", "x", 4f).Add("b", "y", 2f).Build();
        byte[] bytes = ToBytes(new AlsFactorizer(new AlsOptions { Dimensions = 2, Iterations = 2 }).Fit(ratings));
        int support = ((2 + 2) * sizeof(int)) + sizeof(float); // the training support follows the scale
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(bytes.Length - 8 - support), float.NaN);
        FixChecksums(bytes);

        var act = () => FactorizationModel.Load(new MemoryStream(bytes));

        var e = act.Should().Throw<ModelFormatException>().Which;
        e.Offset.Should().Be(bytes.Length - 8 - support);
        e.Message.Should().Contain("training scale's maximum");
    }

    [Theory]
    [InlineData(float.NaN, 5f, 12, "minimum")]
    [InlineData(float.NegativeInfinity, 5f, 12, "minimum")]
    [InlineData(1f, float.PositiveInfinity, 8, "maximum")]
    [InlineData(5f, 1f, 8, "maximum")]
    public void Load_CorruptedPredictionRangeWithValidChecksums_ThrowsNamingTheOffset(float min, float max, int fromEnd, string bound)
    {
        byte[] bytes = ToBytes(RichModel().WithPredictionRange(new RatingRange(1f, 5f)));
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(bytes.Length - 12), min);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(bytes.Length - 8), max);
        FixChecksums(bytes);

        var act = () => FactorizationModel.Load(new MemoryStream(bytes));

        var e = act.Should().Throw<ModelFormatException>().Which;
        e.Offset.Should().Be(bytes.Length - fromEnd);
        e.Message.Should().Contain($"prediction range's {bound}");
    }

    [Fact]
    public void Load_TruncatedInsideThePredictionRange_ThrowsNamingIt()
    {
        byte[] bytes = ToBytes(RichModel().WithPredictionRange(new RatingRange(1f, 5f)));
        byte[] cut = bytes[..(bytes.Length - 9)];

        var seekable = () => FactorizationModel.Load(new MemoryStream(cut));
        var streamed = () => FactorizationModel.Load(new NonSeekableStream(new MemoryStream(cut)));

        seekable.Should().Throw<ModelFormatException>().Which.Message.Should().Contain("inside the prediction range");
        streamed.Should().Throw<ModelFormatException>().Which.Message.Should().Contain("inside the prediction range");
    }

    [Fact]
    public void Load_FlippedByteAtEveryOffsetOfARangedModel_ThrowsModelFormatException()
    {
        byte[] bytes = ToBytes(RichModel().WithPredictionRange(new RatingRange(1f, 5f)));
        for (int offset = 0; offset < bytes.Length; offset++)
        {
            byte[] damaged = (byte[])bytes.Clone();
            damaged[offset] ^= 0x01;

            var act = () => FactorizationModel.Load(new MemoryStream(damaged));

            act.Should().Throw<ModelFormatException>(because: $"byte {offset} was flipped");
        }
    }

    [Fact]
    public void Load_SavedOptionsOutOfRange_ThrowsNamingTheOption()
    {
        var stream = new MemoryStream();
        byte[] section = FactorizationOptionsJson.EncodeSection(typeof(GradientDescentOptions).FullName!, """{"LearningRate":-1}""");
        FactorizationModelFormat.Write(stream, RichModel(), section);
        stream.Position = 0;

        var act = () => FactorizationModel.Load(stream);

        act.Should().Throw<ModelFormatException>().Which.Message.Should().Contain("LearningRate");
    }

    [Fact]
    public void Load_OptionsJsonWithoutSomeProperties_KeepsTheRecordsDefaultsForThem()
    {
        // A file written before an option existed lacks it: the record's own default applies, not 0.
        var stream = new MemoryStream();
        byte[] section = FactorizationOptionsJson.EncodeSection(typeof(GradientDescentOptions).FullName!, """{"LearningRate":3,"Seed":7}""");
        FactorizationModelFormat.Write(stream, RichModel(), section);
        stream.Position = 0;

        var options = (GradientDescentOptions)FactorizationModel.Load(stream).Options!;

        options.Should().Be(new GradientDescentOptions { LearningRate = 3, Seed = 7 });
        options.Dimensions.Should().Be(30);
        options.InitStdDev.Should().Be(0.5);
    }

    [Fact]
    public void Load_FlippedByteInOptionsSection_Throws()
    {
        byte[] bytes = ToBytes(WithOptions(RichModel(), new RegularizedOptions { Dimensions = 3 }));
        int optionsLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(FactorizationModelFormat.OptionsLengthOffset));
        optionsLength.Should().BePositive();
        for (int offset = FactorizationModelFormat.HeaderSize; offset < FactorizationModelFormat.HeaderSize + optionsLength; offset++)
        {
            byte[] damaged = (byte[])bytes.Clone();
            damaged[offset] ^= 0x20;

            var act = () => FactorizationModel.Load(new MemoryStream(damaged));

            act.Should().Throw<ModelFormatException>(because: $"byte {offset} of the options section was flipped");
        }
    }

    [Fact]
    public void KnownOptionTypes_AreTheSealedOptionsRecordsOfTheLibrary()
    {
        FactorizationOptionsJson.KnownOptionTypes.Values.Should().Contain([typeof(GradientDescentOptions), typeof(RegularizedOptions)]);
        FactorizationOptionsJson.KnownOptionTypes.Values.Should().NotContain(typeof(FactorizationOptions));
        foreach (Type type in FactorizationOptionsJson.KnownOptionTypes.Values)
        {
            type.IsSealed.Should().BeTrue();
            type.IsSubclassOf(typeof(FactorizationOptions)).Should().BeTrue();
            type.Assembly.Should().BeSameAs(typeof(FactorizationModel).Assembly);
        }

        // The JSON contract is source-generated, so a new options record must be registered by hand: every one is.
        Type[] records = [.. typeof(FactorizationOptions).Assembly.GetTypes().Where(t => t.IsSealed && t.IsPublic && t.IsSubclassOf(typeof(FactorizationOptions)))];
        FactorizationOptionsJson.KnownOptionTypes.Values.Should().BeEquivalentTo(records);
        FactorizationOptionsJson.KnownOptionTypes.Keys.Should().BeEquivalentTo(records.Select(t => t.FullName));
    }

    [Theory]
    [InlineData("System.Text.StringBuilder")]
    [InlineData("CollaborativeFiltering.Factorization.FactorizationOptions")]
    [InlineData("Evil.Gadget, Evil")]
    public void Load_UnknownOptionsType_ThrowsNamingTheType(string typeName)
    {
        var stream = new MemoryStream();
        FactorizationModelFormat.Write(stream, RichModel(), FactorizationOptionsJson.EncodeSection(typeName, "{}"));
        stream.Position = 0;

        var act = () => FactorizationModel.Load(stream);

        act.Should().Throw<ModelFormatException>()
            .Which.Message.Should().Contain($"'{typeName}'").And.Contain("not one of this library's options records");
    }

    [Fact]
    public void Save_ModelWithOptionsTypeOutsideTheLibrary_ThrowsNotSupported()
    {
        FactorizationModel model = WithOptions(RichModel(), new ForeignOptions());

        var act = () => model.Save(new MemoryStream());

        act.Should().Throw<NotSupportedException>().WithMessage("*ForeignOptions*");
    }

    // ------------------------------------------------------------------ damaged files

    [Fact]
    public void Load_TruncatedAtEverySection_ThrowsNamingTheSection()
    {
        FactorizationModel model = RichModel();
        byte[] bytes = ToBytes(model);
        int catalog = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(FactorizationModelFormat.CatalogLengthOffset));
        int users = FactorizationModelFormat.HeaderSize + catalog;
        int items = users + (2 * 3 * 4);
        int userBiases = items + (3 * 3 * 4);
        int itemBiases = userBiases + (2 * 4);
        int checksum = itemBiases + (3 * 4);
        checksum.Should().Be(bytes.Length - 4);
        (int Length, string Expected)[] cuts =
        [
            (0, "empty"),
            (5, "inside the header"),
            (9, "inside the header"),
            (20, "inside the header"),
            (FactorizationModelFormat.HeaderSize - 1, "inside the header"),
            (FactorizationModelFormat.HeaderSize + 3, "inside the catalogue section"),
            (users - 1, "inside the catalogue section"),
            (users + 5, "inside the user embeddings"),
            (items + 1, "inside the item embeddings"),
            (userBiases + 4, "inside the user biases"),
            (itemBiases + 2, "inside the item biases"),
            (checksum, "inside the checksum"),
            (checksum + 3, "inside the checksum"),
        ];

        foreach ((int length, string expected) in cuts)
        {
            byte[] cut = bytes[..length];
            string path = Path.Combine(_directory, $"cut{length}.cfm");
            File.WriteAllBytes(path, cut);

            foreach (Func<FactorizationModel> load in new Func<FactorizationModel>[]
            {
                () => FactorizationModel.Load(new MemoryStream(cut)),
                () => FactorizationModel.Load(new NonSeekableStream(new MemoryStream(cut))),
                () => FactorizationModel.Load(path),
            })
            {
                load.Should().Throw<ModelFormatException>(because: $"{length} of {bytes.Length} bytes is truncated")
                    .Which.Message.Should().Contain(expected);
            }
        }
    }

    [Fact]
    public void Load_Path_Truncated_MessageNamesFileAndBothLengths()
    {
        byte[] bytes = ToBytes(RichModel());
        string path = Path.Combine(_directory, "short.cfm");
        File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]);

        var act = () => FactorizationModel.Load(path);

        var e = act.Should().Throw<ModelFormatException>().Which;
        e.FilePath.Should().Be(path);
        e.Message.Should().StartWith(path).And.Contain($"{bytes.Length - 10} bytes long").And.Contain($"describes {bytes.Length} bytes");
    }

    [Fact]
    public void Load_FlippedByteAtEveryOffset_ThrowsModelFormatException()
    {
        byte[] bytes = ToBytes(RichModel());
        foreach (byte mask in new byte[] { 0x01, 0xFF })
        {
            for (int offset = 0; offset < bytes.Length; offset++)
            {
                byte[] damaged = (byte[])bytes.Clone();
                damaged[offset] ^= mask;

                var act = () => FactorizationModel.Load(new MemoryStream(damaged));

                act.Should().Throw<ModelFormatException>(because: $"byte {offset} was XORed with 0x{mask:X2}");
            }
        }
    }

    [Fact]
    public void Load_FlippedEmbeddingByte_ReportsChecksumMismatch()
    {
        byte[] bytes = ToBytes(RichModel());
        bytes[bytes.Length - 30] ^= 0x10;

        var act = () => FactorizationModel.Load(new MemoryStream(bytes));

        act.Should().Throw<ModelFormatException>().Which.Message.Should().Contain("corrupted").And.Contain("checksum");
    }

    [Fact]
    public void Load_WrongMagic_Throws()
    {
        byte[] bytes = ToBytes(RichModel());
        "GIF89a"u8.CopyTo(bytes);

        var act = () => FactorizationModel.Load(new MemoryStream(bytes));

        act.Should().Throw<ModelFormatException>().Which.Message.Should().Contain("not a CollaborativeFiltering matrix-factorization model");
    }

    [Fact]
    public void Load_NewerFormatVersion_ThrowsNamingBothVersions()
    {
        byte[] bytes = ToBytes(RichModel());
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(FactorizationModelFormat.VersionOffset), 5);

        var act = () => FactorizationModel.Load(new MemoryStream(bytes));

        var e = act.Should().Throw<ModelFormatException>().Which;
        e.Message.Should().Contain("format version 5 is newer than this library supports (4); upgrade CollaborativeFiltering");
        e.Offset.Should().Be(FactorizationModelFormat.VersionOffset);
    }

    [Fact]
    public void Load_NaNEmbeddingWithValidChecksums_ThrowsAndNeverReturnsNaN()
    {
        byte[] bytes = ToBytes(RichModel());
        int catalog = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(FactorizationModelFormat.CatalogLengthOffset));
        int secondUserValue = FactorizationModelFormat.HeaderSize + catalog + 4;
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(secondUserValue), float.NaN);
        FixChecksums(bytes);

        var act = () => FactorizationModel.Load(new MemoryStream(bytes));

        var e = act.Should().Throw<ModelFormatException>().Which;
        e.Message.Should().Contain("user embeddings").And.Contain("index 1");
        e.Offset.Should().Be(secondUserValue);
    }

    [Fact]
    public void Load_InfiniteGlobalMeanWithValidChecksums_Throws()
    {
        byte[] bytes = ToBytes(RichModel());
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(FactorizationModelFormat.GlobalMeanOffset), float.PositiveInfinity);
        FixChecksums(bytes);

        var act = () => FactorizationModel.Load(new MemoryStream(bytes));

        act.Should().Throw<ModelFormatException>().Which.Message.Should().Contain("global mean");
    }

    [Fact]
    public void Load_Path_BytesAfterTheModel_Throws()
    {
        byte[] bytes = [.. ToBytes(RichModel()), 0, 0, 0];
        string path = Path.Combine(_directory, "long.cfm");
        File.WriteAllBytes(path, bytes);

        var act = () => FactorizationModel.Load(path);

        act.Should().Throw<ModelFormatException>().Which.Message.Should().Contain("3 unexpected bytes");
    }

    // ------------------------------------------------------------------ atomic save

    [Fact]
    public void Save_Path_WriteFailsMidway_LeavesOldModelIntactAndNoTemporaryFile()
    {
        string path = Path.Combine(_directory, "model.cfm");
        FactorizationModel old = RichModel();
        old.Save(path);
        byte[] before = File.ReadAllBytes(path);
        var replacement = FactorizationModel.FromEmbeddings(Catalog.Sequential(50, 50), 8, new float[400], new float[400]);

        var act = () => replacement.Save(path, inner => new FailingStream(inner, failAfter: 1000));

        act.Should().Throw<IOException>().WithMessage("*simulated*");
        File.ReadAllBytes(path).Should().Equal(before);
        AssertBitExact(FactorizationModel.Load(path), old);
        Directory.GetFiles(_directory).Select(Path.GetFileName).Should().Equal("model.cfm");
    }

    [Fact]
    public void Save_Path_DirectoryMissing_ThrowsAndCreatesNothing()
    {
        string path = Path.Combine(_directory, "missing", "model.cfm");

        var act = () => RichModel().Save(path);

        act.Should().Throw<DirectoryNotFoundException>();
        Directory.Exists(Path.Combine(_directory, "missing")).Should().BeFalse();
        Directory.GetFileSystemEntries(_directory).Should().BeEmpty();
    }

    [Fact]
    public void Save_Path_OverExisting_ReplacesIt()
    {
        string path = Path.Combine(_directory, "model.cfm");
        RichModel().Save(path);
        var replacement = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 1), 1, [2f], [5f]);

        replacement.Save(path);

        FactorizationModel.Load(path).Predict(U(0), I(0)).Should().Be(10f);
        Directory.GetFiles(_directory).Should().HaveCount(1);
    }

    [Fact]
    public void Save_Stream_NotWritable_ThrowsArgumentExceptionNamingStream()
    {
        var act = () => RichModel().Save(new MemoryStream([], writable: false));

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("stream");
    }

    [Fact]
    public void Load_Path_Missing_ThrowsFileNotFound()
    {
        var act = () => FactorizationModel.Load(Path.Combine(_directory, "none.cfm"));

        act.Should().Throw<FileNotFoundException>();
    }

    // ------------------------------------------------------------------ checksum

    [Fact]
    public void Crc32C_StandardCheckValue_Matches()
    {
        Crc32C.Compute("123456789"u8).Should().Be(0xE3069283u);
        Crc32C.Compute([]).Should().Be(0u);
    }

    [Fact]
    public void Crc32C_AppendInPieces_EqualsOneShot()
    {
        byte[] data = new byte[1000];
        new Random(7).NextBytes(data);
        var crc = default(Crc32C);
        crc.Append(data.AsSpan(0, 3));
        crc.Append(data.AsSpan(3, 61));
        crc.Append(data.AsSpan(64, 936));

        crc.Value.Should().Be(Crc32C.Compute(data));
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>2 users × 3 items × d=3 with biases, odd floats (subnormal, -0, max), Unicode and odd metadata.</summary>
    private static FactorizationModel RichModel()
    {
        string[] vocabulary = ["Action", "Comédie", "Sci-Fi"];
        var catalog = new Catalog(
            new IdMap(["u1", "u,2"]),
            new IdMap(["i1", "i2", "i3"]),
            [new UserInfo("u1", 24, "M", "technician", "85711"), new UserInfo("u,2")],
            [
                new ItemInfo("i1", "Amélie (2001)", new DateOnly(2001, 4, 25), 2001, ["Comédie"]),
                new ItemInfo("i2", "", null, null, []),
                new ItemInfo("i3", "Tab\there \"quoted\"", null, 1995, ["Sci-Fi", "Action", "Not in vocabulary"]),
            ],
            vocabulary);
        // Odd floats: subnormal, -0, and values near the largest norm a model may hold (1e19, so that scores stay finite).
        float[] users = [1f / 3f, -0f, float.Epsilon, -2.5f, 1e-30f, 9.99e18f];
        float[] items = [0.1f, 0.2f, 0.3f, -1f, 7f, 1e18f, 123.456f, -float.Epsilon, 0f];
        return FactorizationModel.FromEmbeddings(catalog, 3, users, items, [0.25f, -0.75f], [0.5f, -1f / 7f, 2f], 3.53f);
    }

    private static FactorizationModel WithOptions(FactorizationModel model, FactorizationOptions? options) =>
        new(model.Catalog, model.Dimensions, model.UserEmbeddingArray, model.ItemEmbeddingArray, model.UserBiasArray, model.ItemBiasArray, model.GlobalMean, options);

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

    private static int[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (int i = 0; i < bits.Length; i++)
        {
            bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        }

        return bits;
    }

    private static void AssertBitExact(FactorizationModel actual, FactorizationModel expected)
    {
        actual.Dimensions.Should().Be(expected.Dimensions);
        Bits(actual.UserEmbeddings).Should().Equal(Bits(expected.UserEmbeddings));
        Bits(actual.ItemEmbeddings).Should().Equal(Bits(expected.ItemEmbeddings));
        actual.HasBiases.Should().Be(expected.HasBiases);
        Bits(actual.UserBiases).Should().Equal(Bits(expected.UserBiases));
        Bits(actual.ItemBiases).Should().Equal(Bits(expected.ItemBiases));
        BitConverter.SingleToInt32Bits(actual.GlobalMean).Should().Be(BitConverter.SingleToInt32Bits(expected.GlobalMean));
        actual.Options.Should().Be(expected.Options);
        actual.PredictionRange.Should().Be(expected.PredictionRange);

        Catalog a = actual.Catalog;
        Catalog e = expected.Catalog;
        a.Users.Ids.Should().Equal(e.Users.Ids);
        a.Items.Ids.Should().Equal(e.Items.Ids);
        a.Genres.Should().Equal(e.Genres);
        a.UserInfos.Should().Equal(e.UserInfos);
        a.ItemInfos.Should().HaveCount(e.ItemInfos.Count);
        for (int i = 0; i < e.ItemInfos.Count; i++)
        {
            a.ItemInfos[i].Id.Should().Be(e.ItemInfos[i].Id);
            a.ItemInfos[i].Title.Should().Be(e.ItemInfos[i].Title);
            a.ItemInfos[i].ReleaseDate.Should().Be(e.ItemInfos[i].ReleaseDate);
            a.ItemInfos[i].Year.Should().Be(e.ItemInfos[i].Year);
            a.ItemInfos[i].Genres.Should().Equal(e.ItemInfos[i].Genres);
        }
    }

    private sealed record ForeignOptions : FactorizationOptions;

    /// <summary>A read-only stream that cannot seek, like a network stream.</summary>
    private sealed class NonSeekableStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer.Length > 7 ? buffer[..7] : buffer);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
