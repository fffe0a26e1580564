using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Tests.Training;
using CollaborativeFiltering.Tuning;

namespace CollaborativeFiltering.Tests.Tuning;

public sealed partial class HyperparameterSearchTests
{
    private static readonly RatingsDataset Small = TrainingTestData.Small;

    private static readonly AlsOptions FastAls = new() { Dimensions = 4, Iterations = 6 };

    [Fact]
    public void Grid_RunsEveryPointOnce_LastParameterFastest()
    {
        SearchSpace<AlsOptions> space = new SearchSpace<AlsOptions>(FastAls)
            .WithInteger("Dimensions", ParameterRange.Choice(2, 4), (o, d) => o with { Dimensions = d })
            .With("Regularization", ParameterRange.Choice(0.05, 0.5), (o, x) => o with { Regularization = x });

        SearchResult<AlsOptions> result = HyperparameterSearch.Create(space, o => new AlsFactorizer(o), new SearchOptions { Strategy = SearchStrategy.Grid() }).Run(Small);

        result.Trials.Select(t => (t.Number, t.Rung, t.Values[0], t.Values[1])).Should().Equal((1, 0, 2.0, 0.05), (2, 0, 2.0, 0.5), (3, 0, 4.0, 0.05), (4, 0, 4.0, 0.5));
        result.Trials.Select(t => (t.Options.Dimensions, t.Options.Regularization, t.Budget)).Should().Equal((2, 0.05, 6), (2, 0.5, 6), (4, 0.05, 6), (4, 0.5, 6));
        result.Objective.Should().Be(SearchObjective.Rmse, "ALS predicts ratings");
        result.Trials.Should().OnlyContain(t => t.Succeeded && t.Score > 0.3 && t.Score < 2);
    }

    [Fact]
    public void Run_PicksTheRegularizationThatGeneralizes()
    {
        // With 8 dimensions on 4,000 ratings, a tiny λ overfits; 0.1 does not.
        SearchSpace<AlsOptions> space = new SearchSpace<AlsOptions>(FastAls with { Dimensions = 8 })
            .With("Regularization", ParameterRange.Choice(0.0001, 0.1), (o, x) => o with { Regularization = x });

        SearchResult<AlsOptions> result = HyperparameterSearch.Create(space, o => new AlsFactorizer(o), new SearchOptions { Strategy = SearchStrategy.Grid() }).Run(Small);

        result.Trials[1].Score.Should().BeLessThan(result.Trials[0].Score - 0.05);
        result.BestTrial.Should().BeSameAs(result.Trials[1]);
        result.BestOptions.Regularization.Should().Be(0.1);
        result.BestScore.Should().Be(result.Trials[1].Score);
    }

    [Fact]
    public void Run_AnyConcurrency_GivesTheSameTrials()
    {
        SearchSpace<AlsOptions> space = SearchSpaces.Als(FastAls);
        SearchResult<AlsOptions> one = HyperparameterSearch.Create(space, o => new AlsFactorizer(o), new SearchOptions { Strategy = SearchStrategy.Random(5), MaxConcurrentTrials = 1 }).Run(Small);
        SearchResult<AlsOptions> three = HyperparameterSearch.Create(space, o => new AlsFactorizer(o), new SearchOptions { Strategy = SearchStrategy.Random(5), MaxConcurrentTrials = 3 }).Run(Small);

        three.Trials.Select(t => (t.Number, t.Values[0], t.Values[1], t.Score)).Should().Equal(one.Trials.Select(t => (t.Number, t.Values[0], t.Values[1], t.Score)));
        three.BestOptions.Should().Be(one.BestOptions);
    }

    [Fact]
    public void Run_AnotherSeed_DrawsOtherValues()
    {
        SearchSpace<AlsOptions> space = SearchSpaces.Als(FastAls);
        var a = HyperparameterSearch.Create(space, o => new AlsFactorizer(o), new SearchOptions { Strategy = SearchStrategy.Random(3), Seed = 1 }).Run(Small);
        var b = HyperparameterSearch.Create(space, o => new AlsFactorizer(o), new SearchOptions { Strategy = SearchStrategy.Random(3), Seed = 2 }).Run(Small);

        a.Trials.Select(t => t.Values[1]).Should().NotEqual(b.Trials.Select(t => t.Values[1]));
    }

