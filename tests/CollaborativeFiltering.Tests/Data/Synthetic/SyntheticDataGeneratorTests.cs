using System.Runtime.InteropServices;
using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Data;

public partial class SyntheticDataGeneratorTests
{
    private static readonly string[] MovieLensGenres =
    [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ];

    private static readonly SyntheticOptions Small = new() { Users = 200, Items = 300, Ratings = 12_000, MinRatingsPerUser = 10 };

    // The default (MovieLens 100k-sized) data, made once for the tests that look at its shape.
    private static readonly Lazy<SyntheticData> Default = new(() => SyntheticDataGenerator.Generate());

    [Fact]
    public void Generate_SameOptions_BitIdenticalDatasetAndModel()
    {
        SyntheticData a = SyntheticDataGenerator.Generate(Small);
        SyntheticData b = SyntheticDataGenerator.Generate(Small);

        Bits(a.Dataset.ByUser.RowOffsets).Should().Equal(Bits(b.Dataset.ByUser.RowOffsets));
        Bits(a.Dataset.ByUser.ColumnIndices).Should().Equal(Bits(b.Dataset.ByUser.ColumnIndices));
        Bits(a.Dataset.ByUser.Values).Should().Equal(Bits(b.Dataset.ByUser.Values));
        a.Dataset.Timestamps.ToArray().Should().Equal(b.Dataset.Timestamps.ToArray());
        Bits(a.UserFactors).Should().Equal(Bits(b.UserFactors));
        Bits(a.ItemFactors).Should().Equal(Bits(b.ItemFactors));
        Bits(a.UserBiases).Should().Equal(Bits(b.UserBiases));
        Bits(a.ItemBiases).Should().Equal(Bits(b.ItemBiases));
        BitConverter.SingleToInt32Bits(a.GlobalMean).Should().Be(BitConverter.SingleToInt32Bits(b.GlobalMean));
        a.Dataset.Catalog.UserInfos.Should().Equal(b.Dataset.Catalog.UserInfos);
        a.Dataset.Catalog.ItemInfos.Select(Describe).Should().Equal(b.Dataset.Catalog.ItemInfos.Select(Describe));
    }

    [Fact]
    public void Generate_DifferentSeed_DifferentData()
    {
        SyntheticData a = SyntheticDataGenerator.Generate(Small);
        SyntheticData b = SyntheticDataGenerator.Generate(Small with { Seed = Small.Seed + 1 });

        a.Dataset.Count.Should().Be(b.Dataset.Count);
        a.Dataset.ByUser.ColumnIndices.SequenceEqual(b.Dataset.ByUser.ColumnIndices).Should().BeFalse();
        a.Dataset.ByUser.Values.SequenceEqual(b.Dataset.ByUser.Values).Should().BeFalse();
        a.UserFactors.SequenceEqual(b.UserFactors).Should().BeFalse();
    }

    [Fact]
    public void Generate_Defaults_MovieLens100KSizesWithEveryUserAboveMinimumAndEveryItemRated()
    {
        RatingsDataset ds = Default.Value.Dataset;

        ds.UserCount.Should().Be(943);
        ds.ItemCount.Should().Be(1682);
        ds.Count.Should().Be(100_000);
        int belowMinimum = 0, outOfOrder = 0, unrated = 0;
        for (int u = 0; u < ds.UserCount; u++)
        {
            belowMinimum += ds.ByUser.GetRowLength(u) < 20 ? 1 : 0;
            ReadOnlySpan<int> items = ds.ByUser.GetColumns(u);
            for (int k = 1; k < items.Length; k++)
            {
                outOfOrder += items[k] > items[k - 1] ? 0 : 1;
            }
        }

        for (int i = 0; i < ds.ItemCount; i++)
        {
            unrated += ds.ByItem.GetRowLength(i) == 0 ? 1 : 0;
        }

        belowMinimum.Should().Be(0, "every user has at least MinRatingsPerUser ratings");
        outOfOrder.Should().Be(0, "a user's items are distinct and ascending");
        unrated.Should().Be(0, "every item gets a rating when Ratings >= Items");
    }

