using System.Text;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;
using TempDir = CollaborativeFiltering.Tests.Data.MovieLensLoaderTests.TempDir;

namespace CollaborativeFiltering.Tests.Data;

/// <summary>A training and a test file read over one catalogue, and ids missing from a given catalogue.</summary>
public sealed class DelimitedRatingsReaderSplitTests
{
    private const string Train = "u1,i1,4\nu1,i2,3\nu2,i1,5\nu2,i3,2\n";
    private const string Test = "u2,i2,4\nu3,i4,1\nu1,i3,5\n";

    private static readonly DelimitedRatingsOptions Csv = DelimitedRatingsOptions.Default;

    private static MemoryStream Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void ReadSplit_ItemsAndUsersOnlyInTheTestFile_JoinTheOneSharedCatalogue()
    {
        using var dir = new TempDir();
        string train = dir.Write("train.csv", Train), test = dir.Write("test.csv", Test);

        DatasetSplit split = DelimitedRatingsReader.ReadSplit(train, test, Csv);

        split.Test.Catalog.Should().BeSameAs(split.Train.Catalog);
        split.Train.Catalog.Users.Ids.Should().Equal("u1", "u2", "u3");
        split.Train.Catalog.Items.Ids.Should().Equal("i1", "i2", "i3", "i4");
        (split.Train.Count, split.Test.Count).Should().Be((4, 3));
        split.Train.ByItem.GetRowLength(3).Should().Be(0, "i4 is only in the test file");
        split.Train.LoadReport!.Files.Select(f => (Path.GetFileName(f.Source), f.Records)).Should().Equal(("train.csv", 4), ("test.csv", 3));
        split.Test.LoadReport.Should().BeSameAs(split.Train.LoadReport);
    }

    [Fact]
    public void ReadSplit_ModelTrainedOnTheTrainingFile_ScoresTheTestFile()
    {
        DatasetSplit split = DelimitedRatingsReader.ReadSplit(Bytes(Train), "train", Bytes(Test), "test", Csv);

        FactorizationModel model = new GradientDescentFactorizer(new GradientDescentOptions { Dimensions = 2, Iterations = 5, LearningRate = 0.1, Seed = 1 }).Fit(split.Train, validation: split.Test);
        RegressionResult errors = RegressionMetrics.Compute(model, split.Test);

        errors.Count.Should().Be(3);
        double.IsFinite(errors.Rmse).Should().BeTrue();
    }

    [Fact]
    public void ReadSplit_StreamsAndFiles_GiveTheSameSplit()
    {
        using var dir = new TempDir();
        DatasetSplit fromFiles = DelimitedRatingsReader.ReadSplit(dir.Write("a.csv", Train), dir.Write("b.csv", Test), Csv);

        DatasetSplit fromStreams = DelimitedRatingsReader.ReadSplit(Bytes(Train), "a.csv", Bytes(Test), "b.csv", Csv);

        fromStreams.Train.Should().Equal(fromFiles.Train);
        fromStreams.Test.Should().Equal(fromFiles.Test);
        fromStreams.Train.Catalog.IsCompatibleWith(fromFiles.Train.Catalog).Should().BeTrue();
    }

    [Fact]
    public void ReadSplit_ErrorInTheTestStream_NamesIt()
    {
        Action act = () => DelimitedRatingsReader.ReadSplit(Bytes(Train), "train", Bytes("u1,i1,4\nu2,i2,x\n"), "the test half", Csv);

        RatingsFormatException e = act.Should().Throw<RatingsFormatException>().Which;
        e.Message.Should().StartWith("the test half, line 2, column 3:");
    }

    [Fact]
    public void ReadSplit_GivenCatalogue_IsTheCatalogueOfBothParts()
    {
        var catalog = new Catalog(new IdMap(["u1", "u2", "u3"]), new IdMap(["i1", "i2", "i3", "i4", "i5"]));

        DatasetSplit split = DelimitedRatingsReader.ReadSplit(Bytes(Train), "train", Bytes(Test), "test", Csv, catalog);

        split.Train.Catalog.Should().BeSameAs(catalog);
        split.Test.Catalog.Should().BeSameAs(catalog);
    }

    [Fact]
    public void Read_IdMissingFromTheCatalogueWithSkip_SkipsTheLineAndReportsIt()
    {
        var catalog = new Catalog(new IdMap(["u1", "u2"]), new IdMap(["i1", "i2"]));
        var options = new DelimitedRatingsOptions { UnknownIds = UnknownIdPolicy.Skip };

        RatingsDataset ds = DelimitedRatingsReader.Read(Bytes("u1,i1,4\nu9,i1,3\nu2,i7,5\nu2,i2,1\n"), "mem.csv", options, catalog);

        ds.Count.Should().Be(2);
        ds.LoadReport!.SkippedRatings.Should().Be(2);
        LoadWarning warning = ds.LoadReport.Warnings.Should().ContainSingle().Which;
        warning.ToString().Should().StartWith("mem.csv, line 2, column 1: 2 rating(s) of this file name an id missing from the catalogue and were skipped; the first: a user id 'u9' not listed in the given catalogue");
    }

    [Fact]
    public void Read_SkipButEveryLineUnknown_SaysAllWereSkipped()
    {
        var catalog = new Catalog(new IdMap(["u1"]), new IdMap(["i1"]));

        Action act = () => DelimitedRatingsReader.Read(Bytes("u9,i1,3\nu1,i9,5\n"), "mem.csv", new DelimitedRatingsOptions { UnknownIds = UnknownIdPolicy.Skip }, catalog);

        act.Should().Throw<RatingsFormatException>().Which.Message.Should().Contain("all 2 name an id missing from the catalogue");
    }

    [Fact]
    public void Read_SkipWithAnEmptyId_IsStillAnError()
    {
        var catalog = new Catalog(new IdMap(["u1"]), new IdMap(["i1"]));

        Action act = () => DelimitedRatingsReader.Read(Bytes("u1,i1,3\n,i1,5\n"), "mem.csv", new DelimitedRatingsOptions { UnknownIds = UnknownIdPolicy.Skip }, catalog);

        RatingsFormatException e = act.Should().Throw<RatingsFormatException>().Which;
        (e.LineNumber, e.Column).Should().Be((2, 1));
    }

    [Fact]
    public void Read_SkipWithAMalformedRating_IsStillAnError()
    {
        var catalog = new Catalog(new IdMap(["u1"]), new IdMap(["i1"]));

        Action act = () => DelimitedRatingsReader.Read(Bytes("u1,i1,3\nu9,i1,five\n"), "mem.csv", new DelimitedRatingsOptions { UnknownIds = UnknownIdPolicy.Skip }, catalog);

        RatingsFormatException e = act.Should().Throw<RatingsFormatException>().Which;
        (e.LineNumber, e.Column).Should().Be((2, 3));
    }
}
