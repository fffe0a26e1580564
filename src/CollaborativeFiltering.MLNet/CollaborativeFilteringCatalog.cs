using System.Diagnostics.CodeAnalysis;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.MLNet.Logging;
using CollaborativeFiltering.Neural;
using Microsoft.ML;

namespace CollaborativeFiltering.MLNet;

/// <summary>
/// The library's trainers as ML.NET estimators, one method per trainer, reached through
/// <c>mlContext.CollaborativeFiltering()</c> as ML.NET's own trainers are through
/// <c>mlContext.Regression.Trainers</c>. Each method takes the user and item key columns, the ratings
/// column and the trainer's options (<see langword="null"/> for its defaults), and returns a
/// <see cref="RecommenderEstimator{TModel}"/> whose trainer logs into <see cref="MLContext.Log"/>. A trainer
/// without a method here fits through <see cref="Trainer{TModel}"/>; a trained or loaded model scores
/// through <see cref="Transformer{TModel}"/>.
/// </summary>
public sealed class CollaborativeFilteringCatalog
{
    internal CollaborativeFilteringCatalog(MLContext mlContext)
    {
        MLContext = mlContext;
    }

    /// <summary>The ML.NET context the estimators are made for.</summary>
    public MLContext MLContext { get; }

    /// <summary>The notebook's plain model (observed MSE, full-batch gradient descent): <see cref="GradientDescentFactorizer"/>.</summary>
    /// <param name="userColumnName">The user key column.</param>
    /// <param name="itemColumnName">The item key column.</param>
    /// <param name="labelColumnName">The ratings column (Single or Double).</param>
    /// <param name="options">The options, or <see langword="null"/> for the notebook's.</param>
    /// <returns>The estimator.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public RecommenderEstimator<FactorizationModel> GradientDescent(string userColumnName, string itemColumnName, string labelColumnName = RecommenderColumnNames.Label, GradientDescentOptions? options = null) =>
        Trainer(new GradientDescentFactorizer(options, Logger(nameof(GradientDescentFactorizer))), userColumnName, itemColumnName, labelColumnName);

    /// <summary>The notebook's regularized model (observed MSE + L2 + gravity, full-batch gradient descent): <see cref="RegularizedFactorizer"/>.</summary>
    /// <param name="userColumnName">The user key column.</param>
    /// <param name="itemColumnName">The item key column.</param>
    /// <param name="labelColumnName">The ratings column (Single or Double).</param>
    /// <param name="options">The options, or <see langword="null"/> for the notebook's.</param>
    /// <returns>The estimator.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public RecommenderEstimator<FactorizationModel> Regularized(string userColumnName, string itemColumnName, string labelColumnName = RecommenderColumnNames.Label, RegularizedOptions? options = null) =>
        Trainer(new RegularizedFactorizer(options, Logger(nameof(RegularizedFactorizer))), userColumnName, itemColumnName, labelColumnName);

    /// <summary>Biased matrix factorization by stochastic gradient descent (Funk SVD, Surprise's SVD): <see cref="BiasedSgdFactorizer"/>.</summary>
    /// <param name="userColumnName">The user key column.</param>
    /// <param name="itemColumnName">The item key column.</param>
    /// <param name="labelColumnName">The ratings column (Single or Double).</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The estimator.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public RecommenderEstimator<FactorizationModel> BiasedSgd(string userColumnName, string itemColumnName, string labelColumnName = RecommenderColumnNames.Label, BiasedSgdOptions? options = null) =>
        Trainer(new BiasedSgdFactorizer(options, Logger(nameof(BiasedSgdFactorizer))), userColumnName, itemColumnName, labelColumnName);

    /// <summary>Explicit-rating alternating least squares (weighted-λ, with biases): <see cref="AlsFactorizer"/>.</summary>
    /// <param name="userColumnName">The user key column.</param>
    /// <param name="itemColumnName">The item key column.</param>
    /// <param name="labelColumnName">The ratings column (Single or Double).</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The estimator.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public RecommenderEstimator<FactorizationModel> Als(string userColumnName, string itemColumnName, string labelColumnName = RecommenderColumnNames.Label, AlsOptions? options = null) =>
        Trainer(new AlsFactorizer(options, Logger(nameof(AlsFactorizer))), userColumnName, itemColumnName, labelColumnName);

