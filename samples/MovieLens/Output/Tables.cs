using System.Globalization;
using CollaborativeFiltering;
using CollaborativeFiltering.Evaluation;
using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Neighborhood;
using CollaborativeFiltering.Scoring;
using MovieLensSample.Steps;
using Spectre.Console;

namespace MovieLensSample.Output;

/// <summary>Number formats and the tables several steps print.</summary>
internal static class Tables
{
    /// <summary>Three decimals, invariant; a dash for NaN or infinity.</summary>
    public static string F(double value) => double.IsFinite(value) ? value.ToString("0.000", CultureInfo.InvariantCulture) : "—";

    /// <summary>The shortest round-trip form, invariant (for option values).</summary>
    public static string G(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Four significant digits, invariant, without trailing zeros (for option values: 0.05, 20, 0.001).</summary>
    public static string G4(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    public static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Seconds(TimeSpan time) => time.TotalSeconds.ToString(time.TotalSeconds < 10 ? "0.00 s" : "0.0 s", CultureInfo.InvariantCulture);

    /// <summary>A table whose first column is left-aligned and the others right-aligned (numbers).</summary>
    public static Table Create(string title, string first, params string[] numeric)
    {
        var table = new Table().Title(Markup.Escape(title)).AddColumn(Markup.Escape(first));
        foreach (string column in numeric)
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)).RightAligned());
        }

        return table;
    }

    public static void AddRow(Table table, params string[] cells) => table.AddRow(cells.Select(Markup.Escape).ToArray());

    /// <summary>Train and test MSE (the notebook's measure) of trained models, one row each: five columns, narrow enough for 80.</summary>
    public static Table Errors(string title, IEnumerable<TrainedModel> models)
    {
        var table = Create(title, "model", "iterations", "train MSE", "test MSE", "time");
        foreach (TrainedModel m in models)
        {
            bool ratings = m.Model.PredictsRatings;
            AddRow(table, m.Name, I(m.IterationsRun), Error(m.Train?.Mse, ratings), Error(m.Test?.Mse, ratings), Seconds(m.Elapsed));
        }

        return table;
    }

    /// <summary>An error of rating predictions; "n/a" for a model whose scores are not ratings (or that has no errors).</summary>
    public static string Error(double? value, bool predictsRatings) => predictsRatings && value is { } v ? F(v) : "n/a";

    /// <summary>The top-k ranking metrics of one model or baseline as a row: precision, recall, NDCG, MAP, hit rate, coverage.</summary>
    public static string[] RankingCells(RankingResult r) => [F(r.PrecisionAtK), F(r.RecallAtK), F(r.NdcgAtK), F(r.MapAtK), F(r.HitRateAtK), F(r.Coverage)];

    /// <summary>Ranked items with their scores: neighbours or recommendations.</summary>
    public static Table Items(string title, string scoreName, IEnumerable<(string Title, IReadOnlyList<string> Genres, float Score)> items)
    {
        var table = new Table().Title(Markup.Escape(title)).AddColumn(new TableColumn("#").RightAligned())
            .AddColumn(new TableColumn(Markup.Escape(scoreName)).RightAligned()).AddColumn("title").AddColumn("genres");
        int rank = 0;
        foreach (var (itemTitle, genres, score) in items)
        {
            AddRow(table, I(++rank), F(score), itemTitle, string.Join("|", genres));
        }

        return table;
    }

    public static Table Neighbors(ItemNeighborResult result) =>
        Items($"Nearest neighbours of '{result.Query.Title}' ({Measure(result.Measure)})", Measure(result.Measure), result.Neighbors.Select(n => (n.Title, n.Genres, n.Score)));

    /// <summary>Recommendations with their score, labelled by what it is for <paramref name="model"/> (see <see cref="ScoreKind"/>).</summary>
    public static Table Recommendations(string title, IEnumerable<Recommendation> recommendations, IRecommenderModel model) =>
        Items(title, ScoreKind(model).Column, recommendations.Select(r => (r.Title, r.Genres, r.Score)));

    /// <summary>
    /// What a recommendation's score is: the predicted rating (unclamped) for a factorization without biases; the
    /// rating less the global mean and the user's bias (⟨u, v⟩ + b_j) for one with biases; a ranking score, not a
    /// rating, for a model that only ranks (implicit ALS, the softmax network).
    /// </summary>
    public static (string Column, string Note) ScoreKind(IRecommenderModel model) => model switch
    {
        ItemKnnModel or UserKnnModel => ("similarity\nsum", "The score adds up the movie's similarities to the neighbours behind it (each rated movie's nearest movies, or the nearest users who rated it); it ranks, it is not a rating."),
        { PredictsRatings: false } => ("ranking\nscore", "The ranking score orders movies for this user; it is not a rating (the model learns which movies users rate, not how)."),
        FactorizationModel { HasBiases: true } => ("rating\n− μ − b_u", "The score is the predicted rating less the global mean μ and the user's bias b_u (the same for every movie of a user), before clamping."),
        _ => ("predicted\nrating", "The score is the predicted rating, before clamping to the rating scale."),
    };

    /// <summary>The notebook's notice when a title substring matches several movies (nothing when <paramref name="others"/> is empty).</summary>
    public static void OtherCandidates(IAnsiConsole console, IReadOnlyList<string> others, string? query = null)
    {
        const int shown = 10;
        if (others.Count > 0)
        {
            string list = string.Join(", ", others.Take(shown)) + (others.Count > shown ? $", … ({others.Count - shown} more)" : "");
            string which = query is null ? "" : $" for '{query}'";
            console.MarkupLine($"[grey]{Markup.Escape($"[Found more than one matching movie{which}. Other candidates: {list}]")}[/]");
        }
    }

    public static string Measure(SimilarityMeasure measure) => measure switch
    {
        SimilarityMeasure.Cosine => "cosine",
        SimilarityMeasure.ModelWeights => "model weight",
        _ => "dot",
    };

    /// <summary>A section heading: a rule with the title on the left.</summary>
    public static void Section(IAnsiConsole console, string title) => console.Write(new Rule($"[bold]{Markup.Escape(title)}[/]").LeftJustified());

    /// <summary>Tells where an output file went.</summary>
    public static void Wrote(IAnsiConsole console, string path) => console.MarkupLine($"[grey]wrote[/] {Markup.Escape(path)}");
}
