using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Models;
using CollaborativeFiltering.Scoring;

namespace CollaborativeFiltering.Tests.Scoring;

/// <summary>Scoring through <see cref="IEmbeddingModel"/> alone, as a neural model would be served.</summary>
public class EmbeddingModelTests
{
    /// <summary>Wraps a factorization model; odd users have no query; can cancel a token after some queries.</summary>
    private sealed class OddUsersUnknown(FactorizationModel inner, CancellationTokenSource? cancelAfter = null, int after = int.MaxValue) : IEmbeddingModel
    {
        private int _calls;

        public Catalog Catalog => inner.Catalog;

        public int Dimensions => inner.Dimensions;

        public ReadOnlySpan<float> ItemEmbeddings => inner.ItemEmbeddings;

        public ReadOnlySpan<float> ItemBiases => inner.ItemBiases;

        public ReadOnlySpan<float> UserEmbeddings
        {
            get
            {
                float[] rows = inner.UserEmbeddings.ToArray();
                for (int u = 1; u < inner.UserCount; u += 2)
                {
                    rows.AsSpan(u * Dimensions, Dimensions).Clear();
                }

                return rows;
            }
        }

        public ReadOnlySpan<float> UserBiases => inner.UserBiases;

        public float GlobalMean => inner.GlobalMean;

        public bool PredictsRatings => inner.PredictsRatings;

        public RatingRange? RatingScale => inner.RatingScale;

        public float Predict(UserIndex user, ItemIndex item) => inner.Predict(user, item);

        public bool TryScoreItems(UserIndex user, Span<float> scores) => EmbeddingScores.TryScoreItems(this, user, scores);

        public void ScoreItemsForNewUser(ReadOnlySpan<int> items, ReadOnlySpan<float> values, Span<float> scores) => EmbeddingScores.ScoreItemsForNewUser(this, items, values, scores);

        public float[] ComputeNewUserQuery(ReadOnlySpan<int> items, ReadOnlySpan<float> values) => inner.ComputeNewUserQuery(items, values);

        public bool TryGetUserQuery(UserIndex user, Span<float> destination)
        {
            if (Interlocked.Increment(ref _calls) == after)
            {
                cancelAfter?.Cancel();
            }

            return user.Value % 2 == 0 && inner.TryGetUserQuery(user, destination);
        }
    }

    [Fact]
    public void RecommendAll_UsersWithoutQuery_EmptyRows_OthersMatchInnerModel()
    {
        var inner = ScoringTestModels.Random(70, 45, 6, biases: true, seed: 8);
        var wrapped = new OddUsersUnknown(inner);
        var all = Recommender.RecommendAll(wrapped, 5);
        var reference = Recommender.RecommendAll(inner, 5);
        for (int u = 0; u < 70; u++)
        {
            if (u % 2 == 1)
            {
                all.GetCount(U(u)).Should().Be(0);
            }
            else
            {
                all.GetItems(U(u)).ToArray().Should().Equal(reference.GetItems(U(u)).ToArray());
            }
        }
    }

    [Fact]
    public void Recommend_UserWithoutQuery_KeyNotFoundNamingUser()
    {
        var wrapped = new OddUsersUnknown(ScoringTestModels.Random(4, 6, 2, biases: false, seed: 1));
        FluentActions.Invoking(() => Recommender.Recommend(wrapped, U(3))).Should().Throw<KeyNotFoundException>().WithMessage("*'4'*");
        Recommender.Recommend(wrapped, U(2), 3).Should().HaveCount(3);
    }

    [Fact]
    public void RecommendAll_CancelledDuringRun_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        var wrapped = new OddUsersUnknown(ScoringTestModels.Random(2000, 20, 2, biases: false, seed: 1), cts, after: 100);
        FluentActions.Invoking(() => Recommender.RecommendAll(wrapped, 3, null, 2, cancellationToken: cts.Token)).Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void NearestItemsAndScoreAll_InterfaceOnly_MatchFactorizationModel()
    {
        var inner = ScoringTestModels.MovieModel();
        var wrapped = new OddUsersUnknown(inner);
        Neighbors.NearestItems(wrapped, I(0), 3, SimilarityMeasure.Cosine).Neighbors.Select(n => n.Item.Value)
            .Should().Equal(Neighbors.NearestItems(inner, I(0), 3, SimilarityMeasure.Cosine).Neighbors.Select(n => n.Item.Value));
        Similarity.ScoreAll(wrapped, [1f, 0f], SimilarityMeasure.Dot).ShouldBeClose(1e-6f, 1f, 3f, 0.5f, 2f, -1f);
    }
}
