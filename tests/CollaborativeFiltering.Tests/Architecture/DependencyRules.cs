namespace CollaborativeFiltering.Tests.Architecture;

/// <summary>
/// The library's dependency rules, as docs/architecture.md states them: which feature folders each
/// folder may use. A feature is a top-level folder; its sub-folders belong to it. Within a feature,
/// a sub-folder uses the feature's top folder (its shared types) and not its siblings, except the
/// few uses <see cref="AllowedSiblings"/> lists; the top folder may use its sub-folders.
/// </summary>
public static class DependencyRules
{
    /// <summary>For each feature, the other features it may use. The root folder ("") may use every feature, and no feature may use the root.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> AllowedAreas = new Dictionary<string, string[]>
    {
        ["Internal"] = [],
        ["Data"] = ["Internal"],
        ["Models"] = ["Data", "Internal"],
        ["Training"] = ["Models", "Data", "Internal"],
        ["Persistence"] = ["Models", "Data", "Internal"],
        ["Scoring"] = ["Models", "Data", "Internal"],
        ["Projection"] = ["Models", "Data", "Internal"],
        ["Evaluation"] = ["Models", "Training", "Scoring", "Data", "Internal"],
        ["Factorization"] = ["Models", "Training", "Persistence", "Scoring", "Data", "Internal"],
        ["Neural"] = ["Models", "Training", "Persistence", "Scoring", "Data", "Internal"],
        ["Neighborhood"] = ["Models", "Training", "Persistence", "Scoring", "Data", "Internal"],
        ["Tuning"] = ["Factorization", "Neural", "Evaluation", "Models", "Training", "Scoring", "Data", "Internal"],
    };

    /// <summary>The sub-folders that may use some of their siblings, and which ("*": all of them).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> AllowedSiblings = new Dictionary<string, string[]>
    {
        ["Data/MovieLens"] = ["Data/Parsing"], // the MovieLens loaders run the shared parsers
        ["Data/Synthetic"] = ["Data/MovieLens"], // the generator names its genres as MovieLens 100k does
        ["Factorization/Persistence"] = ["*"], // the model file stores every trainer's options
        ["Neural/Persistence"] = ["*"],
        ["Neighborhood/Persistence"] = ["*"],
    };

    /// <summary>The references that break a rule, each with the rule it breaks.</summary>
    public static IReadOnlyList<string> Violations(IEnumerable<TypeReference> references)
    {
        var violations = new List<string>();
        foreach (var (from, to) in references)
        {
            if (Check(from.Folder, to.Folder) is { } rule)
            {
                violations.Add($"{from} uses {to}: {rule}");
            }
        }

        violations.Sort(StringComparer.Ordinal);
        return violations;
    }

    /// <summary>The rule a use of a type in folder <paramref name="to"/> from folder <paramref name="from"/> breaks, or null.</summary>
    public static string? Check(string from, string to)
    {
        string fromArea = from.Split('/')[0], toArea = to.Split('/')[0];
        if (fromArea.Length == 0)
        {
            return null;
        }

        if (toArea.Length == 0)
        {
            return "nothing in a feature folder uses the root folder (ModelFile sits above every feature)";
        }

        if (!AllowedAreas.TryGetValue(fromArea, out string[]? allowed))
        {
            return $"{fromArea}/ is not a known feature folder: add it to the rules and docs/architecture.md";
        }

        if (fromArea != toArea)
        {
            return allowed.Contains(toArea)
                ? null
                : fromArea == "Internal"
                    ? "Internal/ holds leaves: it uses no other folder of the library"
                    : $"{fromArea}/ may use only {(allowed.Length == 0 ? "itself" : string.Join(", ", allowed))}";
        }

        // Same feature: a sub-folder may use the feature's top folder and itself, not a sibling.
        if (from == to || to == toArea || from.StartsWith(to + "/", StringComparison.Ordinal)
            || (AllowedSiblings.TryGetValue(from, out string[]? siblings) && (siblings.Contains("*") || siblings.Contains(to))))
        {
            return null;
        }

        return from == fromArea
            ? null // the feature's top folder may use its sub-folders (the model loads its format, the options name their trainer)
            : $"{from}/ may use {fromArea}/ but not its sibling {to}/";
    }
}
