// Checks a packed CollaborativeFiltering nupkg and its snupkg: the package page's README (absolute links
// only), the license expression, the repository URL and commit (SourceLink), the project URL, tags and
// release notes, the library with its XML docs, and the symbols. Usage: dotnet run --file .ci/package-check.cs -- NUPKG
using System.IO.Compression;
using System.Xml.Linq;

string nupkg = args[0];
var failures = new List<string>();
void Check(bool condition, string what)
{
    if (!condition)
    {
        failures.Add(what);
    }
}

using (ZipArchive zip = ZipFile.OpenRead(nupkg))
{
    var names = zip.Entries.Select(e => e.FullName).ToHashSet();
    ZipArchiveEntry nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
    XDocument nuspec;
    using (Stream stream = nuspecEntry.Open())
    {
        nuspec = XDocument.Load(stream);
    }

    XElement metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    string? Meta(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
    XElement? repository = metadata.Elements().FirstOrDefault(e => e.Name.LocalName == "repository");
    XElement? license = metadata.Elements().FirstOrDefault(e => e.Name.LocalName == "license");

    Check(Meta("readme") == "README.md" && names.Contains("README.md"), "README.md packed and declared");
    Check(license?.Attribute("type")?.Value == "expression" && license.Value == "MIT", "license expression MIT");
    Check(repository?.Attribute("url")?.Value.StartsWith("https://", StringComparison.Ordinal) == true, "repository url");
    Check(repository?.Attribute("commit")?.Value is { Length: 40 }, "repository commit (SourceLink)");
    Check(Meta("projectUrl")?.StartsWith("https://", StringComparison.Ordinal) == true, "project url");
    Check(!string.IsNullOrWhiteSpace(Meta("releaseNotes")), "release notes");
    Check(Meta("tags")?.Contains("recommender", StringComparison.Ordinal) == true, "tags");
    Check(names.Contains("lib/net10.0/CollaborativeFiltering.dll") && names.Contains("lib/net10.0/CollaborativeFiltering.xml"), "library and its XML docs");
    // Only the library ships: no test, benchmark or sample assembly, nothing beside the DLL and its docs.
    string[] lib = names.Where(n => n.StartsWith("lib/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
    Check(lib.SequenceEqual(["lib/net10.0/CollaborativeFiltering.dll", "lib/net10.0/CollaborativeFiltering.xml"]), $"lib/ holds only the library and its docs (has {string.Join(", ", lib)})");

    // The dependencies are the project's shipped PackageReferences (the analyzers' ships nothing), no more, no fewer.
    string project = File.ReadAllText(Path.Combine("src", "CollaborativeFiltering", "CollaborativeFiltering.csproj"));
    string[] declared = System.Text.RegularExpressions.Regex.Matches(project, @"<PackageReference Include=""([^""]+)"" />").Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToArray();
    string[] dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value).Order(StringComparer.Ordinal).ToArray();
    Check(declared.Length > 0 && dependencies.SequenceEqual(declared), $"dependencies as declared (nuspec: {string.Join(", ", dependencies)}; csproj: {string.Join(", ", declared)})");

    if (zip.GetEntry("README.md") is { } readmeEntry)
    {
        using var reader = new StreamReader(readmeEntry.Open());
        string readme = reader.ReadToEnd();
        Check(!readme.Contains("](docs/", StringComparison.Ordinal) && !readme.Contains("](LICENSE", StringComparison.Ordinal)
            && !readme.Contains("](samples/", StringComparison.Ordinal) && !readme.Contains("](#", StringComparison.Ordinal), "README without repository-relative links");
    }
}

string snupkg = Path.ChangeExtension(nupkg, ".snupkg");
using (ZipArchive symbols = ZipFile.OpenRead(snupkg))
{
    Check(symbols.GetEntry("lib/net10.0/CollaborativeFiltering.pdb") is not null, "symbols package holds the PDB");
}

if (failures.Count > 0)
{
    Console.Error.WriteLine($"package check failed for {nupkg}: missing or wrong: {string.Join("; ", failures)}");
    return 1;
}

Console.WriteLine($"package check passed: {Path.GetFileName(nupkg)} (README, license, repository and commit, project url, tags, release notes, docs, symbols)");
return 0;
