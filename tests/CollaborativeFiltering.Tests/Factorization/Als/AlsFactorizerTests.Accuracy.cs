using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed partial class AlsFactorizerTests
{
    /// <summary>
    /// MovieLens-1M-shaped synthetic data (6,040 users, 3,706 items, 1M ratings, planted rank 8,
    /// noise σ = 0.5, 90/10 random split) with the default options (rank 64, weighted λ = 0.12, 15
    /// sweeps, predictions clamped to the training range [1, 5]): the test RMSE is at most 1.24× the
    /// noise floor, the error of the planted model itself. Measured 1.2278× on seed 7 (seed 11:
    /// 1.2295×). The defaults were chosen on the real MovieLens 100k, whose ratings carry little
    /// learnable structure under heavy noise, so λ = 0.12 regularizes hard; on this clean, strongly
    /// structured data that costs accuracy (the former defaults, rank 16 and λ = 0.05, chosen on this
    /// generator, measured 1.0987× here but 0.990 against 0.924 test RMSE on MovieLens 100k's u1 split).
    /// </summary>
    [Fact]
    [Trait("Category", "Accuracy")]
    public void Fit_DefaultsOnMillionSyntheticRatings_ComesWithinAQuarterOfTheNoiseFloor()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 6040, Items = 3706, Ratings = 1_000_000, Seed = 7 });
        DatasetSplit split = DatasetSplitter.RandomHoldout(data.Dataset, 0.1, seed: 3);

        FactorizationModel model = new AlsFactorizer().Fit(split.Train);

        double floor = data.NoiseFloorRmse(split.Test);
        double test = Math.Sqrt(model.MeanSquaredError(split.Test));
        model.PredictionRange.Should().Be(new RatingRange(1, 5));
        test.Should().BeLessThanOrEqualTo(1.24 * floor, "measured 1.2278×");
        test.Should().BeGreaterThan(0.98 * floor, "no model beats the planted one by much");
        Math.Sqrt(model.MeanSquaredError(split.Train)).Should().BeLessThan(test);
    }

    /// <summary>
    /// Issue 12, point 1, on the stand-in for MovieLens 100k (<see cref="SyntheticOptions.RealisticMovieLens100K"/>,
    /// random 90/10 split): the defaults (rank 64, λ = 0.12) beat the former rank 16 and λ = 0.05, as on
    /// the real data. Measured 0.9287 against 0.9525 test RMSE (real MovieLens 100k, u1 split: 0.924
    /// against 0.990).
    /// </summary>
    [Fact]
    [Trait("Category", "Accuracy")]
    public void Fit_DefaultsOnRealisticMovieLens100K_BeatTheFormerDefaults()
    {
        DatasetSplit split = DatasetSplitter.RandomHoldout(SyntheticDataGenerator.Generate(SyntheticOptions.RealisticMovieLens100K).Dataset, 0.1, seed: 1);

        double test = Math.Sqrt(new AlsFactorizer().Fit(split.Train).MeanSquaredError(split.Test));
        double former = Math.Sqrt(new AlsFactorizer(new AlsOptions { Dimensions = 16, Regularization = 0.05 }).Fit(split.Train).MeanSquaredError(split.Test));

        test.Should().BeLessThan(0.935, "measured 0.9287");
        test.Should().BeLessThan(former - 0.015, "measured 0.9525 for rank 16, λ = 0.05");
    }

    /// <summary>
    /// The ridge fold-in of <see cref="FoldIn"/> with λ = λ_ALS·n_u, applied to a training user's own
    /// ratings, reproduces that user's row of a converged model without biases: it is the same
    /// least-squares problem.
    /// </summary>
    [Fact]
    public void FoldIn_TrainingUserOfConvergedModel_ReproducesTheUsersEmbedding()
    {
        RatingsDataset train = AlsTestData.Random(150, 80, 0.25, seed: 41);
        const double lambda = 0.1;
        FactorizationModel model = new AlsFactorizer(new AlsOptions { Dimensions = 4, Iterations = 60, Regularization = lambda, UseBiases = false }).Fit(train);

        foreach (int user in new[] { 0, 17, 99 })
        {
            int[] items = train.ByUser.GetColumns(user).ToArray();
            float[] ratings = train.ByUser.GetValues(user).ToArray();

            float[] folded = FoldIn.ComputeUserEmbedding(model, items, ratings, new FoldInOptions { Regularization = lambda * items.Length });

            folded.Should().Equal(model.GetUserEmbedding(U(user)).ToArray(), (a, e) => Math.Abs(a - e) < 2e-3);
        }
    }

    /// <summary>Recommendations for a user of a biased ALS model exclude the user's training items and, with the model's own score, rank by ⟨p_u, q_i⟩ + b_i.</summary>
    [Fact]
    public void Recommend_FromAlsModelExcludingTrain_ReturnsOnlyUnseenItemsInScoreOrder()
    {
        RatingsDataset train = AlsTestData.Random(60, 50, 0.3, seed: 42);
        FactorizationModel model = new AlsFactorizer(new AlsOptions { Dimensions = 5, Iterations = 5 }).Fit(train);

        IReadOnlyList<Recommendation> top = Recommender.Recommend(model, U(3), 10, train, new RankingOptions { Score = RankingScore.Model });

        top.Select(r => r.Item.Value).Should().NotIntersectWith(train.ByUser.GetColumns(3).ToArray());
        top.Select(r => r.Score).Should().BeInDescendingOrder();
        top[0].Score.Should().BeApproximately(model.Predict(U(3), top[0].Item) - model.GlobalMean - model.UserBiases[3], 1e-5f);
    }
}
