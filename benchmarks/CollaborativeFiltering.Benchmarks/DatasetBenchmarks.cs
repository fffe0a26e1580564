using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// Foundation targets: building a 1M-rating dataset (≤ 0.5 s), parsing a ratings file (≥ 50 MB/s on
/// one core), generating 1M synthetic ratings (&lt; 2 s). The parse benchmarks read an in-memory
/// u.data-layout file of about 24 MB (1M ratings): MB/s = size / mean time. The real-shaped ones
/// add the metadata files written with the official files' irregularities (Latin-1 titles, so the
/// encoding is chosen by content), in Latin-1 and re-encoded as UTF-8.
/// </summary>
[MemoryDiagnoser]
public class DatasetBenchmarks
{
    private Rating[] _ratings = [];
    private Catalog _catalog = null!;
    private byte[] _uData = [];
    private byte[] _ratingsCsv = [];
    private byte[] _uItemLatin1 = [];
    private byte[] _uItemUtf8 = [];
    private byte[] _uUser = [];

    [GlobalSetup]
    public void Setup()
    {
        var data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 6040, Items = 3706, Ratings = 1_000_000, Seed = 7 });
        var ds = data.Dataset;
        _catalog = ds.Catalog;

        // Shuffled, as ratings come in a file, so the builder's sort does real work.
        _ratings = [.. ds];
        new Random(1).Shuffle(_ratings);

        var tab = new StringBuilder(ds.Count * 24);
        var csv = new StringBuilder(ds.Count * 26).Append("userId,movieId,rating,timestamp\n");
        foreach (var r in _ratings)
        {
            string u = _catalog.GetUserId(r.User), i = _catalog.GetItemId(r.Item);
            string v = r.Value.ToString(CultureInfo.InvariantCulture);
            tab.Append(u).Append('\t').Append(i).Append('\t').Append(v).Append('\t').Append(r.Timestamp).Append('\n');
            csv.Append(u).Append(',').Append(i).Append(',').Append(v).Append(',').Append(r.Timestamp).Append('\n');
        }

        _uData = Encoding.Latin1.GetBytes(tab.ToString());
        _ratingsCsv = Encoding.UTF8.GetBytes(csv.ToString());
        (_uItemLatin1, _uUser) = RealShapedMetadata(ds, new MovieLensWriterOptions { AccentedTitles = true, OneDigitDays = true });
        (_uItemUtf8, _) = RealShapedMetadata(ds, new MovieLensWriterOptions { AccentedTitles = true, OneDigitDays = true, Utf8 = true });
        Console.WriteLine($"// u.data size: {_uData.Length / 1e6:F1} MB; ratings.csv size: {_ratingsCsv.Length / 1e6:F1} MB");
    }

    /// <summary>Build a 1M-rating dataset (both CSR views) from dense-index ratings in file order.</summary>
    [Benchmark]
    public RatingsDataset Build1M()
    {
        var builder = new RatingsDatasetBuilder(_catalog);
        foreach (var r in _ratings)
        {
            builder.Add(r);
        }

        return builder.Build();
    }

    /// <summary>Parse a u.data-layout file (tab separated) and build the dataset.</summary>
    [Benchmark]
    public RatingsDataset ParseUData() => MovieLens.Load100K(new MemoryStream(_uData, writable: false), null, null);

    /// <summary>Parse u.data with a Latin-1 u.item (3,706 items, accented titles) and u.user: the encoding is chosen by content.</summary>
    [Benchmark]
    public RatingsDataset ParseUDataRealShapedLatin1() =>
        MovieLens.Load100K(new MemoryStream(_uData, writable: false), new MemoryStream(_uItemLatin1, writable: false), new MemoryStream(_uUser, writable: false));

    /// <summary>The same with u.item re-encoded as UTF-8, as copies circulate.</summary>
    [Benchmark]
    public RatingsDataset ParseUDataRealShapedUtf8() =>
        MovieLens.Load100K(new MemoryStream(_uData, writable: false), new MemoryStream(_uItemUtf8, writable: false), new MemoryStream(_uUser, writable: false));

    /// <summary>Parse a ratings.csv-layout file (header, commas) with the generic reader.</summary>
    [Benchmark]
    public RatingsDataset ParseCsvDelimited() => DelimitedRatingsReader.Read(
        new MemoryStream(_ratingsCsv, writable: false), "ratings.csv",
        new DelimitedRatingsOptions { HasHeader = true, TimestampColumn = 3 });

    /// <summary>Generate a 1M-rating synthetic set.</summary>
    [Benchmark]
    public SyntheticData Generate1M() => SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 6040, Items = 3706, Ratings = 1_000_000, Seed = 8 });

    /// <summary>u.item and u.user as <see cref="MovieLensWriter.Write100K"/> writes them with <paramref name="options"/>.</summary>
    private static (byte[] Items, byte[] Users) RealShapedMetadata(RatingsDataset dataset, MovieLensWriterOptions options)
    {
        string folder = Path.Combine(Path.GetTempPath(), "cf-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            MovieLensWriter.Write100K(dataset, folder, options);
            return (File.ReadAllBytes(Path.Combine(folder, "u.item")), File.ReadAllBytes(Path.Combine(folder, "u.user")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
