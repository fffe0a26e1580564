using CollaborativeFiltering;
using CollaborativeFiltering.Scoring;
using MovieLensSample.Inputs;
using MovieLensSample.Output;
using Spectre.Console;

namespace MovieLensSample.Steps;

/// <summary>The movies nearest to one movie: in a model's embedding space, one table per similarity measure, or by a kNN or EASE model's own weights (measure null).</summary>
internal static class NeighborsStep
{
    public static void Show(IAnsiConsole console, IRecommenderModel model, ItemQuery query, int k, params SimilarityMeasure?[] measures)
    {
        for (int i = 0; i < measures.Length; i++)
        {
            ItemNeighborResult result = query.Find(model, k, measures[i]);
            if (i == 0)
            {
                Tables.OtherCandidates(console, [.. result.OtherCandidates.Select(o => o.Title)]);
            }

            console.Write(Tables.Neighbors(result));
        }
    }
}
