using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Summary = BenchmarkDotNet.Reports.Summary;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Data.Parsing;
using nietras.SeparatedValues;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// Issue 16's parse target (≥ 150 MB/s on one core) and its question: is Sep (the fastest .NET CSV
/// parser; a benchmark-only dependency) faster than our reader? Each case reads one file held in
/// memory (so the disk is not measured): a synthetic set of ML-1M's or ML-10M's shape (users, rated
/// items, rating count, half stars), written once to a cache folder under the temp directory in one of
/// three layouts — <see cref="ParserFormat.LatestCsv"/> (ratings.csv of the latest releases, as
/// <see cref="MovieLensWriter"/> writes it: header, <c>userId,movieId,rating,timestamp</c>),
/// <see cref="ParserFormat.DoubleColon"/> (ml-10m's ratings.dat, <c>u::i::r::t</c>) and
/// <see cref="ParserFormat.Whitespace"/> (LIBMF's <c>user item rating</c>, space-separated). The
/// <c>File MB</c> and <c>MB/s</c> columns give the file's exact size and size / mean time.
/// <list type="bullet">
/// <item><see cref="OursParse"/>: our ratings-line loop into the builder (ids interned, values
/// appended), no sort and no CSR — the parse half of <see cref="OursParseAndBuild"/>.</item>
/// <item><see cref="OursParseAndBuild"/>: <see cref="DelimitedRatingsReader"/>, the whole load (both CSR views).</item>
/// <item><see cref="SepParse"/>: the floor Sep sets (fields parsed to numbers, nothing kept).</item>
/// <item><see cref="SepIntoOurPipeline"/>: what a Sep-based reader in the library would do: Sep's
/// fields resolved through the same numeric-id cache and builder, then the same build.</item>
/// <item><see cref="SepIntoPublicBuilder"/>: Sep into the public <see cref="RatingsDatasetBuilder"/> API (ids as strings).</item>
/// </list>
/// The first run of a shape generates its files (about a minute at 10M). Run on a quiet machine:
/// <c>dotnet run -c Release --project benchmarks/CollaborativeFiltering.Benchmarks -- --filter '*ParserBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ParserBenchmarksConfig))]
public class ParserBenchmarks
{
    private byte[] _bytes = [];
    private DelimitedRatingsOptions _options = new();

    /// <summary>The data set's shape: "1M" (6,040 users × 3,706 items, 1,000,209 ratings) or "10M" (69,878 × 10,677, 10,000,054).</summary>
    [Params("1M", "10M")]
    public string Shape { get; set; } = "1M";

    /// <summary>The file layout.</summary>
    [Params(ParserFormat.LatestCsv, ParserFormat.DoubleColon, ParserFormat.Whitespace)]
    public ParserFormat Format { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string path = ParserBenchmarkFiles.Ensure(Shape, Format);
        _bytes = File.ReadAllBytes(path);
        _options = ParserBenchmarkFiles.Options(Format);
        Console.WriteLine($"// {Path.GetFileName(path)}: {_bytes.Length:N0} bytes");
    }

    [Benchmark]
    public int OursParse()
    {
        using var stream = new MemoryStream(_bytes, writable: false);
        using LineReader reader = LineReader.FromStream(stream, "ratings", _options.Encoding, _options.Separator, _options.IsQuoted, default);
        var builder = new RatingsDatasetBuilder(new IdMap.Builder(), new IdMap.Builder(), DuplicatePolicy.Reject);
        return RatingsParser.Read(reader, _options.ToLayout(), builder, null, "", null, "", keepTimestamps: true, UnknownIdPolicy.Reject, out _);
    }

    [Benchmark(Baseline = true)]
    public RatingsDataset OursParseAndBuild() =>
        DelimitedRatingsReader.Read(new MemoryStream(_bytes, writable: false), "ratings", _options);

