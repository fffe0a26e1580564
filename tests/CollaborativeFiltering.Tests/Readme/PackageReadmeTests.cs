using System.Text.RegularExpressions;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Readme;

/// <summary>
/// docs/package-readme.md is the README of the NuGet package's page: its example is the body of
/// <see cref="Example"/> (compiled here; not run, it downloads MovieLens), and it has no link a package
/// page could not follow.
/// </summary>
public partial class PackageReadmeTests
{
    private static string PackageReadme() => File.ReadAllText(Path.Combine(ReadmeTests.FindRepositoryRoot(), "docs", "package-readme.md"));

    [Fact]
    public void PackageReadme_ExampleBlock_MatchesCompiledExample()
    {
        string root = ReadmeTests.FindRepositoryRoot();
        string source = File.ReadAllText(Path.Combine(root, "tests", "CollaborativeFiltering.Tests", "Readme", "PackageReadmeTests.cs"));
        string code = Between(source, "        // example:start\n", "        // example:end");
        string expected = string.Join('\n', code.Split('\n').Select(l => l.Length >= 8 ? l[8..] : l.TrimStart()));
        string block = Between(PackageReadme(), "```csharp\n", "```\n");

        block.Should().Be(expected, "the package README's example must be the code this test compiles (copy it from PackageReadmeTests.Example)");
    }

    [Fact]
    public void PackageReadme_Links_AreAbsolute()
    {
        string readme = PackageReadme();
        MarkdownLink().Matches(readme).Select(m => m.Groups[1].Value).Should().OnlyContain(url => url.StartsWith("https://", StringComparison.Ordinal));
        readme.Should().NotContain("samples/").And.NotContain("](LICENSE").And.NotContain("](docs/");
    }

    [Fact]
    public void PackageProject_PacksThePackageReadme()
    {
        string project = File.ReadAllText(Path.Combine(ReadmeTests.FindRepositoryRoot(), "src", "CollaborativeFiltering", "CollaborativeFiltering.csproj"));
        project.Should().Contain("<None Include=\"../../docs/package-readme.md\" Pack=\"true\" PackagePath=\"/README.md\" />");
    }

    [Fact]
    public void PackageReadme_NamesEveryTrainerOfThePackage()
    {
        string readme = PackageReadme();
        string[] trainers = typeof(ITrainer<>).Assembly.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsAbstract && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ITrainer<>)))
            .Select(t => t.Name).Order().ToArray();

        trainers.Should().HaveCountGreaterThan(10);
        trainers.Where(name => !readme.Contains($"`{name}`", StringComparison.Ordinal)).Should().BeEmpty(
            "the package page is what a user reads before installing: it lists every trainer the package ships");
    }

    [Fact]
    public void Readme_NamesEveryPackageDependency()
    {
        string root = ReadmeTests.FindRepositoryRoot();
        string project = File.ReadAllText(Path.Combine(root, "src", "CollaborativeFiltering", "CollaborativeFiltering.csproj"));
        string[] dependencies = ShippedPackageReference().Matches(project).Select(m => m.Groups[1].Value).ToArray();
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        string sentence = Between(readme, "The package targets .NET 10 and depends on", ".\n");

        dependencies.Should().Contain("MathNet.Numerics");
        dependencies.Where(d => !sentence.Contains(d, StringComparison.Ordinal)).Should().BeEmpty("README says what installing the package brings in");
    }

    /// <summary>A PackageReference written as one element (the analyzers' has a PrivateAssets child and ships nothing).</summary>
    [GeneratedRegex(@"<PackageReference Include=""([^""]+)"" />")]
    private static partial Regex ShippedPackageReference();

    private static string Between(string text, string start, string end)
    {
        int a = text.IndexOf(start, StringComparison.Ordinal);
        a.Should().BeGreaterThanOrEqualTo(0, $"'{start.Trim()}' should be present");
        a += start.Length;
        int b = text.IndexOf(end, a, StringComparison.Ordinal);
        b.Should().BeGreaterThan(a);
        return text[a..b];
    }

    [GeneratedRegex(@"\]\(([^)]+)\)")]
    private static partial Regex MarkdownLink();

    /// <summary>Compiled, never run.</summary>
    internal static async Task Example()
    {
        // example:start
        // MovieLens 100k, downloaded once into a per-user cache.
        RatingsDataset ratings = MovieLens.Load(await MovieLens.DownloadAsync(MovieLensVariant.Ml100K));
        DatasetSplit split = DatasetSplitter.RandomHoldout(ratings, testFraction: 0.1, seed: 42);

        // The notebook's regularized model: observed MSE + L2 + gravity, full-batch gradient descent.
        FactorizationModel model = new RegularizedFactorizer(new RegularizedOptions()).Fit(split.Train, validation: split.Test);

        ItemNeighborResult similar = Neighbors.NearestItemsByTitle(model, "Aladdin", k: 6, measure: SimilarityMeasure.Cosine);
        var forUser = Recommender.RecommendById(model, "1", k: 10, exclude: split.Train);
        var forNewUser = Recommender.RecommendForNewUser(model, new Dictionary<string, float> { ["1"] = 5, ["50"] = 4 }, k: 10);
        // example:end
        _ = (similar, forUser, forNewUser);
    }
}
