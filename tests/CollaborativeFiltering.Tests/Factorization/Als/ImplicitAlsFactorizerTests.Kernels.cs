using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.Als;

namespace CollaborativeFiltering.Tests.Factorization;

public sealed partial class ImplicitAlsFactorizerTests
{
    /// <summary>
    /// The conjugate-gradient register kernels (<see cref="ImplicitAlsKernels"/>) give the generic loop's bits:
    /// two trainers from the same factors, one with the kernels and one without, over user and item
    /// half-sweeps, at every kernel width and at a width without kernels (where both run the generic loop).
    /// User u rates u mod 10 items, so rows end with every remainder of four, empty rows included; the item
    /// side's rows are longer.
    /// </summary>
    [Theory]
    [InlineData(8, 1)]
    [InlineData(16, 1)]
    [InlineData(24, 1)]
    [InlineData(32, 1)]
    [InlineData(40, 1)]
    [InlineData(48, 1)]
    [InlineData(56, 1)]
    [InlineData(64, 1)]
    [InlineData(12, 1)]
    [InlineData(8, 2)]
    [InlineData(24, 2)]
    [InlineData(64, 2)]
    [InlineData(12, 2)]
    public void SolveSweeps_RowKernels_GiveTheGenericLoopsBits(int d, int threads)
    {
        RatingsDataset train = ShortRows(users: 80, items: 30, seed: 61);
        float[] x = AlsTestData.RandomMatrix(80, d, 0.3, seed: 62);
        float[] y = AlsTestData.RandomMatrix(30, d, 0.3, seed: 63);
        var factorizer = new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = d, Regularization = Lambda, Alpha = Alpha, MaxDegreeOfParallelism = threads });
        using ImplicitAlsTraining kernels = factorizer.CreateTrainer(train, (float[])x.Clone(), (float[])y.Clone());
        using ImplicitAlsTraining generic = factorizer.CreateTrainer(train, (float[])x.Clone(), (float[])y.Clone());
        generic.UseRowKernels = false;

        kernels.UseRowKernels.Should().Be(d % 8 == 0 && ImplicitAlsKernels.HasRowKernels(d));
        generic.UseRowKernels.Should().BeFalse();
        for (int sweep = 0; sweep < 2; sweep++)
        {
            kernels.SolveUsers(CancellationToken.None).Should().BeTrue();
            generic.SolveUsers(CancellationToken.None).Should().BeTrue();
            Bits(kernels.Users).Should().Equal(Bits(generic.Users), $"users, sweep {sweep}");
            kernels.SolveItems(CancellationToken.None).Should().BeTrue();
            generic.SolveItems(CancellationToken.None).Should().BeTrue();
            Bits(kernels.Items).Should().Equal(Bits(generic.Items), $"items, sweep {sweep}");
        }

        kernels.Users.Should().Contain(v => v != 0, "the solves moved the factors");
    }

    /// <summary>Setting the kernels on where the width has none leaves them off (the trainer must not run a kernel for a width it was not written for).</summary>
    [Fact]
    public void UseRowKernels_WidthWithoutKernels_StaysOff()
    {
        RatingsDataset train = ShortRows(users: 10, items: 5, seed: 64);
        using ImplicitAlsTraining trainer = new ImplicitAlsFactorizer(new ImplicitAlsOptions { Dimensions = 12 }).CreateTrainer(train, new float[10 * 12], AlsTestData.RandomMatrix(5, 12, 0.3, seed: 65));

        trainer.UseRowKernels = true;

        trainer.UseRowKernels.Should().BeFalse();
    }

    /// <summary>User u rates u mod 10 distinct items (seeded), with values in [0, 5) so that the confidences vary.</summary>
    private static RatingsDataset ShortRows(int users, int items, int seed)
    {
        var random = new Random(seed);
        var builder = new RatingsDatasetBuilder(Catalog.Sequential(users, items));
        for (int u = 0; u < users; u++)
        {
            foreach (int i in Enumerable.Range(0, items).OrderBy(_ => random.Next()).Take(u % 10))
            {
                builder.Add(new Rating(U(u), I(i), (float)(5 * random.NextDouble())));
            }
        }

        return builder.Build();
    }

    /// <summary>The factors' bit patterns, so that equality is bit for bit (−0 ≠ +0, NaN payloads compared).</summary>
    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}
