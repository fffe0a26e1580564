using System.Globalization;
using System.Text;
using CollaborativeFiltering.Data;
using BenchmarkDotNet.Attributes;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// Foundation targets: building a 1M-rating dataset (≤ 0.5 s), parsing a ratings file (≥ 50 MB/s on
/// one core), generating 1M synthetic ratings (&lt; 2 s). The parse benchmarks read an in-memory
/// u.data-layout file of about 24 MB (1M ratings): MB/s = size / mean time.
/// </summary>
[MemoryDiagnoser]
public class DatasetBenchmarks
{
    private Rating[] _ratings = [];
    private Catalog _catalog = null!;
    private byte[] _uData = [];
    private byte[] _ratingsCsv = [];

    [GlobalSetup]
    public void Setup()
    {
        var data = SyntheticDataset.Generate(new SyntheticOptions { Users = 6040, Items = 3706, Ratings = 1_000_000, Seed = 7 });
        var ds = data.Dataset;
        _catalog = ds.Catalog;

        // Shuffled, as ratings come in a file, so the builder's sort does real work.
        _ratings = [.. ds];
        new Random(1).Shuffle(_ratings);

        var tab = new StringBuilder(ds.Count * 24);
        var csv = new StringBuilder(ds.Count * 26).Append("userId,movieId,rating,timestamp\n");
        foreach (var r in _ratings)
        {
            string u = _catalog.Users[r.User], i = _catalog.Items[r.Item];
            string v = r.Value.ToString(CultureInfo.InvariantCulture);
            tab.Append(u).Append('\t').Append(i).Append('\t').Append(v).Append('\t').Append(r.Timestamp).Append('\n');
            csv.Append(u).Append(',').Append(i).Append(',').Append(v).Append(',').Append(r.Timestamp).Append('\n');
        }

        _uData = Encoding.Latin1.GetBytes(tab.ToString());
        _ratingsCsv = Encoding.UTF8.GetBytes(csv.ToString());
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

    /// <summary>Parse a ratings.csv-layout file (header, commas) with the generic reader.</summary>
    [Benchmark]
    public RatingsDataset ParseCsvDelimited() => DelimitedRatingsReader.Read(
        new MemoryStream(_ratingsCsv, writable: false), "ratings.csv",
        new DelimitedRatingsOptions { HasHeader = true, TimestampColumn = 3 });

    /// <summary>Generate a 1M-rating synthetic set.</summary>
    [Benchmark]
    public SyntheticData Generate1M() => SyntheticDataset.Generate(new SyntheticOptions { Users = 6040, Items = 3706, Ratings = 1_000_000, Seed = 8 });
}
