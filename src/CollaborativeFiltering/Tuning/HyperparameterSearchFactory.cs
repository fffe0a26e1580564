using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Tuning;

/// <summary>Creates a <see cref="HyperparameterSearch{TOptions, TModel}"/> with its types inferred from the arguments.</summary>
public static class HyperparameterSearch
{
    /// <summary>Creates a search; see <see cref="HyperparameterSearch{TOptions, TModel}"/>.</summary>
    /// <example>
    /// <code>
    /// var search = HyperparameterSearch.Create(SearchSpaces.BiasedSgd(), o =&gt; new BiasedSgdFactorizer(o));
    /// SearchResult&lt;BiasedSgdOptions&gt; result = search.Run(train);
    /// FactorizationModel model = new BiasedSgdFactorizer(result.BestOptions).Fit(train);
    /// </code>
    /// </example>
    /// <typeparam name="TOptions">The trainer's options record.</typeparam>
    /// <typeparam name="TModel">The model the trainer returns.</typeparam>
    /// <param name="space">The options to search.</param>
    /// <param name="createTrainer">Creates a trainer for a trial's options.</param>
    /// <param name="options">How to search; <see langword="null"/> for the defaults.</param>
    /// <param name="logger">Receives the search's messages; <see langword="null"/> for none.</param>
    /// <returns>The search.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="space"/> or <paramref name="createTrainer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static HyperparameterSearch<TOptions, TModel> Create<TOptions, TModel>(SearchSpace<TOptions> space, Func<TOptions, ITrainer<TModel>> createTrainer, SearchOptions? options = null, ILogger? logger = null)
        where TOptions : TrainerOptions
        where TModel : IRecommenderModel =>
        new(space, createTrainer, options, logger);
}
