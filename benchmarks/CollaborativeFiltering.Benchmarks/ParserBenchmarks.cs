using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using CollaborativeFiltering.Data;
using nietras.SeparatedValues;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// Issue 16's parse target (≥ 150 MB/s on one core) and its question: is Sep (the fastest .NET CSV
/// parser; a benchmark-only dependency) faster than our reader on a latest-format ratings.csv? The
/// file is 1M synthetic half-star ratings in memory (about 26 MB); MB/s = size / mean time.
/// <see cref="OurReader"/> parses and builds the dataset (ids interned, both CSR views);
/// <see cref="SepParseOnly"/> is the floor Sep sets (fields parsed to numbers, nothing kept);
/// <see cref="SepIntoBuilder"/> is what a Sep-based reader on our API would do (ids as strings into
/// <see cref="RatingsDatasetBuilder"/>). Run:
/// <c>dotnet run -c Release --project benchmarks/CollaborativeFiltering.Benchmarks -- --filter '*ParserBenchmarks*' --job short --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private static readonly DelimitedRatingsOptions Latest = new() { HasHeader = true, TimestampColumn = 3 };

    private byte[] _csv = [];

    [GlobalSetup]
    public void Setup()
    {
        RatingsDataset ds = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 6040, Items = 3706, Ratings = 1_000_000, HalfStars = true, Seed = 7 }).Dataset;
        Rating[] ratings = [.. ds];
        new Random(1).Shuffle(ratings);
        var csv = new StringBuilder(ds.Count * 28).Append("userId,movieId,rating,timestamp\n");
        foreach (Rating r in ratings)
        {
            csv.Append(ds.Catalog.GetUserId(r.User)).Append(',').Append(ds.Catalog.GetItemId(r.Item)).Append(',')
                .Append(r.Value.ToString(CultureInfo.InvariantCulture)).Append(',').Append(r.Timestamp).Append('\n');
        }

        _csv = Encoding.UTF8.GetBytes(csv.ToString());
        Console.WriteLine($"// ratings.csv size: {_csv.Length / 1e6:F1} MB");
    }

    [Benchmark(Baseline = true)]
    public RatingsDataset OurReader() => DelimitedRatingsReader.Read(new MemoryStream(_csv, writable: false), "ratings.csv", Latest);

    [Benchmark]
    public double SepParseOnly()
    {
        double sum = 0;
        using SepReader reader = Sep.Reader().From(_csv);
        foreach (SepReader.Row row in reader)
        {
            sum += row[0].Parse<int>() + row[1].Parse<int>() + row[2].Parse<float>() + (row[3].Parse<long>() * 1e-12);
        }

        return sum;
    }

    [Benchmark]
    public RatingsDataset SepIntoBuilder()
    {
        var builder = new RatingsDatasetBuilder();
        using SepReader reader = Sep.Reader().From(_csv);
        foreach (SepReader.Row row in reader)
        {
            builder.Add(row[0].ToString(), row[1].ToString(), row[2].Parse<float>(), row[3].Parse<long>());
        }

        return builder.Build();
    }
}
