using Xunit.Abstractions;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed class AlsUpdateTests(ITestOutputHelper output)
{
    [Fact]
    public void Update_NewUserWithoutBiases_SolvesTheRidgeRegressionByHand()
    {
        // Items q = (1, 2, 3) (d = 1), no biases, λ = 0.5. A new user "n" rates items 1 and 3 with 4
        // and 2: p = Σ q r / (Σ q² + λ·n) = (1·4 + 3·2) / (1 + 9 + 0.5·2) = 10 / 11.
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 3), 1, [1f], [1f, 2f, 3f]);
        RatingsDataset train = Ratings(model.Catalog, ("1", "2", 2f));
        RatingsDataset fresh = new RatingsDatasetBuilder().Add("n", "1", 4f).Add("n", "3", 2f).Build();

        AlsUpdate update = Factorizer(0.5).Update(model, train, fresh, new AlsUpdateOptions { Sweeps = 1, MinNewShare = 1 });

        update.NewUsers.Should().Be(1);
        update.NewItems.Should().Be(0);
        update.Model.Catalog.Users.Ids.Should().Equal("1", "n");
        update.Model.GetUserEmbedding(U(1))[0].Should().BeApproximately(10f / 11f, 1e-6f);
        update.Model.GetUserEmbedding(U(0))[0].Should().Be(1f, "user 1 has no new ratings");
        update.UsersSolved.Should().Be(1);
    }

    [Fact]
    public void Update_RegularizationExponent_WeighsTheRowByTheMeanCountOfItsSide()
    {
        // As above with ν = 0.5: the old rating and the two new ones over two users give n̄ = 1.5, so the
        // new user's weight is λ·n̄^0.5·n^0.5 = 0.5·√3 and p = 10 / (10 + 0.5·√3).
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 3), 1, [1f], [1f, 2f, 3f]);
        RatingsDataset train = Ratings(model.Catalog, ("1", "2", 2f));
        RatingsDataset fresh = new RatingsDatasetBuilder().Add("n", "1", 4f).Add("n", "3", 2f).Build();
        var factorizer = new AlsFactorizer(new AlsOptions { Dimensions = 1, Regularization = 0.5, RegularizationExponent = 0.5, UseBiases = false });

        AlsUpdate update = factorizer.Update(model, train, fresh, new AlsUpdateOptions { Sweeps = 1, MinNewShare = 1 });

        update.Model.GetUserEmbedding(U(1))[0].Should().BeApproximately((float)(10 / (10 + (0.5 * Math.Sqrt(3)))), 1e-6f);
    }

    [Fact]
    public void Update_TrainedModel_KeepsItsTrainingSupportAndItsSupportAwareRanking()
    {
        var builder = new RatingsDatasetBuilder();
        for (int u = 0; u < 6; u++)
        {
            for (int i = 0; i <= u; i++)
            {
                builder.Add($"u{u}", $"i{i}", 1 + ((u + i) % 5));
            }
        }

        RatingsDataset train = builder.Build();
        var factorizer = new AlsFactorizer(new AlsOptions { Dimensions = 2, Iterations = 2 });
        FactorizationModel model = factorizer.Fit(train);
        RatingsDataset fresh = new RatingsDatasetBuilder().Add("u0", "i5", 5f).Add("new", "i0", 3f).Add("new", "x", 4f).Build();

        FactorizationModel updated = factorizer.Update(model, train, fresh, new AlsUpdateOptions { Sweeps = 1 }).Model;

        updated.DefaultRanking.Should().Be(RankingScore.SupportAware, "an updated ALS model still fits rating values alone");
        updated.ItemSupport.ToArray().Should().Equal(6 + 1, 5, 4, 3, 2, 1 + 1, 1);
        updated.UserSupport.ToArray().Should().Equal(1 + 1, 2, 3, 4, 5, 6, 2);
    }

    [Fact]
    public void Update_WithBiases_SolvesTheAugmentedSystemByHand()
    {
        // d = 1 with biases, μ = 3 (kept), λ = 0.5. A new user rates item A (q = 1, b = 0.5) 5 and item
        // B (q = −1, b = −0.5) 2. Targets t = r − μ − b_i = 1.5, −0.5; rows [q, 1] = [1, 1], [−1, 1].
        // (Σ [q,1][q,1]ᵀ + λ·2·I) x = Σ [q,1] t:  [[3, 0], [0, 3]] x = [2, 1]  →  p = 2/3, b_u = 1/3.
        var catalog = new Catalog(new IdMap(["old"]), new IdMap(["A", "B"]));
        var model = FactorizationModel.FromEmbeddings(catalog, 1, [0.25f], [1f, -1f], [0.1f], [0.5f, -0.5f], 3f);
        RatingsDataset train = Ratings(catalog, ("old", "A", 4f));
        RatingsDataset fresh = new RatingsDatasetBuilder().Add("new", "A", 5f).Add("new", "B", 2f).Build();

        AlsUpdate update = Factorizer(0.5).Update(model, train, fresh, new AlsUpdateOptions { Sweeps = 1, MinNewShare = 1 });

        update.Model.GetUserEmbedding(U(1))[0].Should().BeApproximately(2f / 3f, 1e-6f);
        update.Model.UserBiases[1].Should().BeApproximately(1f / 3f, 1e-6f);
        update.Model.GlobalMean.Should().Be(3f);
        update.Model.UserBiases[0].Should().Be(0.1f);
    }

    [Fact]
    public void Update_NewItem_IsSolvedFromItsRatersAndAppendedWithItsTitle()
    {
        // Users p = (1, 2), no biases, λ = 0.5; a new item rated 3 by user 1 and 4 by user 2:
        // q = (1·3 + 2·4) / (1 + 4 + 0.5·2) = 11 / 6. With MinNewShare = 1 no existing row is re-solved.
        var items = new[] { new ItemInfo("1", "Old (1990)", null, 1990, ["Drama"]) };
        var catalog = new Catalog(IdMap.Sequential(2), IdMap.Sequential(1), itemInfos: items);
        var model = FactorizationModel.FromEmbeddings(catalog, 1, [1f, 2f], [0.5f]);
        RatingsDataset train = Ratings(catalog, ("1", "1", 1f), ("2", "1", 1f));
        var freshCatalog = new Catalog(IdMap.Sequential(2), new IdMap(["new"]), itemInfos: [new ItemInfo("new", "New (2024)", null, 2024, ["Sci-Fi"])]);
        RatingsDataset fresh = new RatingsDatasetBuilder(freshCatalog).Add("1", "new", 3f).Add("2", "new", 4f).Build();

        AlsUpdate update = Factorizer(0.5).Update(model, train, fresh, new AlsUpdateOptions { Sweeps = 1, MinNewShare = 1 });

        update.NewItems.Should().Be(1);
        update.Model.Catalog.GetItemTitle(I(1)).Should().Be("New (2024)");
        update.Model.Catalog.Genres.Should().Equal("Drama", "Sci-Fi");
        update.Model.GetItemEmbedding(I(1))[0].Should().BeApproximately(11f / 6f, 1e-6f);
        update.Model.GetItemEmbedding(I(0))[0].Should().Be(0.5f);
        model.ItemCount.Should().Be(1, "the old model is unchanged");
    }

    [Fact]
    public void Update_RatingOfAPairAlreadyRated_ReplacesTheOldValue()
    {
        // One item q = 2, λ = 0.5, user 1 had rated it 1 and now rates it 5: p = 2·5 / (4 + 0.5) (one rating, not two).
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 1), 1, [0f], [2f]);
        RatingsDataset train = Ratings(model.Catalog, ("1", "1", 1f));
        RatingsDataset fresh = new RatingsDatasetBuilder().Add("1", "1", 5f).Build();

        AlsUpdate update = Factorizer(0.5).Update(model, train, fresh, new AlsUpdateOptions { Sweeps = 1 });

        update.Model.GetUserEmbedding(U(0))[0].Should().BeApproximately(10f / 4.5f, 1e-6f);
    }

    [Fact]
    public void Update_RowBelowTheShare_IsNotResolved()
    {
        // User 1 has 19 old ratings and 1 new one (5 %); user 2 has 1 old and 1 new (50 %).
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(2, 21), 1, [1f, 1f], Enumerable.Repeat(1f, 21).ToArray());
        var builder = new RatingsDatasetBuilder(model.Catalog);
        for (int i = 1; i <= 19; i++)
        {
            builder.Add("1", i.ToString(System.Globalization.CultureInfo.InvariantCulture), 3f);
        }

        RatingsDataset train = builder.Add("2", "1", 3f).Build();
        RatingsDataset fresh = new RatingsDatasetBuilder().Add("1", "20", 5f).Add("2", "21", 5f).Build();

        AlsUpdate update = Factorizer(0.1).Update(model, train, fresh, new AlsUpdateOptions { Sweeps = 1, MinNewShare = 0.06 });

        update.Model.GetUserEmbedding(U(0))[0].Should().Be(1f);
        update.Model.GetUserEmbedding(U(1))[0].Should().NotBe(1f);
        update.UsersSolved.Should().Be(1);
        update.RatingVisits.Should().Be(2 + 1 + 1, "user 2's two ratings, then items 20 and 21 (one rater each, both new ratings)");
    }

    [Fact]
    public void Update_TrainOverAnotherCatalogue_Throws()
    {
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 1), 1, [1f], [1f]);
        RatingsDataset other = Ratings(Catalog.Sequential(2, 1), ("1", "1", 1f));

        var act = () => Factorizer(0.1).Update(model, other, other);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("train");
    }

    [Theory]
    [InlineData(0, 0.05, "Sweeps")]
    [InlineData(1, 1.5, "MinNewShare")]
    [InlineData(1, double.NaN, "MinNewShare")]
    public void Update_OptionOutOfRange_ThrowsNamingIt(int sweeps, double share, string option)
    {
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 1), 1, [1f], [1f]);
        RatingsDataset train = Ratings(model.Catalog, ("1", "1", 1f));

        var act = () => Factorizer(0.1).Update(model, train, train, new AlsUpdateOptions { Sweeps = sweeps, MinNewShare = share });

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(option);
    }

    [Fact]
    public void Update_AnyThreadCount_GivesTheSameFactors()
    {
        (RatingsDataset train, RatingsDataset fresh, _) = Scenario(users: 400, items: 300, ratings: 20_000);
        FactorizationModel model = new AlsFactorizer(new AlsOptions { Dimensions = 8, Iterations = 3 }).Fit(train);

        AlsUpdate one = new AlsFactorizer(new AlsOptions { Dimensions = 8, MaxDegreeOfParallelism = 1 }).Update(model, train, fresh);
        AlsUpdate two = new AlsFactorizer(new AlsOptions { Dimensions = 8, MaxDegreeOfParallelism = 2 }).Update(model, train, fresh);

        two.Model.UserEmbeddings.ToArray().Should().Equal(one.Model.UserEmbeddings.ToArray());
        two.Model.ItemEmbeddings.ToArray().Should().Equal(one.Model.ItemEmbeddings.ToArray());
    }

    /// <summary>
    /// The target, on a synthetic MovieLens-like set (200k ratings here; the 1M figure comes
    /// from the benchmark tool): 1 % new ratings, among them new users and new items, cost at most 5 %
    /// of a full fit's work (ALS row-solve operations: rating visits·(d+1)² + solves·(d+1)³/6), and the
    /// updated model's test RMSE is within 1 % of a full refit's on all test ratings, and within 5 % on
    /// the new users' own test ratings.
    /// </summary>
    [Fact]
    public void Update_OnePercentNewRatings_CostsUnderFivePercentOfAFitAndMatchesARefit()
    {
        (RatingsDataset train, RatingsDataset fresh, RatingsDataset test) = Scenario(users: 3_000, items: 1_500, ratings: 200_000);
        var options = new AlsOptions { Dimensions = 16 };
        var factorizer = new AlsFactorizer(options);
        FactorizationModel model = factorizer.Fit(train);
        RatingsDataset all = Merge(train, fresh);

        AlsUpdate update = factorizer.Update(model, train, fresh);
        FactorizationModel refit = factorizer.Fit(all);

        int d1 = options.Dimensions + 1;
        double updateWork = (update.RatingVisits * (double)d1 * d1) + ((update.UsersSolved + update.ItemsSolved) * (double)d1 * d1 * d1 / 6);
        double fitWork = options.Iterations * ((2.0 * all.Count * d1 * d1) + ((all.UserCount + all.ItemCount) * (double)d1 * d1 * d1 / 6));
        double updated = Rmse(update.Model, test, _ => true), refitted = Rmse(refit, test, _ => true);
        var newUsers = fresh.Catalog.Users.Ids.Where(id => !model.Catalog.Users.Contains(id)).ToHashSet();
        double updatedNew = Rmse(update.Model, test, newUsers.Contains), refittedNew = Rmse(refit, test, newUsers.Contains);
        output.WriteLine($"{update}; work {updateWork / fitWork:P2} of a fit; test RMSE {updated:F4} vs refit {refitted:F4}; new users {updatedNew:F4} vs {refittedNew:F4}");
        (updateWork / fitWork).Should().BeLessThan(0.05);
        update.NewUsers.Should().BePositive();
        update.NewItems.Should().BePositive();

        updated.Should().BeLessThan(refitted * 1.01);
        updatedNew.Should().BeLessThan(refittedNew * 1.05);
    }

    private static AlsFactorizer Factorizer(double lambda) => new(new AlsOptions { Dimensions = 1, Regularization = lambda });

    private static RatingsDataset Ratings(Catalog catalog, params (string User, string Item, float Value)[] ratings)
    {
        var builder = new RatingsDatasetBuilder(catalog);
        foreach (var (user, item, value) in ratings)
        {
            builder.Add(user, item, value);
        }

        return builder.Build();
    }

    /// <summary>
    /// A synthetic set split into a test set (10 %), the old training set, and 1 % new ratings: every
    /// rating of the last 0.5 % of users (new users) and of the last 0.2 % of items (new items), and
    /// enough random other ratings to make 1 % of the training ratings.
    /// </summary>
    internal static (RatingsDataset Train, RatingsDataset Fresh, RatingsDataset Test) Scenario(int users, int items, int ratings)
    {
        RatingsDataset data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = users, Items = items, Ratings = ratings, HalfStars = true, Seed = 7 }).Dataset;
        DatasetSplit split = DatasetSplitter.RandomHoldout(data, 0.1, seed: 3);
        Catalog c = data.Catalog;
        int firstNewUser = users - Math.Max(1, users / 200), firstNewItem = items - Math.Max(1, items / 500);
        int target = split.Train.Count / 100;
        var fresh = new List<Rating>();
        var old = new List<Rating>();
        var random = new Random(11);
        int forcedNew = split.Train.Count(r => r.User.Value >= firstNewUser || r.Item.Value >= firstNewItem);
        double otherShare = Math.Max(0, target - forcedNew) / (double)split.Train.Count;
        foreach (Rating r in split.Train)
        {
            if (r.User.Value >= firstNewUser || r.Item.Value >= firstNewItem || random.NextDouble() < otherShare)
            {
                fresh.Add(r);
            }
            else
            {
                old.Add(r);
            }
        }

        var oldBuilder = new RatingsDatasetBuilder();
        foreach (Rating r in old)
        {
            oldBuilder.Add(c.GetUserId(r.User), c.GetItemId(r.Item), r.Value);
        }

        var freshBuilder = new RatingsDatasetBuilder();
        foreach (Rating r in fresh)
        {
            freshBuilder.Add(c.GetUserId(r.User), c.GetItemId(r.Item), r.Value);
        }

        return (oldBuilder.Build(), freshBuilder.Build(), split.Test);
    }

    private static RatingsDataset Merge(RatingsDataset a, RatingsDataset b)
    {
        var builder = new RatingsDatasetBuilder(duplicates: DuplicatePolicy.KeepLast);
        foreach (RatingsDataset set in new[] { a, b })
        {
            foreach (Rating r in set)
            {
                builder.Add(set.Catalog.GetUserId(r.User), set.Catalog.GetItemId(r.Item), r.Value);
            }
        }

        return builder.Build();
    }

    private static double Rmse(FactorizationModel model, RatingsDataset test, Func<string, bool> userFilter)
    {
        double sum = 0;
        int count = 0;
        foreach (Rating r in test)
        {
            string user = test.Catalog.GetUserId(r.User), item = test.Catalog.GetItemId(r.Item);
            if (!userFilter(user) || !model.Catalog.Users.Contains(user) || !model.Catalog.Items.Contains(item))
            {
                continue;
            }

            double e = model.Predict(user, item) - r.Value;
            sum += e * e;
            count++;
        }

        count.Should().BePositive();
        return Math.Sqrt(sum / count);
    }
}
