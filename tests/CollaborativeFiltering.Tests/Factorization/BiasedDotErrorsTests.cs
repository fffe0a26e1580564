using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Tests.Factorization;

/// <summary>
/// The biased error pass that biased SGD and SVD++ share (<see cref="BiasedDotErrors.Sse"/>) against a plain
/// sum, in double, of each rating's squared error: every padded width the trainers use (d from 1 to 130, so
/// every row kernel width, four at a time and the remainders, and the generic loop past them or without FMA),
/// users with 0 to 9 ratings, with and without clamping and slot maps, on a whole data set and on the two
/// sides of a split read in place.
/// </summary>
public sealed class BiasedDotErrorsTests
{
    private const int Users = 50;
    private const int Items = 23;
    private const float Mean = 3.4f;

    /// <summary>d from 1 to 130: every stride the trainers pad rows to, those below 8 (SVD++ leaves short rows unpadded), the row kernels' 8 to 64, and wider.</summary>
    public static TheoryData<int> Dimensions => [.. Enumerable.Range(1, 130)];

    [Theory]
    [MemberData(nameof(Dimensions))]
    public void Sse_EveryPaddedWidth_IsThePlainSumOfSquaredErrors(int d)
    {
        RatingsDataset data = Sample(d);
        DatasetSplit split = DatasetSplitter.RandomHoldout(data, 0.3, d);
        RatingRows whole = data.UserRows, train = split.Train.UserRows, test = split.Test.UserRows;
        whole.IsView.Should().BeFalse();
        train.IsView.Should().BeTrue("a split's sides are read in place");
        test.IsView.Should().BeTrue();
        foreach (int stride in new[] { PaddedRows.WholeVectors(d), PaddedRows.WholeVectorsUnlessWasteful(d) }.Distinct())
        {
            var factors = new Factors(d, stride, d);
            foreach (RatingRows rows in new[] { whole, train, test })
            {
                foreach (RatingRange? clamp in new RatingRange?[] { null, new RatingRange(2.5f, 4.5f) })
                {
                    foreach (bool slotted in new[] { false, true })
                    {
                        string because = $"stride {stride}, {(rows.IsView ? "a view" : "the whole set")}, {(clamp is null ? "unclamped" : "clamped")}, {(slotted ? "slots" : "no slots")}";
                        double expected = Reference(factors, rows, 0, Users, clamp);
                        factors.Sse(rows, 0, Users, clamp, slotted).Should().BeApproximately(expected, 1e-6 * expected, because);
                        double parts = factors.Sse(rows, 0, 17, clamp, slotted) + factors.Sse(rows, 17, 31, clamp, slotted) + factors.Sse(rows, 31, Users, clamp, slotted);
                        parts.Should().BeApproximately(expected, 1e-6 * expected, because + ", in chunks");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(24)]
    [InlineData(40)]
    [InlineData(64)]
    [InlineData(100)]
    public void Sse_AView_IsItsOwnCsrsBitForBit(int d)
    {
        DatasetSplit split = DatasetSplitter.RandomHoldout(Sample(d), 0.3, d);
        var factors = new Factors(d, PaddedRows.WholeVectors(d), d);
        foreach (RatingsDataset side in new[] { split.Train, split.Test })
        {
            RatingRows view = side.UserRows, own = RatingRows.Of(view.ToCsr(Items));
            foreach (RatingRange? clamp in new RatingRange?[] { null, new RatingRange(2.5f, 4.5f) })
            {
                foreach (bool slotted in new[] { false, true })
                {
                    for (int from = 0; from < Users; from += 7)
                    {
                        int to = Math.Min(Users, from + 9);
                        factors.Sse(view, from, to, clamp, slotted).Should().Be(factors.Sse(own, from, to, clamp, slotted));
                    }
                }
            }
        }
    }

    [Fact]
    public void Sse_NaNPrediction_IsNaNClampedOrNot()
    {
        const int d = 64;
        RatingsDataset data = Sample(d);
        var factors = new Factors(d, PaddedRows.WholeVectors(d), d);
        factors.Poison(item: 3);

        factors.Sse(data.UserRows, 0, Users, null, slotted: false).Should().Be(double.NaN);
        factors.Sse(data.UserRows, 0, Users, new RatingRange(1, 5), slotted: true).Should().Be(double.NaN);
    }

    /// <summary>
    /// Users and items on a fixed catalogue; user u rates u mod 10 distinct random items (so every count of
    /// ratings modulo 4 occurs, and users without ratings), with values from 1 to 5 in half steps.
    /// </summary>
    private static RatingsDataset Sample(int seed)
    {
        var random = new Random(seed);
        var builder = new RatingsDatasetBuilder(Catalog.Sequential(Users, Items));
        for (int u = 0; u < Users; u++)
        {
            foreach (int i in Enumerable.Range(0, Items).OrderBy(_ => random.Next()).Take(u % 10))
            {
                builder.Add(new Rating(U(u), I(i), 1 + (0.5f * random.Next(9))));
            }
        }

        RatingsDataset data = builder.Build();
        data.UserCount.Should().Be(Users);
        return data;
    }

    /// <summary>
    /// Σ (r − ŷ)² in double, rating by rating in row order, with ŷ = μ + b_u + b_i + Σ_k x_uk·y_ik over the
    /// d columns, clamped as the trainers clamp; the members read bit by bit, not through the enumerators.
    /// </summary>
    private static double Reference(Factors factors, RatingRows rows, int from, int to, RatingRange? clamp)
    {
        double sse = 0;
        for (int u = from; u < to; u++)
        {
            for (int p = rows.SourceOffsets[u]; p < rows.SourceOffsets[u + 1]; p++)
            {
                if (!rows.IsMember(p))
                {
                    continue;
                }

                int i = rows.Columns[p];
                double prediction = (double)Mean + factors.UserBiases[u] + factors.ItemBiases[i];
                for (int k = 0; k < factors.D; k++)
                {
                    prediction += (double)factors.X[(u * factors.D) + k] * factors.Y[(i * factors.D) + k];
                }

                if (clamp is { } range)
                {
                    prediction = Math.Clamp(prediction, range.Min, range.Max);
                }

                double e = rows.Values[p] - prediction;
                sse += e * e;
            }
        }

        return sse;
    }

    /// <summary>Random compact factors and biases, and the same laid out as the trainers hold them: padded rows, by index or by slot.</summary>
    private sealed class Factors
    {
        private readonly int _stride;
        private readonly float[] _users, _items, _slottedUsers, _slottedItems, _slottedUserBiases, _slottedItemBiases;
        private readonly int[] _userSlots, _itemSlots;

        public Factors(int d, int stride, int seed)
        {
            var random = new Random(1000 + seed);
            D = d;
            _stride = stride;
            X = Uniform(random, Users * d, 0.8);
            Y = Uniform(random, Items * d, 0.8);
            UserBiases = Uniform(random, Users, 0.5);
            ItemBiases = Uniform(random, Items, 0.5);
            _userSlots = Permutation(random, Users);
            _itemSlots = Permutation(random, Items);
            _users = Padded(X, Users, null);
            _items = Padded(Y, Items, null);
            _slottedUsers = Padded(X, Users, _userSlots);
            _slottedItems = Padded(Y, Items, _itemSlots);
            _slottedUserBiases = Slotted(UserBiases, _userSlots);
            _slottedItemBiases = Slotted(ItemBiases, _itemSlots);
        }

        /// <summary>The factor dimension d (the compact rows' length).</summary>
        public int D { get; }

        /// <summary>The compact user rows, N×d.</summary>
        public float[] X { get; }

        /// <summary>The compact item rows, M×d.</summary>
        public float[] Y { get; }

        /// <summary>b_u by user index.</summary>
        public float[] UserBiases { get; }

        /// <summary>b_i by item index.</summary>
        public float[] ItemBiases { get; }

        /// <summary>The pass under test over users [from, to), on the rows by index or by slot.</summary>
        public double Sse(RatingRows rows, int from, int to, RatingRange? clamp, bool slotted) => slotted
            ? BiasedDotErrors.Sse(_slottedUsers, _slottedItems, _stride, Mean, _slottedUserBiases, _slottedItemBiases, rows, from, to, clamp, _userSlots, _itemSlots)
            : BiasedDotErrors.Sse(_users, _items, _stride, Mean, UserBiases, ItemBiases, rows, from, to, clamp);

        /// <summary>Puts a NaN in one column of an item's rows.</summary>
        public void Poison(int item)
        {
            _items[item * _stride] = float.NaN;
            _slottedItems[_itemSlots[item] * _stride] = float.NaN;
        }

        private static float[] Uniform(Random random, int length, double half) =>
            [.. Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2 * half) - half))];

        private static int[] Permutation(Random random, int length)
        {
            int[] slots = [.. Enumerable.Range(0, length)];
            random.Shuffle(slots);
            return slots;
        }

        private static float[] Slotted(float[] values, int[] slots)
        {
            var slotted = new float[values.Length];
            for (int r = 0; r < values.Length; r++)
            {
                slotted[slots[r]] = values[r];
            }

            return slotted;
        }

        /// <summary>Rows of the stride, zero past d, row r at <c>slots[r]</c> (at r without slots).</summary>
        private float[] Padded(float[] compact, int rows, int[]? slots)
        {
            var padded = new float[rows * _stride];
            for (int r = 0; r < rows; r++)
            {
                compact.AsSpan(r * D, D).CopyTo(padded.AsSpan((slots?[r] ?? r) * _stride));
            }

            return padded;
        }
    }
}
