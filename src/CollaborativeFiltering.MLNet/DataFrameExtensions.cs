using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.MLNet.DataFrames;
using CollaborativeFiltering.Scoring;
using Microsoft.Data.Analysis;

namespace CollaborativeFiltering.MLNet;

/// <summary>
/// <see cref="DataFrame"/> (Microsoft.Data.Analysis) in and out: a ratings DataFrame into a
/// <see cref="RatingsDataset"/>, and ratings and recommendations into DataFrames, e.g. to show in a
/// notebook, to join with other tables, or to hand to ML.NET (a DataFrame is an <c>IDataView</c>).
/// </summary>
public static class DataFrameExtensions
{
    /// <summary>
    /// The ratings of a DataFrame, one per row. Ids may be text or numbers (their invariant text is the id:
    /// a float column of ids, as <c>DataFrame.LoadCsv</c> reads numbers, gives "196"); without a catalogue,
    /// users and items get dense indices in order of first appearance, as the library's loaders give them.
    /// </summary>
    /// <param name="dataFrame">The ratings.</param>
    /// <param name="userColumnName">The column of user ids.</param>
    /// <param name="itemColumnName">The column of item ids.</param>
    /// <param name="ratingColumnName">The column of ratings: numbers, finite.</param>
    /// <param name="timestampColumnName">A column of Unix timestamps in seconds (whole numbers, integers or Double: a Single cannot hold them exactly), or <see langword="null"/> for none.</param>
    /// <param name="catalog">The catalogue the ids belong to (e.g. a MovieLens release's, to keep its titles), or <see langword="null"/> to collect the ids from the rows.</param>
    /// <param name="duplicates">What a (user, item) pair rated twice does.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dataFrame"/> or a required column name is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// A column is missing or of the wrong type, a value is missing (null), a rating is not finite, a
    /// timestamp is not a whole number, a float id is too large to be exact (2²⁴ and beyond), or an id is
    /// not in <paramref name="catalog"/>; the message names the column and the row (rows count from 0, as
    /// in the DataFrame).
    /// </exception>
    /// <exception cref="InvalidOperationException">A (user, item) pair appears twice and <paramref name="duplicates"/> is <see cref="DuplicatePolicy.Reject"/>.</exception>
    public static RatingsDataset ToRatingsDataset(this DataFrame dataFrame, string userColumnName, string itemColumnName, string ratingColumnName, string? timestampColumnName = null, Catalog? catalog = null, DuplicatePolicy duplicates = DuplicatePolicy.Reject)
    {
        ArgumentNullException.ThrowIfNull(dataFrame);
        ArgumentNullException.ThrowIfNull(userColumnName);
        ArgumentNullException.ThrowIfNull(itemColumnName);
        ArgumentNullException.ThrowIfNull(ratingColumnName);
        if (!Enum.IsDefined(duplicates))
        {
            throw new ArgumentOutOfRangeException(nameof(duplicates), duplicates, "Expected Reject, KeepLast or Average.");
        }

        DataFrameColumn userColumn = DataFrameColumns.Find(dataFrame, userColumnName, "user", nameof(userColumnName));
        DataFrameColumn itemColumn = DataFrameColumns.Find(dataFrame, itemColumnName, "item", nameof(itemColumnName));
        Func<long, double?> ratingOf = DataFrameColumns.Numbers(DataFrameColumns.Find(dataFrame, ratingColumnName, "rating", nameof(ratingColumnName)), "rating", "numbers", nameof(ratingColumnName));
        Func<long, double?>? timestampOf = timestampColumnName is null ? null
            : DataFrameColumns.Numbers(DataFrameColumns.Find(dataFrame, timestampColumnName, "timestamp", nameof(timestampColumnName)), "timestamp", "whole numbers of seconds since 1970-01-01 UTC", nameof(timestampColumnName), allowSingle: false);

        List<string> userIds = [], itemIds = [];
        int[] users = DataFrameColumns.Indices(userColumn, "user", nameof(userColumnName), catalog?.Users, userIds);
        int[] items = DataFrameColumns.Indices(itemColumn, "item", nameof(itemColumnName), catalog?.Items, itemIds);
        catalog ??= new Catalog(new IdMap(userIds), new IdMap(itemIds));

        var builder = new RatingsDatasetBuilder(catalog, duplicates);
        for (int row = 0; row < users.Length; row++)
        {
            double value = ratingOf(row) ?? throw new ArgumentException(DataFrameColumns.MissingValue("rating", ratingColumnName, row), nameof(dataFrame));
            if (!float.IsFinite((float)value))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Row {row} of the rating column '{ratingColumnName}' holds {value}; expected a finite rating."), nameof(dataFrame));
            }

            builder.Add(new Rating(new UserIndex(users[row]), new ItemIndex(items[row]), (float)value, timestampOf is null ? null : Timestamp(timestampOf, row, timestampColumnName!)));
        }

