using System.Diagnostics;
using System.Globalization;
using CollaborativeFiltering.Fuzz;

// Mutation fuzzing of the parsers and model loaders for longer than CI allows (the property tests
// run a few hundred cases per target on every build). Every input is a writer's valid output with a
// few random mutations; an exception other than the target's documented format exception, or a
// result that breaks a promise (NaN, index out of range), is a finding: the input is saved under
// --out with the exception, and the run goes on. Exit code 1 when anything was found.
//
//   dotnet run -c Release --project tools/CollaborativeFiltering.Fuzz -- --minutes 10 [--seed 1] [--target Load100K] [--out fuzz-findings]
//
// It also measures how far trained models move between instruction sets (see IsaDrift):
//   dotnet run -c Release --project tools/CollaborativeFiltering.Fuzz -- isa-dump FILE     (once per setting)
//   dotnet run -c Release --project tools/CollaborativeFiltering.Fuzz -- isa-compare A B [C]
if (args is ["isa-dump", string dumpPath])
{
    IsaDrift.Dump(dumpPath);
    return 0;
}

if (args is ["isa-compare", .. string[] comparePaths] && comparePaths.Length >= 2)
{
    IsaDrift.Compare(comparePaths);
    return 0;
}

double minutes = 5;
int seed = Environment.TickCount;
string? filter = null;
string output = "fuzz-findings";
for (int a = 0; a < args.Length; a++)
{
    switch (args[a])
    {
        case "--minutes": minutes = double.Parse(args[++a], CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(args[++a], CultureInfo.InvariantCulture); break;
        case "--target": filter = args[++a]; break;
        case "--out": output = args[++a]; break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[a]}'; use --minutes N, --seed N, --target TEXT, --out DIR");
            return 2;
    }
}

FuzzTarget[] targets = [.. FuzzTargets.All.Where(t => filter is null || t.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))];
if (targets.Length == 0)
{
    Console.Error.WriteLine($"no target matches '{filter}'; targets: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}");
    return 2;
}

Console.WriteLine($"fuzzing {targets.Length} targets for {minutes} min, seed {seed}");
var random = new Random(seed);
var deadline = Stopwatch.StartNew();
var runs = new long[targets.Length];
var accepted = new long[targets.Length];
var findings = new Dictionary<string, int>(StringComparer.Ordinal);
while (deadline.Elapsed < TimeSpan.FromMinutes(minutes))
{
    int t = random.Next(targets.Length);
    FuzzTarget target = targets[t];
    byte[] seedInput = target.Seeds[random.Next(target.Seeds.Count)];
    byte[] input = Mutations.Mutate(seedInput, random, maxMutations: 6, text: target.Text);
    runs[t]++;
    Exception? found = target.Check(input, out bool loaded);
    accepted[t] += loaded ? 1 : 0;
    if (found is { } failure)
    {
        string key = $"{target.Name}: {failure.GetType().Name}: {failure.Message}";
        key = key.Length > 300 ? key[..300] : key;
        findings[key] = findings.GetValueOrDefault(key) + 1;
        if (findings[key] == 1)
        {
            Directory.CreateDirectory(output);
            string name = Path.Combine(output, $"{target.Name.Replace(' ', '_').Replace('(', '_').Replace(')', '_')}-{findings.Count}");
            File.WriteAllBytes(name + ".bin", input);
            File.WriteAllText(name + ".txt", failure.ToString());
            Console.WriteLine($"FINDING {key}\n  saved as {name}.bin");
        }
    }
}

for (int t = 0; t < targets.Length; t++)
{
    Console.WriteLine($"{runs[t],10:N0} inputs ({accepted[t],9:N0} loaded, the rest rejected with the documented exception)  {targets[t].Name}");
}

Console.WriteLine($"{runs.Sum():N0} inputs in {deadline.Elapsed.TotalMinutes:F1} min; {findings.Count} distinct findings");
foreach ((string key, int count) in findings)
{
    Console.WriteLine($"  {count,6}x {key}");
}

return findings.Count == 0 ? 0 : 1;
