namespace CollaborativeFiltering.Data.Parsing;

/// <summary>Hands out one shared string per distinct text (genres, occupations, sexes), looked up by span without allocating.</summary>
internal sealed class StringPool
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);

    /// <summary>The shared string equal to <paramref name="text"/>, created on first use.</summary>
    /// <param name="text">The characters.</param>
    /// <returns>The shared string.</returns>
    public string Get(ReadOnlySpan<char> text)
    {
        var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(text, out string? s))
        {
            return s;
        }

        s = text.ToString();
        _strings.Add(s, s);
        return s;
    }

    /// <summary>Registers an existing string so that later lookups return this instance.</summary>
    /// <param name="text">The string.</param>
    /// <returns>The shared instance (the one already pooled, if any).</returns>
    public string Add(string text)
    {
        if (_strings.TryGetValue(text, out string? s))
        {
            return s;
        }

        _strings.Add(text, text);
        return text;
    }
}
