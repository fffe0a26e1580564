using System.Collections.ObjectModel;
using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// A feature group of the user's own for <see cref="BayesianFactorizationMachine"/>: one sparse row
/// of named features per user (or per item) of the catalogue, with its own normal–gamma prior. It joins
/// the relational user (or item) block, so each row is stored once and costs nothing per rating.
/// Immutable; build one with <see cref="Categorical"/> or <see cref="Weighted"/>.
/// </summary>
/// <remarks>
/// A model's fold-in of a new user (<see cref="FactorizationMachineModel.ComputeNewUserQuery(ReadOnlySpan{int}, ReadOnlySpan{float}, Data.UserInfo?)"/>)
/// knows the built-in groups only: a user group of one's own contributes nothing to a new user's query.
/// </remarks>
public sealed class FeatureGroup
{
    /// <summary>The largest magnitude of a feature value (10³), so that no product of features and factors overflows.</summary>
    public const float MaxValue = 1000f;

    private readonly int[] _rowOffsets;
    private readonly int[] _features;
    private readonly float[] _values;

    private FeatureGroup(string name, FeatureSide side, string[] featureNames, int[] rowOffsets, int[] features, float[] values)
    {
        Name = name;
        Side = side;
        FeatureNames = new ReadOnlyCollection<string>(featureNames);
        _rowOffsets = rowOffsets;
        _features = features;
        _values = values;
    }

    /// <summary>The group's name (unique among a model's groups; the built-in ones are listed by <see cref="FactorizationMachineModel.FeatureGroups"/>).</summary>
    public string Name { get; }

    /// <summary>Whether the rows are users or items.</summary>
    public FeatureSide Side { get; }

    /// <summary>The names of the group's features, in index order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The number of rows: the catalogue's users (or items) the group was made for.</summary>
    public int RowCount => _rowOffsets.Length - 1;

    internal ReadOnlySpan<int> RowOffsets => _rowOffsets;

    /// <summary>The group in a line, e.g. <c>feature group 'region' (user side): 4 features over 943 rows</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"feature group '{Name}' ({Side.ToString().ToLowerInvariant()} side): {FeatureNames.Count} features over {RowCount} rows");

    internal ReadOnlySpan<int> Features => _features;

    internal ReadOnlySpan<float> Values => _values;

    /// <summary>
    /// A one-hot group: each row has the value 1 for its category (features are the distinct
    /// categories, in order of first appearance), or no feature when its category is <see langword="null"/>.
    /// </summary>
    /// <param name="name">The group's name, not empty.</param>
    /// <param name="side">Users or items.</param>
    /// <param name="categories">One category per user (or item) of the catalogue, in index order.</param>
    /// <returns>The group.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or blank.</exception>
    public static FeatureGroup Categorical(string name, FeatureSide side, IReadOnlyList<string?> categories)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(categories);
        var rows = new IReadOnlyDictionary<string, float>?[categories.Count];
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r] = categories[r] is { } c ? new Dictionary<string, float>(1, StringComparer.Ordinal) { [c] = 1f } : null;
        }

        return Weighted(name, side, rows);
    }

    /// <summary>
    /// A group of weighted features: each row maps feature names to values (features are the distinct
    /// names, in order of first appearance); a <see langword="null"/> or empty row has no feature.
    /// Normalise the weights as the features call for (the built-in genres sum to 1 per item).
    /// </summary>
    /// <param name="name">The group's name, not empty.</param>
    /// <param name="side">Users or items.</param>
    /// <param name="rows">One row per user (or item) of the catalogue, in index order.</param>
    /// <returns>The group.</returns>
    /// <exception cref="ArgumentNullException">An argument or a feature name is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is not finite or exceeds <see cref="MaxValue"/> in magnitude; the message names the row and feature.</exception>
    public static FeatureGroup Weighted(string name, FeatureSide side, IReadOnlyList<IReadOnlyDictionary<string, float>?> rows)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(rows);
        if (side is not FeatureSide.User and not FeatureSide.Item)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(side), side, "User or Item");
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new List<string>();
        var offsets = new int[rows.Count + 1];
        var features = new List<int>();
        var values = new List<float>();
        var row = new List<(int Feature, float Value)>();
        for (int r = 0; r < rows.Count; r++)
        {
            row.Clear();
            foreach ((string feature, float value) in rows[r] ?? new Dictionary<string, float>())
            {
                ArgumentNullException.ThrowIfNull(feature, nameof(rows));
                if (!(Math.Abs(value) <= MaxValue))
                {
                    ThrowHelper.ArgumentOutOfRange(nameof(rows), value, string.Create(CultureInfo.InvariantCulture, $"a finite value of magnitude at most {MaxValue} (row {r}, feature '{feature}')"));
                }

                if (!index.TryGetValue(feature, out int f))
                {
                    f = names.Count;
                    index.Add(feature, f);
                    names.Add(feature);
                }

                row.Add((f, value));
            }

            row.Sort(static (a, b) => a.Feature.CompareTo(b.Feature));
            foreach ((int f, float value) in row)
            {
                features.Add(f);
                values.Add(value);
            }

            offsets[r + 1] = features.Count;
        }

        return new FeatureGroup(name, side, [.. names], offsets, [.. features], [.. values]);
    }

    private static void CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (string.IsNullOrWhiteSpace(name))
        {
            ThrowHelper.Argument(nameof(name), "A feature group needs a name that is not empty or blank.");
        }
    }
}