    [Fact]
    public void SuccessiveHalving_PromotesTheBestThirdToATripledBudget()
    {
        SearchResult<AlsOptions> result = HyperparameterSearch.Create(SearchSpaces.Als(FastAls with { Iterations = 9 }), o => new AlsFactorizer(o),
            new SearchOptions { Strategy = SearchStrategy.SuccessiveHalving(9, 3, 2), EarlyStoppingPatience = 0 }).Run(Small);

        Trial<AlsOptions>[] first = [.. result.Trials.Where(t => t.Rung == 0)];
        Trial<AlsOptions>[] second = [.. result.Trials.Where(t => t.Rung == 1)];
        first.Should().HaveCount(9).And.OnlyContain(t => t.Budget == 3);
        second.Should().HaveCount(3).And.OnlyContain(t => t.Budget == 9);
        second.Select(t => t.Number).Should().Equal(first.OrderBy(t => t.Score).ThenBy(t => t.Number).Take(3).Select(t => t.Number), "the best three go on, best first");
        foreach (Trial<AlsOptions> t in second)
        {
            t.Values.Should().Equal(first.Single(f => f.Number == t.Number).Values);
        }

        result.BestTrial.Rung.Should().Be(1, "the best trial is taken from the highest rung");
        result.BestTrial.Score.Should().Be(second.Min(t => t.Score));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void SuccessiveHalving_ContinuingPromotedFits_GivesTheTrialsOfTrainingThemAgain(int folds)
    {
        // Biased SGD continues a promoted trial's fit; the same trainer behind a plain ITrainer trains it again
        // from the start. Wide and barely regularized, some trials stop early in each rung.
        SearchSpace<BiasedSgdOptions> space = new SearchSpace<BiasedSgdOptions>(new BiasedSgdOptions { Iterations = 27 })
            .WithInteger("Dimensions", ParameterRange.Choice(16, 32), (o, d) => o with { Dimensions = d })
            .With("Regularization", ParameterRange.LogUniform(0.0002, 0.02), (o, x) => o with { Regularization = x })
            .With("LearningRate", ParameterRange.LogUniform(0.01, 0.05), (o, x) => o with { LearningRate = x });
        var options = new SearchOptions { Strategy = SearchStrategy.SuccessiveHalving(9, 3, 3), MaxConcurrentTrials = 2, Folds = folds };

        SearchResult<BiasedSgdOptions> continued = HyperparameterSearch.Create(space, o => new BiasedSgdFactorizer(o), options).Run(Small);
        SearchResult<BiasedSgdOptions> again = HyperparameterSearch.Create(space, o => new PlainTrainer(new BiasedSgdFactorizer(o)), options).Run(Small);
        // A fit here holds about 100-130 KB: 300 KB keeps two or so, the other promoted trials train again.
        SearchResult<BiasedSgdOptions> overBudget = HyperparameterSearch.Create(space, o => new BiasedSgdFactorizer(o), options with { KeptFitsBudget = 300_000 }).Run(Small);

        continued.Trials.Select(t => (t.Number, t.Rung, t.Budget, t.BestIteration, t.Score)).Should().Equal(again.Trials.Select(t => (t.Number, t.Rung, t.Budget, t.BestIteration, t.Score)));
        overBudget.Trials.Select(t => (t.Number, t.Rung, t.Budget, t.BestIteration, t.Score)).Should().Equal(again.Trials.Select(t => (t.Number, t.Rung, t.Budget, t.BestIteration, t.Score)),
            "fits beyond the memory budget are trained again from the start, with the same result");
        continued.Trials.Should().Contain(t => t.Rung > 0 && t.BestIteration < t.Budget / 3, "a promoted trial had stopped early in the rung before")
            .And.Contain(t => t.Rung > 0 && t.BestIteration > t.Budget / 3 && t.BestIteration < t.Budget, "a promoted trial stops early in a continued rung");
        continued.BestOptions.Should().Be(again.BestOptions);
        continued.Trials.Should().OnlyContain(t => t.Continued == (t.Rung > 0), "every promoted trial's fits were kept");
        again.Trials.Should().OnlyContain(t => !t.Continued);
        overBudget.Trials.Where(t => t.Rung > 0).Should().Contain(t => !t.Continued, "fits over the budget were not kept");
        continued.ToString().Should().Contain(" +0.").And.Contain("(+ time: a trial continued from its fit of the previous rung");
        again.ToString().Should().NotContain("+ time");
    }

    [Fact]
    public void BestOptions_TrainForTheBestIterationWithTheBaseEarlyStopping()
    {
        // A wide, barely regularized SGD overfits these 4,000 ratings after a few epochs.
        var baseOptions = new BiasedSgdOptions { Dimensions = 32, Iterations = 80, Regularization = 0.001, LearningRate = 0.02, LearningRateDecay = 1 };
        SearchSpace<BiasedSgdOptions> space = new SearchSpace<BiasedSgdOptions>(baseOptions)
            .With("LearningRate", ParameterRange.Choice(0.02), (o, x) => o with { LearningRate = x });

        SearchResult<BiasedSgdOptions> result = HyperparameterSearch.Create(space, o => new BiasedSgdFactorizer(o), new SearchOptions { Strategy = SearchStrategy.Grid() }).Run(Small);

        Trial<BiasedSgdOptions> trial = result.Trials.Single();
        trial.Options.EarlyStoppingPatience.Should().Be(3);
        trial.BestIteration.Should().BeInRange(1, 79);
        result.BestOptions.Iterations.Should().Be(trial.BestIteration!.Value);
        result.BestOptions.EarlyStoppingPatience.Should().Be(0);
        result.BestOptions.MaxDegreeOfParallelism.Should().Be(-1);
        result.BestOptions.Regularization.Should().Be(0.001);
    }

    [Fact]
    public void Run_DivergingTrial_IsRecordedAndTheSearchGoesOn()
    {
        SearchSpace<BiasedSgdOptions> space = new SearchSpace<BiasedSgdOptions>(new BiasedSgdOptions { Dimensions = 4, Iterations = 5 })
            .With("LearningRate", ParameterRange.Choice(0.01, 1e6), (o, x) => o with { LearningRate = x });

        SearchResult<BiasedSgdOptions> result = HyperparameterSearch.Create(space, o => new BiasedSgdFactorizer(o), new SearchOptions { Strategy = SearchStrategy.Grid() }).Run(Small);

        result.Trials[1].Succeeded.Should().BeFalse();
        result.Trials[1].Score.Should().Be(double.NaN);
        result.Trials[1].Failure.Should().NotBeNullOrEmpty();
        result.BestTrial.Should().BeSameAs(result.Trials[0]);
        result.ToString().Should().Contain("failed");
    }

    [Fact]
    public void Run_EveryTrialDiverges_Throws()
    {
        SearchSpace<BiasedSgdOptions> space = new SearchSpace<BiasedSgdOptions>(new BiasedSgdOptions { Dimensions = 4, Iterations = 5 })
            .With("LearningRate", ParameterRange.Choice(1e6, 1e7), (o, x) => o with { LearningRate = x });

        FluentActions.Invoking(() => HyperparameterSearch.Create(space, o => new BiasedSgdFactorizer(o), new SearchOptions { Strategy = SearchStrategy.Grid() }).Run(Small))
            .Should().Throw<InvalidOperationException>().WithMessage("Every one of the 2 trials failed*LearningRate = 1E+06*");
    }

    [Fact]
    public void Run_DrawOutsideAnOptionsRange_ThrowsBeforeTrainingNamingTheOptionAndTrial()
    {
        SearchSpace<AlsOptions> space = new SearchSpace<AlsOptions>(FastAls)
            .With("Regularization", ParameterRange.Choice(0.1, -0.5), (o, x) => o with { Regularization = x });
        int fits = 0;

        FluentActions.Invoking(() => HyperparameterSearch.Create(space, o => new CountingTrainer(new AlsFactorizer(o), () => fits++), new SearchOptions { Strategy = SearchStrategy.Grid() }).Run(Small))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(AlsOptions.Regularization)).WithMessage("*search trial #2: Regularization = -0.5*");
        fits.Should().Be(0);
    }