    [Fact]
    public void Generate_Defaults_RatingDistributionLikeMovieLens()
    {
        ReadOnlySpan<float> values = Default.Value.Dataset.ByUser.Values;
        var histogram = new int[6];
        double sum = 0, squares = 0;
        int offScale = 0;
        foreach (float v in values)
        {
            offScale += v is 1f or 2f or 3f or 4f or 5f ? 0 : 1;
            histogram[(int)v]++;
            sum += v;
            squares += (double)v * v;
        }

        double mean = sum / values.Length;
        double std = Math.Sqrt((squares / values.Length) - (mean * mean));
        offScale.Should().Be(0, "ratings are whole stars 1 to 5");
        mean.Should().BeInRange(3.2, 3.8);
        std.Should().BeInRange(0.9, 1.3);
        (histogram[3] + histogram[4] + histogram[5]).Should().BeGreaterThan(values.Length * 7 / 10, "ratings lean to 3, 4 and 5");
        histogram[4].Should().BeGreaterThan(histogram[2]);
        histogram[5].Should().BeGreaterThan(histogram[1]);
        histogram[1].Should().BeGreaterThan(0);
    }

    [Fact]
    public void Generate_HalfStars_RatingsInHalfStepsFromHalfToFive()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(Small with { HalfStars = true });

        int halves = 0, offScale = 0;
        foreach (float v in data.Dataset.ByUser.Values)
        {
            offScale += v >= 0.5f && v <= 5f && v * 2 == MathF.Round(v * 2) ? 0 : 1;
            halves += v % 1 == 0.5f ? 1 : 0;
        }

