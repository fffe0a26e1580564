using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using Parquet.Schema;

namespace CollaborativeFiltering.Scoring;

/// <summary>
/// Writes recommendations and factors as Apache Parquet files (Snappy-compressed, one row group),
/// for Spark, pandas, Polars, DuckDB and warehouses. Ids are strings, as in the model's catalogue;
/// factors are <c>array&lt;float&gt;</c> lists in Parquet's standard three-level layout, as Spark
/// writes them. Files are written atomically (temporary file, then move): a failed export never
/// leaves a partial file.
/// </summary>
public static class ParquetExport
{
    /// <summary>
    /// Writes top-k recommendations in long form: one row per (user, rank) with the columns
    /// <c>user</c> (string id), <c>rank</c> (int, 1 = best), <c>item</c> (string id) and <c>score</c>
    /// (float, the ranking score), users in index order, each user's items best first. Users with
    /// fewer than k recommendations have fewer rows.
    /// </summary>
    /// <param name="recommendations">The recommendations, e.g. from <see cref="Recommender.RecommendAll"/>.</param>
    /// <param name="path">The file to create or replace; its directory must exist.</param>
    /// <param name="cancellationToken">Checked before writing.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">Access to the file is denied.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void WriteRecommendations(TopKRecommendations recommendations, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recommendations);
        ArgumentException.ThrowIfNullOrEmpty(path);
        cancellationToken.ThrowIfCancellationRequested();
        Catalog catalog = recommendations.Catalog;
        int rows = 0;
        for (int u = 0; u < catalog.UserCount; u++)
        {
            rows += recommendations.GetCount(new UserIndex(u));
        }

        var users = new string[rows];
        var ranks = new int[rows];
        var items = new string[rows];
        var scores = new float[rows];
        int row = 0;
        for (int u = 0; u < catalog.UserCount; u++)
        {
            var user = new UserIndex(u);
            ReadOnlySpan<int> userItems = recommendations.GetItems(user);
            ReadOnlySpan<float> userScores = recommendations.GetScores(user);
            string id = catalog.Users[u];
            for (int k = 0; k < userItems.Length; k++, row++)
            {
                users[row] = id;
                ranks[row] = k + 1;
                items[row] = catalog.Items[userItems[k]];
                scores[row] = userScores[k];
            }
        }

        var userField = new DataField<string>("user", false);
        var rankField = new DataField<int>("rank", false);
        var itemField = new DataField<string>("item", false);
        var scoreField = new DataField<float>("score", false);
        var schema = new ParquetSchema(userField, rankField, itemField, scoreField);
        AtomicFile.Write(path, 0, (stream, _) => ParquetColumns.Run(() => ParquetColumns.WriteAsync(stream, schema, null, async group =>
        {
            await group.WriteAsync(userField, users, null).ConfigureAwait(false);
            await group.WriteAsync<int>(rankField, ranks, null, null, cancellationToken).ConfigureAwait(false);
            await group.WriteAsync(itemField, items, null).ConfigureAwait(false);
            await group.WriteAsync<float>(scoreField, scores, null, null, cancellationToken).ConfigureAwait(false);
        }, cancellationToken)));
    }

    /// <summary>
    /// Writes the user factors and the item factors as two Parquet files with the columns <c>id</c>
    /// (string), <c>features</c> (<c>array&lt;float&gt;</c> of d values) and, when the model has
    /// biases, <c>bias</c> (float); rows in index order. The user factors are each user's query
    /// embedding (<see cref="IEmbeddingModel.TryGetUserQuery"/>: the row of U for matrix
    /// factorization); users the model has no query for are left out. The global mean is not written.
    /// Both files are written to temporary files first and moved into place only when both are
    /// complete. For Spark's own model layout (integer ids) see <c>SparkAlsModel.Save</c>.
    /// </summary>
    /// <param name="model">The model to export.</param>
    /// <param name="userPath">The user-factor file to create or replace; its directory must exist.</param>
    /// <param name="itemPath">The item-factor file to create or replace; its directory must exist.</param>
    /// <param name="cancellationToken">Checked between the files.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A path is empty, or both paths name the same file.</exception>
    /// <exception cref="DirectoryNotFoundException">A directory does not exist.</exception>
    /// <exception cref="IOException">A file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">Access to a file is denied.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void WriteFactors(IEmbeddingModel model, string userPath, string itemPath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(userPath);
        ArgumentException.ThrowIfNullOrEmpty(itemPath);
        if (string.Equals(Path.GetFullPath(userPath), Path.GetFullPath(itemPath), StringComparison.Ordinal))
        {
            ThrowHelper.Argument(nameof(itemPath), $"The user and item factors must go to different files; both are '{itemPath}'.");
        }

        int d = model.Dimensions;
        Catalog catalog = model.Catalog;
        var userIds = new List<string>(catalog.UserCount);
        var userFactors = new List<float>(catalog.UserCount * d);
        var userBiases = new List<float>(model.UserBiases.IsEmpty ? 0 : catalog.UserCount);
        var query = new float[d];
        for (int u = 0; u < catalog.UserCount; u++)
        {
            if (model.TryGetUserQuery(new UserIndex(u), query))
            {
                userIds.Add(catalog.Users[u]);
                userFactors.AddRange(query);
                if (!model.UserBiases.IsEmpty)
                {
                    userBiases.Add(model.UserBiases[u]);
                }
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        using var files = new AtomicFile();
        var users = new FactorTable([.. userIds], [.. userFactors], model.UserBiases.IsEmpty ? null : [.. userBiases], d);
        files.Stage(userPath, users, (stream, table) => WriteFactorTable(stream, table, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        var items = new FactorTable([.. catalog.Items.Ids], model.ItemEmbeddings.ToArray(), model.ItemBiases.IsEmpty ? null : model.ItemBiases.ToArray(), d);
        files.Stage(itemPath, items, (stream, table) => WriteFactorTable(stream, table, cancellationToken));
        files.Commit();
    }

    private static void WriteFactorTable(Stream stream, FactorTable table, CancellationToken cancellationToken)
    {
        var idField = new DataField<string>("id", false);
        var element = new DataField<float>("element", false);
        var features = new ListField("features", element);
        var biasField = new DataField<float>("bias", false);
        ParquetSchema schema = table.Biases is null ? new(idField, features) : new(idField, features, biasField);
        ParquetColumns.Run(() => ParquetColumns.WriteAsync(stream, schema, null, async group =>
        {
            await group.WriteAsync(idField, table.Ids, null).ConfigureAwait(false);
            await ParquetColumns.WriteFloatListsAsync(group, element, table.Factors, table.Dimensions, cancellationToken).ConfigureAwait(false);
            if (table.Biases is not null)
            {
                await group.WriteAsync<float>(biasField, table.Biases, null, null, cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken));
    }

    private sealed record FactorTable(string[] Ids, float[] Factors, float[]? Biases, int Dimensions);
}