    [Benchmark]
    public double SepParse()
    {
        double sum = 0;
        (int user, int item, int rating, int time) = SepColumns(Format);
        using SepReader reader = SepReaderFor(Format).From(_bytes);
        foreach (SepReader.Row row in reader)
        {
            sum += row[user].Parse<int>() + row[item].Parse<int>() + row[rating].Parse<float>();
            if (time >= 0)
            {
                sum += row[time].Parse<long>() * 1e-12;
            }
        }

        return sum;
    }

    [Benchmark]
    public RatingsDataset SepIntoOurPipeline()
    {
        (int user, int item, int rating, int time) = SepColumns(Format);
        var users = new IdMap.Builder();
        var items = new IdMap.Builder();
        var builder = new RatingsDatasetBuilder(users, items, DuplicatePolicy.Reject);
        var userCache = new NumericIdCache();
        var itemCache = new NumericIdCache();
        int line = SepReaderHasHeader(Format) ? 1 : 0;
        using SepReader reader = SepReaderFor(Format).From(_bytes);
        foreach (SepReader.Row row in reader)
        {
            line++;
            int u = Resolve(row[user].Span, userCache, builder, isUser: true);
            int i = Resolve(row[item].Span, itemCache, builder, isUser: false);
            long? t = time >= 0 ? row[time].Parse<long>() : null;
            builder.AddTagged(u, i, row[rating].Parse<float>(), t, line);
        }

        return RatingsParser.Build(builder, "ratings", 1);
    }

    [Benchmark]
    public RatingsDataset SepIntoPublicBuilder()
    {
        (int user, int item, int rating, int time) = SepColumns(Format);
        var builder = new RatingsDatasetBuilder();
        using SepReader reader = SepReaderFor(Format).From(_bytes);
        foreach (SepReader.Row row in reader)
        {
            long? t = time >= 0 ? row[time].Parse<long>() : null;
            builder.Add(row[user].ToString(), row[item].ToString(), row[rating].Parse<float>(), t);
        }

        return builder.Build();
    }

    private static int Resolve(ReadOnlySpan<char> id, NumericIdCache cache, RatingsDatasetBuilder builder, bool isUser)
    {
        if (NumericIdCache.TryParse(id, out int number))
        {
            int index = cache.Get(number);
            if (index >= 0)
            {
                return index;
            }

            index = isUser ? builder.ResolveUser(id) : builder.ResolveItem(id);
            cache.Set(number, index);
            return index;
        }

        return isUser ? builder.ResolveUser(id) : builder.ResolveItem(id);
    }

    /// <summary>Sep splits on one character: "::" is read as ':' with empty columns between the fields.</summary>
    private static (int User, int Item, int Rating, int Time) SepColumns(ParserFormat format) => format switch
    {
        ParserFormat.DoubleColon => (0, 2, 4, 6),
        ParserFormat.Whitespace => (0, 1, 2, -1),
        _ => (0, 1, 2, 3),
    };

    private static bool SepReaderHasHeader(ParserFormat format) => format == ParserFormat.LatestCsv;

    private static SepReaderOptions SepReaderFor(ParserFormat format) => format switch
    {
        ParserFormat.DoubleColon => Sep.New(':').Reader(o => o with { HasHeader = false, DisableQuotesParsing = true }),
        ParserFormat.Whitespace => Sep.New(' ').Reader(o => o with { HasHeader = false, DisableQuotesParsing = true }),
        _ => Sep.New(',').Reader(o => o with { HasHeader = true }),
    };
}

/// <summary>The layouts <see cref="ParserBenchmarks"/> reads.</summary>
public enum ParserFormat
{
    /// <summary>ratings.csv of the latest releases: header, <c>userId,movieId,rating,timestamp</c>, ratings with one decimal.</summary>
    LatestCsv,

    /// <summary>ratings.dat of ml-1m/ml-10m: <c>user::item::rating::timestamp</c>.</summary>
    DoubleColon,

    /// <summary>LIBMF's text: <c>user item rating</c>, one space between fields.</summary>
    Whitespace,
}

