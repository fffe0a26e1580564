using System.Collections.ObjectModel;
using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tuning;

/// <summary>
/// The values one hyper-parameter may take in a search: a list of choices, or a continuous interval
/// sampled uniformly on a linear or a logarithmic scale. A grid search takes <see cref="GridValues"/>
/// (the choices, or <see cref="GridPoints"/> points spaced evenly on the interval's scale, both ends
/// included); a random search and successive halving draw from the range. Immutable.
/// </summary>
public sealed class ParameterRange
{
    private readonly double[] _values;

    private ParameterRange(ParameterScale scale, double minimum, double maximum, double[] values, int gridPoints)
    {
        Scale = scale;
        Minimum = minimum;
        Maximum = maximum;
        _values = values;
        GridPoints = gridPoints;
        GridValues = new ReadOnlyCollection<double>(Grid());
    }

    /// <summary>How values are drawn: from the <see cref="Choices"/>, or on a linear or logarithmic scale between <see cref="Minimum"/> and <see cref="Maximum"/>.</summary>
    public ParameterScale Scale { get; }

    /// <summary>The smallest value the range can give.</summary>
    public double Minimum { get; }

    /// <summary>The largest value the range can give.</summary>
    public double Maximum { get; }

    /// <summary>The values of a <see cref="ParameterScale.Choice"/> range, in the order given; empty for an interval.</summary>
    public ReadOnlySpan<double> Choices => _values;

    /// <summary>How many values a grid search takes from an interval (for a list of choices, their number).</summary>
    public int GridPoints { get; }

    /// <summary>
    /// The values a grid search tries: the choices, or <see cref="GridPoints"/> values from
    /// <see cref="Minimum"/> to <see cref="Maximum"/> evenly spaced on the range's scale (geometrically
    /// for <see cref="ParameterScale.Logarithmic"/>).
    /// </summary>
    public IReadOnlyList<double> GridValues { get; }

    /// <summary>A continuous interval sampled uniformly: for learning rates' and penalties' siblings whose effect is additive.</summary>
    /// <param name="minimum">The smallest value; finite.</param>
    /// <param name="maximum">The largest value; finite and greater than <paramref name="minimum"/>.</param>
    /// <param name="gridPoints">How many evenly spaced values a grid search takes, both ends included; at least 2.</param>
    /// <returns>The range.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A bound is not finite, <paramref name="maximum"/> is not above <paramref name="minimum"/>, or <paramref name="gridPoints"/> is below 2.</exception>
    public static ParameterRange Uniform(double minimum, double maximum, int gridPoints = 3)
    {
        CheckInterval(minimum, maximum, gridPoints, logarithmic: false);
        return new ParameterRange(ParameterScale.Linear, minimum, maximum, [], gridPoints);
    }

    /// <summary>
    /// A continuous interval sampled uniformly on a logarithmic scale (log x uniform): the scale for
    /// learning rates, penalties and confidence weights, whose effect is multiplicative and whose good
    /// values span orders of magnitude.
    /// </summary>
    /// <param name="minimum">The smallest value; positive and finite.</param>
    /// <param name="maximum">The largest value; finite and greater than <paramref name="minimum"/>.</param>
    /// <param name="gridPoints">How many geometrically spaced values a grid search takes, both ends included; at least 2.</param>
    /// <returns>The range.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minimum"/> is not positive, a bound is not finite, <paramref name="maximum"/> is not above <paramref name="minimum"/>, or <paramref name="gridPoints"/> is below 2.</exception>
    public static ParameterRange LogUniform(double minimum, double maximum, int gridPoints = 3)
    {
        CheckInterval(minimum, maximum, gridPoints, logarithmic: true);
        return new ParameterRange(ParameterScale.Logarithmic, minimum, maximum, [], gridPoints);
    }

    /// <summary>A list of values, each drawn with equal probability: for dimensions and other discrete settings.</summary>
    /// <param name="values">At least one finite value, each once.</param>
    /// <returns>The range.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty, holds a value that is not finite, or holds a value twice.</exception>
    public static ParameterRange Choice(params double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0)
        {
            ThrowHelper.Argument(nameof(values), "A choice needs at least one value.");
        }

        for (int k = 0; k < values.Length; k++)
        {
            if (!double.IsFinite(values[k]))
            {
                ThrowHelper.Argument(nameof(values), string.Create(CultureInfo.InvariantCulture, $"The value {values[k]} at position {k} is not finite."));
            }

            if (Array.IndexOf(values, values[k]) != k)
            {
                ThrowHelper.Argument(nameof(values), string.Create(CultureInfo.InvariantCulture, $"The value {values[k]} appears twice; give each value once."));
            }
        }

        double[] copy = (double[])values.Clone();
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in copy)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return new ParameterRange(ParameterScale.Choice, min, max, copy, copy.Length);
    }

    /// <summary>A short description: <c>{32, 64, 128}</c>, <c>log-uniform [0.005, 0.02]</c> or <c>uniform [0, 1]</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => Scale switch
    {
        ParameterScale.Choice => "{" + string.Join(", ", _values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture))) + "}",
        ParameterScale.Logarithmic => string.Create(CultureInfo.InvariantCulture, $"log-uniform [{Minimum:G6}, {Maximum:G6}]"),
        _ => string.Create(CultureInfo.InvariantCulture, $"uniform [{Minimum:G6}, {Maximum:G6}]"),
    };

    /// <summary>One draw: a uniformly chosen choice, or a uniform point of the interval on its scale.</summary>
    internal double Sample(SeededRandom random) => Scale switch
    {
        ParameterScale.Choice => _values[random.NextInt(_values.Length)],
        ParameterScale.Logarithmic => Math.Clamp(Math.Exp(Math.Log(Minimum) + (random.NextDouble() * (Math.Log(Maximum) - Math.Log(Minimum)))), Minimum, Maximum),
        _ => Math.Clamp(Minimum + (random.NextDouble() * (Maximum - Minimum)), Minimum, Maximum),
    };

    private static void CheckInterval(double minimum, double maximum, int gridPoints, bool logarithmic)
    {
        if (!double.IsFinite(minimum) || (logarithmic && !(minimum > 0)))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(minimum), minimum, logarithmic ? "a positive finite number (a logarithmic scale starts above zero)" : "a finite number");
        }

        if (!double.IsFinite(maximum) || !(maximum > minimum))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(maximum), maximum, string.Create(CultureInfo.InvariantCulture, $"a finite number greater than minimum ({minimum})"));
        }

        if (gridPoints < 2)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(gridPoints), gridPoints, "at least 2 (both ends of the interval)");
        }
    }

    private double[] Grid()
    {
        if (Scale == ParameterScale.Choice)
        {
            return (double[])_values.Clone();
        }

        var grid = new double[GridPoints];
        for (int k = 0; k < grid.Length; k++)
        {
            double t = (double)k / (grid.Length - 1);
            grid[k] = Scale == ParameterScale.Logarithmic
                ? Math.Exp(Math.Log(Minimum) + (t * (Math.Log(Maximum) - Math.Log(Minimum))))
                : Minimum + (t * (Maximum - Minimum));
        }

        grid[0] = Minimum;
        grid[^1] = Maximum;
        return grid;
    }
}
