using System.Collections.ObjectModel;
using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tuning;

/// <summary>
/// The options a <see cref="HyperparameterSearch{TOptions, TModel}"/> tries: base options and, for each
/// searched hyper-parameter, a name, a <see cref="ParameterRange"/> and how a value is applied to the
/// options, typically a <c>with</c> expression. Immutable: <see cref="With"/> and
/// <see cref="WithInteger"/> return a new space.
/// </summary>
/// <example>
/// <code>
/// var space = new SearchSpace&lt;BiasedSgdOptions&gt;(new BiasedSgdOptions())
///     .WithInteger("Dimensions", ParameterRange.Choice(32, 64, 100), (o, d) =&gt; o with { Dimensions = d })
///     .With("Regularization", ParameterRange.LogUniform(0.04, 0.16), (o, x) =&gt; o with { Regularization = x });
/// </code>
/// </example>
/// <typeparam name="TOptions">The trainer's options record.</typeparam>
public sealed class SearchSpace<TOptions>
    where TOptions : TrainerOptions
{
    private readonly SearchParameter[] _parameters;
    private readonly Func<TOptions, double, TOptions>[] _apply;

    /// <summary>Creates a space with no searched parameter: every trial trains with <paramref name="baseOptions"/>.</summary>
    /// <param name="baseOptions">The options every trial starts from; their <see cref="TrainerOptions.Iterations"/> is a trial's full budget.</param>
    /// <exception cref="ArgumentNullException"><paramref name="baseOptions"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option of <paramref name="baseOptions"/> is out of range; the parameter name is the option's.</exception>
    public SearchSpace(TOptions baseOptions)
        : this(Checked(baseOptions), [], [])
    {
    }

    private SearchSpace(TOptions baseOptions, SearchParameter[] parameters, Func<TOptions, double, TOptions>[] apply)
    {
        BaseOptions = baseOptions;
        _parameters = parameters;
        _apply = apply;
        Parameters = new ReadOnlyCollection<SearchParameter>(parameters);
    }

    /// <summary>The options every trial starts from.</summary>
    public TOptions BaseOptions { get; }

    /// <summary>The searched parameters, in the order they are applied.</summary>
    public IReadOnlyList<SearchParameter> Parameters { get; }

    /// <summary>The number of trials of a grid search: the product of the parameters' grid sizes (1 with no parameter).</summary>
    public long GridSize
    {
        get
        {
            long size = 1;
            foreach (SearchParameter p in _parameters)
            {
                size = checked(size * p.Range.GridValues.Count);
            }

            return size;
        }
    }

    /// <summary>Adds a real-valued hyper-parameter.</summary>
    /// <param name="name">The parameter's name, shown in the trial table; not empty, not already used.</param>
    /// <param name="range">The values it may take.</param>
    /// <param name="apply">Returns the options with the value applied, e.g. <c>(o, x) =&gt; o with { Regularization = x }</c>.</param>
    /// <returns>A new space with the parameter last.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or already used.</exception>
    public SearchSpace<TOptions> With(string name, ParameterRange range, Func<TOptions, double, TOptions> apply)
    {
        ArgumentNullException.ThrowIfNull(apply);
        return Add(name, range, isInteger: false, apply);
    }

    /// <summary>Adds a whole-number hyper-parameter (dimensions, counts): every value is rounded to the nearest integer before it is applied.</summary>
    /// <param name="name">The parameter's name, shown in the trial table; not empty, not already used.</param>
    /// <param name="range">The values it may take (choices are rounded too).</param>
    /// <param name="apply">Returns the options with the value applied, e.g. <c>(o, d) =&gt; o with { Dimensions = d }</c>.</param>
    /// <returns>A new space with the parameter last.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or already used, or a value of <paramref name="range"/> rounds outside the range of <see cref="int"/>.</exception>
    public SearchSpace<TOptions> WithInteger(string name, ParameterRange range, Func<TOptions, int, TOptions> apply)
    {
        ArgumentNullException.ThrowIfNull(apply);
        ArgumentNullException.ThrowIfNull(range);
        if (!(Math.Round(range.Minimum) >= int.MinValue && Math.Round(range.Maximum) <= int.MaxValue))
        {
            ThrowHelper.Argument(nameof(range), string.Create(CultureInfo.InvariantCulture, $"The range {range} of '{name}' does not fit in a 32-bit integer."));
        }

        return Add(name, range, isInteger: true, (o, x) => apply(o, (int)Math.Round(x)));
    }

    /// <summary>The parameters and their ranges, one per line, after the base options' type name.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        typeof(TOptions).Name + (_parameters.Length == 0 ? " (no searched parameter)" : ": " + string.Join("; ", _parameters.Select(p => p.ToString())));

    /// <summary>The base options with <paramref name="values"/> (one per parameter, in order) applied, integers rounded.</summary>
    internal TOptions Apply(ReadOnlySpan<double> values)
    {
        TOptions options = BaseOptions;
        for (int k = 0; k < _apply.Length; k++)
        {
            options = _apply[k](options, values[k]) ?? throw new InvalidOperationException(
                string.Create(CultureInfo.InvariantCulture, $"The apply function of the search parameter '{_parameters[k].Name}' returned null; it must return the options with the value applied."));
        }

        return options;
    }

    /// <summary>The value a trial records: rounded for integer parameters.</summary>
    internal double Normalize(int parameter, double value) => _parameters[parameter].IsInteger ? Math.Round(value) : value;

    private static TOptions Checked(TOptions baseOptions)
    {
        ArgumentNullException.ThrowIfNull(baseOptions);
        baseOptions.Validate();
        return baseOptions;
    }

    private SearchSpace<TOptions> Add(string name, ParameterRange range, bool isInteger, Func<TOptions, double, TOptions> apply)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(range);
        if (string.IsNullOrWhiteSpace(name))
        {
            ThrowHelper.Argument(nameof(name), "The parameter name is empty; give the option's name.");
        }

        foreach (SearchParameter p in _parameters)
        {
            if (string.Equals(p.Name, name, StringComparison.Ordinal))
            {
                ThrowHelper.Argument(nameof(name), $"The search space already has a parameter named '{name}'.");
            }
        }

        return new SearchSpace<TOptions>(BaseOptions, [.. _parameters, new SearchParameter(name, range, isInteger)], [.. _apply, apply]);
    }
}