        offScale.Should().Be(0, "ratings are 0.5, 1, 1.5, …, 5");
        halves.Should().BeGreaterThan(data.Dataset.Count / 5);
        data.MinRating.Should().Be(0.5f);
    }

    [Fact]
    public void Generate_Defaults_ItemPopularityHasHeavyHeadAndLongTail()
    {
        RatingsDataset ds = Default.Value.Dataset;
        int[] counts = Enumerable.Range(0, ds.ItemCount).Select(i => ds.ByItem.GetRowLength(i)).OrderDescending().ToArray();

        double topPercent = counts.Take(ds.ItemCount / 100).Sum() / (double)ds.Count;
        double topTenPercent = counts.Take(ds.ItemCount / 10).Sum() / (double)ds.Count;
        topPercent.Should().BeGreaterThan(0.07, "the top 1% of items hold several times their uniform share (MovieLens 100k: 7.6%)");
        topTenPercent.Should().BeGreaterThan(0.40);
        counts[0].Should().BeGreaterThan(300, "a few items have hundreds of ratings");
        counts.Count(c => c <= 5).Should().BeGreaterThan(ds.ItemCount / 10, "a long tail of items has one to five ratings");
    }

    [Fact]
    public void Generate_Defaults_UserActivityHeavyTailed()
    {
        RatingsDataset ds = Default.Value.Dataset;
        int[] counts = Enumerable.Range(0, ds.UserCount).Select(u => ds.ByUser.GetRowLength(u)).Order().ToArray();

        counts[0].Should().Be(20, "the least active users stop at the minimum");
        counts[^1].Should().BeGreaterThan(5 * counts[counts.Length / 2]);
        counts[^1].Should().BeLessThanOrEqualTo(ds.ItemCount);
    }

    [Fact]
    public void PlantedScore_IsGlobalMeanPlusBiasesPlusDotProduct()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(Small);
        int d = data.Dimensions, user = 17, item = 123;

        double expected = data.GlobalMean + data.UserBiases[user] + data.ItemBiases[item];
        for (int k = 0; k < d; k++)
        {
            expected += (double)data.UserFactors[(user * d) + k] * data.ItemFactors[(item * d) + k];
        }

        data.PlantedScore(U(user), I(item)).Should().BeApproximately((float)expected, 1e-5f);
        data.UserFactors.Length.Should().Be(200 * 8);
        data.ItemFactors.Length.Should().Be(300 * 8);
    }

    [Fact]
    public void PlantedScore_IndexOutsideCatalogue_Throws()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(Small);

        FluentActions.Invoking(() => data.PlantedScore(U(200), I(0))).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("user");
        FluentActions.Invoking(() => data.PlantedScore(U(0), I(data.Dataset.ItemCount))).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("item");
    }

    [Fact]
    public void NoiseFloorRmse_Defaults_NearNoiseAndFarBelowRatingSpread()
    {
        SyntheticData data = Default.Value;
        ReadOnlySpan<float> values = data.Dataset.ByUser.Values;
        double mean = 0;
        foreach (float v in values)
        {
            mean += v;
        }

        mean /= values.Length;
        double ratingVariance = 0, plantedSum = 0, plantedSquares = 0;
        foreach (Rating r in data.Dataset)
        {
            ratingVariance += (r.Value - mean) * (r.Value - mean);
            double s = data.PlantedScore(r.User, r.Item);
            plantedSum += s;
            plantedSquares += s * s;
        }

        double ratingStd = Math.Sqrt(ratingVariance / values.Length);
        double plantedMean = plantedSum / values.Length;
        double plantedStd = Math.Sqrt((plantedSquares / values.Length) - (plantedMean * plantedMean));
        double floor = data.NoiseFloorRmse(data.Dataset);

        // √(σ² + 1/12) ≈ 0.58 for σ = 0.5, a little less because clipping at 1 and 5 helps.
        floor.Should().BeInRange(0.45, 0.62);
        floor.Should().BeLessThan(0.6 * ratingStd);
        plantedStd.Should().BeGreaterThan(1.8 * data.NoiseStdDev, "the planted structure must dominate the noise");
    }

    [Fact]
    public void NoiseFloorRmse_NoNoise_OnlyRounding()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(Small with { NoiseStdDev = 0 });

        // Rounding to whole stars: at most 0.5 per rating, about √(1/12) ≈ 0.29 on average.
        data.NoiseFloorRmse(data.Dataset).Should().BeInRange(0.2, 0.32);
        foreach (Rating r in data.Dataset)
        {
            float clipped = Math.Clamp(data.PlantedScore(r.User, r.Item), 1f, 5f);
            Math.Abs(r.Value - clipped).Should().BeLessThanOrEqualTo(0.5f + 1e-5f);
        }
    }

    [Fact]
    public void NoiseFloorRmse_SubsetOfDataset_Accepted()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(Small);
        var keep = new bool[data.Dataset.Count];
        for (int k = 0; k < keep.Length; k += 3)
        {
            keep[k] = true;
        }

        double floor = data.NoiseFloorRmse(data.Dataset.Where(keep));

        floor.Should().BeApproximately(data.NoiseFloorRmse(data.Dataset), 0.05);
    }

    [Fact]
    public void ExpectedRating_NoNoise_IsTheRatingItself()
    {
        foreach (bool halfStars in new[] { false, true })
        {
            SyntheticData data = SyntheticDataGenerator.Generate(Small with { NoiseStdDev = 0, HalfStars = halfStars });

            foreach (Rating r in data.Dataset)
            {
                data.ExpectedRating(r.User, r.Item).Should().Be(r.Value, "without noise the rating is the rounded, clipped planted score");
            }

            data.BayesOptimalRmse(data.Dataset).Should().Be(0);
        }
    }

    /// <summary>Hand-computed from the normal tails: the lowest level plus a step for each rounding threshold the noisy score reaches.</summary>
    [Theory]
    [InlineData(3.0, 0.5, false, 3.0)] // symmetric about 3: the tails above and below cancel
    [InlineData(4.5, 0.5, false, 4.4772181958234)] // 1 + Φ(6) + Φ(4) + Φ(2) + Φ(0): the cap at 5 pulls it below the score
    [InlineData(0.3, 0.2, true, 0.5061127448692478)] // 0.5 + 0.5·Σ_j P(Z ≥ (0.75 + 0.5 j − 0.3) / 0.2): the floor at 0.5 lifts it
    [InlineData(7.0, 0.0, false, 5.0)]
    [InlineData(2.5, 0.0, false, 3.0)] // a score on a threshold rounds up, as the generator does
    public void ExpectedRating_HandComputedScores_MatchTheNormalTails(double score, double sigma, bool halfStars, double expected)
    {
        SyntheticData.ExpectedRating(score, sigma, halfStars).Should().BeApproximately(expected, 2e-7);
    }

    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(1.959963984540054, 0.025)]
    [InlineData(-1.0, 0.8413447460685429)]
    [InlineData(-3.5, 0.9997673709209645)]
    [InlineData(5.0, 2.866515718791946e-07)]
    public void UpperNormalTail_KnownQuantiles_WithinTheApproximationsError(double z, double tail)
    {
        SyntheticData.UpperNormalTail(z).Should().BeApproximately(tail, 1.2e-7 * tail);
    }

    /// <summary>
    /// The Bayes-optimal predictor E[r | u, i] beats the clipped planted score, but only by a fraction of a percent
    /// (the clipping is nearly the mean already), and it is unbiased: its residuals average zero within four standard errors.
    /// </summary>
    [Fact]
    public void BayesOptimalRmse_Defaults_JustBelowTheNoiseFloorAndUnbiased()
    {
        SyntheticData data = Default.Value;

        double bayes = data.BayesOptimalRmse(data.Dataset), floor = data.NoiseFloorRmse(data.Dataset);
        double residualSum = 0;
        foreach (Rating r in data.Dataset)
        {
            residualSum += r.Value - data.ExpectedRating(r.User, r.Item);
        }

        bayes.Should().BeLessThan(floor).And.BeGreaterThan(0.99 * floor);
        Math.Abs(residualSum / data.Dataset.Count).Should().BeLessThan(4 * bayes / Math.Sqrt(data.Dataset.Count));
    }

    [Fact]
    public void ExpectedRating_OutsideTheCatalogue_Throws()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(Small);

        FluentActions.Invoking(() => data.ExpectedRating(U(data.Dataset.UserCount), I(0))).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("user");
        FluentActions.Invoking(() => data.ExpectedRating(U(0), I(data.Dataset.ItemCount))).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("item");
    }

    [Fact]
    public void NoiseFloorRmse_OtherCatalogueOrEmpty_Throws()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(Small);
        RatingsDataset other = new RatingsDatasetBuilder().Add("a", "b", 3f).Build();
        RatingsDataset empty = data.Dataset.Where(new bool[data.Dataset.Count]);

        FluentActions.Invoking(() => data.NoiseFloorRmse(other)).Should().Throw<ArgumentException>()
            .Where(e => e.ParamName == "ratings" && e.Message.Contains("another catalogue"));
        FluentActions.Invoking(() => data.NoiseFloorRmse(empty)).Should().Throw<ArgumentException>()
            .Where(e => e.ParamName == "ratings" && e.Message.Contains("empty"));
        FluentActions.Invoking(() => data.BayesOptimalRmse(other)).Should().Throw<ArgumentException>()
            .Where(e => e.ParamName == "ratings" && e.Message.Contains("another catalogue"));
        FluentActions.Invoking(() => data.BayesOptimalRmse(null!)).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void Generate_Defaults_GenresAlignedWithPlantedItemFactors()
    {
        SyntheticData data = Default.Value;
        Catalog catalog = data.Dataset.Catalog;
        int d = data.Dimensions;

        double shared = 0;
        int sharedPairs = 0;
        foreach (string genre in catalog.Genres)
        {
            int[] members = Enumerable.Range(0, catalog.ItemCount).Where(i => catalog.ItemInfos[i].Genres.Contains(genre)).Take(60).ToArray();
            for (int a = 0; a < members.Length; a++)
            {
                for (int b = a + 1; b < members.Length; b++)
                {
                    shared += Cosine(data.ItemFactors, members[a], members[b], d);
                    sharedPairs++;
                }
            }
        }

        double random = 0;
        for (int i = 0; i + 1 < catalog.ItemCount; i++)
        {
            random += Cosine(data.ItemFactors, i, i + 1, d);
        }

        random /= catalog.ItemCount - 1;
        shared /= sharedPairs;
        random.Should().BeInRange(-0.1, 0.1);
        shared.Should().BeGreaterThan(random + 0.2, "items that share a genre point the same way in factor space");
    }

    [Fact]
    public void Generate_Defaults_MovieLensGenresOneToThreePerItemDramaMostCommon()
    {
        Catalog catalog = Default.Value.Dataset.Catalog;

        catalog.Genres.Should().Equal(MovieLensGenres);
        var counts = new Dictionary<string, int>();
        foreach (ItemInfo info in catalog.ItemInfos)
        {
            info.Genres.Count.Should().BeInRange(1, 3);
            info.Genres.Should().OnlyHaveUniqueItems().And.BeSubsetOf(MovieLensGenres.Skip(1));
            info.Genres.Select(g => Array.IndexOf(MovieLensGenres, g)).Should().BeInAscendingOrder();
            foreach (string g in info.Genres)
            {
                counts[g] = counts.GetValueOrDefault(g) + 1;
            }
        }

        counts.MaxBy(kv => kv.Value).Key.Should().Be("Drama");
        counts["Comedy"].Should().BeGreaterThan(counts["Western"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    public void Generate_GenreCount_VocabularyIsThatManyMovieLensNames(int genreCount)
    {
        Catalog catalog = SyntheticDataGenerator.Generate(Small with { GenreCount = genreCount }).Dataset.Catalog;

        catalog.Genres.Should().Equal(MovieLensGenres.Take(genreCount));
        foreach (ItemInfo info in catalog.ItemInfos)
        {
            switch (genreCount)
            {
                case 0:
                    info.Genres.Should().BeEmpty();
                    break;
                case 1:
                    info.Genres.Should().Equal("unknown");
                    break;
                default:
                    info.Genres.Count.Should().BeInRange(1, 3);
                    info.Genres.Should().BeSubsetOf(catalog.Genres).And.NotContain("unknown");
                    break;
            }
        }
    }

    [Fact]
    public void Generate_Defaults_PlausibleUserAndItemMetadata()
    {
        Catalog catalog = Default.Value.Dataset.Catalog;
        var start = new DateOnly(1997, 9, 20);

        catalog.Users.Ids.Take(3).Should().Equal("1", "2", "3");
        catalog.ItemInfos.Should().HaveCount(1682);
        foreach (ItemInfo info in catalog.ItemInfos)
        {
            info.Title.Should().Be($"Synthetic Movie {info.Id} ({info.Year})");
            info.Year.Should().BeInRange(1920, 1997);
            info.ReleaseDate.Should().NotBeNull();
            info.ReleaseDate!.Value.Year.Should().Be(info.Year);
            (info.ReleaseDate.Value <= start).Should().BeTrue("films are released before they are rated");
        }

        catalog.ItemInfos.Count(i => i.Year >= 1993).Should().BeGreaterThan(catalog.ItemCount / 2, "most MovieLens 100k films are recent");
        foreach (UserInfo info in catalog.UserInfos)
        {
            info.Age.Should().BeInRange(7, 73);
            info.Sex.Should().BeOneOf("M", "F");
            info.Occupation.Should().NotBeNullOrEmpty();
            info.ZipCode.Should().MatchRegex("^[0-9]{5}$");
        }

        catalog.UserInfos.Count(u => u.Sex == "M").Should().BeInRange(600, 740);
        catalog.UserInfos.GroupBy(u => u.Occupation).MaxBy(g => g.Count())!.Key.Should().Be("student");
    }

    [Fact]
    public void Generate_Defaults_TimestampsDistinctPerUserInOrderOfUsersWithinSevenMonths()
    {
        RatingsDataset ds = Default.Value.Dataset;
        const long start = 874_724_710;

        ds.HasTimestamps.Should().BeTrue();
        long previousFirst = long.MinValue;
        int usersWithTies = 0, usersOutOfOrder = 0, outOfRange = 0;
        for (int u = 0; u < ds.UserCount; u++)
        {
            long[] times = ds.Timestamps[ds.ByUser.RowOffsets[u]..ds.ByUser.RowOffsets[u + 1]].ToArray();
            usersWithTies += times.Distinct().Count() == times.Length ? 0 : 1;
            usersOutOfOrder += times.Min() >= previousFirst ? 0 : 1;
            previousFirst = times.Min();
            outOfRange += times.Count(t => t < start || t > start + (216L * 86400));
        }

        usersWithTies.Should().Be(0, "a user's ratings have distinct times");
        usersOutOfOrder.Should().Be(0, "users start rating in index order");
        outOfRange.Should().Be(0, "ratings fall within about seven months of StartTimestamp");
    }

    [Fact]
    public void Generate_EveryPairRated_FullMatrix()
    {
        SyntheticData data = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 5, Items = 4, Ratings = 20, MinRatingsPerUser = 4 });

        data.Dataset.Count.Should().Be(20);
        for (int u = 0; u < 5; u++)
        {
            data.Dataset.ByUser.GetColumns(u).ToArray().Should().Equal(0, 1, 2, 3);
        }
    }

    [Fact]
    public void Generate_HeavyUsersTakeMostOfTheCatalogue_ExactDistinctCounts()
    {
        var options = new SyntheticOptions { Users = 4, Items = 100, Ratings = 330, MinRatingsPerUser = 50, PopularityExponent = 3 };
        RatingsDataset ds = SyntheticDataGenerator.Generate(options).Dataset;

        ds.Count.Should().Be(330);
        for (int u = 0; u < 4; u++)
        {
            ds.ByUser.GetRowLength(u).Should().BeInRange(50, 100);
            ds.ByUser.GetColumns(u).ToArray().Should().OnlyHaveUniqueItems().And.BeInAscendingOrder();
        }
    }

    [Fact]
    public void Generate_FewerRatingsThanItems_ExactCountSomeItemsUnrated()
    {
        RatingsDataset ds = SyntheticDataGenerator.Generate(new SyntheticOptions { Users = 3, Items = 50, Ratings = 30, MinRatingsPerUser = 10 }).Dataset;

        ds.Count.Should().Be(30);
        ds.ItemCount.Should().Be(50);
        Enumerable.Range(0, 3).Select(u => ds.ByUser.GetRowLength(u)).Should().Equal(10, 10, 10);
    }

    [Fact]
    public void Generate_TasteExposure_UsersRateWhatTheirPlantedTasteLikes()
    {
        // With weights e^(β·z) over z ≈ Normal(0, 1), the drawn pairs' mean z is about β (less, as each
        // user's draws are without replacement); by popularity alone it is about 0.
        double MeanTaste(SyntheticData data)
        {
            double sum = 0;
            foreach (Rating r in data.Dataset)
            {
                double dot = 0;
                for (int k = 0; k < data.Dimensions; k++)
                {
                    dot += data.UserFactors[(r.User.Value * data.Dimensions) + k] * data.ItemFactors[(r.Item.Value * data.Dimensions) + k];
                }

                sum += dot / Math.Sqrt(0.5);
            }

            return sum / data.Dataset.Count;
        }

        SyntheticData neutral = Default.Value;
        SyntheticData tasteful = SyntheticDataGenerator.Generate(new SyntheticOptions { TasteExposure = 2 });

        MeanTaste(neutral).Should().BeInRange(-0.1, 0.1);
        MeanTaste(tasteful).Should().BeInRange(0.8, 2.0, "measured 1.08");
        tasteful.Dataset.Count.Should().Be(100_000);
        Enumerable.Range(0, tasteful.Dataset.ItemCount).Should().OnlyContain(i => tasteful.Dataset.ByItem.GetRowLength(i) > 0, "every item is still rated");
        Enumerable.Range(0, tasteful.Dataset.UserCount).Should().OnlyContain(u => tasteful.Dataset.ByUser.GetRowLength(u) >= 20);
        Enumerable.Range(0, tasteful.Dataset.UserCount).Should().OnlyContain(u => IsStrictlyAscending(tasteful.Dataset.ByUser.GetColumns(u).ToArray()));
    }

    [Fact]
    public void Generate_TasteExposureSameOptions_BitIdentical()
    {
        SyntheticOptions options = Small with { TasteExposure = 1.5 };
        SyntheticData a = SyntheticDataGenerator.Generate(options);
        SyntheticData b = SyntheticDataGenerator.Generate(options);

        Bits(a.Dataset.ByUser.ColumnIndices).Should().Equal(Bits(b.Dataset.ByUser.ColumnIndices));
        Bits(a.Dataset.ByUser.Values).Should().Equal(Bits(b.Dataset.ByUser.Values));
        a.Dataset.ByUser.ColumnIndices.SequenceEqual(SyntheticDataGenerator.Generate(Small).Dataset.ByUser.ColumnIndices).Should().BeFalse();
    }

    [Fact]
    public void Generate_TasteExposureHeavyUsers_ExactDistinctCounts()
    {
        var options = new SyntheticOptions { Users = 4, Items = 100, Ratings = 330, MinRatingsPerUser = 50, TasteExposure = 3 };
        RatingsDataset ds = SyntheticDataGenerator.Generate(options).Dataset;

        ds.Count.Should().Be(330);
        Enumerable.Range(0, 4).Should().OnlyContain(u => IsStrictlyAscending(ds.ByUser.GetColumns(u).ToArray()));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(50, 1)]
    [InlineData(50, 25)]
    [InlineData(50, 50)]
    [InlineData(1000, 137)]
    public void SelectSmallest_MovesTheSmallestKeysAndTheirValuesToTheFront(int length, int count)
    {
        var random = new Random(length + count);
        // Few distinct keys, so that ties with the pivot are exercised.
        double[] keys = [.. Enumerable.Range(0, length).Select(_ => (double)random.Next(length / 3 + 1))];
        int[] values = [.. Enumerable.Range(0, length)];
        double[] original = [.. keys];

        SyntheticDataGenerator.SelectSmallest(keys, values, count);

        keys.Order().Should().Equal(original.Order(), "the keys are permuted, not changed");
        keys.Zip(values).Should().OnlyContain(kv => original[kv.Second] == kv.First, "each value moves with its key");
        keys[..count].Order().Should().Equal(original.Order().Take(count));
    }

    private static bool IsStrictlyAscending(int[] values)
    {
        for (int k = 1; k < values.Length; k++)
        {
            if (values[k] <= values[k - 1])
            {
                return false;
            }
        }

        return true;
    }

    public static TheoryData<SyntheticOptions, string, string> InvalidOptions => new()
    {
        { new SyntheticOptions { Users = 0 }, "Users", "greater than zero" },
        { new SyntheticOptions { Items = -1 }, "Items", "greater than zero" },
        { new SyntheticOptions { Ratings = 0 }, "Ratings", "greater than zero" },
        { new SyntheticOptions { Dimensions = 0 }, "Dimensions", "greater than zero" },
        { new SyntheticOptions { NoiseStdDev = double.NaN }, "NoiseStdDev", "finite" },
        { new SyntheticOptions { NoiseStdDev = -0.1 }, "NoiseStdDev", "zero or greater" },
        { new SyntheticOptions { MinRatingsPerUser = -1 }, "MinRatingsPerUser", "zero or greater" },
        { new SyntheticOptions { PopularityExponent = -1 }, "PopularityExponent", "[0, 10]" },
        { new SyntheticOptions { ActivityExponent = double.PositiveInfinity }, "ActivityExponent", "[0, 10]" },
        { new SyntheticOptions { TasteExposure = -0.5 }, "TasteExposure", "[0, 10]" },
        { new SyntheticOptions { TasteExposure = double.NaN }, "TasteExposure", "[0, 10]" },
        { new SyntheticOptions { GenreCount = 20 }, "GenreCount", "[0, 19]" },
        { new SyntheticOptions { StartTimestamp = -1 }, "StartTimestamp", "Unix epoch" },
        { new SyntheticOptions { Users = 10, Items = 10, Ratings = 101, MinRatingsPerUser = 5 }, "Ratings", "Users × Items = 10 × 10 = 100" },
        { new SyntheticOptions { Users = 100, Items = 50, Ratings = 1000, MinRatingsPerUser = 20 }, "MinRatingsPerUser", "Ratings / Users = 1000 / 100 = 10" },
        { new SyntheticOptions { Users = 10, Items = 15, Ratings = 150, MinRatingsPerUser = 16 }, "MinRatingsPerUser", "at most Items = 15" },
        { new SyntheticOptions { InteractionVariance = 0 }, "InteractionVariance", "(0, 100]" },
        { new SyntheticOptions { InteractionVariance = double.NaN }, "InteractionVariance", "(0, 100]" },
        { new SyntheticOptions { PopularityRatingCorrelation = 1.5 }, "PopularityRatingCorrelation", "[-1, 1]" },
        { new SyntheticOptions { PopularityCutoff = 0 }, "PopularityCutoff", "(0, 10]" },
        { new SyntheticOptions { PopularityCutoffShape = 0.1 }, "PopularityCutoffShape", "[0.25, 8]" },
        { new SyntheticOptions { FranchiseCount = -1 }, "FranchiseCount", "zero or greater" },
        { new SyntheticOptions { FranchiseSize = 1 }, "FranchiseSize", "[2, 20]" },
        { new SyntheticOptions { Items = 10, Ratings = 500, Users = 50, MinRatingsPerUser = 5, FranchiseCount = 4, FranchiseSize = 3 }, "FranchiseCount", "Items / FranchiseSize = 10 / 3 = 3" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Generate_InvalidOption_ThrowsNamingIt(SyntheticOptions options, string option, string expected)
    {
        var thrown = FluentActions.Invoking(() => SyntheticDataGenerator.Generate(options)).Should().Throw<ArgumentOutOfRangeException>().Which;

        thrown.ParamName.Should().Be(option);
        thrown.Message.Should().StartWith(option + " must be").And.Contain(expected);
    }

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Validate_InvalidOption_ThrowsTheSameAsGenerate(SyntheticOptions options, string option, string expected)
    {
        var thrown = options.Invoking(o => o.Validate()).Should().Throw<ArgumentOutOfRangeException>().Which;

        thrown.ParamName.Should().Be(option);
        thrown.Message.Should().Contain(expected);
    }

    [Fact]
    public void Generate_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        FluentActions.Invoking(() => SyntheticDataGenerator.Generate(Small, cts.Token)).Should().Throw<OperationCanceledException>();
    }

    private static int[] Bits(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, int>(values).ToArray();

    private static int[] Bits(ReadOnlySpan<int> values) => values.ToArray();

    private static string Describe(ItemInfo info) => $"{info.Id}|{info.Title}|{info.ReleaseDate}|{info.Year}|{string.Join(",", info.Genres)}";

    private static double Cosine(ReadOnlySpan<float> factors, int a, int b, int d)
    {
        ReadOnlySpan<float> x = factors.Slice(a * d, d), y = factors.Slice(b * d, d);
        double dot = 0, xx = 0, yy = 0;
        for (int k = 0; k < d; k++)
        {
            dot += (double)x[k] * y[k];
            xx += (double)x[k] * x[k];
            yy += (double)y[k] * y[k];
        }

        return dot / Math.Sqrt(xx * yy);
    }
}
