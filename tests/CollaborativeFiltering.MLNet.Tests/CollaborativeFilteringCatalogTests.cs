using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neural;
using Microsoft.ML;

namespace CollaborativeFiltering.MLNet.Tests;

public sealed class CollaborativeFilteringCatalogTests
{
    private static readonly CollaborativeFilteringCatalog Cf = new MLContext(seed: 0).CollaborativeFiltering();

    [Fact]
    public void Methods_MakeTheTrainerTheyNameWithTheOptionsGiven()
    {
        var gd = new GradientDescentOptions { Iterations = 7 };
        var reg = new RegularizedOptions { Iterations = 7 };
        var sgd = new BiasedSgdOptions { Iterations = 7 };
        var als = new AlsOptions { Iterations = 7 };
        var implicitAls = new ImplicitAlsOptions { Iterations = 7 };
        var softmax = new SoftmaxOptions { Iterations = 7 };

        Cf.GradientDescent("u", "i", "r", gd).Trainer.Should().BeOfType<GradientDescentFactorizer>().Which.Options.Should().Be(gd);
        Cf.Regularized("u", "i", "r", reg).Trainer.Should().BeOfType<RegularizedFactorizer>().Which.Options.Should().Be(reg);
        Cf.BiasedSgd("u", "i", "r", sgd).Trainer.Should().BeOfType<BiasedSgdFactorizer>().Which.Options.Should().Be(sgd);
        Cf.Als("u", "i", "r", als).Trainer.Should().BeOfType<AlsFactorizer>().Which.Options.Should().Be(als);
        Cf.ImplicitAls("u", "i", "r", implicitAls).Trainer.Should().BeOfType<ImplicitAlsFactorizer>().Which.Options.Should().Be(implicitAls);
        Cf.Softmax("u", "i", "r", softmax).Trainer.Should().BeOfType<SoftmaxTrainer>().Which.Options.Should().Be(softmax);
    }

    [Fact]
    public void Methods_WithoutOptions_UseTheTrainersDefaultsAndTheLabelColumn()
    {
        RecommenderEstimator<FactorizationModel> estimator = Cf.BiasedSgd("userKey", "itemKey");

        estimator.Trainer.Options.Should().Be(new BiasedSgdOptions());
        (estimator.UserColumnName, estimator.ItemColumnName, estimator.LabelColumnName).Should().Be(("userKey", "itemKey", "Label"));
        estimator.Duplicates.Should().Be(Data.DuplicatePolicy.Reject);
        estimator.Catalog.Should().BeNull();
        estimator.MLContext.Should().BeSameAs(Cf.MLContext);
    }

    [Fact]
    public void Methods_InvalidOption_ThrowNamingTheOptionBeforeAnyData()
    {
        Cf.Invoking(c => c.BiasedSgd("u", "i", options: new BiasedSgdOptions { LearningRate = -1 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("LearningRate");
        Cf.Invoking(c => c.Als("u", "i", options: new AlsOptions { Dimensions = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Dimensions");
        Cf.Invoking(c => c.Softmax("u", "i", options: new SoftmaxOptions { BatchSize = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("BatchSize");
    }

    [Fact]
    public void Methods_NullOrEmptyColumnNames_Throw()
    {
        Cf.Invoking(c => c.Als(null!, "i")).Should().Throw<ArgumentNullException>().WithParameterName("userColumnName");
        Cf.Invoking(c => c.Als("u", "")).Should().Throw<ArgumentException>().WithParameterName("itemColumnName");
        Cf.Invoking(c => c.Als("u", "i", "")).Should().Throw<ArgumentException>().WithParameterName("labelColumnName");
        Cf.Invoking(c => c.Trainer<FactorizationModel>(null!, "u", "i")).Should().Throw<ArgumentNullException>().WithParameterName("trainer");
        Cf.Invoking(c => c.Logger("")).Should().Throw<ArgumentException>().WithParameterName("name");
    }

    [Fact]
    public void CollaborativeFiltering_NullContext_Throws()
    {
        Action act = () => MLContextExtensions.CollaborativeFiltering(null!);

        act.Should().Throw<ArgumentNullException>().WithParameterName("mlContext");
    }

    [Fact]
    public void RecommenderEstimator_PublicConstructor_IsTheGenericPath()
    {
        var mlContext = new MLContext(seed: 0);
        var trainer = new AlsFactorizer(new AlsOptions { Dimensions = 3, Iterations = 2 });

        var estimator = new RecommenderEstimator<FactorizationModel>(mlContext, trainer, "userKey", "itemKey", nameof(RatingRow.Rating));
        var transformer = TestData.MapIdsToKeys(mlContext).Append(estimator).Fit(mlContext.Data.LoadFromEnumerable(TestData.Rows()));

        estimator.Trainer.Should().BeSameAs(trainer);
        transformer.LastTransformer.Model.Options.Should().Be(trainer.Options);
    }
}
