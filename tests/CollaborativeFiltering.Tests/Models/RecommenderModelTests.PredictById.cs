using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neighborhood;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Tests.Neighborhood;

namespace CollaborativeFiltering.Tests.Models;

/// <summary><c>Predict(userId, itemId)</c>: every model answers it on its own type and through <see cref="IRecommenderModel"/>, with the ids' indices.</summary>
public sealed partial class RecommenderModelTests
{
    public static TheoryData<string> PredictByIdKinds() => ["item-knn", "user-knn", "ease", "softmax", "fm", "factorization"];

    [Theory]
    [MemberData(nameof(PredictByIdKinds))]
    public void Predict_ByIds_EqualsPredictOfTheirIndices(string kind)
    {
        IRecommenderModel model = FitKind(kind);
        Catalog catalog = model.Catalog;

        for (int u = 0; u < catalog.UserCount; u += 7)
        {
            for (int i = 0; i < catalog.ItemCount; i += 5)
            {
                string userId = catalog.Users[u], itemId = catalog.Items[i];
                float expected = model.Predict(U(u), I(i));
                ByIdOnItsOwnType(model, userId, itemId).Should().Be(expected, $"{kind}: user {userId}, item {itemId} on the model's own type");
                model.Predict(userId, itemId).Should().Be(expected, $"{kind}: through IRecommenderModel");
            }
        }
    }

    [Theory]
    [MemberData(nameof(PredictByIdKinds))]
    public void Predict_UnknownId_ThrowsKeyNotFoundNamingIt(string kind)
    {
        IRecommenderModel model = FitKind(kind);
        string user = model.Catalog.Users[0], item = model.Catalog.Items[0];

        FluentActions.Invoking(() => ByIdOnItsOwnType(model, "no-such-user", item)).Should().Throw<KeyNotFoundException>().WithMessage("*'no-such-user'*");
        FluentActions.Invoking(() => ByIdOnItsOwnType(model, user, "no-such-item")).Should().Throw<KeyNotFoundException>().WithMessage("*'no-such-item'*");
        FluentActions.Invoking(() => model.Predict("no-such-user", item)).Should().Throw<KeyNotFoundException>().WithMessage("*'no-such-user'*");
        FluentActions.Invoking(() => ByIdOnItsOwnType(model, null!, item)).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("userId");
        FluentActions.Invoking(() => ByIdOnItsOwnType(model, user, null!)).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("itemId");
    }

    /// <summary>Calls the public method each model type declares (not the interface's default), so a missing one would not compile.</summary>
    private static float ByIdOnItsOwnType(IRecommenderModel model, string userId, string itemId) => model switch
    {
        ItemKnnModel m => m.Predict(userId, itemId),
        UserKnnModel m => m.Predict(userId, itemId),
        EaseModel m => m.Predict(userId, itemId),
        SoftmaxModel m => m.Predict(userId, itemId),
        FactorizationMachineModel m => m.Predict(userId, itemId),
        FactorizationModel m => m.Predict(userId, itemId),
        _ => throw new InvalidOperationException(model.GetType().Name),
    };

    private static IRecommenderModel FitKind(string kind)
    {
        RatingsDataset train = NeighborhoodTestData.Random(30, 20, 0.3, seed: 5);
        return kind switch
        {
            "item-knn" => new ItemKnnRecommender().Fit(train),
            "user-knn" => new UserKnnRecommender().Fit(train),
            "ease" => new EaseRecommender(new EaseOptions { Regularization = 2 }).Fit(train),
            "softmax" => new SoftmaxTrainer(new SoftmaxOptions { Dimensions = 4, HiddenLayerSizes = [6], ItemEmbeddingDimensions = 4, BatchSize = 8, Iterations = 5 }).Fit(train),
            "fm" => new BayesianFactorizationMachine(new FactorizationMachineOptions { Dimensions = 2, Iterations = 6, BurnIn = 2 }).Fit(train),
            _ => new BiasedSgdFactorizer(new BiasedSgdOptions { Dimensions = 3, Iterations = 3 }).Fit(train),
        };
    }
}
