using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.MLNet.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CollaborativeFiltering.MLNet.DataViews;

/// <summary>
/// Reads the ratings of an <see cref="IDataView"/> (a user key, an item key and a Single or Double
/// label per row) into a <see cref="RatingsDataset"/> over a catalogue. As ML.NET's matrix factorization
/// does, a row whose user or item key is missing (0), beyond the key count or, matched by key value,
/// not in the catalogue, or whose label is not a finite number, is skipped, and the count is logged
/// as a warning.
/// </summary>
internal sealed class DataViewRatings
{
    private const int CancellationCheckInterval = 1 << 16;

    private readonly string _userColumnName;
    private readonly string _itemColumnName;
    private readonly string _labelColumnName;
    private readonly DuplicatePolicy _duplicates;
    private readonly ILogger _logger;

    public DataViewRatings(string userColumnName, string itemColumnName, string labelColumnName, DuplicatePolicy duplicates, ILogger logger)
    {
        _userColumnName = userColumnName;
        _itemColumnName = itemColumnName;
        _labelColumnName = labelColumnName;
        _duplicates = duplicates;
        _logger = logger;
    }

    /// <summary>The catalogue a training set's keys define: the user and item key values (or key numbers) as ids, in key order.</summary>
    public Catalog CatalogOf(DataViewSchema schema, string paramName)
    {
        DataViewSchema.Column users = ColumnChecks.Key(schema, _userColumnName, "user", paramName);
        DataViewSchema.Column items = ColumnChecks.Key(schema, _itemColumnName, "item", paramName);
        return new Catalog(KeyValueIds.Read(users, "user", paramName), KeyValueIds.Read(items, "item", paramName));
    }

    /// <summary>Reads the ratings of <paramref name="data"/> over <paramref name="catalog"/>.</summary>
    /// <param name="data">The rows.</param>
    /// <param name="catalog">The catalogue the keys are matched to.</param>
    /// <param name="keysDefineCatalog">Whether <paramref name="catalog"/> was made from these very columns by <see cref="CatalogOf"/> (key k is index k − 1).</param>
    /// <param name="paramName">The argument <paramref name="data"/> came from, for messages.</param>
    /// <param name="cancellationToken">Checked every 65,536 rows.</param>
    public RatingsDataset Read(IDataView data, Catalog catalog, bool keysDefineCatalog, string paramName, CancellationToken cancellationToken)
    {
        DataViewSchema schema = data.Schema;
        DataViewSchema.Column userColumn = ColumnChecks.Key(schema, _userColumnName, "user", paramName);
        DataViewSchema.Column itemColumn = ColumnChecks.Key(schema, _itemColumnName, "item", paramName);
        DataViewSchema.Column labelColumn = ColumnChecks.Label(schema, _labelColumnName, paramName);
        KeyMap users = keysDefineCatalog ? KeyMap.Identity(userColumn) : KeyMap.Create(userColumn, catalog.Users, "user", paramName);
        KeyMap items = keysDefineCatalog ? KeyMap.Identity(itemColumn) : KeyMap.Create(itemColumn, catalog.Items, "item", paramName);

        var builder = new RatingsDatasetBuilder(catalog, _duplicates);
        long rows = 0, skipped = 0;
        using (DataViewRowCursor cursor = data.GetRowCursor([userColumn, itemColumn, labelColumn]))
        {
            ValueGetter<ulong> getUser = KeyGetters.Create(cursor, userColumn);
            ValueGetter<ulong> getItem = KeyGetters.Create(cursor, itemColumn);
            ValueGetter<double> getLabel = LabelGetter(cursor, labelColumn);
            ulong userKey = 0, itemKey = 0;
            double label = 0;
            while (cursor.MoveNext())
            {
                if (rows++ % CancellationCheckInterval == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                getUser(ref userKey);
                getItem(ref itemKey);
                getLabel(ref label);
                int user = users[userKey];
                int item = items[itemKey];
                float value = (float)label;
                if (user < 0 || item < 0 || !float.IsFinite(value))
                {
                    skipped++;
                    continue;
                }

                builder.Add(new Rating(new UserIndex(user), new ItemIndex(item), value));
            }
        }

        if (skipped > 0)
        {
            MLNetLog.RowsSkipped(_logger, paramName, skipped, rows, _userColumnName, _itemColumnName, _labelColumnName);
        }

        if (builder.Count == 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"No rating can be read from {paramName}: of its {rows} rows, none has a user key in '{_userColumnName}', an item key in '{_itemColumnName}' "
                + $"that the catalogue knows and a finite label in '{_labelColumnName}'."), paramName);
        }

        try
        {
            return builder.Build();
        }
        catch (InvalidOperationException e) when (_duplicates == DuplicatePolicy.Reject)
        {
            throw new InvalidOperationException($"{paramName} holds a (user, item) pair twice: {e.Message} (On the estimator: .WithDuplicates(DuplicatePolicy.KeepLast) or .WithDuplicates(DuplicatePolicy.Average).)", e);
        }
    }

    private static ValueGetter<double> LabelGetter(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Type == NumberDataViewType.Double)
        {
            return row.GetGetter<double>(column);
        }

        ValueGetter<float> get = row.GetGetter<float>(column);
        float v = 0;
        return (ref double label) =>
        {
            get(ref v);
            label = v;
        };
    }
}
