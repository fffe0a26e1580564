using System.Globalization;
using System.Text;
using System.Text.Json;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using Parquet;
using Parquet.Schema;

namespace CollaborativeFiltering.Factorization;

/// <summary>
/// Reads and writes Apache Spark MLlib ALS models (<c>org.apache.spark.ml.recommendation.ALSModel</c>)
/// in the directory layout of <c>ALSModel.save</c>/<c>ALSModel.load</c>, so that a model trained on a
/// Spark cluster scores, recommends and explains here, and a model trained here serves from Spark.
/// The layout, as Spark 3.x and 4.0 write it (<c>ALS.scala</c>'s <c>ALSModelWriter</c> and
/// <c>ReadWrite.scala</c>'s <c>DefaultParamsWriter</c>): <c>metadata/</c> holds one text file
/// (<c>part-00000</c> in 3.x, <c>part-00000-&lt;uuid&gt;-c000.txt</c> in 4.0) whose first line is a
/// JSON object with <c>class</c>, <c>timestamp</c>, <c>sparkVersion</c>, <c>uid</c>, <c>paramMap</c>,
/// <c>defaultParamMap</c> and <c>rank</c>; <c>userFactors/</c> and <c>itemFactors/</c> are Parquet
/// datasets (one or more <c>part-*.parquet</c> files, a <c>_SUCCESS</c> marker, maybe <c>.crc</c>
/// files) with the columns <c>id: int</c> and <c>features: array&lt;float&gt;</c> of rank floats.
/// See docs/scale.md for the round trip with PySpark.
/// </summary>
public static class SparkAlsModel
{
    /// <summary>The class name Spark records in an ALS model's metadata.</summary>
    public const string ClassName = "org.apache.spark.ml.recommendation.ALSModel";

    /// <summary>The Spark version <see cref="Save"/> records: Spark's reader uses it only to know that the metadata has a <c>defaultParamMap</c> (2.4 and later).</summary>
    public const string WrittenSparkVersion = "3.5.0";

    private const int MaxMetadataBytes = 1 << 20;

    private const string SparkSchemaKey = "org.apache.spark.sql.parquet.row.metadata";

    private const string SparkFactorSchema = """{"type":"struct","fields":[{"name":"id","type":"integer","nullable":false,"metadata":{}},{"name":"features","type":{"type":"array","elementType":"float","containsNull":false},"nullable":true,"metadata":{}}]}""";

