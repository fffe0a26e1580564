using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Spectre.Console.Cli;

namespace MovieLensSample.Commands;

/// <summary>
/// Turns the library's rejection of an option (an <see cref="ArgumentOutOfRangeException"/> whose parameter is the
/// options property) into one line in command-line terms: <c>--iterations must be a whole number ≥ 1, got -5</c>.
/// The ranges stay the library's; only the names and the wording are the sample's.
/// </summary>
internal static class OptionError
{
    /// <summary>The library's wording of a range, and the command line's.</summary>
    private static readonly Dictionary<string, string> Ranges = new(StringComparer.Ordinal)
    {
        ["greater than zero"] = "a whole number ≥ 1",
        ["zero or greater"] = "a whole number ≥ 0",
        ["a positive finite number"] = "a number > 0",
        ["a finite number, zero or greater"] = "a number ≥ 0",
        ["-1 (all processors) or in [1, 1024]"] = "-1 (one per processor) or a whole number in [1, 1024]",
    };

    /// <summary>
    /// The line for <paramref name="e"/>, naming the option that <paramref name="options"/> maps its parameter to;
    /// null when the parameter is not one of them (the caller lets the exception go).
    /// </summary>
    public static string? Describe(ArgumentOutOfRangeException e, IReadOnlyDictionary<string, string> options)
    {
        if (e.ParamName is not { } parameter || !options.TryGetValue(parameter, out string? option))
        {
            return null;
        }

        string prefix = parameter + " must be ";
        string message = e.Message;
        int start = message.IndexOf(prefix, StringComparison.Ordinal);
        int end = message.IndexOf("; it was ", StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            return $"{option}: {message.Split('\n')[0].Trim()}";
        }

        string range = message[(start + prefix.Length)..end];
        string got = Convert.ToString(e.ActualValue, CultureInfo.InvariantCulture) ?? "nothing";
        return $"{option} must be {Ranges.GetValueOrDefault(range, range)}, got {got}";
    }

    /// <summary>The line for an integer option that must be at least <paramref name="minimum"/>; null when it is.</summary>
    public static string? AtLeast(string option, int value, int minimum) =>
        value >= minimum ? null : string.Create(CultureInfo.InvariantCulture, $"{option} must be a whole number ≥ {minimum}, got {value}");

    /// <summary>
    /// The parser's "Failed to convert 'abc' to Nullable`1." said in command-line terms (<c>--iterations must be a whole
    /// number, got 'abc'</c>), finding the option in <paramref name="args"/>; null when the message is not that one.
    /// </summary>
    public static string? Conversion(string message, IReadOnlyList<string> args)
    {
        Match match = Regex.Match(message, "^Failed to convert '(.*)' to ", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        if (!match.Success)
        {
            return null;
        }

        string value = match.Groups[1].Value;
        for (int i = 0; i < args.Count; i++)
        {
            string option = args[i];
            int equals = option.IndexOf('=', StringComparison.Ordinal);
            bool inline = option.StartsWith('-') && equals > 0 && option[(equals + 1)..] == value;
            if (inline || (i > 0 && option == value && args[i - 1].StartsWith('-')))
            {
                string name = inline ? option[..equals] : args[i - 1];
                return $"{name} must be {Kind(name)}, got '{value}'";
            }
        }

        return null;
    }

    /// <summary>"a whole number" or "a number", from the type of the option's property in any command's settings.</summary>
    private static string Kind(string name)
    {
        string longName = name.TrimStart('-');
        Type? type = typeof(OptionError).Assembly.GetTypes()
            .Where(t => typeof(CommandSettings).IsAssignableFrom(t))
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .FirstOrDefault(p => p.GetCustomAttribute<CommandOptionAttribute>() is { } a && (a.LongNames.Contains(longName) || a.ShortNames.Contains(longName)))
            ?.PropertyType;
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(int) || type == typeof(long) ? "a whole number" : "a number";
    }
}