    /// <summary>
    /// Implicit-feedback alternating least squares (Hu–Koren–Volinsky): <see cref="ImplicitAlsFactorizer"/>.
    /// The label is the interaction strength (a count, a duration, or 1 per interaction), not a rating;
    /// the transformer's scores are preferences that rank items.
    /// </summary>
    /// <param name="userColumnName">The user key column.</param>
    /// <param name="itemColumnName">The item key column.</param>
    /// <param name="labelColumnName">The interaction-strength column (Single or Double, ≥ 0).</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The estimator.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public RecommenderEstimator<FactorizationModel> ImplicitAls(string userColumnName, string itemColumnName, string labelColumnName = RecommenderColumnNames.Label, ImplicitAlsOptions? options = null) =>
        Trainer(new ImplicitAlsFactorizer(options, Logger(nameof(ImplicitAlsFactorizer))), userColumnName, itemColumnName, labelColumnName);

    /// <summary>
    /// The softmax deep-network recommender of the recommendation-systems course: <see cref="SoftmaxTrainer"/>.
    /// It learns which items users rate, not the rating values (the label column must exist but its values
    /// are not used; filter the rows first to learn from what users liked); the transformer's scores are logits
    /// that rank items. Genre and release-year inputs need a catalogue with that metadata
    /// (<see cref="RecommenderEstimator{TModel}.WithCatalog"/>).
    /// </summary>
    /// <param name="userColumnName">The user key column.</param>
    /// <param name="itemColumnName">The item key column.</param>
    /// <param name="labelColumnName">A Single or Double column (its values are not used).</param>
    /// <param name="options">The options, or <see langword="null"/> for the course's.</param>
    /// <returns>The estimator.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's parameter name is the option's.</exception>
    public RecommenderEstimator<SoftmaxModel> Softmax(string userColumnName, string itemColumnName, string labelColumnName = RecommenderColumnNames.Label, SoftmaxOptions? options = null) =>
        Trainer(new SoftmaxTrainer(options, Logger(nameof(SoftmaxTrainer))), userColumnName, itemColumnName, labelColumnName);

    /// <summary>
    /// An estimator over any trainer of the library, for trainers without a method of their own here.
    /// The trainer keeps the logger it was made with (pass <see cref="Logger"/> to log into <see cref="MLContext.Log"/>).
    /// </summary>
    /// <typeparam name="TModel">The model the trainer makes.</typeparam>
    /// <param name="trainer">The trainer.</param>
    /// <param name="userColumnName">The user key column.</param>
    /// <param name="itemColumnName">The item key column.</param>
    /// <param name="labelColumnName">The ratings column (Single or Double).</param>
    /// <returns>The estimator.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A column name is empty.</exception>
    public RecommenderEstimator<TModel> Trainer<TModel>(ITrainer<TModel> trainer, string userColumnName, string itemColumnName, string labelColumnName = RecommenderColumnNames.Label)
        where TModel : IRecommenderModel =>
        new(MLContext, trainer, userColumnName, itemColumnName, labelColumnName);

    /// <summary>
    /// A transformer over a model trained elsewhere, e.g. read with <see cref="ModelFile.Load(string)"/>: it
    /// scores like the transformer the model was trained into. Keys are matched to the model's catalogue
    /// by their key values (see <see cref="RecommenderTransformer{TModel}"/>).
    /// </summary>
    /// <typeparam name="TModel">The model's type.</typeparam>
    /// <param name="model">The model.</param>
    /// <param name="userColumnName">The user key column.</param>
    /// <param name="itemColumnName">The item key column.</param>
    /// <returns>The transformer.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A column name is empty.</exception>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "A catalogue method, called on the catalogue like the others.")]
    public RecommenderTransformer<TModel> Transformer<TModel>(TModel model, string userColumnName, string itemColumnName)
        where TModel : IRecommenderModel
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(userColumnName);
        ArgumentException.ThrowIfNullOrEmpty(itemColumnName);
        return new RecommenderTransformer<TModel>(model, userColumnName, itemColumnName);
    }

    /// <summary>
    /// A logger that writes into <see cref="MLContext.Log"/> from a channel named <paramref name="name"/>,
    /// for a trainer created by hand: <c>new AlsFactorizer(options, catalog.Logger("AlsFactorizer"))</c>.
    /// </summary>
    /// <param name="name">The channel's name, shown as the message's source.</param>
    /// <returns>The logger.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is <see langword="null"/> or empty.</exception>
    public Microsoft.Extensions.Logging.ILogger Logger(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new ChannelLogger(MLContext, name);
    }
}
