using System.Diagnostics;
using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CollaborativeFiltering.Tuning;

/// <summary>
/// Searches a trainer's hyper-parameters: trains the options a <see cref="SearchStrategy"/> chooses from
/// a <see cref="SearchSpace{TOptions}"/> on part of the training set, scores each on the held-out part
/// (<see cref="SearchObjective"/>) and returns every trial and the best options
/// (<see cref="SearchResult{TOptions}"/>). Works with every trainer: the matrix factorizers and the
/// softmax network. Create one with <see cref="HyperparameterSearch.Create"/>, which infers the types.
/// </summary>
/// <remarks>
/// <para><b>Validation.</b> The training set is split once, by the seed: a random carve of
/// <see cref="SearchOptions.ValidationFraction"/> of the ratings, or k folds
/// (<see cref="SearchOptions.Folds"/>). Every trial trains on the same part(s) with the base options'
/// seed, so that trials differ only in their parameters; the held-out ratings drive early stopping inside
/// the trial (<see cref="SearchOptions.EarlyStoppingPatience"/>) and give its score.</para>
/// <para><b>Determinism.</b> The trials, their order and their scores depend only on the space, the
/// options and the data, never on <see cref="SearchOptions.MaxConcurrentTrials"/> or the processors:
/// the trainers are deterministic for any thread count and the results are collected by trial.</para>
/// <para><b>Failures.</b> A trial whose training diverges (<see cref="TrainingDivergedException"/>, e.g.
/// a learning rate too large) is recorded as failed and the search goes on; if every trial fails, the
/// search throws. Invalid options (a drawn value outside an option's range) are found before any
/// training: every trial's options are validated first.</para>
/// </remarks>
/// <typeparam name="TOptions">The trainer's options record.</typeparam>
/// <typeparam name="TModel">The model the trainer returns.</typeparam>
public sealed class HyperparameterSearch<TOptions, TModel>
    where TOptions : TrainerOptions
    where TModel : IRecommenderModel
{
    private const int MaxGridTrials = 100_000;
    private const ulong DrawStream = 60;

    private readonly Func<TOptions, ITrainer<TModel>> _createTrainer;
    private readonly ILogger _logger;

    /// <summary>Creates the search and validates its options.</summary>
    /// <param name="space">The options to search.</param>
    /// <param name="createTrainer">Creates a trainer for a trial's options, e.g. <c>o =&gt; new BiasedSgdFactorizer(o)</c>.</param>
    /// <param name="options">How to search; <see langword="null"/> for the defaults of <see cref="SearchOptions"/>.</param>
    /// <param name="logger">Receives start, trial (debug), rung, completion and cancellation messages; <see langword="null"/> for none. Trainers log through their own loggers.</param>
    /// <exception cref="ArgumentNullException"><paramref name="space"/> or <paramref name="createTrainer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public HyperparameterSearch(SearchSpace<TOptions> space, Func<TOptions, ITrainer<TModel>> createTrainer, SearchOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(createTrainer);
        Space = space;
        _createTrainer = createTrainer;
        Options = options ?? new SearchOptions();
        Options.Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The options searched.</summary>
    public SearchSpace<TOptions> Space { get; }

    /// <summary>The validated search options.</summary>
    public SearchOptions Options { get; }

    /// <summary>Runs the search on a training set.</summary>
    /// <param name="train">The training ratings, split for validation as <see cref="Options"/> says; at least two ratings.</param>
    /// <param name="progress">Receives a <see cref="SearchProgress"/> after every trial (from the thread that ran it), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked before every trial and passed to every fit.</param>
    /// <returns>Every trial and the best options.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="train"/> has too few ratings to hold some out.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A trial's options are out of range (the message names the option and the trial), or a grid search would run more than 100,000 trials.</exception>
    /// <exception cref="InvalidOperationException">Every trial failed, or the objective does not suit the model (RMSE of a model that does not predict ratings; a ranking objective for a model that is not an <see cref="IEmbeddingModel"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public SearchResult<TOptions> Run(RatingsDataset train, IProgress<SearchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Count < 2)
        {
            ThrowHelper.Argument(nameof(train), string.Create(CultureInfo.InvariantCulture, $"The training set has {train.Count} rating(s); a search needs at least two, to train on some and validate on others."));
        }

        long started = Stopwatch.GetTimestamp();
        double[][] draws = Draws();
        TOptions[] drawn = new TOptions[draws.Length];
        for (int d = 0; d < draws.Length; d++)
        {
            drawn[d] = Space.Apply(draws[d]);
            ValidateTrial(drawn[d], d + 1, draws[d]);
        }

        DatasetSplit[] splits = Splits(train);
        var runner = new Runner(this, splits, draws, drawn, progress, started, cancellationToken);
        int concurrent = Math.Max(1, Math.Min(Options.ConcurrentTrials, draws.Length));
        if (_logger.IsEnabled(LogLevel.Information))
        {
            string strategy = Options.Strategy.ToString()!, validation = Options.ValidationDescription, space = Space.ToString();
            TuningLog.SearchStarting(_logger, typeof(TOptions).Name, runner.TotalTrials, strategy, validation, concurrent, space);
        }

        try
        {
            runner.Run(concurrent);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            TuningLog.SearchCancelled(_logger, runner.Completed, runner.TotalTrials);
            throw;
        }

        Trial<TOptions>[] trials = runner.Trials();
        Trial<TOptions> best = Best(trials, runner.Objective);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            string parameters = Describe(best.Values);
            TuningLog.SearchCompleted(_logger, trials.Length, (long)elapsed.TotalMilliseconds, best.Number, parameters, runner.Objective.Name, best.Score);
        }

        return new SearchResult<TOptions>(Space, Options.Strategy, runner.Objective, Options.ValidationDescription, trials, best, elapsed);
    }

    /// <summary>The parameter values of every draw: the grid's points, or random draws.</summary>
    private double[][] Draws()
    {
        IReadOnlyList<SearchParameter> parameters = Space.Parameters;
        if (Options.Strategy is GridSearch)
        {
            long size = Space.GridSize;
            if (size > MaxGridTrials)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(SearchOptions.Strategy), Options.Strategy,
                    string.Create(CultureInfo.InvariantCulture, $"a strategy that runs at most {MaxGridTrials} trials; the grid has {size} points (use fewer grid points, or a random search)"));
            }

            var grid = new double[size][];
            var index = new int[parameters.Count];
            for (long g = 0; g < size; g++)
            {
                var values = new double[parameters.Count];
                for (int k = 0; k < values.Length; k++)
                {
                    values[k] = Space.Normalize(k, parameters[k].Range.GridValues[index[k]]);
                }

                grid[g] = values;

                // The last parameter varies fastest.
                for (int k = index.Length - 1; k >= 0; k--)
                {
                    if (++index[k] < parameters[k].Range.GridValues.Count)
                    {
                        break;
                    }

                    index[k] = 0;
                }
            }

            return grid;
        }

        int count = Options.Strategy switch
        {
            RandomSearch r => r.Trials,
            SuccessiveHalvingSearch h => h.Trials,
            _ => throw new UnreachableException(),
        };
        var random = new SeededRandom(Options.Seed, DrawStream);
        var draws = new double[count][];
        for (int d = 0; d < count; d++)
        {
            var values = new double[parameters.Count];
            for (int k = 0; k < values.Length; k++)
            {
                values[k] = Space.Normalize(k, parameters[k].Range.Sample(random));
            }

            draws[d] = values;
        }

        return draws;
    }

    private void ValidateTrial(TOptions options, int number, double[] values)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentOutOfRangeException(e.ParamName, e.ActualValue,
                string.Create(CultureInfo.InvariantCulture, $"{e.Message} (search trial #{number}: {Describe(values)}; narrow the search space)"));
        }
    }

    private DatasetSplit[] Splits(RatingsDataset train)
    {
        DatasetSplit[] splits = Options.Folds == 1
            ? [DatasetSplitter.RandomHoldout(train, Options.ValidationFraction, Options.Seed)]
            : [.. DatasetSplitter.KFold(train, Options.Folds, Options.Seed)];
        foreach (DatasetSplit split in splits)
        {
            if (split.Train.Count == 0 || split.Test.Count == 0)
            {
                ThrowHelper.Argument(nameof(train), string.Create(CultureInfo.InvariantCulture,
                    $"The training set's {train.Count} ratings leave an empty part after holding out {Options.ValidationDescription}; give more ratings or change ValidationFraction/Folds."));
            }
        }

        return splits;
    }

    private Trial<TOptions> Best(Trial<TOptions>[] trials, SearchObjective objective)
    {
        Trial<TOptions>? best = null;
        int topRung = -1;
        foreach (Trial<TOptions> t in trials)
        {
            if (t.Succeeded)
            {
                topRung = Math.Max(topRung, t.Rung);
            }
        }

        foreach (Trial<TOptions> t in trials)
        {
            if (t.Succeeded && t.Rung == topRung && (best is null || objective.IsBetter(t.Score, best.Score)
                || (t.Score.Equals(best.Score) && t.Number < best.Number)))
            {
                best = t;
            }
        }

        if (best is null)
        {
            Trial<TOptions> first = trials[0];
            ThrowHelper.InvalidOperation(string.Create(CultureInfo.InvariantCulture,
                $"Every one of the {trials.Length} trials failed; the first (#{first.Number}: {Describe(first.Values)}): {first.Failure}"));
        }

        return best!;
    }

    /// <summary>"Dimensions = 64, Regularization = 0.08".</summary>
    private string Describe(IReadOnlyList<double> values)
    {
        IReadOnlyList<SearchParameter> parameters = Space.Parameters;
        if (parameters.Count == 0)
        {
            return "base options";
        }

        var parts = new string[parameters.Count];
        for (int k = 0; k < parts.Length; k++)
        {
            parts[k] = parameters[k].Name + " = " + parameters[k].Format(values[k]);
        }

        return string.Join(", ", parts);
    }

    /// <summary>Runs the trials of one search: rung by rung, each rung's trials in parallel, promotions between rungs.</summary>
    private sealed class Runner
    {
        private readonly HyperparameterSearch<TOptions, TModel> _search;
        private readonly DatasetSplit[] _splits;
        private readonly double[][] _draws;
        private readonly TOptions[] _drawn;
        private readonly IProgress<SearchProgress>? _progress;
        private readonly long _started;
        private readonly CancellationToken _cancellationToken;
        private readonly List<Trial<TOptions>> _trials = [];
        private readonly Lock _lock = new();
        private SearchObjective? _objective;
        private double _bestScore = double.NaN;

        // Successive halving's fits kept between rungs, by draw and fold, to be trained on by the next rung
        // (null when the strategy has one rung); their bytes, and the most that may be kept at once.
        private readonly TrainingRun<TModel>?[][]? _runs;
        private readonly long[][]? _reserved;
        private readonly long _retainBudget;
        private long _retained;

        public Runner(HyperparameterSearch<TOptions, TModel> search, DatasetSplit[] splits, double[][] draws, TOptions[] drawn, IProgress<SearchProgress>? progress, long started, CancellationToken cancellationToken)
        {
            _search = search;
            _splits = splits;
            _draws = draws;
            _drawn = drawn;
            _progress = progress;
            _started = started;
            _cancellationToken = cancellationToken;
            _objective = search.Options.Objective;
            TotalTrials = draws.Length;
            if (search.Options.Strategy is SuccessiveHalvingSearch halving)
            {
                TotalTrials = 0;
                for (int rung = 0; rung < halving.Rungs; rung++)
                {
                    TotalTrials += Math.Min(draws.Length, halving.Survivors(rung));
                }

                if (halving.Rungs > 1)
                {
                    _runs = new TrainingRun<TModel>?[draws.Length][];
                    _reserved = new long[draws.Length][];
                    for (int d = 0; d < draws.Length; d++)
                    {
                        _runs[d] = new TrainingRun<TModel>?[splits.Length];
                        _reserved[d] = new long[splits.Length];
                    }

                    _retainBudget = search.Options.KeptFitsBudget ?? Math.Min(MemoryBudget.Available / 4, MaxRetainedBytes);
                }
            }
        }

        /// <summary>The most bytes of fits kept between rungs, whatever the memory available (a quarter of it at most).</summary>
        private const long MaxRetainedBytes = 1L << 30;

        public int TotalTrials { get; }

        public int Completed { get; private set; }

        public SearchObjective Objective => _objective ?? SearchObjective.Rmse;

        private SearchOptions Options => _search.Options;

        public void Run(int concurrent)
        {
            int fullBudget = _search.Space.BaseOptions.Iterations;
            int[] active = new int[_draws.Length];
            for (int d = 0; d < active.Length; d++)
            {
                active[d] = d;
            }

            try
            {
                RunRungs(active, fullBudget, concurrent);
            }
            finally
            {
                ReleaseAll();
            }
        }

        private void RunRungs(int[] active, int fullBudget, int concurrent)
        {
            int rungs = Options.Strategy is SuccessiveHalvingSearch h ? h.Rungs : 1;
            for (int rung = 0; rung < rungs; rung++)
            {
                int budget = Options.Strategy is SuccessiveHalvingSearch halving ? halving.Budget(rung, fullBudget) : fullBudget;
                var results = new Trial<TOptions>[active.Length];
                int threads = Math.Max(1, Math.Min(_search.Space.BaseOptions.ThreadCount, Environment.ProcessorCount / concurrent));
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = concurrent, CancellationToken = _cancellationToken };
                int currentRung = rung;
                bool last = rung == rungs - 1;
                Parallel.For(0, active.Length, parallel, t => results[t] = RunTrial(active[t], currentRung, budget, threads, keepFits: !last));
                _trials.AddRange(results);
                if (last)
                {
                    break;
                }

                int keep = Math.Min(active.Length, ((SuccessiveHalvingSearch)Options.Strategy).Survivors(rung + 1));
                int[] promoted = Promote(results, keep);
                foreach (int draw in active)
                {
                    if (Array.IndexOf(promoted, draw) < 0)
                    {
                        Release(draw);
                    }
                }

                active = promoted;
                TuningLog.RungCompleted(_search._logger, rung, budget, active.Length, results.Length);
            }
        }

        public Trial<TOptions>[] Trials() => [.. _trials];

        /// <summary>The draw indices of the <paramref name="keep"/> best trials, best first (failed trials last; ties to the lower number).</summary>
        private int[] Promote(Trial<TOptions>[] results, int keep)
        {
            SearchObjective objective = Objective;
            var order = (Trial<TOptions>[])results.Clone();
            Array.Sort(order, (a, b) =>
                objective.IsBetter(a.Score, b.Score) ? -1
                : objective.IsBetter(b.Score, a.Score) ? 1
                : a.Number.CompareTo(b.Number));
            var promoted = new int[keep];
            for (int k = 0; k < keep; k++)
            {
                promoted[k] = order[k].Number - 1;
            }

            return promoted;
        }

        private Trial<TOptions> RunTrial(int draw, int rung, int budget, int threads, bool keepFits)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            long started = Stopwatch.GetTimestamp();
            TOptions baseOptions = _drawn[draw];
            var options = (TOptions)(baseOptions with
            {
                Iterations = budget,
                EarlyStoppingPatience = Options.EarlyStoppingPatience > 0 ? Options.EarlyStoppingPatience : baseOptions.EarlyStoppingPatience,
                MaxDegreeOfParallelism = threads,
            });
            double scoreSum = 0;
            double bestIterationSum = 0;
            bool continued = false;
            bool bestIterationKnown = true;
            string? failure = null;
            try
            {
                ITrainer<TModel>? trainer = null;
                for (int fold = 0; fold < _splits.Length; fold++)
                {
                    DatasetSplit split = _splits[fold];
                    (TModel model, int? best, bool foldContinued) = Fit(draw, fold, options, ref trainer, split, keepFits);
                    continued = fold == 0 ? foldContinued : continued && foldContinued;
                    scoreSum += Score(model, split, threads);
                    if (best is { } iteration)
                    {
                        bestIterationSum += iteration;
                    }
                    else
                    {
                        bestIterationKnown = false;
                    }
                }
            }
            catch (TrainingDivergedException e)
            {
                failure = e.Message;
                Release(draw); // a diverged fit is not continued (other exceptions end the search, which disposes every kept fit)
            }

            double score = failure is null ? scoreSum / _splits.Length : double.NaN;
            int? bestIteration = failure is null && bestIterationKnown ? (int)Math.Round(bestIterationSum / _splits.Length) : null;
            var trial = new Trial<TOptions>(draw + 1, rung, options, _draws[draw], bestIteration, score, failure, Stopwatch.GetElapsedTime(started), continued && failure is null);
            Report(trial);
            return trial;
        }

        /// <summary>
        /// Fits <paramref name="options"/> on one fold: continuing the fit the last rung kept for this draw
        /// where there is one (the same bits as a fresh fit of the longer budget, see <see cref="TrainingRun{TModel}"/>),
        /// else from the start; keeps the fit for the next rung when <paramref name="keepFit"/> and the memory
        /// budget allow. Returns the model, its best iteration and whether the fit was continued.
        /// </summary>
        private (TModel Model, int? BestIteration, bool Continued) Fit(int draw, int fold, TOptions options, ref ITrainer<TModel>? trainer, DatasetSplit split, bool keepFit)
        {
            TrainingRun<TModel>? run = _runs?[draw][fold];
            if (run is not null && !run.CanContinueTo(options.Iterations))
            {
                Release(draw, fold);
                run = null;
            }

            bool continued = run is not null;

            if (run is null)
            {
                trainer ??= _search._createTrainer(options);
                if (_runs is null || trainer is not IContinuableTrainer<TModel> continuable)
                {
                    var sink = new LastReport();
                    TModel fitted = trainer.Fit(split.Train, split.Test, sink, _cancellationToken);
                    return (fitted, sink.BestIteration, false);
                }

                run = continuable.Start(split.Train, split.Test, _cancellationToken);
                _runs[draw][fold] = run;
            }

            bool keep = keepFit && Reserve(draw, fold);
            TModel model = run.RunTo(options.Iterations, progress: null, keepTraining: keep, _cancellationToken);
            int? best = run.BestIteration;
            if (!keep)
            {
                Release(draw, fold);
            }

            return (model, best, continued);
        }

        /// <summary>Counts the kept fit's bytes against the budget of kept fits (once per fit); false when they do not fit.</summary>
        private bool Reserve(int draw, int fold)
        {
            if (_reserved![draw][fold] > 0)
            {
                return true;
            }

            long bytes = Math.Max(1, _runs![draw][fold]!.RetainedBytes);
            if (bytes > _retainBudget || Interlocked.Add(ref _retained, bytes) > _retainBudget)
            {
                if (bytes <= _retainBudget)
                {
                    Interlocked.Add(ref _retained, -bytes);
                }

                return false;
            }

            _reserved[draw][fold] = bytes;
            return true;
        }

        /// <summary>Disposes the fits kept for <paramref name="draw"/> (every fold).</summary>
        private void Release(int draw)
        {
            for (int fold = 0; _runs is not null && fold < _splits.Length; fold++)
            {
                Release(draw, fold);
            }
        }

        private void Release(int draw, int fold)
        {
            if (_runs?[draw][fold] is { } run)
            {
                _runs[draw][fold] = null;
                Interlocked.Add(ref _retained, -_reserved![draw][fold]);
                _reserved[draw][fold] = 0;
                run.Dispose();
            }
        }

        private void ReleaseAll()
        {
            for (int draw = 0; _runs is not null && draw < _runs.Length; draw++)
            {
                Release(draw);
            }
        }

        private double Score(TModel model, DatasetSplit split, int threads)
        {
            SearchObjective? objective = _objective;
            if (objective is null)
            {
                // The first model decides; every trial's model is of the same trainer, so they agree.
                objective = model.PredictsRatings ? SearchObjective.Rmse : SearchObjective.RecallAt(10);
                Interlocked.CompareExchange(ref _objective, objective, null);
            }

            if (objective.K == 0)
            {
                return RegressionMetrics.Compute(model, split.Test).Rmse;
            }

            if (model is not IEmbeddingModel embeddings)
            {
                ThrowHelper.InvalidOperation($"The objective {objective.Name} ranks the catalogue with RankingMetrics.Evaluate, which takes an IEmbeddingModel; {model.GetType().Name} is not one.");
                return double.NaN;
            }

            return RankingMetrics.Evaluate(embeddings, split.Train, split.Test, objective.K, threads, cancellationToken: _cancellationToken).RecallAtK;
        }

        private void Report(Trial<TOptions> trial)
        {
            SearchProgress snapshot;
            lock (_lock)
            {
                Completed++;
                if (trial.Succeeded && Objective.IsBetter(trial.Score, _bestScore))
                {
                    _bestScore = trial.Score;
                }

                snapshot = new SearchProgress(Completed, TotalTrials, trial.Rung, trial.Score, _bestScore, Stopwatch.GetElapsedTime(_started));
            }

            ILogger logger = _search._logger;
            if (logger.IsEnabled(trial.Succeeded ? LogLevel.Debug : LogLevel.Warning))
            {
                string parameters = _search.Describe(trial.Values);
                if (trial.Succeeded)
                {
                    TuningLog.TrialCompleted(logger, trial.Number, trial.Rung, trial.Budget, parameters, Objective.Name, trial.Score, trial.BestIteration, (long)trial.Elapsed.TotalMilliseconds);
                }
                else
                {
                    TuningLog.TrialFailed(logger, trial.Number, trial.Rung, trial.Budget, parameters, trial.Failure!);
                }
            }

            _progress?.Report(snapshot);
        }
    }

    /// <summary>Keeps the best iteration of a fit's last progress report (reports come on the fitting thread).</summary>
    private sealed class LastReport : IProgress<TrainingProgress>
    {
        public int? BestIteration { get; private set; }

        public void Report(TrainingProgress value) => BestIteration = value.BestIteration;
    }
}
