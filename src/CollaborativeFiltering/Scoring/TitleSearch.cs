using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Scoring;

/// <summary>Finds items by a case-insensitive (ordinal) substring of their titles, like the notebook's <c>str.contains</c>.</summary>
internal static class TitleSearch
{
    /// <summary>The indices of every item whose title contains <paramref name="substring"/>, ascending.</summary>
    public static List<int> FindAll(Data.Catalog catalog, string substring)
    {
        var matches = new List<int>();
        for (int j = 0; j < catalog.ItemCount; j++)
        {
            if (catalog.TitleOf(j).Contains(substring, StringComparison.OrdinalIgnoreCase))
            {
                matches.Add(j);
            }
        }

        return matches;
    }

    /// <summary>The first (lowest-index) item whose title contains <paramref name="substring"/>, or −1.</summary>
    public static int FindFirst(Data.Catalog catalog, string substring)
    {
        for (int j = 0; j < catalog.ItemCount; j++)
        {
            if (catalog.TitleOf(j).Contains(substring, StringComparison.OrdinalIgnoreCase))
            {
                return j;
            }
        }

        return -1;
    }

    /// <summary>Throws when the text is null, empty or white space (it would match everything).</summary>
    public static void ThrowIfInvalid(string? substring, string paramName)
    {
        ArgumentNullException.ThrowIfNull(substring, paramName);
        if (string.IsNullOrWhiteSpace(substring))
        {
            ThrowHelper.Argument(paramName, $"{paramName} is empty or white space; give part of a title.");
        }
    }
}
