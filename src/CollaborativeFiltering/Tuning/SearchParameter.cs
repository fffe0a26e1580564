using System.Globalization;

namespace CollaborativeFiltering.Tuning;

/// <summary>One hyper-parameter of a <see cref="SearchSpace{TOptions}"/>: its name, its range and whether its values are whole numbers.</summary>
public sealed class SearchParameter
{
    internal SearchParameter(string name, ParameterRange range, bool isInteger)
    {
        Name = name;
        Range = range;
        IsInteger = isInteger;
    }

    /// <summary>The name shown in the trial table (usually the option's property name).</summary>
    public string Name { get; }

    /// <summary>The values the parameter may take.</summary>
    public ParameterRange Range { get; }

    /// <summary>Whether the values are rounded to whole numbers before they are applied (dimensions, counts).</summary>
    public bool IsInteger { get; }

    /// <summary>A value as the trial table shows it: a whole number, or four significant digits.</summary>
    /// <param name="value">A value of the parameter.</param>
    /// <returns>The text.</returns>
    public string Format(double value) => IsInteger
        ? Math.Round(value).ToString("0", CultureInfo.InvariantCulture)
        : value.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>The name and the range, e.g. <c>Regularization: log-uniform [0.04, 0.16]</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => Name + ": " + Range;
}