        return builder.Build();
    }

    /// <summary>
    /// The ratings as a DataFrame: columns <c>UserId</c> and <c>ItemId</c> (text), <c>Rating</c> (float) and,
    /// when the dataset has timestamps, <c>Timestamp</c> (long, Unix seconds); one row per rating, by user
    /// then item (the dataset's order). <see cref="ToRatingsDataset"/> reads it back.
    /// </summary>
    /// <param name="ratings">The ratings.</param>
    /// <returns>A new DataFrame.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ratings"/> is <see langword="null"/>.</exception>
    public static DataFrame ToDataFrame(this RatingsDataset ratings)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        int n = ratings.Count;
        var userIds = new string[n];
        var itemIds = new string[n];
        var values = new float[n];
        var timestamps = ratings.HasTimestamps ? new long[n] : null;
        IdMap users = ratings.Catalog.Users, items = ratings.Catalog.Items;
        int k = 0;
        foreach (Rating rating in ratings)
        {
            userIds[k] = users[rating.User.Value];
            itemIds[k] = items[rating.Item.Value];
            values[k] = rating.Value;
            if (timestamps is not null)
            {
                timestamps[k] = rating.Timestamp ?? 0;
            }

            k++;
        }

        var columns = new List<DataFrameColumn>
        {
            new StringDataFrameColumn("UserId", userIds),
            new StringDataFrameColumn("ItemId", itemIds),
            new SingleDataFrameColumn("Rating", values),
        };
        if (timestamps is not null)
        {
            columns.Add(new Int64DataFrameColumn("Timestamp", timestamps));
        }

        return new DataFrame(columns);
    }

    /// <summary>
    /// Recommendations (of <c>Recommender.Recommend</c> and its siblings) as a DataFrame: columns <c>Rank</c>
    /// (1 for the best), <c>ItemId</c>, <c>Title</c>, <c>Genres</c> (joined with '|', as MovieLens writes them)
    /// and <c>Score</c> (float: what the model ranks by).
    /// </summary>
    /// <param name="recommendations">The recommendations, best first.</param>
    /// <returns>A new DataFrame.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="recommendations"/> is <see langword="null"/>.</exception>
    public static DataFrame ToDataFrame(this IReadOnlyList<Recommendation> recommendations)
    {
        ArgumentNullException.ThrowIfNull(recommendations);
        var table = new RecommendationTable(includeUser: false, recommendations.Count);
        table.Add(null, recommendations);
        return table.ToDataFrame();
    }

    /// <summary>
    /// Every user's recommendations (of <c>Recommender.RecommendAll</c>) as one DataFrame: columns
    /// <c>UserId</c>, then those of <see cref="ToDataFrame(IReadOnlyList{Recommendation})"/>; one row per user
    /// and rank, users in catalogue order (a user with fewer candidates than k has fewer rows).
    /// </summary>
    /// <param name="recommendations">The recommendations.</param>
    /// <returns>A new DataFrame.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="recommendations"/> is <see langword="null"/>.</exception>
    public static DataFrame ToDataFrame(this TopKRecommendations recommendations)
    {
        ArgumentNullException.ThrowIfNull(recommendations);
        long rows = 0;
        for (int user = 0; user < recommendations.UserCount; user++)
        {
            rows += recommendations.GetCount(new UserIndex(user));
        }

        var table = new RecommendationTable(includeUser: true, (int)Math.Min(rows, Array.MaxLength));
        for (int user = 0; user < recommendations.UserCount; user++)
        {
            table.Add(recommendations.Catalog.Users[user], recommendations.GetRecommendations(new UserIndex(user)));
        }

        return table.ToDataFrame();
    }

    private static long Timestamp(Func<long, double?> timestampOf, int row, string column)
    {
        double value = timestampOf(row) ?? throw DataFrameColumns.ValueError(DataFrameColumns.MissingValue("timestamp", column, row));
        if (value != Math.Floor(value) || value < long.MinValue || value >= long.MaxValue)
        {
            throw DataFrameColumns.ValueError(string.Create(CultureInfo.InvariantCulture, $"Row {row} of the timestamp column '{column}' holds {value}; expected a whole number of seconds since 1970-01-01 UTC."));
        }

        return (long)value;
    }

    /// <summary>The columns of a recommendations DataFrame, filled list by list.</summary>
    private sealed class RecommendationTable(bool includeUser, int capacity)
    {
        private readonly List<string>? _users = includeUser ? new(capacity) : null;
        private readonly List<int> _ranks = new(capacity);
        private readonly List<string> _items = new(capacity);
        private readonly List<string> _titles = new(capacity);
        private readonly List<string> _genres = new(capacity);
        private readonly List<float> _scores = new(capacity);

        public void Add(string? userId, IReadOnlyList<Recommendation> recommendations)
        {
            for (int r = 0; r < recommendations.Count; r++)
            {
                Recommendation recommendation = recommendations[r];
                _users?.Add(userId!);
                _ranks.Add(r + 1);
                _items.Add(recommendation.Id);
                _titles.Add(recommendation.Title);
                _genres.Add(string.Join('|', recommendation.Genres));
                _scores.Add(recommendation.Score);
            }
        }

        public DataFrame ToDataFrame()
        {
            var columns = new List<DataFrameColumn>(6);
            if (_users is not null)
            {
                columns.Add(new StringDataFrameColumn("UserId", _users));
            }

            columns.Add(new Int32DataFrameColumn("Rank", _ranks));
            columns.Add(new StringDataFrameColumn("ItemId", _items));
            columns.Add(new StringDataFrameColumn("Title", _titles));
            columns.Add(new StringDataFrameColumn("Genres", _genres));
            columns.Add(new SingleDataFrameColumn("Score", _scores));
            return new DataFrame(columns);
        }
    }
}
