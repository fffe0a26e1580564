using System.Globalization;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// How the public types' <c>ToString()</c> write numbers: invariant digits, rounded to what a reader can
/// use. The exact values stay available through the types' properties.
/// </summary>
internal static class Display
{
    /// <summary>
    /// Four significant digits and no trailing zeros (0.5450742540385252 → 0.5451, 106.045 → 106,
    /// 3.5 → 3.5), whole numbers from 1,000 on (12345.6 → 12346), an exponent below 10⁻⁴ (3.1E-06);
    /// NaN and infinities as "NaN", "∞" and "-∞".
    /// </summary>
    public static string Number(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "∞" : "-∞";
        }

        double magnitude = Math.Abs(value);
        if (magnitude == 0)
        {
            return "0";
        }

        if (magnitude >= 1000)
        {
            return Math.Round(value, MidpointRounding.AwayFromZero).ToString("0", CultureInfo.InvariantCulture);
        }

        if (magnitude < 1e-4)
        {
            return value.ToString("0.###E+00", CultureInfo.InvariantCulture);
        }

        int decimals = Math.Clamp(3 - (int)Math.Floor(Math.Log10(magnitude)), 0, 15);
        double rounded = Math.Round(value, decimals, MidpointRounding.AwayFromZero);
        return rounded.ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture);
    }

    /// <summary><see cref="Number(double)"/>, or "n/a" for <see langword="null"/>.</summary>
    public static string Number(double? value) => value is { } v ? Number(v) : "n/a";

    /// <summary>A duration in seconds with three significant digits at most: "0.012 s", "2.85 s", "123 s".</summary>
    public static string Seconds(TimeSpan time)
    {
        double seconds = time.TotalSeconds;
        string format = seconds >= 100 ? "0" : seconds >= 10 ? "0.#" : seconds >= 1 ? "0.##" : "0.###";
        return seconds.ToString(format, CultureInfo.InvariantCulture) + " s";
    }

    /// <summary>An integer in invariant digits.</summary>
    public static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>An item for a reader: its title in quotes and its id ("'Toy Story (1995)' (id 1)"), or only the id when the title is the id.</summary>
    public static string Item(string id, string title) =>
        string.Equals(id, title, StringComparison.Ordinal) ? "item " + id : $"'{title}' (id {id})";
}
