using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;

namespace CollaborativeFiltering.Tests.Factorization;

public partial class FactorizationModelConstructionTests
{
    private static readonly Catalog TwoByThree = Catalog.Sequential(2, 3);

    // U = [[1, 2], [0, -1]], V = [[1, 0], [0, 1], [2, 2]]
    private static readonly float[] U = [1, 2, 0, -1];
    private static readonly float[] V = [1, 0, 0, 1, 2, 2];

    [Fact]
    public void Predict_NoBiases_IsDotProduct()
    {
        var model = FactorizationModel.FromEmbeddings(TwoByThree, 2, U, V);

        model.Predict(U(0), I(0)).Should().BeApproximately(1f, 1e-6f);
        model.Predict(U(0), I(2)).Should().BeApproximately(6f, 1e-6f);
        model.Predict(U(1), I(1)).Should().BeApproximately(-1f, 1e-6f);
        model.Predict("2", "3").Should().BeApproximately(-2f, 1e-6f);
        model.HasBiases.Should().BeFalse();
    }

    [Fact]
    public void Predict_WithBiases_AddsMeanAndBiases()
    {
        var model = FactorizationModel.FromEmbeddings(TwoByThree, 2, U, V, userBiases: [0.5f, -0.5f], itemBiases: [0.1f, 0.2f, 0.3f], globalMean: 3.5f);

        model.Predict(U(0), I(2)).Should().BeApproximately(3.5f + 0.5f + 0.3f + 6f, 1e-5f);
        model.Predict(U(1), I(0)).Should().BeApproximately(3.5f - 0.5f + 0.1f + 0f, 1e-5f);
    }

    [Fact]
    public void MeanSquaredError_HandComputed()
    {
        var model = FactorizationModel.FromEmbeddings(TwoByThree, 2, U, V);
        var ratings = new RatingsDatasetBuilder(TwoByThree).Add(new Rating(U(0), I(0), 3)).Add(new Rating(U(1), I(2), 0)).Build();

        // errors: 3 - 1 = 2; 0 - (-2) = 2 -> MSE = (4 + 4) / 2
        model.MeanSquaredError(ratings).Should().BeApproximately(4.0, 1e-9);
    }

    [Fact]
    public void MeanSquaredError_OtherCatalogue_Throws()
    {
        var model = FactorizationModel.FromEmbeddings(TwoByThree, 2, U, V);
        var other = new RatingsDatasetBuilder().Add("x", "y", 1).Build();

        var act = () => model.MeanSquaredError(other);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("ratings");
    }

    [Fact]
    public void FromEmbeddings_CopiesInput_LaterChangesDoNotLeak()
    {
        float[] u = [.. U];
        var model = FactorizationModel.FromEmbeddings(TwoByThree, 2, u, V);
        u[0] = 100;

        model.GetUserEmbedding(U(0)).ToArray().Should().Equal(1f, 2f);
    }

    [Fact]
    public void FromEmbeddings_WrongLength_ThrowsNamingTheSpan()
    {
        var act = () => FactorizationModel.FromEmbeddings(TwoByThree, 2, U, new float[5]);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("itemEmbeddings");
    }

    [Fact]
    public void FromEmbeddings_NaN_Throws()
    {
        var act = () => FactorizationModel.FromEmbeddings(TwoByThree, 2, [1, float.NaN, 0, 0], V);

        act.Should().Throw<ArgumentException>().WithMessage("*NaN*").Which.ParamName.Should().Be("userEmbeddings");
    }

    [Fact]
    public void FromEmbeddings_OnlyItemBiases_Throws()
    {
        var act = () => FactorizationModel.FromEmbeddings(TwoByThree, 2, U, V, itemBiases: [0, 0, 0]);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("userBiases");
    }

    [Fact]
    public void FromEmbeddings_ZeroDimensions_Throws()
    {
        var act = () => FactorizationModel.FromEmbeddings(TwoByThree, 0, [], []);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("dimensions");
    }

    [Fact]
    public void EmbeddingMatrices_AreCopiesWithRowsPerUserAndItem()
    {
        var model = FactorizationModel.FromEmbeddings(TwoByThree, 2, U, V);

        var users = model.UserEmbeddingMatrix();
        var items = model.ItemEmbeddingMatrix();
        users[1, 1] = 42;

        users.RowCount.Should().Be(2);
        items.RowCount.Should().Be(3);
        items[2, 1].Should().Be(2f);
        model.GetUserEmbedding(U(1))[1].Should().Be(-1f);
    }

    [Fact]
    public void TryGetUserQuery_UnknownIndex_ReturnsFalse()
    {
        var model = FactorizationModel.FromEmbeddings(TwoByThree, 2, U, V);
        Span<float> query = stackalloc float[2];

        model.TryGetUserQuery(U(5), query).Should().BeFalse();
        model.TryGetUserQuery(U(0), query).Should().BeTrue();
        query.ToArray().Should().Equal(1f, 2f);
    }
}