    [Fact]
    public void Run_Folds_TrainsEveryTrialOncePerFold()
    {
        int fits = 0;
        SearchSpace<AlsOptions> space = new SearchSpace<AlsOptions>(FastAls)
            .With("Regularization", ParameterRange.Choice(0.05, 0.2), (o, x) => o with { Regularization = x });

        SearchResult<AlsOptions> result = HyperparameterSearch.Create(space, o => new CountingTrainer(new AlsFactorizer(o), () => Interlocked.Increment(ref fits)),
            new SearchOptions { Strategy = SearchStrategy.Grid(), Folds = 3 }).Run(Small);

        fits.Should().Be(6);
        result.Validation.Should().Be("3 folds");
    }

    [Fact]
    public void Run_ReportsProgressAfterEveryTrial()
    {
        var reports = new List<SearchProgress>();
        var progress = new SynchronousProgress<SearchProgress>(reports.Add);

        SearchResult<AlsOptions> result = HyperparameterSearch.Create(SearchSpaces.Als(FastAls with { Iterations = 9 }), o => new AlsFactorizer(o),
            new SearchOptions { Strategy = SearchStrategy.SuccessiveHalving(4, 2, 2), MaxConcurrentTrials = 1 }).Run(Small, progress);

        reports.Should().HaveCount(result.Trials.Count).And.HaveCount(6);
        reports.Select(r => r.CompletedTrials).Should().Equal(1, 2, 3, 4, 5, 6);
        reports.Should().OnlyContain(r => r.TotalTrials == 6);
        reports[^1].BestScore.Should().Be(result.Trials.Min(t => t.Score));
    }

