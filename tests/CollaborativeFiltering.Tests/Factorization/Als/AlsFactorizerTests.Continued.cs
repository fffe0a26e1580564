using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Tests.Training;
using CollaborativeFiltering.Training;

namespace CollaborativeFiltering.Tests.Factorization;

/// <summary>A fit continued after some sweeps (successive halving's promoted trials) against one fit of the whole budget.</summary>
public sealed partial class AlsFactorizerTests
{
    private static readonly DatasetSplit ContinuedSplit = TrainingTestData.SmallSplit;

    [Theory]
    [InlineData(true, 1)]
    [InlineData(true, 3)]
    [InlineData(false, 2)]
    public void Start_ContinuedAfterSomeSweeps_BitIdenticalToOneFitOfTheWholeBudget(bool biases, int firstPart)
    {
        // Rank 16 with a tiny λ overfits 3,200 ratings within a few sweeps: early stopping ends the fit.
        var options = new AlsOptions { Dimensions = 16, Iterations = 20, Regularization = 0.005, UseBiases = biases, EarlyStoppingPatience = 2 };
        var reports = new List<TrainingProgress>();
        FactorizationModel whole = new AlsFactorizer(options).Fit(ContinuedSplit.Train, ContinuedSplit.Test, new SyncProgress(reports));

        var trainer = (IContinuableTrainer<FactorizationModel>)new AlsFactorizer(options with { Iterations = firstPart });
        using TrainingRun<FactorizationModel> run = trainer.Start(ContinuedSplit.Train, ContinuedSplit.Test, CancellationToken.None);
        FactorizationModel first = run.RunTo(firstPart, null, keepTraining: true, CancellationToken.None);
        float[] firstUsers = first.UserEmbeddings.ToArray();
        FactorizationModel continued = run.RunTo(options.Iterations, null, keepTraining: false, CancellationToken.None);

        reports[^1].Iteration.Should().BeInRange(firstPart + 1, 19, "the whole fit stops early, after the first part");
        run.Completed.Should().Be(reports[^1].Iteration);
        run.BestIteration.Should().Be(reports[^1].BestIteration);
        continued.UserEmbeddings.ToArray().Should().Equal(whole.UserEmbeddings.ToArray());
        continued.ItemEmbeddings.ToArray().Should().Equal(whole.ItemEmbeddings.ToArray());
        continued.UserBiases.ToArray().Should().Equal(whole.UserBiases.ToArray());
        continued.ItemBiases.ToArray().Should().Equal(whole.ItemBiases.ToArray());
        first.UserEmbeddings.ToArray().Should().Equal(firstUsers, "the first part's model owns copies that the continued fit does not touch");
    }
}
