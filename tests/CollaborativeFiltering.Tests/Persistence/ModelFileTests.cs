using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Tests.Neural;
using CollaborativeFiltering.Tests.Scoring;

namespace CollaborativeFiltering.Tests.Persistence;

/// <summary>ModelFile: one loader that tells the format from the file's first bytes, and one saver for every model of the library.</summary>
public sealed class ModelFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cf-modelfile-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Load_FactorizationModelFile_ReturnsTheFactorizationModel()
    {
        FactorizationModel model = ScoringTestModels.Random(12, 9, 3, biases: true, seed: 1).WithPredictionRange(new RatingRange(1, 5));
        string path = Path.Combine(_directory, "mf.bin");
        model.Save(path);

        IRecommenderModel loaded = ModelFile.Load(path);

        FactorizationModel typed = loaded.Should().BeOfType<FactorizationModel>().Subject;
        typed.UserEmbeddings.ToArray().Should().Equal(model.UserEmbeddings.ToArray());
        typed.ItemBiases.ToArray().Should().Equal(model.ItemBiases.ToArray());
        typed.PredictionRange.Should().Be(model.PredictionRange);
    }

    [Fact]
    public void Load_SoftmaxModelFile_ReturnsTheSoftmaxModel()
    {
        SoftmaxModel model = SoftmaxTestData.SmallModel();
        string path = Path.Combine(_directory, "softmax.bin");
        model.Save(path);

        IRecommenderModel loaded = ModelFile.Load(path);

        SoftmaxModel typed = loaded.Should().BeOfType<SoftmaxModel>().Subject;
        typed.ItemEmbeddings.ToArray().Should().Equal(model.ItemEmbeddings.ToArray());
        typed.UserEmbeddings.ToArray().Should().Equal(model.UserEmbeddings.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_Streams_ReadEitherKindAndStopAfterTheModel(bool seekable)
    {
        FactorizationModel factorization = ScoringTestModels.MovieModel();
        SoftmaxModel softmax = SoftmaxTestData.SmallModel();
        var buffer = new MemoryStream();
        ModelFile.Save(softmax, buffer);
        ModelFile.Save(factorization, buffer);
        buffer.WriteByte(42);
        buffer.Position = 0;
        Stream stream = seekable ? buffer : new ForwardOnlyStream(buffer);

        IRecommenderModel first = ModelFile.Load(stream);
        IRecommenderModel second = ModelFile.Load(stream);

        first.Should().BeOfType<SoftmaxModel>().Which.ItemEmbeddings.ToArray().Should().Equal(softmax.ItemEmbeddings.ToArray());
        second.Should().BeOfType<FactorizationModel>().Which.ItemEmbeddings.ToArray().Should().Equal(factorization.ItemEmbeddings.ToArray());
        stream.ReadByte().Should().Be(42, "each model is read to its checksum and no further");
    }

    [Fact]
    public void Load_NotAModel_ThrowsNamingTheFileAndBothFormats()
    {
        string path = Path.Combine(_directory, "notes.txt");
        File.WriteAllText(path, "hello, this is not a model");

        Action act = () => ModelFile.Load(path);

        ModelFormatException e = act.Should().Throw<ModelFormatException>().Which;
        e.FilePath.Should().Be(path);
        e.Offset.Should().Be(0);
        e.Message.Should().Contain("CFMODEL").And.Contain("CFSOFTMX");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void Load_EmptyOrTruncatedMagic_ThrowsModelFormatException(int length)
    {
        string path = Path.Combine(_directory, "short.bin");
        File.WriteAllBytes(path, "CFSOFTMX"u8[..length].ToArray());

        Action act = () => ModelFile.Load(path);

        act.Should().Throw<ModelFormatException>().Which.FilePath.Should().Be(path);
    }

    [Fact]
    public void Save_WritesEachModelInItsOwnFormat()
    {
        string mf = Path.Combine(_directory, "a.bin"), net = Path.Combine(_directory, "b.bin");

        ModelFile.Save(ScoringTestModels.MovieModel(), mf);
        ModelFile.Save(SoftmaxTestData.SmallModel(), net);

        FactorizationModel.Load(mf).Dimensions.Should().Be(2);
        SoftmaxModel.Load(net).Dimensions.Should().Be(SoftmaxTestData.SmallModel().Dimensions);
    }

    [Fact]
    public void Save_AModelOfAnotherLibrary_ThrowsNotSupported()
    {
        Action act = () => ModelFile.Save(new ForeignModel(), Path.Combine(_directory, "x.bin"));

        act.Should().Throw<NotSupportedException>().WithMessage("*ForeignModel*");
        Directory.EnumerateFiles(_directory).Should().BeEmpty();
    }

    [Fact]
    public void Save_PathIsAnExistingFolder_ThrowsArgumentExceptionNamingItBeforeWriting()
    {
        string folder = Directory.CreateDirectory(Path.Combine(_directory, "models")).FullName;

        Action act = () => ModelFile.Save(ScoringTestModels.MovieModel(), folder);

        act.Should().Throw<ArgumentException>().WithParameterName("path").WithMessage($"*'{folder}'*folder*");
        Directory.EnumerateFileSystemEntries(_directory).Should().Equal(folder);
        Directory.EnumerateFileSystemEntries(folder).Should().BeEmpty();
    }

    [Fact]
    public void Save_FolderMissing_ThrowsDirectoryNotFoundNamingTheFolderNotATemporaryFile()
    {
        string folder = Path.Combine(_directory, "missing");

        Action act = () => ModelFile.Save(ScoringTestModels.MovieModel(), Path.Combine(folder, "model.bin"));

        act.Should().Throw<DirectoryNotFoundException>().WithMessage($"*'{folder}'*")
            .Which.Message.Should().NotContain(".tmp");
    }

    [Theory]
    [InlineData("CFSOFTMX", "It is a softmax model: load it with SoftmaxModel.Load or ModelFile.Load.")]
    [InlineData("CFITMKNN", "It is an item-kNN model: load it with ModelFile.Load.")]
    [InlineData("CFUSRKNN", "It is a user-kNN model: load it with ModelFile.Load.")]
    [InlineData("CFEASE\0\0", "It is an EASE model: load it with ModelFile.Load.")]
    [InlineData("CFFMACHN", "It is a Bayesian factorization machine: load it with ModelFile.Load.")]
    [InlineData("CFDATA\0\0", "It is a dataset cache: open it with RatingsDatasetCache.Open.")]
    public void FactorizationModelLoad_FileOfAnotherKind_NamesItsKindAndItsLoader(string magic, string hint)
    {
        // Said before: "not a CollaborativeFiltering model", of a file the library wrote itself.
        byte[] bytes = new byte[256];
        System.Text.Encoding.ASCII.GetBytes(magic).CopyTo(bytes, 0);

        Action act = () => FactorizationModel.Load(new MemoryStream(bytes));

        act.Should().Throw<ModelFormatException>().Which.Message.Should().EndWith(hint).And.Contain("not a CollaborativeFiltering matrix-factorization model");
    }

    [Theory]
    [InlineData("CFMODEL\0", "It is a matrix-factorization model: load it with FactorizationModel.Load or ModelFile.Load.")]
    [InlineData("CFFMACHN", "It is a Bayesian factorization machine: load it with ModelFile.Load.")]
    public void SoftmaxModelLoad_FileOfAnotherKind_NamesItsKindAndItsLoader(string magic, string hint)
    {
        byte[] bytes = new byte[256];
        System.Text.Encoding.ASCII.GetBytes(magic).CopyTo(bytes, 0);

        Action act = () => SoftmaxModel.Load(new MemoryStream(bytes));

        act.Should().Throw<ModelFormatException>().Which.Message.Should().EndWith(hint);
    }

    [Fact]
    public void Load_DatasetCache_SaysWhatOpensIt()
    {
        string path = Path.Combine(_directory, "ratings.cfdata");
        RatingsDatasetCache.Save(SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 20, Items = 10, Ratings = 100, MinRatingsPerUser = 2, Seed = 1 }).Dataset, path);

        Action act = () => ModelFile.Load(path);

        act.Should().Throw<ModelFormatException>().WithMessage("*none of the library's magic bytes*It is a dataset cache: open it with RatingsDatasetCache.Open.");
    }

    private sealed class ForeignModel : IRecommenderModel
    {
        public Catalog Catalog { get; } = Catalog.Sequential(1, 1);

        public bool PredictsRatings => true;

        public RatingRange? RatingScale => null;

        public float Predict(UserIndex user, ItemIndex item) => 0;

        public bool TryScoreItems(UserIndex user, Span<float> scores) => false;

        public void ScoreItemsForNewUser(ReadOnlySpan<int> items, ReadOnlySpan<float> values, Span<float> scores) => scores.Clear();
    }

    /// <summary>A stream that cannot seek and returns at most 5 bytes per read, like a slow network stream.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer) => inner.Read(buffer.Length > 5 ? buffer[..5] : buffer);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
