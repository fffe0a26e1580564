using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Projection;

namespace CollaborativeFiltering.Tests.Projection;

public sealed class PcaTests
{
    [Fact]
    public void Project_AnisotropicGaussian_RecoversAxesAndVarianceRatios()
    {
        // 40,000 draws of mean + 3·z1·e1 + 2·z2·e2 + 1·z3·e3 in 6-D, e_k orthonormal: variances 9, 4, 1.
        const int n = 40_000;
        const int d = 6;
        double[][] axes = RandomOrthonormal(3, d, seed: 11);
        double[] sd = [3, 2, 1];
        double[] mean = [5, -2, 0.5, 10, 0, -7];
        var random = new SeededRandom(12, 0);
        var data = new float[n * d];
        for (int r = 0; r < n; r++)
        {
            for (int k = 0; k < 3; k++)
            {
                double z = sd[k] * random.NextGaussian();
                for (int j = 0; j < d; j++)
                {
                    data[(r * d) + j] += (float)(z * axes[k][j]);
                }
            }

            for (int j = 0; j < d; j++)
            {
                data[(r * d) + j] += (float)mean[j];
            }
        }

        PcaProjection pca = Pca.Project(data, n, d, components: 3);

        for (int k = 0; k < 3; k++)
        {
            double[] expected = WithSignConvention(axes[k]);
            for (int j = 0; j < d; j++)
            {
                pca.GetComponent(k)[j].Should().BeApproximately(expected[j], 1e-2, "component {0} entry {1}", k, j);
            }
        }

        pca.ExplainedVarianceRatio[0].Should().BeApproximately(9.0 / 14, 1e-2);
        pca.ExplainedVarianceRatio[1].Should().BeApproximately(4.0 / 14, 1e-2);
        pca.ExplainedVarianceRatio[2].Should().BeApproximately(1.0 / 14, 1e-2);
        pca.ExplainedVariance[0].Should().BeApproximately(9, 0.15);
        pca.ExplainedVariance[1].Should().BeApproximately(4, 0.08);
        pca.ExplainedVariance[2].Should().BeApproximately(1, 0.02);
        for (int j = 0; j < d; j++)
        {
            pca.Mean[j].Should().BeApproximately(mean[j], 0.05);
        }
    }

    [Fact]
    public void Project_SymmetricDesign_GivesHandComputedAxesVariancesAndCoordinates()
    {
        // ±3·e1, ±2·e2, ±1·e3 around (1, 1, 1, 1): scatter 18, 8, 2 along the axes, variances /5.
        float[] data =
        [
            4, 1, 1, 1,
            -2, 1, 1, 1,
            1, 3, 1, 1,
            1, -1, 1, 1,
            1, 1, 2, 1,
            1, 1, 0, 1,
        ];

        PcaProjection pca = Pca.Project(data, 6, 4, components: 3);

        pca.Rows.Should().Be(6);
        pca.Dimensions.Should().Be(4);
        pca.ComponentCount.Should().Be(3);
        pca.Mean.ToArray().Should().Equal(1.0, 1.0, 1.0, 1.0);
        ExpectApproximately(pca.GetComponent(0), [1, 0, 0, 0]);
        ExpectApproximately(pca.GetComponent(1), [0, 1, 0, 0]);
        ExpectApproximately(pca.GetComponent(2), [0, 0, 1, 0]);
        ExpectApproximately(pca.ExplainedVariance, [18.0 / 5, 8.0 / 5, 2.0 / 5]);
        ExpectApproximately(pca.ExplainedVarianceRatio, [9.0 / 14, 4.0 / 14, 1.0 / 14]);
        ExpectApproximately(pca.GetCoordinates(0), [3, 0, 0]);
        ExpectApproximately(pca.GetCoordinates(1), [-3, 0, 0]);
        ExpectApproximately(pca.GetCoordinates(3), [0, -2, 0]);
        ExpectApproximately(pca.GetCoordinates(4), [0, 0, 1]);
    }

    [Fact]
    public void Project_FewerRowsThanDimensions_ReconstructsTheData()
    {
        float[] data =
        [
            1, 2, 3, 4, 5,
            0, -1, 2, 7, 1,
            3, 3, -2, 0, 4,
        ];

        PcaProjection pca = Pca.Project(data, 3, 5, components: 3);

        for (int r = 0; r < 3; r++)
        {
            for (int j = 0; j < 5; j++)
            {
                double value = pca.Mean[j];
                for (int c = 0; c < 3; c++)
                {
                    value += pca.GetCoordinates(r)[c] * pca.GetComponent(c)[j];
                }

                value.Should().BeApproximately(data[(r * 5) + j], 1e-9);
            }
        }

        // Three centred points span at most a plane: the third component carries no variance.
        (pca.ExplainedVarianceRatio[0] + pca.ExplainedVarianceRatio[1]).Should().BeApproximately(1, 1e-12);
        pca.ExplainedVarianceRatio[2].Should().BeApproximately(0, 1e-12);
        for (int a = 0; a < 3; a++)
        {
            for (int b = 0; b < 3; b++)
            {
                Dot(pca.GetComponent(a), pca.GetComponent(b)).Should().BeApproximately(a == b ? 1 : 0, 1e-12);
            }
        }
    }

