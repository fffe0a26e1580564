using CollaborativeFiltering.Data;
using CollaborativeFiltering.MLNet.DataViews;
using CollaborativeFiltering.MLNet.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.ML;

namespace CollaborativeFiltering.MLNet;

/// <summary>
/// An ML.NET estimator that trains one of the library's models (any <see cref="ITrainer{TModel}"/>: the
/// matrix factorizers, the softmax network, and every trainer to come) on an <see cref="IDataView"/> of
/// ratings, and returns a <see cref="RecommenderTransformer{TModel}"/> that adds a <c>Score</c> column.
/// Create one with <c>mlContext.CollaborativeFiltering()</c>'s methods and append it to a pipeline after
/// the steps that turn user and item ids into keys:
/// <code>
/// var pipeline = mlContext.Transforms.Conversion.MapValueToKey("userKey", "userId")
///     .Append(mlContext.Transforms.Conversion.MapValueToKey("itemKey", "movieId"))
///     .Append(mlContext.CollaborativeFiltering().BiasedSgd("userKey", "itemKey", labelColumnName: "rating"));
/// </code>
/// </summary>
/// <remarks>
/// <para><b>Data.</b> Each row is one rating: a user key, an item key (scalar key columns, as
/// MapValueToKey makes them) and a label (Single or Double; for implicit ALS an interaction strength,
/// ignored by the softmax network). The trained model's catalogue has one user per user key and one item
/// per item key, in key order: key k (ML.NET keys are 1-based) is the dense index k − 1, and the
/// catalogue's ids are the keys' values (the ids MapValueToKey mapped, as text), or the key numbers for a
/// key column without key values. So users and items that have a key but no rating in the training
/// rows are still in the model, as in the library's own datasets. As ML.NET's matrix factorization does,
/// a row whose key is missing (0) or whose label is not a finite number is skipped, with a warning in
/// <see cref="MLContext.Log"/>. A (user, item) pair that appears twice is an error unless
/// <see cref="WithDuplicates"/> says otherwise.</para>
/// <para><b>Training.</b> Exactly the trainer's <c>Fit</c>: same options and same data give the same
/// model, bit for bit, as the library's own API (the seed is the options' <c>Seed</c>, not the
/// MLContext's). The trainers made by <c>mlContext.CollaborativeFiltering()</c> log into
/// <see cref="MLContext.Log"/>. ML.NET's <see cref="IEstimator{TTransformer}.Fit"/> takes no cancellation
/// token or progress; <see cref="Fit(IDataView, IDataView, IProgress{TrainingProgress}, CancellationToken)"/> does.</para>
/// </remarks>
/// <typeparam name="TModel">The model the trainer makes.</typeparam>
public sealed class RecommenderEstimator<TModel> : IEstimator<RecommenderTransformer<TModel>>
    where TModel : IRecommenderModel
{
    private readonly ILogger _logger;

    /// <summary>Creates an estimator over any trainer (the way to use a trainer that <see cref="CollaborativeFilteringCatalog"/> has no method for).</summary>
    /// <param name="mlContext">The ML.NET context, whose log receives the estimator's warnings.</param>
    /// <param name="trainer">The trainer; it keeps the logger it was created with.</param>
    /// <param name="userColumnName">The user key column.</param>
    /// <param name="itemColumnName">The item key column.</param>
    /// <param name="labelColumnName">The ratings column (Single or Double).</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A column name is empty.</exception>
    public RecommenderEstimator(MLContext mlContext, ITrainer<TModel> trainer, string userColumnName, string itemColumnName, string labelColumnName = RecommenderColumnNames.Label)
        : this(mlContext, trainer, userColumnName, itemColumnName, labelColumnName, DuplicatePolicy.Reject, catalog: null)
    {
    }

    private RecommenderEstimator(MLContext mlContext, ITrainer<TModel> trainer, string userColumnName, string itemColumnName, string labelColumnName, DuplicatePolicy duplicates, Catalog? catalog)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentException.ThrowIfNullOrEmpty(userColumnName);
        ArgumentException.ThrowIfNullOrEmpty(itemColumnName);
        ArgumentException.ThrowIfNullOrEmpty(labelColumnName);
        MLContext = mlContext;
        Trainer = trainer;
        UserColumnName = userColumnName;
        ItemColumnName = itemColumnName;
        LabelColumnName = labelColumnName;
        Duplicates = duplicates;
        Catalog = catalog;
        _logger = new ChannelLogger(mlContext, nameof(RecommenderEstimator<TModel>));
    }

    /// <summary>The ML.NET context.</summary>
    public MLContext MLContext { get; }

    /// <summary>The trainer <see cref="Fit(IDataView)"/> runs.</summary>
    public ITrainer<TModel> Trainer { get; }

    /// <summary>The user key column.</summary>
    public string UserColumnName { get; }

    /// <summary>The item key column.</summary>
    public string ItemColumnName { get; }

    /// <summary>The ratings column.</summary>
    public string LabelColumnName { get; }

    /// <summary>What a (user, item) pair given twice in the training rows does: an error (<see cref="DuplicatePolicy.Reject"/>, the default), the last rating, or the mean.</summary>
    public DuplicatePolicy Duplicates { get; }

    /// <summary>
    /// The catalogue the model is trained over, or <see langword="null"/> (the default) for the one the
    /// training keys define. See <see cref="WithCatalog"/>.
    /// </summary>
    public Catalog? Catalog { get; }

    /// <summary>This estimator with another policy for a (user, item) pair given twice.</summary>
    /// <param name="duplicates">The policy.</param>
    /// <returns>A new estimator; this one is unchanged.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duplicates"/> is not a defined value.</exception>
    public RecommenderEstimator<TModel> WithDuplicates(DuplicatePolicy duplicates)
    {
        if (!Enum.IsDefined(duplicates))
        {
            throw new ArgumentOutOfRangeException(nameof(duplicates), duplicates, "Expected Reject, KeepLast or Average.");
        }

        return new(MLContext, Trainer, UserColumnName, ItemColumnName, LabelColumnName, duplicates, Catalog);
    }

    /// <summary>
    /// This estimator training over a given catalogue, e.g. one loaded with the library's MovieLens
    /// loaders, so that the model has the catalogue's titles, genres and users (also those without a
    /// key) and its dense indices are the catalogue's: each key is matched to the catalogue by its key
    /// value (the id, as text), or, for a key column without key values, key k is the catalogue's
    /// entry k − 1 (then the key count must equal the catalogue's size). Rows whose id the catalogue
    /// does not have are skipped with a warning, as rows with missing keys are.
    /// </summary>
    /// <param name="catalog">The catalogue, or <see langword="null"/> for the one the training keys define.</param>
    /// <returns>A new estimator; this one is unchanged.</returns>
    public RecommenderEstimator<TModel> WithCatalog(Catalog? catalog) =>
        new(MLContext, Trainer, UserColumnName, ItemColumnName, LabelColumnName, Duplicates, catalog);

    /// <summary>Trains a model on the ratings of <paramref name="input"/>.</summary>
    /// <param name="input">The training rows.</param>
    /// <returns>The transformer holding the trained model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type; the message names it.</exception>
    /// <exception cref="ArgumentException">No row holds a usable rating.</exception>
    /// <exception cref="InvalidOperationException">A (user, item) pair appears twice and <see cref="Duplicates"/> is <see cref="DuplicatePolicy.Reject"/>.</exception>
    /// <exception cref="TrainingDivergedException">The trainer's loss became NaN or infinite.</exception>
    public RecommenderTransformer<TModel> Fit(IDataView input) => Fit(input, null, null, CancellationToken.None);

    /// <summary>
    /// Trains a model on the ratings of <paramref name="trainData"/>, reporting the loss on
    /// <paramref name="validationData"/> (and stopping early when the trainer's options ask for it), as
    /// ML.NET's matrix factorization trainer's <c>Fit(trainData, validationData)</c> does. The validation
    /// rows' keys are matched to the training catalogue by key value, so their key columns may come from
    /// the same MapValueToKey transformer or carry the same ids.
    /// </summary>
    /// <param name="trainData">The training rows.</param>
    /// <param name="validationData">The validation rows.</param>
    /// <returns>The transformer holding the trained model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="trainData"/> or <paramref name="validationData"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type; the message names it.</exception>
    /// <exception cref="ArgumentException">No row holds a usable rating.</exception>
    /// <exception cref="InvalidOperationException">A (user, item) pair appears twice and <see cref="Duplicates"/> is <see cref="DuplicatePolicy.Reject"/>.</exception>
    /// <exception cref="TrainingDivergedException">The trainer's loss became NaN or infinite.</exception>
    public RecommenderTransformer<TModel> Fit(IDataView trainData, IDataView validationData)
    {
        ArgumentNullException.ThrowIfNull(validationData);
        return Fit(trainData, validationData, null, CancellationToken.None);
    }

    /// <summary>Trains a model, with validation data, progress reports and cancellation, none of which ML.NET's <see cref="IEstimator{TTransformer}.Fit"/> passes.</summary>
    /// <param name="trainData">The training rows.</param>
    /// <param name="validationData">The validation rows, or <see langword="null"/>.</param>
    /// <param name="progress">Receives the trainer's <see cref="TrainingProgress"/>, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked while the rows are read and by the trainer.</param>
    /// <returns>The transformer holding the trained model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="trainData"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type; the message names it.</exception>
    /// <exception cref="ArgumentException">No row holds a usable rating.</exception>
    /// <exception cref="InvalidOperationException">A (user, item) pair appears twice and <see cref="Duplicates"/> is <see cref="DuplicatePolicy.Reject"/>.</exception>
    /// <exception cref="TrainingDivergedException">The trainer's loss became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public RecommenderTransformer<TModel> Fit(IDataView trainData, IDataView? validationData, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        var reader = new DataViewRatings(UserColumnName, ItemColumnName, LabelColumnName, Duplicates, _logger);
        Catalog catalog = Catalog ?? reader.CatalogOf(trainData.Schema, nameof(trainData));
        RatingsDataset train = reader.Read(trainData, catalog, keysDefineCatalog: Catalog is null, nameof(trainData), cancellationToken);
        MLNetLog.RatingsRead(_logger, nameof(trainData), train.Count, train.UserCount, train.ItemCount);
        RatingsDataset? validation = null;
        if (validationData is not null)
        {
            validation = reader.Read(validationData, catalog, keysDefineCatalog: false, nameof(validationData), cancellationToken);
            MLNetLog.RatingsRead(_logger, nameof(validationData), validation.Count, validation.UserCount, validation.ItemCount);
        }

        TModel model = Trainer.Fit(train, validation, progress, cancellationToken);
        return new RecommenderTransformer<TModel>(model, UserColumnName, ItemColumnName);
    }

    /// <summary>The shape of the transformed data: <paramref name="inputSchema"/> with a Single <c>Score</c> column.</summary>
    /// <param name="inputSchema">The shape of the training data.</param>
    /// <returns>The output shape.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inputSchema"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The user, item or label column is missing or has the wrong type; the message names it.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnChecks.Key(inputSchema, UserColumnName, "user", nameof(inputSchema));
        ColumnChecks.Key(inputSchema, ItemColumnName, "item", nameof(inputSchema));
        ColumnChecks.Label(inputSchema, LabelColumnName, nameof(inputSchema));
        return ScoreShape.AddScore(inputSchema);
    }
}
