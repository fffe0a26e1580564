using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Architecture;

/// <summary>
/// Keeps docs/architecture.md true: the dependency rules between feature folders and the namespace
/// rule, checked on the compiled library (metadata, IL and portable PDB), and the checker itself
/// checked on references made up to break each rule.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Lazy<AssemblyMap> Library = new(() => AssemblyMap.Read(typeof(RatingsDataset).Assembly.Location, "src/CollaborativeFiltering/"));

    private static LibraryType Made(string folder, string name) => new(name, "CollaborativeFiltering", false, folder);

    [Fact]
    public void Library_References_FollowTheDependencyRules()
    {
        DependencyRules.Violations(Library.Value.References).Should().BeEmpty();
    }

    [Fact]
    public void InternalTypes_UseOnlyInternalTypes()
    {
        Library.Value.References.Where(r => r.From.Area == "Internal" && r.To.Area != "Internal").Should().BeEmpty("Internal/ holds the leaves every feature shares");
    }

    [Fact]
    public void DataTypes_UseNoModelTrainerScoringOrEvaluationType()
    {
        Library.Value.References.Where(r => r.From.Area == "Data" && r.To.Area is not ("Data" or "Internal")).Should().BeEmpty("Data/ is below every feature that learns from it");
    }

    [Fact]
    public void Types_NamespacesFollowTheRule()
    {
        var wrong = Library.Value.Types
            .Where(t => t.Namespace != ExpectedNamespace(t))
            .Select(t => $"{t} is in {t.Namespace}, expected {ExpectedNamespace(t)}");

        wrong.Should().BeEmpty();
    }

    [Fact]
    public void AssemblyMap_SeesReferencesOfEveryKind()
    {
        var map = Library.Value;
        bool Uses(string from, string to) => map.References.Any(r => r.From.Name == from && r.To.Name == to);

        map.Types.Should().HaveCountGreaterThan(150);
        map.Types.Select(t => t.Area).Distinct().Should().BeEquivalentTo(["", "Data", "Evaluation", "Factorization", "Internal", "Models", "Neighborhood", "Neural", "Persistence", "Projection", "Scoring", "Training", "Tuning"]);
        map.Types.Should().Contain(new LibraryType("AlsTraining", "CollaborativeFiltering.Factorization.Als", false, "Factorization/Als"));
        Uses("FactorizationModel", "IEmbeddingModel").Should().BeTrue("an implemented interface is a reference");
        Uses("AlsTraining", "WorkerPool").Should().BeTrue("a field's type is a reference");
        Uses("AlsTraining", "IBlockWork").Should().BeTrue("an interface implemented by a nested or top-level type is a reference");
        Uses("Recommender", "IRecommenderModel").Should().BeTrue("a parameter's type is a reference");
        Uses("FactorizationModel", "FactorizationModelFormat").Should().BeTrue("a call in a method body is a reference");
        Uses("ModelFile", "SoftmaxModelFormat").Should().BeTrue();
    }

    [Fact]
    public void ArchitectureDoc_DependencyTable_IsTheRulesTheTestsCheck()
    {
        string doc = File.ReadAllText(Path.Combine(Readme.ReadmeTests.FindRepositoryRoot(), "docs", "architecture.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        int start = doc.IndexOf("## Dependency rules", StringComparison.Ordinal);
        string section = doc[start..doc.IndexOf("\n## ", start + 1, StringComparison.Ordinal)];
        var documented = new Dictionary<string, string[]>();
        foreach (string row in section.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            string[] cells = row.Split('|', StringSplitOptions.TrimEntries);
            string[] allowed = [.. Folders(cells[2]).Order(StringComparer.Ordinal)];
            foreach (string folder in Folders(cells[1]))
            {
                documented[folder] = allowed;
            }
        }

        documented.Should().BeEquivalentTo(DependencyRules.AllowedAreas.ToDictionary(p => p.Key, p => p.Value.Order(StringComparer.Ordinal).ToArray()));

        static IEnumerable<string> Folders(string cell) =>
            cell.Split('`').Where((_, i) => i % 2 == 1).Select(f => f.TrimEnd('/'));
    }

    [Theory]
    [InlineData("Internal", "Data", "Internal/ holds leaves")]
    [InlineData("Internal", "Factorization/Als", "Internal/ holds leaves")]
    [InlineData("Data", "Factorization", "Data/ may use only Internal")]
    [InlineData("Data/Parsing", "Scoring", "Data/ may use only Internal")]
    [InlineData("Data/Splits", "Evaluation", "Data/ may use only Internal")]
    [InlineData("Data", "Neural/Training", "Data/ may use only Internal")]
    [InlineData("Data", "Projection/TSne", "Data/ may use only Internal")]
    [InlineData("Models", "Scoring", "Models/ may use only Data, Internal")]
    [InlineData("Scoring", "Factorization", "Scoring/ may use only Models, Data, Internal")]
    [InlineData("Factorization/Als", "Neural", "Factorization/ may use only")]
    [InlineData("Factorization/Als", "Factorization/Sgd", "not its sibling Factorization/Sgd/")]
    [InlineData("Data/Parsing", "Data/MovieLens", "not its sibling Data/MovieLens/")]
    [InlineData("Models", "", "nothing in a feature folder uses the root folder")]
    [InlineData("Numerics", "Internal", "Numerics/ is not a known feature folder")]
    public void Violations_ReferenceBreakingARule_IsReportedWithTheRule(string from, string to, string rule)
    {
        var reference = new TypeReference(Made(from, "User"), Made(to, "Used"));

        DependencyRules.Violations([reference]).Should().ContainSingle().Which.Should().Contain(rule);
    }

    [Theory]
    [InlineData("Data/Parsing", "Data")]
    [InlineData("Data/MovieLens", "Data/Parsing")]
    [InlineData("Data", "Internal")]
    [InlineData("Factorization/Als", "Factorization")]
    [InlineData("Factorization/Als", "Training")]
    [InlineData("Factorization", "Factorization/Persistence")]
    [InlineData("Factorization/Persistence", "Factorization/Sgd")]
    [InlineData("Evaluation", "Scoring")]
    [InlineData("", "Neural/Persistence")]
    public void Violations_ReferenceTheRulesAllow_IsNotReported(string from, string to)
    {
        DependencyRules.Violations([new TypeReference(Made(from, "User"), Made(to, "Used"))]).Should().BeEmpty();
    }

    [Theory]
    [InlineData("/work/repo/src/CollaborativeFiltering/Factorization/Als/AlsTraining.cs", "Factorization/Als")]
    [InlineData("/_/src/CollaborativeFiltering/ModelFile.cs", "")]
    [InlineData(@"C:\repo\src\CollaborativeFiltering\Data\Catalog.cs", "Data")]
    [InlineData("/work/repo/src/CollaborativeFiltering/obj/Release/net10.0/generated/Log.g.cs", null)]
    [InlineData("/work/repo/tests/Other.cs", null)]
    public void FolderOf_SourcePath_IsRelativeToTheProject(string path, string? folder)
    {
        AssemblyMap.FolderOf(path, "src/CollaborativeFiltering/").Should().Be(folder);
    }

    /// <summary>
    /// Public types keep their feature's namespace (one using per feature); the shared abstractions of
    /// Models/, Training/ and Persistence/ and the root's ModelFile are in the root namespace; internal
    /// types take their folder's, except where a folder is named like a public type it holds
    /// (Data/MovieLens holds MovieLens, Projection/TSne holds TSne: a namespace cannot share a type's name).
    /// </summary>
    private static string ExpectedNamespace(LibraryType type)
    {
        const string root = "CollaborativeFiltering";
        if (type.IsPublic)
        {
            return type.Area is "" or "Models" or "Training" or "Persistence" ? root : $"{root}.{type.Area}";
        }

        return type.Folder switch
        {
            "" => root,
            "Data/MovieLens" => $"{root}.Data",
            "Projection/TSne" => $"{root}.Projection",
            _ => $"{root}.{type.Folder.Replace('/', '.')}",
        };
    }
}