/// <summary>Writes the benchmark's files once per shape and layout, into a cache folder under the temp directory.</summary>
public static class ParserBenchmarkFiles
{
    /// <summary>The folder the files are cached in.</summary>
    public static string Folder => Path.Combine(Path.GetTempPath(), "cf-parser-benchmarks");

    /// <summary>The file of a shape and layout (it may not exist yet).</summary>
    public static string PathOf(string shape, ParserFormat format) =>
        Path.Combine(Folder, $"ratings-{shape.ToLowerInvariant()}-{format}.{(format == ParserFormat.LatestCsv ? "csv" : "txt")}");

    /// <summary>The reader options of a layout.</summary>
    public static DelimitedRatingsOptions Options(ParserFormat format) => format switch
    {
        ParserFormat.DoubleColon => new DelimitedRatingsOptions { Separator = "::", TimestampColumn = 3 },
        ParserFormat.Whitespace => new DelimitedRatingsOptions { Separator = " " },
        _ => new DelimitedRatingsOptions { HasHeader = true, TimestampColumn = 3 },
    };

    /// <summary>Writes the file of a shape and layout unless it exists; returns its path.</summary>
    public static string Ensure(string shape, ParserFormat format)
    {
        string path = PathOf(shape, format);
        if (File.Exists(path))
        {
            return path;
        }

        Directory.CreateDirectory(Folder);
        (int users, int items, int ratings) = shape switch
        {
            "1M" => (6_040, 3_706, 1_000_209),
            "10M" => (69_878, 10_677, 10_000_054),
            _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, "1M or 10M"),
        };
        RatingsDataset data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = users, Items = items, Ratings = ratings, HalfStars = true, Seed = 2026 }).Dataset;
        string temporary = path + ".partial";
        switch (format)
        {
            case ParserFormat.LatestCsv:
                MovieLensWriter.WriteRatings(data, temporary, MovieLensFormat.Latest);
                break;
            case ParserFormat.DoubleColon:
                MovieLensWriter.WriteRatings(data, temporary, MovieLensFormat.Ml1M);
                break;
            default:
                WriteWhitespace(data, temporary);
                break;
        }

        File.Move(temporary, path, overwrite: true);
        return path;
    }

    private static void WriteWhitespace(RatingsDataset data, string path)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 20);
        Catalog catalog = data.Catalog;
        foreach (Rating r in data)
        {
            writer.Write(catalog.GetUserId(r.User));
            writer.Write(' ');
            writer.Write(catalog.GetItemId(r.Item));
            writer.Write(' ');
            writer.Write(r.Value.ToString(CultureInfo.InvariantCulture));
            writer.Write('\n');
        }
    }
}

/// <summary>Adds the file size and throughput columns.</summary>
public sealed class ParserBenchmarksConfig : ManualConfig
{
    public ParserBenchmarksConfig()
    {
        AddColumn(new ParserFileColumn(throughput: false), new ParserFileColumn(throughput: true));
    }
}

/// <summary>"File MB" (the exact size of the case's file) or "MB/s" (that size over the mean time; MB = 10^6 bytes).</summary>
public sealed class ParserFileColumn(bool throughput) : IColumn
{
    public string Id => throughput ? "ParserMBps" : "ParserFileMB";

    public string ColumnName => throughput ? "MB/s" : "File MB";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => throughput ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => throughput ? "File size in MB (10^6 bytes) divided by the mean time in seconds" : "Size of the file read, in MB (10^6 bytes)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        string shape = (string)benchmarkCase.Parameters["Shape"];
        var format = (ParserFormat)benchmarkCase.Parameters["Format"];
        string path = ParserBenchmarkFiles.PathOf(shape, format);
        if (!File.Exists(path))
        {
            return "?";
        }

        double megabytes = new FileInfo(path).Length / 1e6;
        if (!throughput)
        {
            return megabytes.ToString("F1", CultureInfo.InvariantCulture);
        }

        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return meanNs is > 0 ? (megabytes / (meanNs.Value * 1e-9)).ToString("F0", CultureInfo.InvariantCulture) : "?";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