    /// <summary>
    /// Loads a model saved by Spark's <c>ALSModel.save</c> (or by <see cref="Save"/>) into a
    /// <see cref="FactorizationModel"/> without biases: user and item ids are the factor tables'
    /// integer ids as text (<c>42</c> → <c>"42"</c>), users and items in increasing id order, and
    /// predictions are the dot products, as Spark's <c>transform</c> computes them. Only users and
    /// items that have factors are in the catalogue (Spark keeps none for the others).
    /// </summary>
    /// <param name="directory">The model directory (the path given to <c>model.save</c>).</param>
    /// <param name="catalog">
    /// A catalogue to take titles, genres and user details from (e.g. <c>MovieLens.Load</c>'s), matched
    /// by id; ids it lacks get no metadata. <see langword="null"/> for none.
    /// </param>
    /// <param name="cancellationToken">Checked between files.</param>
    /// <returns>The model; its <see cref="FactorizationModel.Options"/> is <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or white space.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory, or one of its three sub-directories, does not exist.</exception>
    /// <exception cref="ModelFormatException">
    /// The metadata is missing, not JSON, of another class or without a rank in [1, <see cref="TrainerOptions.MaxDimensions"/>];
    /// a factor table has no part file, is not Parquet, lacks the <c>id</c> or <c>features</c> column,
    /// holds a null, a list of another length than the rank, a repeated id or a value that is not finite
    /// or too large; the message names the file.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static FactorizationModel Load(string directory, Catalog? catalog = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The Spark ALS model directory '{directory}' does not exist.");
        }

        int rank = ReadRank(Path.Combine(directory, "metadata"));
        cancellationToken.ThrowIfCancellationRequested();
        (int[] userIds, float[] userFactors) = ReadFactors(Path.Combine(directory, "userFactors"), rank, cancellationToken);
        (int[] itemIds, float[] itemFactors) = ReadFactors(Path.Combine(directory, "itemFactors"), rank, cancellationToken);
        Catalog joined = JoinCatalog(userIds, itemIds, catalog);
        try
        {
            return FactorizationModel.FromEmbeddings(joined, rank, userFactors, itemFactors);
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException(directory, -1, $"the factors cannot form a model: {e.Message}", e);
        }
    }

    /// <summary>
    /// Saves a model in Spark's ALS layout so that <c>ALSModel.load(directory)</c> (Spark 3.x and 4.0)
    /// reads it. Every user and item id must be the decimal text of a 32-bit integer (Spark's ALS ids
    /// are <c>int</c>). A model without biases is written as it is (rank d). A model with biases
    /// (<see cref="BiasedSgdFactorizer"/>, <see cref="AlsFactorizer"/> by default) is written with
    /// rank d + 2, the biases folded into two extra columns (user row <c>[U_u, μ + b_u, 1]</c>, item
    /// row <c>[V_i, 1, b_i]</c>), so that Spark's dot product equals this model's prediction before
    /// clamping to <see cref="FactorizationModel.PredictionRange"/> (Spark does not clamp). The
    /// directory is written whole under a temporary name next to it and then moved into place.
    /// </summary>
    /// <param name="model">The model to save.</param>
    /// <param name="directory">The model directory to create.</param>
    /// <param name="overwrite">Whether to replace an existing directory (as Spark's <c>write().overwrite()</c>); otherwise an existing one is an error.</param>
    /// <param name="cancellationToken">Checked between files; a cancelled save leaves nothing behind.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty, an id is not a 32-bit integer's decimal text, or d + 2 exceeds <see cref="TrainerOptions.MaxDimensions"/> for a model with biases.</exception>
    /// <exception cref="IOException">The directory exists and <paramref name="overwrite"/> is false, or a file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">Access is denied.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void Save(FactorizationModel model, string directory, bool overwrite = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        int[] userIds = ParseIds(model.Catalog.Users, "user", nameof(model));
        int[] itemIds = ParseIds(model.Catalog.Items, "item", nameof(model));
        (int rank, float[] users, float[] items) = SparkFactors(model);
        string full = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        if (Directory.Exists(full) && !overwrite)
        {
            throw new IOException($"The directory '{directory}' already exists; pass overwrite: true to replace it.");
        }

        string parent = Path.GetDirectoryName(full) ?? ThrowHelper.Argument<string>(nameof(directory), $"The path '{directory}' has no parent directory.");
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(staging);
            WriteMetadata(Path.Combine(staging, "metadata"), rank);
            cancellationToken.ThrowIfCancellationRequested();
            WriteFactors(Path.Combine(staging, "userFactors"), userIds, users, rank, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            WriteFactors(Path.Combine(staging, "itemFactors"), itemIds, items, rank, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            Replace(staging, full);
        }
        catch
        {
            TryDeleteDirectory(staging);
            throw;
        }
    }

    private static int ReadRank(string metadataDirectory)
    {
        if (!Directory.Exists(metadataDirectory))
        {
            throw new DirectoryNotFoundException($"The Spark ALS model has no metadata directory: '{metadataDirectory}' does not exist.");
        }

        string? line = null;
        string file = metadataDirectory;
        foreach (string candidate in DataFiles(metadataDirectory, extension: null))
        {
            file = candidate;
            line = FirstLine(candidate);
            if (!string.IsNullOrWhiteSpace(line))
            {
                break;
            }
        }

        if (string.IsNullOrWhiteSpace(line))
        {
            throw new ModelFormatException(metadataDirectory, -1, "expected a metadata file (part-00000…) holding the model's JSON metadata, found none");
        }

        try
        {
            using var json = JsonDocument.Parse(line);
            JsonElement root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ModelFormatException(file, 0, "expected a JSON object of metadata");
            }

            string? className = root.TryGetProperty("class", out JsonElement c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            if (!string.Equals(className, ClassName, StringComparison.Ordinal))
            {
                throw new ModelFormatException(file, 0, $"expected the class {ClassName}, found {(className is null ? "none" : $"'{className}'")}");
            }

            if (!root.TryGetProperty("rank", out JsonElement r) || r.ValueKind != JsonValueKind.Number || !r.TryGetInt32(out int rank) || rank < 1 || rank > TrainerOptions.MaxDimensions)
            {
                throw new ModelFormatException(file, 0, string.Create(CultureInfo.InvariantCulture, $"expected a rank in [1, {TrainerOptions.MaxDimensions}], found {(root.TryGetProperty("rank", out JsonElement found) ? found.GetRawText() : "none")}"));
            }

            return rank;
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(file, e.BytePositionInLine ?? 0, $"expected JSON metadata: {e.Message}", e);
        }
    }

    private static string? FirstLine(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var buffer = new byte[(int)Math.Min(stream.Length, MaxMetadataBytes)];
        stream.ReadExactly(buffer);
        int end = Array.IndexOf(buffer, (byte)'\n');
        if (end < 0 && stream.Length > MaxMetadataBytes)
        {
            throw new ModelFormatException(path, 0, string.Create(CultureInfo.InvariantCulture, $"expected a first line of JSON metadata under {MaxMetadataBytes:N0} bytes"));
        }

        return Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end).TrimEnd('\r');
    }

    /// <summary>A Hadoop-style dataset's data files: not hidden (<c>.</c>) nor markers (<c>_</c>), in ordinal order.</summary>
    private static List<string> DataFiles(string directory, string? extension)
    {
        var files = new List<string>();
        foreach (string path in Directory.EnumerateFiles(directory))
        {
            string name = Path.GetFileName(path);
            if (name.StartsWith('.') || name.StartsWith('_') || (extension is not null && !name.EndsWith(extension, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            files.Add(path);
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static (int[] Ids, float[] Factors) ReadFactors(string directory, int rank, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The Spark ALS model has no factor table: '{directory}' does not exist.");
        }

        List<string> parts = DataFiles(directory, ".parquet");
        if (parts.Count == 0)
        {
            throw new ModelFormatException(directory, -1, "expected one or more part-*.parquet files of factors, found none");
        }

        var ids = new List<int[]>();
        var factors = new List<float[]>();
        foreach (string part in parts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (int[] partIds, float[] partFactors) = ReadPart(part, rank, cancellationToken);
            ids.Add(partIds);
            factors.Add(partFactors);
        }

        int[] allIds = [.. ids.SelectMany(p => p)];
        var order = new int[allIds.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        int[] keys = (int[])allIds.Clone();
        Array.Sort(keys, order);
        float[] flat = [.. factors.SelectMany(p => p)];
        var sorted = new float[flat.Length];
        for (int i = 0; i < order.Length; i++)
        {
            if (i > 0 && keys[i] == keys[i - 1])
            {
                throw new ModelFormatException(directory, -1, string.Create(CultureInfo.InvariantCulture, $"expected each id once, found id {keys[i]} twice"));
            }

            flat.AsSpan(order[i] * rank, rank).CopyTo(sorted.AsSpan(i * rank, rank));
        }

        return (keys, sorted);
    }

    private static (int[] Ids, float[] Factors) ReadPart(string path, int rank, CancellationToken cancellationToken)
    {
        try
        {
            return ParquetColumns.Run(async () =>
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                ParquetReader reader;
                if (ParquetFooter.Problem(stream) is { } footer)
                {
                    throw new ModelFormatException(path, -1, $"expected a Parquet file: {footer}.");
                }

                try
                {
                    reader = await ParquetReader.CreateAsync(stream, null, leaveStreamOpen: true, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException or InvalidOperationException)
                {
                    throw new ModelFormatException(path, -1, $"expected a Parquet file: {e.Message}", e);
                }

                await using (reader.ConfigureAwait(false))
                {
                    if (ParquetColumns.FindField(reader.Schema, "id") is not DataField id)
                    {
                        throw new ModelFormatException(path, -1, "expected a column 'id' of integers");
                    }

                    DataField? element = ParquetColumns.FindField(reader.Schema, "features") is { } features
                        ? reader.Schema.GetDataFields().FirstOrDefault(f => f.Path.ToString().StartsWith("features/", StringComparison.Ordinal))
                        : null;
                    if (element is null)
                    {
                        throw new ModelFormatException(path, -1, "expected a column 'features' of type array<float>");
                    }

                    int rows = ParquetColumns.RowCount(reader, "factors");
                    long[] wide = await ParquetColumns.ReadInt64Async(reader, id, rows, cancellationToken).ConfigureAwait(false);
                    var ids = new int[rows];
                    for (int r = 0; r < rows; r++)
                    {
                        if (wide[r] is < int.MinValue or > int.MaxValue)
                        {
                            throw new ModelFormatException(path, -1, string.Create(CultureInfo.InvariantCulture, $"row {r + 1}: expected a 32-bit id, found {wide[r]}"));
                        }

                        ids[r] = (int)wide[r];
                    }

                    float[] factors = await ParquetColumns.ReadFloatListsAsync(reader, element, rows, rank, cancellationToken).ConfigureAwait(false);
                    return (ids, factors);
                }
            });
        }
        catch (ParquetDataException e)
        {
            throw new ModelFormatException(path, -1, (e.Row > 0 ? string.Create(CultureInfo.InvariantCulture, $"row {e.Row}, ") : "") + (e.Column is null ? e.Problem : $"column '{e.Column}': {e.Problem}"), e);
        }
        catch (Exception e) when (e is not (ModelFormatException or OperationCanceledException or OutOfMemoryException or FileNotFoundException or UnauthorizedAccessException))
        {
            // Parquet.Net reports damaged pages, Thrift headers and encodings with many exception types.
            throw new ModelFormatException(path, -1, $"the factor table cannot be read: {e.Message}", e);
        }
    }

    private static Catalog JoinCatalog(int[] userIds, int[] itemIds, Catalog? catalog)
    {
        var users = new IdMap(userIds.Select(id => id.ToString(CultureInfo.InvariantCulture)));
        var items = new IdMap(itemIds.Select(id => id.ToString(CultureInfo.InvariantCulture)));
        if (catalog is null)
        {
            return new Catalog(users, items);
        }

        List<UserInfo>? userInfos = null;
        if (catalog.UserInfos.Count > 0)
        {
            userInfos = new List<UserInfo>(users.Count);
            foreach (string id in users.Ids)
            {
                userInfos.Add(catalog.Users.TryGetIndex(id, out int u) ? catalog.UserInfos[u] : new UserInfo(id));
            }
        }

        List<ItemInfo>? itemInfos = null;
        if (catalog.ItemInfos.Count > 0)
        {
            itemInfos = new List<ItemInfo>(items.Count);
            foreach (string id in items.Ids)
            {
                itemInfos.Add(catalog.Items.TryGetIndex(id, out int i) ? catalog.ItemInfos[i] : new ItemInfo(id, id, null, null, []));
            }
        }

        return new Catalog(users, items, userInfos, itemInfos, catalog.Genres.Count > 0 ? catalog.Genres : null);
    }

    private static int[] ParseIds(IdMap ids, string what, string paramName)
    {
        var result = new int[ids.Count];
        for (int k = 0; k < result.Length; k++)
        {
            string id = ids[k];
            if (!int.TryParse(id, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
                || !string.Equals(value.ToString(CultureInfo.InvariantCulture), id, StringComparison.Ordinal))
            {
                ThrowHelper.Argument(paramName, $"Spark's ALS ids are 32-bit integers; the {what} id '{id}' is not one's decimal text.");
            }

            result[k] = value;
        }

        return result;
    }

    private static (int Rank, float[] Users, float[] Items) SparkFactors(FactorizationModel model)
    {
        int d = model.Dimensions;
        if (!model.HasBiases)
        {
            return (d, model.UserEmbeddings.ToArray(), model.ItemEmbeddings.ToArray());
        }

        int rank = d + 2;
        if (rank > TrainerOptions.MaxDimensions)
        {
            ThrowHelper.Argument(nameof(model), string.Create(CultureInfo.InvariantCulture, $"A model with biases is saved with rank d + 2 = {rank}, more than {TrainerOptions.MaxDimensions}."));
        }

        var users = new float[model.UserCount * rank];
        var items = new float[model.ItemCount * rank];
        for (int u = 0; u < model.UserCount; u++)
        {
            model.UserEmbeddings.Slice(u * d, d).CopyTo(users.AsSpan(u * rank, d));
            users[(u * rank) + d] = model.GlobalMean + model.UserBiases[u];
            users[(u * rank) + d + 1] = 1;
        }

        for (int i = 0; i < model.ItemCount; i++)
        {
            model.ItemEmbeddings.Slice(i * d, d).CopyTo(items.AsSpan(i * rank, d));
            items[(i * rank) + d] = 1;
            items[(i * rank) + d + 1] = model.ItemBiases[i];
        }

        return (rank, users, items);
    }

    private static void WriteMetadata(string directory, int rank)
    {
        Directory.CreateDirectory(directory);
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("class", ClassName);
            json.WriteNumber("timestamp", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            json.WriteString("sparkVersion", WrittenSparkVersion);
            json.WriteString("uid", "ALSModel_" + Guid.NewGuid().ToString("N")[^12..]);
            json.WriteStartObject("paramMap");
            json.WriteEndObject();
            json.WriteStartObject("defaultParamMap");
            json.WriteNumber("blockSize", 4096);
            json.WriteString("coldStartStrategy", "nan");
            json.WriteString("itemCol", "item");
            json.WriteString("predictionCol", "prediction");
            json.WriteString("userCol", "user");
            json.WriteEndObject();
            json.WriteNumber("rank", rank);
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        File.WriteAllBytes(Path.Combine(directory, "part-00000"), buffer.ToArray());
        File.WriteAllBytes(Path.Combine(directory, "_SUCCESS"), []);
    }

    private static void WriteFactors(string directory, int[] ids, float[] factors, int rank, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var id = new DataField<int>("id", false);
        var element = new DataField<float>("element", false);
        var schema = new ParquetSchema(id, new ListField("features", element));
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [SparkSchemaKey] = SparkFactorSchema };
        string path = Path.Combine(directory, $"part-00000-{Guid.NewGuid()}-c000.snappy.parquet");
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            ParquetColumns.Run(() => ParquetColumns.WriteAsync(stream, schema, metadata, async group =>
            {
                await group.WriteAsync<int>(id, ids, null, null, cancellationToken).ConfigureAwait(false);
                await ParquetColumns.WriteFloatListsAsync(group, element, factors, rank, cancellationToken).ConfigureAwait(false);
            }, cancellationToken));
            stream.Flush(flushToDisk: true);
        }

        File.WriteAllBytes(Path.Combine(directory, "_SUCCESS"), []);
    }

    private static void Replace(string staging, string destination)
    {
        if (!Directory.Exists(destination))
        {
            Directory.Move(staging, destination);
            return;
        }

        string old = staging + ".old";
        Directory.Move(destination, old);
        try
        {
            Directory.Move(staging, destination);
        }
        catch
        {
            Directory.Move(old, destination);
            throw;
        }

        TryDeleteDirectory(old);
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