    [Fact]
    public void Run_Cancelled_Throws()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        FluentActions.Invoking(() => HyperparameterSearch.Create(SearchSpaces.Als(FastAls), o => new AlsFactorizer(o)).Run(Small, cancellationToken: cancellation.Token))
            .Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Run_ImplicitModel_IsScoredByRecall()
    {
        SearchSpace<ImplicitAlsOptions> space = new SearchSpace<ImplicitAlsOptions>(new ImplicitAlsOptions { Dimensions = 4, Iterations = 3 })
            .With("Alpha", ParameterRange.Choice(1, 4), (o, x) => o with { Alpha = x });

        SearchResult<ImplicitAlsOptions> result = HyperparameterSearch.Create(space, o => new ImplicitAlsFactorizer(o), new SearchOptions { Strategy = SearchStrategy.Grid() }).Run(Small);

        result.Objective.Should().Be(SearchObjective.RecallAt(10));
        result.Objective.HigherIsBetter.Should().BeTrue();
        result.BestScore.Should().Be(result.Trials.Max(t => t.Score));
        result.Trials.Should().OnlyContain(t => t.BestIteration == null, "implicit ALS cannot stop early");
    }

    [Fact]
    public void ToString_IsATableWithTheBestMarked()
    {
        SearchSpace<AlsOptions> space = new SearchSpace<AlsOptions>(FastAls)
            .With("Regularization", ParameterRange.Choice(0.0001, 0.1), (o, x) => o with { Regularization = x });

        string table = HyperparameterSearch.Create(space, o => new AlsFactorizer(o), new SearchOptions { Strategy = SearchStrategy.Grid() }).Run(Small).ToString();

        string[] lines = table.Split(Environment.NewLine);
        lines[0].Should().StartWith("Hyper-parameter search (grid; 10 % validation carve; RMSE, lower is better): 2 trials in ");
        lines[1].Should().MatchRegex(@"^\s*#\s+rung\s+budget\s+Regularization\s+best iter\s+RMSE\s+time$");
        lines[2].Should().MatchRegex(@"^ 1\s+0\s+6\s+0\.0001\s+\S+\s+\d\.\d{4}\s+\d+\.\d s$");
        lines[3].Should().StartWith("*2");
        lines[4].Should().StartWith("Best: #2, RMSE ").And.EndWith("Regularization = 0.1");
    }

    [Theory]
    [InlineData(nameof(SearchOptions.ValidationFraction))]
    [InlineData(nameof(SearchOptions.Folds))]
    [InlineData(nameof(SearchOptions.EarlyStoppingPatience))]
    [InlineData(nameof(SearchOptions.MaxConcurrentTrials))]
    public void Constructor_InvalidSearchOptions_ThrowsNamingTheOption(string option)
    {
        SearchOptions options = option switch
        {
            nameof(SearchOptions.ValidationFraction) => new SearchOptions { ValidationFraction = 0.6 },
            nameof(SearchOptions.Folds) => new SearchOptions { Folds = 0 },
            nameof(SearchOptions.EarlyStoppingPatience) => new SearchOptions { EarlyStoppingPatience = -1 },
            _ => new SearchOptions { MaxConcurrentTrials = 0 },
        };

        FluentActions.Invoking(() => HyperparameterSearch.Create(SearchSpaces.Als(), o => new AlsFactorizer(o), options))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName(option);
    }

    [Fact]
    public void Run_GridTooLarge_Throws()
    {
        SearchSpace<AlsOptions> space = new SearchSpace<AlsOptions>(FastAls)
            .With("Regularization", ParameterRange.LogUniform(0.01, 1, 1000), (o, x) => o with { Regularization = x })
            .With("InitStdDev", ParameterRange.LogUniform(0.01, 1, 1000), (o, x) => o with { InitStdDev = x });

        FluentActions.Invoking(() => HyperparameterSearch.Create(space, o => new AlsFactorizer(o), new SearchOptions { Strategy = SearchStrategy.Grid() }).Run(Small))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(SearchOptions.Strategy)).WithMessage("*1000000 points*");
    }

    /// <summary>Delegates to a trainer and counts its fits.</summary>
    private sealed class CountingTrainer(IMatrixFactorizer inner, Action onFit) : ITrainer<FactorizationModel>
    {
        public TrainerOptions Options => inner.Options;

        public FactorizationModel Fit(RatingsDataset train, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
        {
            onFit();
            return inner.Fit(train, validation, progress, cancellationToken);
        }
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        private readonly Lock _lock = new();

        public void Report(T value)
        {
            lock (_lock)
            {
                report(value);
            }
        }
    }

    /// <summary>A trainer seen only through <see cref="ITrainer{TModel}"/>, which the search cannot continue.</summary>
    private sealed class PlainTrainer(ITrainer<FactorizationModel> inner) : ITrainer<FactorizationModel>
    {
        public TrainerOptions Options => inner.Options;

        public FactorizationModel Fit(RatingsDataset train, RatingsDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
            inner.Fit(train, validation, progress, cancellationToken);
    }
}