    [Fact]
    public void Project_AnyData_LargestEntryOfEachComponentIsPositive()
    {
        (float[] data, _) = ProjectionTestData.Clusters(4, 25, 7, 3, seed: 5);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = -data[i];
        }

        PcaProjection pca = Pca.Project(data, 100, 7, components: 4);

        for (int c = 0; c < 4; c++)
        {
            ReadOnlySpan<double> axis = pca.GetComponent(c);
            int largest = 0;
            for (int j = 1; j < axis.Length; j++)
            {
                if (Math.Abs(axis[j]) > Math.Abs(axis[largest]))
                {
                    largest = j;
                }
            }

            axis[largest].Should().BePositive();
        }
    }

    [Fact]
    public void Transform_TrainingRow_GivesItsCoordinates()
    {
        (float[] data, _) = ProjectionTestData.Clusters(3, 10, 5, 4, seed: 9);
        PcaProjection pca = Pca.Project(data, 30, 5);
        var destination = new double[2];

        pca.Transform(data.AsSpan(7 * 5, 5), destination);

        destination[0].Should().BeApproximately(pca.GetCoordinates(7)[0], 1e-5);
        destination[1].Should().BeApproximately(pca.GetCoordinates(7)[1], 1e-5);
    }

    [Fact]
    public void Project_ConstantRows_GivesZeroRatiosAndCoordinates()
    {
        float[] data = [2, 3, 2, 3, 2, 3];

        PcaProjection pca = Pca.Project(data, 3, 2);

        pca.ExplainedVarianceRatio.ToArray().Should().Equal(0.0, 0.0);
        pca.ExplainedVariance.ToArray().Should().Equal(0.0, 0.0);
        pca.Coordinates.ToArray().Should().OnlyContain(v => v == 0);
    }

    [Fact]
    public void ProjectItems_Model_ProjectsItemEmbeddings()
    {
        float[] items = [4, 1, -2, 1, 1, 3, 1, -1];
        var catalog = new Catalog(IdMap.Sequential(1), IdMap.Sequential(4));
        FactorizationModel model = FactorizationModel.FromEmbeddings(catalog, 2, [0, 0], items);

        PcaProjection viaModel = Pca.ProjectItems(model, components: 1);
        PcaProjection direct = Pca.Project(items, 4, 2, components: 1);

        viaModel.Rows.Should().Be(4);
        viaModel.Coordinates.ToArray().Should().Equal(direct.Coordinates.ToArray());
        ExpectApproximately(viaModel.GetComponent(0), [1, 0]);
        ExpectApproximately(viaModel.Coordinates, [3, -3, 0, 0]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void Project_ComponentsOutOfRange_ThrowsNamingComponents(int components)
    {
        float[] data = new float[3 * 5];

        Action act = () => Pca.Project(data, 3, 5, components);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("components");
    }

    [Fact]
    public void Project_WrongLengthOrNaN_ThrowsNamingData()
    {
        Action wrongLength = () => Pca.Project(new float[5], 2, 3);
        Action nan = () => Pca.Project(new float[] { 1, 2, float.NaN, 4 }, 2, 2);

        wrongLength.Should().Throw<ArgumentException>().Where(e => e.ParamName == "data" && e.Message.Contains("expected rows·dimensions = 2·3 = 6"));
        nan.Should().Throw<ArgumentException>().Where(e => e.ParamName == "data" && e.Message.Contains("row 1, column 0"));
    }

    [Fact]
    public void Project_NonPositiveRows_ThrowsNamingRows()
    {
        Action act = () => Pca.Project(ReadOnlySpan<float>.Empty, 0, 3);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("rows");
    }

    private static double[][] RandomOrthonormal(int count, int dimensions, long seed)
    {
        var random = new SeededRandom(seed, 0);
        var vectors = new double[count][];
        for (int k = 0; k < count; k++)
        {
            var v = new double[dimensions];
            for (int j = 0; j < dimensions; j++)
            {
                v[j] = random.NextGaussian();
            }

            for (int p = 0; p < k; p++)
            {
                double dot = Dot(v, vectors[p]);
                for (int j = 0; j < dimensions; j++)
                {
                    v[j] -= dot * vectors[p][j];
                }
            }

            double norm = Math.Sqrt(Dot(v, v));
            for (int j = 0; j < dimensions; j++)
            {
                v[j] /= norm;
            }

            vectors[k] = v;
        }

        return vectors;
    }

    private static double[] WithSignConvention(double[] axis)
    {
        int largest = 0;
        for (int j = 1; j < axis.Length; j++)
        {
            if (Math.Abs(axis[j]) > Math.Abs(axis[largest]))
            {
                largest = j;
            }
        }

        double sign = axis[largest] < 0 ? -1 : 1;
        var result = new double[axis.Length];
        for (int j = 0; j < axis.Length; j++)
        {
            result[j] = sign * axis[j];
        }

        return result;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int j = 0; j < a.Length; j++)
        {
            sum += a[j] * b[j];
        }

        return sum;
    }

    private static void ExpectApproximately(ReadOnlySpan<double> actual, double[] expected)
    {
        actual.Length.Should().Be(expected.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            actual[i].Should().BeApproximately(expected[i], 1e-9, "entry {0}", i);
        }
    }
}
