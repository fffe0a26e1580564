using CollaborativeFiltering.Data;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Data;

/// <summary>
/// The library's own trainers (explicit and implicit ALS, biased SGD, SVD++, BPR, Bayesian MF, the softmax model) and evaluators read a split through the parent's storage and the
/// membership bits (<see cref="RatingsDataset.UserRows"/>, <see cref="RatingsDataset.ItemRows"/>): the
/// views stay unmaterialised along load → split → fit → evaluate → recommend, and every result is
/// bit-identical to the same work on a materialised copy of the view.
/// </summary>
public class DatasetViewInPlaceTests
{
    private static RatingsDataset Sample() =>
        SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 90, Items = 70, Ratings = 3_000, MinRatingsPerUser = 5, Seed = 21 }).Dataset;

    /// <summary>The member ratings copied through the builder: a dataset with storage of its own (enumerating materialises the view, so tests copy a twin split made with the same seed).</summary>
    private static RatingsDataset Copy(RatingsDataset view)
    {
        var builder = new RatingsDatasetBuilder(view.Catalog);
        foreach (Rating r in view)
        {
            builder.Add(r);
        }

        return builder.Build();
    }

    private static void ShouldBeUnmaterialised(RatingsDataset view)
    {
        view.IsPendingView.Should().BeTrue();
        view.HasOwnUserMajor.Should().BeFalse();
        view.HasOwnItemMajor.Should().BeFalse();
    }

    private static IEnumerable<IMatrixFactorizer> Factorizers(int threads) =>
    [
        new AlsFactorizer(new AlsOptions { Dimensions = 5, Iterations = 3, MaxDegreeOfParallelism = threads, Seed = 4 }),
        new AlsFactorizer(new AlsOptions { Dimensions = 4, Iterations = 2, UseBiases = false, MaxDegreeOfParallelism = threads, Seed = 4 }),
        new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 5, Iterations = 3, ConjugateGradientSteps = 0, MaxDegreeOfParallelism = threads, Seed = 4 }),
        new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 4, Iterations = 2, ConjugateGradientSteps = 3, MaxDegreeOfParallelism = threads, Seed = 4 }),
        new BayesianMatrixFactorizer(new BayesianMatrixOptions { Dimensions = 3, Iterations = 4, BurnIn = 2, MaxDegreeOfParallelism = threads, Seed = 4 }),
        new BprFactorizer(new BprOptions { Dimensions = 4, Iterations = 3, MaxDegreeOfParallelism = threads, Seed = 4 }),
        new SvdPlusPlusFactorizer(new SvdPlusPlusOptions { Dimensions = 4, Iterations = 3, MaxDegreeOfParallelism = threads, Seed = 4 }),
        new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 5, Iterations = 4, MaxDegreeOfParallelism = threads, Seed = 4 }),
    ];

    private static void ShouldBeIdentical(FactorizationModel actual, FactorizationModel expected)
    {
        actual.UserEmbeddings.ToArray().Should().Equal(expected.UserEmbeddings.ToArray());
        actual.ItemEmbeddings.ToArray().Should().Equal(expected.ItemEmbeddings.ToArray());
        actual.UserBiases.ToArray().Should().Equal(expected.UserBiases.ToArray());
        actual.ItemBiases.ToArray().Should().Equal(expected.ItemBiases.ToArray());
        actual.GlobalMean.Should().Be(expected.GlobalMean);
        actual.UserSupport.ToArray().Should().Equal(expected.UserSupport.ToArray());
        actual.ItemSupport.ToArray().Should().Equal(expected.ItemSupport.ToArray());
        actual.ImplicitItemFactors.ToArray().Should().Equal(expected.ImplicitItemFactors.ToArray());
    }

    private static void ShouldRecommendAlike(TopKRecommendations actual, TopKRecommendations expected, int users)
    {
        for (int u = 0; u < users; u++)
        {
            actual.GetItems(new UserIndex(u)).ToArray().Should().Equal(expected.GetItems(new UserIndex(u)).ToArray());
            actual.GetScores(new UserIndex(u)).ToArray().Should().Equal(expected.GetScores(new UserIndex(u)).ToArray());
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void RandomHoldout_FitEvaluateRecommend_LeavesViewsUnmaterialisedAndMatchesCopies(int threads)
    {
        RatingsDataset data = Sample();
        DatasetSplit split = DatasetSplitter.RandomHoldout(data, 0.2, seed: 5), twin = DatasetSplitter.RandomHoldout(data, 0.2, seed: 5);
        RatingsDataset trainCopy = Copy(twin.Train), testCopy = Copy(twin.Test);
        foreach (IMatrixFactorizer factorizer in Factorizers(threads))
        {
            FactorizationModel onView = factorizer.Fit(split.Train, split.Test);
            FactorizationModel onCopy = factorizer.Fit(trainCopy, testCopy);
            ShouldBeIdentical(onView, onCopy);

            if (onView.PredictsRatings)
            {
                RegressionMetrics.Compute(onView, split.Test).Should().Be(RegressionMetrics.Compute(onView, testCopy));
            }

            RankingMetrics.Evaluate(onView, split.Train, split.Test, 5).Should().BeEquivalentTo(RankingMetrics.Evaluate(onView, trainCopy, testCopy, 5));
            RankingMetrics.Evaluate(onView, split.Train, split.Test, 5, relevanceThreshold: 3.5f)
                .Should().BeEquivalentTo(RankingMetrics.Evaluate(onView, trainCopy, testCopy, 5, relevanceThreshold: 3.5f));
            ShouldRecommendAlike(Recommender.RecommendAll(onView, 7, split.Train), Recommender.RecommendAll(onView, 7, trainCopy), data.UserCount);
            Recommender.Recommend(onView, new UserIndex(3), 6, split.Train).Should().Equal(Recommender.Recommend(onView, new UserIndex(3), 6, trainCopy));
        }

        ShouldBeUnmaterialised(split.Train);
        ShouldBeUnmaterialised(split.Test);
    }

    [Fact]
    public void KFold_FitAndEvaluate_LeavesFoldsUnmaterialisedAndMatchesCopies()
    {
        RatingsDataset data = Sample();
        IReadOnlyList<DatasetSplit> folds = DatasetSplitter.KFold(data, 3, seed: 8), twins = DatasetSplitter.KFold(data, 3, seed: 8);
        for (int f = 0; f < folds.Count; f++)
        {
            DatasetSplit fold = folds[f];
            RatingsDataset trainCopy = Copy(twins[f].Train), testCopy = Copy(twins[f].Test);
            foreach (IMatrixFactorizer factorizer in new[] { Factorizers(2).First(), Factorizers(2).Last() })
            {
                FactorizationModel onView = factorizer.Fit(fold.Train);
                ShouldBeIdentical(onView, factorizer.Fit(trainCopy));
                RegressionMetrics.Compute(onView, fold.Test).Should().Be(RegressionMetrics.Compute(onView, testCopy));
                ShouldRecommendAlike(Recommender.RecommendAll(onView, 5, fold.Train), Recommender.RecommendAll(onView, 5, trainCopy), data.UserCount);
            }

            ShouldBeUnmaterialised(fold.Train);
            ShouldBeUnmaterialised(fold.Test);
        }
    }

    [Fact]
    public void ViewOfAView_Fit_MatchesCopyWithoutMaterialising()
    {
        RatingsDataset data = Sample();
        DatasetSplit inner = DatasetSplitter.RandomHoldout(DatasetSplitter.RandomHoldout(data, 0.2, seed: 1).Train, 0.25, seed: 2);
        DatasetSplit twin = DatasetSplitter.RandomHoldout(DatasetSplitter.RandomHoldout(data, 0.2, seed: 1).Train, 0.25, seed: 2);
        IMatrixFactorizer als = Factorizers(1).First();
        ShouldBeIdentical(als.Fit(inner.Train, inner.Test), als.Fit(Copy(twin.Train), Copy(twin.Test)));
        ShouldBeUnmaterialised(inner.Train);
        ShouldBeUnmaterialised(inner.Test);
    }

    [Fact]
    public void ItemRows_OfAView_AreTheCopysItemMajorRows()
    {
        RatingsDataset data = Sample();
        DatasetSplit[] splits = [.. DatasetSplitter.KFold(data, 3, seed: 3), DatasetSplitter.RandomHoldout(data, 0.3, seed: 3)];
        DatasetSplit[] twins = [.. DatasetSplitter.KFold(data, 3, seed: 3), DatasetSplitter.RandomHoldout(data, 0.3, seed: 3)];
        for (int s = 0; s < splits.Length; s++)
        {
            foreach ((RatingsDataset view, RatingsDataset twin) in new[] { (splits[s].Train, twins[s].Train), (splits[s].Test, twins[s].Test) })
            {
                RatingsDataset copy = Copy(twin);
                RowsShouldEqual(view.UserRows, copy.ByUser);
                RowsShouldEqual(view.ItemRows, copy.ByItem);
                ShouldBeUnmaterialised(view);
            }
        }

        static void RowsShouldEqual(RatingRows rows, CsrView csr)
        {
            rows.IsView.Should().BeTrue();
            rows.Offsets.Should().Equal(csr.RowOffsets.ToArray());
            rows.Count.Should().Be(csr.NonZeroCount);
            var buffer = rows.NewBuffer();
            for (int r = 0; r < csr.RowCount; r++)
            {
                rows.Row(r, buffer, out ReadOnlySpan<int> columns, out ReadOnlySpan<float> values);
                columns.ToArray().Should().Equal(csr.GetColumns(r).ToArray());
                values.ToArray().Should().Equal(csr.GetValues(r).ToArray());
                rows.RowColumns(r, buffer).ToArray().Should().Equal(csr.GetColumns(r).ToArray());
            }
        }
    }

    [Fact]
    public void UserRows_AfterTheViewMaterialises_ReadItsOwnStorage()
    {
        RatingsDataset data = Sample();
        DatasetSplit split = DatasetSplitter.RandomHoldout(data, 0.2, seed: 6);
        split.Train.UserRows.IsView.Should().BeTrue();
        _ = split.Train.ByItem; // the public views build on first touch
        _ = split.Train.Timestamps;
        split.Train.IsPendingView.Should().BeFalse();
        split.Train.UserRows.IsView.Should().BeFalse();
        split.Train.ItemRows.IsView.Should().BeFalse();
        split.Train.UserRows.Offsets.Should().Equal(split.Train.ByUser.RowOffsets.ToArray());
    }

    [Fact]
    public void ImplicitAls_NegativeStrengthInAView_ThrowsNamingTheMemberRating()
    {
        var builder = new RatingsDatasetBuilder(Catalog.Sequential(3, 3));
        builder.Add(new Rating(new UserIndex(0), new ItemIndex(0), -5)).Add(new Rating(new UserIndex(0), new ItemIndex(1), 1))
            .Add(new Rating(new UserIndex(1), new ItemIndex(1), 2)).Add(new Rating(new UserIndex(2), new ItemIndex(2), -3));
        RatingsDataset view = builder.Build().Where([false, true, true, true]); // the first negative is not a member

        Action act = () => new ImplicitAlsFactorizer().Fit(view);

        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "train" && e.Message.Contains("user '3'") && e.Message.Contains("item '3'") && e.Message.Contains("-3"));
    }

    [Fact]
    public void Rows_OfAnEmptyView_HaveNoEntries()
    {
        RatingsDataset view = Sample().Where(new bool[Sample().Count]);

        view.UserRows.Count.Should().Be(0);
        view.ItemRows.Count.Should().Be(0);
        view.UserRows.MaxRowLength.Should().Be(0);
        view.ItemRows.Offsets.Should().OnlyContain(o => o == 0);
        DatasetStatistics.ItemRatingCounts(view).Should().OnlyContain(c => c == 0);
        ShouldBeUnmaterialised(view);
    }

    [Fact]
    public void Softmax_FitOnAView_MatchesCopyWithoutMaterialising()
    {
        RatingsDataset data = Sample();
        DatasetSplit split = DatasetSplitter.RandomHoldout(data, 0.2, seed: 7), twin = DatasetSplitter.RandomHoldout(data, 0.2, seed: 7);
        var trainer = new SoftmaxTrainer(new SoftmaxOptions { Dimensions = 4, HiddenLayerSizes = [6], Iterations = 4, BatchSize = 16, MaxDegreeOfParallelism = 2 });

        SoftmaxModel onView = trainer.Fit(split.Train, split.Test);
        SoftmaxModel onCopy = trainer.Fit(Copy(twin.Train), Copy(twin.Test));

        onView.ItemEmbeddings.ToArray().Should().Equal(onCopy.ItemEmbeddings.ToArray());
        onView.UserEmbeddings.ToArray().Should().Equal(onCopy.UserEmbeddings.ToArray());
        onView.ItemSupport.ToArray().Should().Equal(onCopy.ItemSupport.ToArray());
        onView.GetUserItems(new UserIndex(5)).ToArray().Should().Equal(onCopy.GetUserItems(new UserIndex(5)).ToArray());
        ShouldBeUnmaterialised(split.Train);
        ShouldBeUnmaterialised(split.Test);
    }

    [Fact]
    public void AlsUpdate_WithViews_MatchesCopiesWithoutMaterialising()
    {
        RatingsDataset data = Sample();
        DatasetSplit split = DatasetSplitter.RandomHoldout(data, 0.05, seed: 9), twin = DatasetSplitter.RandomHoldout(data, 0.05, seed: 9);
        RatingsDataset trainCopy = Copy(twin.Train), freshCopy = Copy(twin.Test);
        var als = new AlsFactorizer(new AlsOptions { Dimensions = 4, Iterations = 2, MaxDegreeOfParallelism = 2, Seed = 4 });
        FactorizationModel model = als.Fit(trainCopy);

        AlsUpdate onViews = als.Update(model, split.Train, split.Test);
        AlsUpdate onCopies = als.Update(model, trainCopy, freshCopy);

        ShouldBeIdentical(onViews.Model, onCopies.Model);
        onViews.ToString().Should().Be(onCopies.ToString());
        ShouldBeUnmaterialised(split.Train);
        ShouldBeUnmaterialised(split.Test);
    }

    [Fact]
    public void UserRows_OfBothSidesOfASplitOrFold_ShareOneBitmap()
    {
        RatingsDataset data = Sample();
        DatasetSplit holdout = DatasetSplitter.RandomHoldout(data, 0.2, seed: 2);
        holdout.Train.UserRows.SharesBitmapWith(holdout.Test.UserRows).Should().BeTrue();
        IReadOnlyList<DatasetSplit> folds = DatasetSplitter.KFold(data, 3, seed: 2);
        folds[1].Train.UserRows.SharesBitmapWith(folds[1].Test.UserRows).Should().BeTrue();
        folds[1].Train.UserRows.SharesBitmapWith(folds[2].Train.UserRows).Should().BeFalse();
        (folds[1].Train.UserRows.Count + folds[1].Test.UserRows.Count).Should().Be(data.Count);
    }
}
