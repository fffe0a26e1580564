using System.Globalization;

namespace CollaborativeFiltering.Benchmarks;

/// <summary>The side-by-side harnesses' arguments: a mode, then <c>--name value</c> pairs.</summary>
internal sealed class HarnessArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    /// <summary>Reads the pairs after the mode (<c>args[0]</c>).</summary>
    public HarnessArguments(string[] args)
    {
        for (int k = 1; k + 1 < args.Length; k += 2)
        {
            _values[args[k].TrimStart('-')] = args[k + 1];
        }
    }

    /// <summary>The value of <c>--name</c>, or <paramref name="fallback"/>.</summary>
    public string Get(string name, string fallback) => _values.TryGetValue(name, out string? v) ? v : fallback;

    /// <summary>The value of <c>--name</c> as an integer, or <paramref name="fallback"/>.</summary>
    public int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
}
