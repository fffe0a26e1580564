using System.Buffers;
using System.Globalization;
using System.Text;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Scoring;

/// <summary>
/// Writes embeddings for other tools: the TensorBoard Embedding Projector's
/// <c>vectors.tsv</c>/<c>metadata.tsv</c> pair (https://projector.tensorflow.org, "Load"), and
/// user/item factor tables as CSV. Text is UTF-8 without a byte-order mark, lines end with
/// <c>\n</c>, and floats are written in the invariant culture's shortest round-trip form
/// (<c>"R"</c>), so parsing a value gives back the same float. Files are written atomically
/// (temporary file, then move): a failed export never leaves a partial file.
/// </summary>
public static class EmbeddingExport
{
    private const int BufferSize = 1 << 16;
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);
    private static readonly SearchValues<char> Separators = SearchValues.Create("\t\r\n");
    private static readonly SearchValues<char> CsvSpecials = SearchValues.Create(",\"\r\n");

    /// <summary>
    /// Writes <c>vectors.tsv</c> (one line per item in item-index order: d tab-separated floats)
    /// and <c>metadata.tsv</c> (a header line <c>title\tgenres\trating_count</c>, then one line per
    /// item: its title, its genres joined with <c>|</c>, and its number of ratings) into
    /// <paramref name="directory"/>, for the TensorBoard Embedding Projector. The directory is
    /// created when missing; existing files are replaced as a set (both written to temporary files,
    /// then moved into place), so a failure leaves both new files or both old ones.
    /// </summary>
    /// <param name="model">The model whose item embeddings are exported.</param>
    /// <param name="directory">The output directory.</param>
    /// <param name="ratings">Ratings over the model's catalogue, counted per item for the <c>rating_count</c> column; <see langword="null"/> writes 0.</param>
    /// <param name="cancellationToken">Checked every 256 rows.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="directory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty, <paramref name="ratings"/> belongs to another catalogue, or the model's item embeddings do not have M·d values.</exception>
    /// <exception cref="IOException">A file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">Access to the directory is denied.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; no file is created or replaced.</exception>
    public static void WriteProjectorFiles(IEmbeddingModel model, string directory, RatingsDataset? ratings = null, CancellationToken cancellationToken = default)
    {
        CheckModel(model);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        CheckRatings(model, ratings);
        Directory.CreateDirectory(directory);
        using var files = new AtomicFile();
        files.Stage(Path.Combine(directory, "vectors.tsv"), (Model: model, Token: cancellationToken), static (stream, s) => WriteProjectorVectors(s.Model, stream, s.Token));
        files.Stage(Path.Combine(directory, "metadata.tsv"), (Model: model, Ratings: ratings, Token: cancellationToken), static (stream, s) => WriteProjectorMetadata(s.Model, stream, s.Ratings, s.Token));
        files.Commit();
    }

    /// <summary>
    /// Writes the Projector's vectors file: one line per item in item-index order, d tab-separated
    /// floats in round-trip invariant form, e.g. <c>0.5\t-1.25</c>. The stream is left open.
    /// </summary>
    /// <param name="model">The model whose item embeddings are exported.</param>
    /// <param name="destination">A writable stream.</param>
    /// <param name="cancellationToken">Checked every 256 rows.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not writable, or the model's item embeddings do not have M·d values.</exception>
    /// <exception cref="IOException">Writing fails.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the stream holds a partial write.</exception>
    public static void WriteProjectorVectors(IEmbeddingModel model, Stream destination, CancellationToken cancellationToken = default)
    {
        CheckModel(model);
        CheckDestination(destination);
        using var writer = CreateWriter(destination);
        int d = model.Dimensions;
        ReadOnlySpan<float> embeddings = model.ItemEmbeddings;
        Span<char> buffer = stackalloc char[32];
        for (int item = 0; item < model.Catalog.ItemCount; item++)
        {
            ThrowIfCancelledEvery(item, cancellationToken);
            WriteFloats(writer, embeddings.Slice(item * d, d), '\t', buffer, leadingSeparator: false);
            writer.Write('\n');
        }
    }

    /// <summary>
    /// Writes the Projector's metadata file: the header <c>title\tgenres\trating_count</c>, then one
    /// line per item in item-index order: the title (the id when the catalogue has no metadata),
    /// the genres joined with <c>|</c> (empty when unknown) and the item's rating count. Tabs and
    /// line breaks inside titles and genres are replaced by spaces so every item stays on one line.
    /// The stream is left open.
    /// </summary>
    /// <param name="model">The model whose catalogue is described.</param>
    /// <param name="destination">A writable stream.</param>
    /// <param name="ratings">Ratings over the model's catalogue to count per item; <see langword="null"/> writes 0.</param>
    /// <param name="cancellationToken">Checked every 256 rows.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="destination"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not writable, or <paramref name="ratings"/> belongs to another catalogue.</exception>
    /// <exception cref="IOException">Writing fails.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the stream holds a partial write.</exception>
    public static void WriteProjectorMetadata(IEmbeddingModel model, Stream destination, RatingsDataset? ratings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckDestination(destination);
        CheckRatings(model, ratings);
        Catalog catalog = model.Catalog;
        using var writer = CreateWriter(destination);
        writer.Write("title\tgenres\trating_count\n");
        Span<char> buffer = stackalloc char[16];
        for (int item = 0; item < catalog.ItemCount; item++)
        {
            ThrowIfCancelledEvery(item, cancellationToken);
            WriteSanitized(writer, catalog.TitleOf(item));
            writer.Write('\t');
            if (catalog.ItemInfos.Count > 0 && catalog.ItemInfos[item].Genres is { } genres)
            {
                for (int g = 0; g < genres.Count; g++)
                {
                    if (g > 0)
                    {
                        writer.Write('|');
                    }

                    WriteSanitized(writer, genres[g]);
                }
            }

            writer.Write('\t');
            int count = ratings is null ? 0 : ratings.ByItem.GetRowLength(item);
            count.TryFormat(buffer, out int written, provider: CultureInfo.InvariantCulture);
            writer.Write(buffer[..written]);
            writer.Write('\n');
        }
    }

    /// <summary>
    /// Writes the user factors and the item factors as two CSV files (see
    /// <see cref="WriteUserFactorsCsv"/> and <see cref="WriteItemFactorsCsv"/>), as one set: both are
    /// written to temporary files first and moved into place only when both are complete, so a failure
    /// leaves either both new files or both old ones.
    /// </summary>
    /// <param name="model">The model to export: its user queries (for matrix factorization, U) and item embeddings (V).</param>
    /// <param name="userPath">The user-factor file to create or replace; its directory must exist.</param>
    /// <param name="itemPath">The item-factor file to create or replace; its directory must exist.</param>
    /// <param name="cancellationToken">Checked every 256 rows.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A path is empty, or both paths name the same file.</exception>
    /// <exception cref="DirectoryNotFoundException">A directory does not exist.</exception>
    /// <exception cref="IOException">A file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">Access to a file is denied.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; no file is created or replaced.</exception>
    public static void WriteFactorsCsv(IEmbeddingModel model, string userPath, string itemPath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(userPath);
        ArgumentException.ThrowIfNullOrEmpty(itemPath);
        if (string.Equals(Path.GetFullPath(userPath), Path.GetFullPath(itemPath), StringComparison.Ordinal))
        {
            ThrowHelper.Argument(nameof(itemPath), $"The user and item factors cannot both be written to '{itemPath}'.");
        }

        using var files = new AtomicFile();
        files.Stage(userPath, (Model: model, Token: cancellationToken), static (stream, s) => WriteUserFactorsCsv(s.Model, stream, s.Token));
        files.Stage(itemPath, (Model: model, Token: cancellationToken), static (stream, s) => WriteItemFactorsCsv(s.Model, stream, s.Token));
        files.Commit();
    }

    /// <summary>
    /// Writes the user factors as CSV: the header <c>id,f0,f1,…,f{d-1}</c> (plus <c>,bias</c> when the
    /// model has user biases, <see cref="IEmbeddingModel.UserBiases"/>), then one line per user in index order:
    /// the user's id (quoted per RFC 4180 when it holds a comma, quote or line break), its d factors
    /// and its bias. The factors are the user's query embedding
    /// (<see cref="IEmbeddingModel.TryGetUserQuery"/>): the row of U for matrix factorization, the
    /// network's output for the user's training items for the softmax model; users the model has no
    /// query for are left out. The global mean is not written (see
    /// <see cref="IEmbeddingModel.GlobalMean"/>). The stream is left open.
    /// </summary>
    /// <param name="model">The model to export.</param>
    /// <param name="destination">A writable stream.</param>
    /// <param name="cancellationToken">Checked every 256 rows.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not writable.</exception>
    /// <exception cref="IOException">Writing fails.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the stream holds a partial write.</exception>
    public static void WriteUserFactorsCsv(IEmbeddingModel model, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckDestination(destination);
        ReadOnlySpan<float> biases = model.UserBiases;
        using var writer = CreateWriter(destination);
        Span<char> buffer = stackalloc char[32];
        int d = model.Dimensions;
        WriteCsvHeader(writer, d, !biases.IsEmpty, buffer);
        var query = new float[d];
        IdMap users = model.Catalog.Users;
        for (int row = 0; row < users.Count; row++)
        {
            ThrowIfCancelledEvery(row, cancellationToken);
            if (model.TryGetUserQuery(new UserIndex(row), query))
            {
                WriteCsvRow(writer, users[row], query, biases.IsEmpty ? default : biases.Slice(row, 1), buffer);
            }
        }
    }

    /// <summary>
    /// Writes the item embeddings V as CSV: the header <c>id,f0,f1,…,f{d-1}</c> (plus <c>,bias</c> when
    /// the model has item biases), then one line per item in index order: the item's id (quoted per
    /// RFC 4180 when it holds a comma, quote or line break), its d factors and its bias. The stream is
    /// left open.
    /// </summary>
    /// <param name="model">The model to export.</param>
    /// <param name="destination">A writable stream.</param>
    /// <param name="cancellationToken">Checked every 256 rows.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not writable.</exception>
    /// <exception cref="IOException">Writing fails.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the stream holds a partial write.</exception>
    public static void WriteItemFactorsCsv(IEmbeddingModel model, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckDestination(destination);
        ReadOnlySpan<float> factors = model.ItemEmbeddings, biases = model.ItemBiases;
        using var writer = CreateWriter(destination);
        Span<char> buffer = stackalloc char[32];
        int d = model.Dimensions;
        WriteCsvHeader(writer, d, !biases.IsEmpty, buffer);
        IdMap items = model.Catalog.Items;
        for (int row = 0; row < items.Count; row++)
        {
            ThrowIfCancelledEvery(row, cancellationToken);
            WriteCsvRow(writer, items[row], factors.Slice(row * d, d), biases.IsEmpty ? default : biases.Slice(row, 1), buffer);
        }
    }

    /// <summary>Looks at the token every 256 rows (a row of 64 factors takes about a microsecond to format).</summary>
    private static void ThrowIfCancelledEvery(int row, CancellationToken cancellationToken)
    {
        if ((row & 255) == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static void WriteCsvHeader(StreamWriter writer, int d, bool bias, Span<char> buffer)
    {
        writer.Write("id");
        for (int f = 0; f < d; f++)
        {
            writer.Write(",f");
            f.TryFormat(buffer, out int written, provider: CultureInfo.InvariantCulture);
            writer.Write(buffer[..written]);
        }

        writer.Write(bias ? ",bias\n" : "\n");
    }

    private static void WriteCsvRow(StreamWriter writer, string id, ReadOnlySpan<float> factors, ReadOnlySpan<float> bias, Span<char> buffer)
    {
        WriteCsvField(writer, id);
        WriteFloats(writer, factors, ',', buffer, leadingSeparator: true);
        WriteFloats(writer, bias, ',', buffer, leadingSeparator: true);
        writer.Write('\n');
    }

    private static void WriteFloats(StreamWriter writer, ReadOnlySpan<float> values, char separator, Span<char> buffer, bool leadingSeparator)
    {
        for (int k = 0; k < values.Length; k++)
        {
            if (leadingSeparator || k > 0)
            {
                writer.Write(separator);
            }

            values[k].TryFormat(buffer, out int written, "R", CultureInfo.InvariantCulture);
            writer.Write(buffer[..written]);
        }
    }

    private static void WriteSanitized(StreamWriter writer, string? text)
    {
        ReadOnlySpan<char> rest = text;
        int index;
        while ((index = rest.IndexOfAny(Separators)) >= 0)
        {
            writer.Write(rest[..index]);
            writer.Write(' ');
            rest = rest[(index + 1)..];
        }

        writer.Write(rest);
    }

    private static void WriteCsvField(StreamWriter writer, string value)
    {
        if (!value.AsSpan().ContainsAny(CsvSpecials))
        {
            writer.Write(value);
            return;
        }

        writer.Write('"');
        writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        writer.Write('"');
    }

    private static StreamWriter CreateWriter(Stream destination) => new(destination, Utf8NoBom, BufferSize, leaveOpen: true);

    private static void CheckModel(IEmbeddingModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        long expected = (long)model.Catalog.ItemCount * model.Dimensions;
        if (model.ItemEmbeddings.Length != expected)
        {
            ThrowHelper.Argument(nameof(model), string.Create(CultureInfo.InvariantCulture,
                $"The model's item embeddings have {model.ItemEmbeddings.Length} values; expected M·d = {model.Catalog.ItemCount}·{model.Dimensions} = {expected}."));
        }
    }

    private static void CheckDestination(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.CanWrite)
        {
            ThrowHelper.Argument(nameof(destination), "The destination stream is not writable.");
        }
    }

    private static void CheckRatings(IEmbeddingModel model, RatingsDataset? ratings)
    {
        if (ratings is not null && !model.Catalog.IsCompatibleWith(ratings.Catalog))
        {
            ThrowHelper.Argument(nameof(ratings), "The ratings belong to another catalogue than the model's (different user or item ids); rating counts would be attributed to the wrong items.");
        }
    }
}
