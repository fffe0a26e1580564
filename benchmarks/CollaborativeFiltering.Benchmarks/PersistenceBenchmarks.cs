using System.Globalization;
using BenchmarkDotNet.Attributes;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>
/// Save and load of a 100k-user × 20k-item × d=64 model with biases and MovieLens-like metadata
/// (≈31 MB of floats). Target: Load ≤ 1 s. The file benchmarks hit the OS page cache after the
/// first iteration; SaveFile includes the fsync of the atomic save.
/// </summary>
[MemoryDiagnoser]
public class PersistenceBenchmarks
{
    private static readonly string[] Genres =
    [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ];

    private FactorizationModel _model = null!;
    private byte[] _bytes = null!;
    private MemoryStream _saveTarget = null!;
    private string _directory = null!;
    private string _loadPath = null!;
    private string _savePath = null!;

    [Params(100_000)]
    public int Users { get; set; }

    [Params(20_000)]
    public int Items { get; set; }

    [Params(64)]
    public int Dimensions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var userInfos = new UserInfo[Users];
        for (int u = 0; u < Users; u++)
        {
            userInfos[u] = new UserInfo((u + 1).ToString(CultureInfo.InvariantCulture), 18 + (u % 50), u % 2 == 0 ? "M" : "F", "engineer", "94043");
        }

        var itemInfos = new ItemInfo[Items];
        for (int i = 0; i < Items; i++)
        {
            itemInfos[i] = new ItemInfo((i + 1).ToString(CultureInfo.InvariantCulture), $"Movie number {i} (1995)", new DateOnly(1995, 1, 1), 1995,
                [Genres[i % Genres.Length], Genres[(i * 7) % Genres.Length]]);
        }

        var catalog = new Catalog(IdMap.Sequential(Users), IdMap.Sequential(Items), userInfos, itemInfos, Genres);
        _model = FactorizationModel.FromEmbeddings(catalog, Dimensions,
            RandomFloats(random, Users * Dimensions), RandomFloats(random, Items * Dimensions),
            RandomFloats(random, Users), RandomFloats(random, Items), 3.53f);

        _directory = Path.Combine(Path.GetTempPath(), "cf-persistence-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _loadPath = Path.Combine(_directory, "load.cfm");
        _savePath = Path.Combine(_directory, "save.cfm");
        _model.Save(_loadPath);
        _bytes = File.ReadAllBytes(_loadPath);
        _saveTarget = new MemoryStream(_bytes.Length);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark]
    public FactorizationModel LoadFile() => FactorizationModel.Load(_loadPath);

    [Benchmark]
    public FactorizationModel LoadMemory() => FactorizationModel.Load(new MemoryStream(_bytes, writable: false));

    [Benchmark]
    public void SaveFile() => _model.Save(_savePath);

    [Benchmark]
    public long SaveMemory()
    {
        _saveTarget.Position = 0;
        _model.Save(_saveTarget);
        return _saveTarget.Position;
    }

    private static float[] RandomFloats(Random random, int count)
    {
        var values = new float[count];
        for (int k = 0; k < values.Length; k++)
        {
            values[k] = (float)((random.NextDouble() - 0.5) * 0.2);
        }

        return values;
    }
}
