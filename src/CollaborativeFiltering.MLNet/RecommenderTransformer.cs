using CollaborativeFiltering.MLNet.DataViews;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CollaborativeFiltering.MLNet;

/// <summary>
/// An ML.NET transformer that scores (user, item) pairs with one of the library's models: it adds a
/// Single <c>Score</c> column holding the model's <see cref="IRecommenderModel.Predict(Data.UserIndex, Data.ItemIndex)"/> for each row's
/// user key and item key. For a model that predicts ratings (<see cref="IRecommenderModel.PredictsRatings"/>:
/// the notebook's models, biased SGD, ALS) the score is the predicted rating, clamped into the training
/// rating range where the model does, so <c>mlContext.Regression.Evaluate</c> measures it; for implicit ALS
/// it is a preference and for the softmax network a logit, which only order items. A row whose user or
/// item key is missing (0) or unknown to the model scores NaN, as with ML.NET's matrix factorization.
/// Works with <c>mlContext.Model.CreatePredictionEngine</c>. Immutable and safe to share between threads.
/// </summary>
/// <remarks>
/// <para><b>Keys.</b> Keys are matched to the model's catalogue by their key values (the ids MapValueToKey
/// mapped, as text), so the transformer scores correctly also behind another MapValueToKey than the one
/// it was trained after, e.g. one fitted on other data; ids the model does not know score NaN. A key column
/// without key values must have as many keys as the model has users (items), and key k is the model's
/// user (item) at dense index k − 1.</para>
/// <para><b>Saving.</b> <c>mlContext.Model.Save</c> cannot save this transformer: ML.NET lets only its own
/// assemblies write into a model file (the members of <see cref="ModelSaveContext"/> are internal to
/// ML.NET), and it throws <see cref="NotSupportedException"/> (given a file path, ML.NET has already
/// created the file by then and leaves it behind). Save the model with
/// <see cref="ModelFile.Save(IRecommenderModel, string)"/> and, after <see cref="ModelFile.Load(string)"/>,
/// make the transformer again with <c>mlContext.CollaborativeFiltering().Transformer(model, userColumnName, itemColumnName)</c>;
/// save the ML.NET steps before it (the MapValueToKey transformers) with <c>mlContext.Model.Save</c> as usual.</para>
/// </remarks>
/// <typeparam name="TModel">The model's type.</typeparam>
public sealed class RecommenderTransformer<TModel> : ITransformer
    where TModel : IRecommenderModel
{
    internal RecommenderTransformer(TModel model, string userColumnName, string itemColumnName)
    {
        Model = model;
        UserColumnName = userColumnName;
        ItemColumnName = itemColumnName;
    }

    /// <summary>The trained model: use it directly for what ML.NET has no words for (recommendations, neighbours, fold-in of new users, <see cref="ModelFile.Save(IRecommenderModel, string)"/>).</summary>
    public TModel Model { get; }

    /// <summary>The user key column.</summary>
    public string UserColumnName { get; }

    /// <summary>The item key column.</summary>
    public string ItemColumnName { get; }

    /// <summary>The column the transformer adds: <see cref="RecommenderColumnNames.Score"/>.</summary>
    public string ScoreColumnName => RecommenderColumnNames.Score;

    /// <summary>Always <see langword="true"/>: each row is scored on its own, so PredictionEngine works.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The schema of the transformed data: <paramref name="inputSchema"/>'s columns, then the Single <c>Score</c> column.</summary>
    /// <param name="inputSchema">The input schema.</param>
    /// <returns>The output schema.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inputSchema"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The user or item column is missing or not a key column, or it has no key values and its key count differs from the model's number of users (items); the message names it.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Bind(inputSchema, nameof(inputSchema)).OutputSchema;

    /// <summary>Adds the score column to <paramref name="input"/>, lazily: scores are computed as a cursor reads them.</summary>
    /// <param name="input">The rows to score.</param>
    /// <returns>The rows with their scores.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The user or item column is missing or unusable; the message names it.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new ScoredDataView(input, Bind(input.Schema, nameof(input)));
    }

    /// <summary>The row-to-row mapper PredictionEngine scores with.</summary>
    /// <param name="inputSchema">The input schema.</param>
    /// <returns>The mapper.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inputSchema"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The user or item column is missing or unusable; the message names it.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new ScoreRowMapper(Bind(inputSchema, nameof(inputSchema)));

    /// <summary>Not supported: ML.NET's model files can hold only ML.NET's own components; see the remarks.</summary>
    /// <param name="ctx">ML.NET's save context.</param>
    /// <exception cref="NotSupportedException">Always.</exception>
    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException(
            $"mlContext.Model.Save cannot save the {typeof(TModel).Name} recommender transformer: ML.NET model files hold only ML.NET's own components "
            + "(ModelSaveContext's members are internal to ML.NET). Save the model with ModelFile.Save(transformer.Model, path) and, after ModelFile.Load(path), "
            + $"make the transformer again with mlContext.CollaborativeFiltering().Transformer(model, \"{UserColumnName}\", \"{ItemColumnName}\"); "
            + "save the steps before it (the MapValueToKey transformers) with mlContext.Model.Save.");

    private ScoreBinding Bind(DataViewSchema inputSchema, string paramName) =>
        ScoreBinding.Create(Model, UserColumnName, ItemColumnName, RecommenderColumnNames.Score, inputSchema, paramName);
}
