using CollaborativeFiltering.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CollaborativeFiltering.MLNet.DataViews;

/// <summary>
/// A model bound to one input schema: the user and item key columns found and checked, their keys
/// mapped onto the model's catalogue, and the output schema (the input's columns, then a Single score
/// column). The score of a row is the model's <see cref="IRecommenderModel.Predict(Data.UserIndex, Data.ItemIndex)"/> for the row's user
/// and item, or NaN when either key is missing or unknown to the model.
/// </summary>
internal sealed class ScoreBinding
{
    private readonly IRecommenderModel _model;
    private readonly KeyMap _users;
    private readonly KeyMap _items;

    private ScoreBinding(IRecommenderModel model, DataViewSchema inputSchema, DataViewSchema outputSchema, DataViewSchema.Column userColumn, DataViewSchema.Column itemColumn, KeyMap users, KeyMap items)
    {
        _model = model;
        InputSchema = inputSchema;
        OutputSchema = outputSchema;
        UserColumn = userColumn;
        ItemColumn = itemColumn;
        _users = users;
        _items = items;
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public DataViewSchema.Column UserColumn { get; }

    public DataViewSchema.Column ItemColumn { get; }

    /// <summary>The index of the score column in <see cref="OutputSchema"/>: after every input column.</summary>
    public int ScoreIndex => InputSchema.Count;

    /// <summary>Checks the input schema and maps its keys onto the model's catalogue.</summary>
    public static ScoreBinding Create(IRecommenderModel model, string userColumnName, string itemColumnName, string scoreColumnName, DataViewSchema inputSchema, string paramName)
    {
        ArgumentNullException.ThrowIfNull(inputSchema, paramName);
        DataViewSchema.Column userColumn = ColumnChecks.Key(inputSchema, userColumnName, "user", paramName);
        DataViewSchema.Column itemColumn = ColumnChecks.Key(inputSchema, itemColumnName, "item", paramName);
        Catalog catalog = model.Catalog;
        KeyMap users = KeyMap.Create(userColumn, catalog.Users, "user", paramName);
        KeyMap items = KeyMap.Create(itemColumn, catalog.Items, "item", paramName);

        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        builder.AddColumn(scoreColumnName, NumberDataViewType.Single);
        return new ScoreBinding(model, inputSchema, builder.ToSchema(), userColumn, itemColumn, users, items);
    }

    /// <summary>The model's prediction for a user key and an item key, or NaN when either is missing or unknown.</summary>
    public float Score(ulong userKey, ulong itemKey)
    {
        int user = _users[userKey];
        int item = _items[itemKey];
        return user < 0 || item < 0 ? float.NaN : _model.Predict(new UserIndex(user), new ItemIndex(item));
    }

    /// <summary>The input columns needed to compute <paramref name="outputColumns"/>.</summary>
    public List<DataViewSchema.Column> InputColumnsFor(IEnumerable<DataViewSchema.Column> outputColumns, out bool scoreNeeded)
    {
        ArgumentNullException.ThrowIfNull(outputColumns);
        var needed = new List<DataViewSchema.Column>();
        var seen = new HashSet<int>();
        scoreNeeded = false;
        foreach (DataViewSchema.Column column in outputColumns)
        {
            if (column.Index == ScoreIndex)
            {
                scoreNeeded = true;
            }
            else if (column.Index >= 0 && column.Index < ScoreIndex && seen.Add(column.Index))
            {
                needed.Add(InputSchema[column.Index]);
            }
        }

        if (scoreNeeded)
        {
            if (seen.Add(UserColumn.Index))
            {
                needed.Add(UserColumn);
            }

            if (seen.Add(ItemColumn.Index))
            {
                needed.Add(ItemColumn);
            }
        }

        return needed;
    }

    /// <summary>A getter of the score of <paramref name="input"/>'s current row (its user and item columns must be active).</summary>
    public ValueGetter<float> CreateScoreGetter(DataViewRow input)
    {
        ValueGetter<ulong> getUser = KeyGetters.Create(input, UserColumn);
        ValueGetter<ulong> getItem = KeyGetters.Create(input, ItemColumn);
        ulong userKey = 0, itemKey = 0;
        return (ref float score) =>
        {
            getUser(ref userKey);
            getItem(ref itemKey);
            score = Score(userKey, itemKey);
        };
    }
}
