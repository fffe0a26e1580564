using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Tests.Training;
using CollaborativeFiltering.Training;

namespace CollaborativeFiltering.Tests.Factorization.Sgd;

/// <summary>A fit continued after some epochs (successive halving's promoted trials) against one fit of the whole budget.</summary>
public sealed partial class BiasedSgdFactorizerTests
{
    private static readonly DatasetSplit ContinuedSplit = TrainingTestData.SmallSplit;

    // Wide and barely regularized: the validation error turns after a few epochs and early stopping ends the fit.
    private static readonly BiasedSgdOptions OverfittingOptions = new()
    {
        Dimensions = 24,
        Iterations = 30,
        Regularization = 0.001,
        LearningRate = 0.03,
        EarlyStoppingPatience = 3,
        MaxDegreeOfParallelism = 1,
    };

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(12)]
    public void Start_ContinuedAfterSomeEpochs_BitIdenticalToOneFitOfTheWholeBudget(int firstPart)
    {
        var reports = new List<TrainingProgress>();
        FactorizationModel whole = new BiasedSgdFactorizer(OverfittingOptions).Fit(ContinuedSplit.Train, ContinuedSplit.Test, new SyncProgress(reports));
        int stoppedAt = reports[^1].Iteration;
        int best = reports[^1].BestIteration!.Value;

        var trainer = (IContinuableTrainer<FactorizationModel>)new BiasedSgdFactorizer(OverfittingOptions with { Iterations = firstPart });
        using TrainingRun<FactorizationModel> run = trainer.Start(ContinuedSplit.Train, ContinuedSplit.Test, CancellationToken.None);
        FactorizationModel first = run.RunTo(firstPart, null, keepTraining: true, CancellationToken.None);
        FactorizationModel firstAgain = Clone(first);
        FactorizationModel continued = run.RunTo(OverfittingOptions.Iterations, null, keepTraining: false, CancellationToken.None);

        stoppedAt.Should().BeInRange(8, 29, "the fit stops early, after the first parts of 1, 4 and 7 epochs");
        run.Completed.Should().Be(stoppedAt);
        run.BestIteration.Should().Be(best);
        continued.UserEmbeddings.ToArray().Should().Equal(whole.UserEmbeddings.ToArray());
        continued.ItemEmbeddings.ToArray().Should().Equal(whole.ItemEmbeddings.ToArray());
        continued.UserBiases.ToArray().Should().Equal(whole.UserBiases.ToArray());
        continued.ItemBiases.ToArray().Should().Equal(whole.ItemBiases.ToArray());
        first.UserEmbeddings.ToArray().Should().Equal(firstAgain.UserEmbeddings.ToArray(), "the first part's model owns copies that the continued fit does not touch");
        first.ItemBiases.ToArray().Should().Equal(firstAgain.ItemBiases.ToArray());
    }

    private static FactorizationModel Clone(FactorizationModel model) =>
        FactorizationModel.FromEmbeddings(model.Catalog, model.Dimensions, model.UserEmbeddings, model.ItemEmbeddings, model.UserBiases, model.ItemBiases, model.GlobalMean);
}
