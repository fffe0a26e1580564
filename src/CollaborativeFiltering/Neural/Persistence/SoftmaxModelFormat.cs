using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Persistence;

namespace CollaborativeFiltering.Neural.Persistence;

/// <summary>
/// The binary softmax-model file, version 2, built like the matrix-factorization model file (same
/// catalogue section, same CRC-32C, same checks). All integers and floats are little-endian.
/// <code>
/// offset   size  field
///  0       8     magic "CFSOFTMX"
///  8       2     format version (uint16) = 2 (1 for files written before the rating scale was kept)
/// 10       2     flags (uint16): 1 = item biases, 2 = training rating scale (version 2 only)
/// 12       4     d (int32, > 0)
/// 16       4     N users
/// 20       4     M items
/// 24       4     e_item, width of the input item embeddings (> 0)
/// 28       4     G genre rows (0 without genres)
/// 32       4     e_genre (0 without genres)
/// 36       4     Y year-bucket rows (0 without years)
/// 40       4     e_year (0 without years)
/// 44       4     first release year of bucket 0
/// 48       4     years per bucket (> 0)
/// 52       4     L hidden layers (0..64)
/// 56       4     options section length in bytes
/// 60       4     catalogue section length in bytes
/// 64       4     user-item count (the training items kept as the users' inputs)
/// 68       4·L   the hidden layers' widths
/// 68+4L    4     CRC-32C of the header bytes before it (so sizes are trusted before anything is allocated)
///                options: the SoftmaxOptions as UTF-8 JSON
///                catalogue (see <see cref="CatalogCodec.Encode"/>)
///                user offsets: N+1 int32; user items: int32 each, ascending per user
///                E_item: M·e_item float32; E_genre: G·e_genre; E_year: Y·e_year
///                for each dense layer l = 0..L: W_l (outputs·inputs, row-major), c_l (outputs)
///                V: M·d float32, row-major; when flag 1, b: M float32
///                when flag 2: the training ratings' min and max, float32 each (finite, min ≤ max)
/// end-4    4     CRC-32C of every byte before it
/// </code>
/// Nothing is parsed before the final checksum matches; then the options, catalogue, user lists and
/// every float are validated, and the item features derived from the catalogue must match the
/// header's table sizes.
/// </summary>
internal static class SoftmaxModelFormat
{
    public const ushort CurrentVersion = 2;
    public const int FixedHeaderSize = 68;
    public const int ChecksumSize = ChecksummedModelReader.ChecksumSize;

    public const int VersionOffset = 8;
    public const int FlagsOffset = 10;
    public const int HiddenCountOffset = 52;

    public const ushort FlagItemBiases = 1;

    /// <summary>The training ratings' range follows the item biases (version 2 on).</summary>
    public const ushort FlagRatingScale = 2;

    private const ushort KnownFlags = FlagItemBiases | FlagRatingScale;

    /// <summary>"CFSOFTMX".</summary>
    public static ReadOnlySpan<byte> Magic => ModelFileMagic.Softmax;

    // ---------------------------------------------------------------- writing

    public static void Write(Stream stream, SoftmaxModel model)
    {
        SoftmaxNetwork net = model.Network;
        byte[] options = JsonSerializer.SerializeToUtf8Bytes(model.Options, SoftmaxOptionsJsonContext.Default.SoftmaxOptions);
        byte[] catalog = CatalogCodec.Encode(model.Catalog);
        int hidden = net.HiddenSizes.Length;
        int headerSize = FixedHeaderSize + (4 * hidden);
        Span<byte> header = stackalloc byte[headerSize + ChecksumSize];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[VersionOffset..], CurrentVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[FlagsOffset..], (ushort)((model.HasItemBiases ? FlagItemBiases : 0) | (model.RatingScale is null ? 0 : FlagRatingScale)));
        ReadOnlySpan<int> fields =
        [
            net.Dimensions, model.UserCount, model.ItemCount, net.ItemDimensions, net.GenreCount, net.GenreDimensions, net.YearCount, net.YearDimensions,
            net.YearCount > 0 ? net.Features.FirstYear : 0, net.Features.BucketWidth, hidden, options.Length, catalog.Length, model.UserItemArray.Length,
        ];
        for (int i = 0; i < fields.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(header[(12 + (4 * i))..], fields[i]);
        }

        for (int l = 0; l < hidden; l++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(header[(FixedHeaderSize + (4 * l))..], net.HiddenSizes[l]);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(header[headerSize..], Crc32C.Compute(header[..headerSize]));

        var writer = new ChecksummedModelWriter(stream);
        writer.WriteBytes(header);
        writer.WriteBytes(options);
        writer.WriteBytes(catalog);
        writer.WriteValues<int>(model.UserOffsetArray);
        writer.WriteValues<int>(model.UserItemArray);
        writer.WriteValues<float>(net.ItemInput);
        writer.WriteValues<float>(net.GenreInput);
        writer.WriteValues<float>(net.YearInput);
        for (int l = 0; l < net.LayerCount; l++)
        {
            writer.WriteValues<float>(net.Weights[l]);
            writer.WriteValues<float>(net.Biases[l]);
        }

        writer.WriteValues<float>(model.ItemEmbeddingArray);
        if (model.ItemBiasArray is { } biases)
        {
            writer.WriteValues<float>(biases);
        }

        if (model.RatingScale is { } scale)
        {
            writer.WriteValues<float>([scale.Min, scale.Max]);
        }

        writer.WriteChecksum();
    }

    // ---------------------------------------------------------------- reading

    /// <summary>Reads a model, validating everything before returning it.</summary>
    /// <param name="stream">Positioned at the model's first byte; left after its checksum.</param>
    /// <param name="source">The path or stream description for messages.</param>
    /// <param name="requireEnd">Whether bytes after the checksum are an error (whole files).</param>
    public static SoftmaxModel Read(Stream stream, string source, bool requireEnd)
    {
        var reader = new ChecksummedModelReader(stream, source);
        Header header = ReadHeader(stream, reader);
        Layout layout = header.Layout();
        reader.CheckLength(layout.Total, requireEnd, layout.SectionAt);

        byte[] optionsBytes = reader.ReadBytes(header.OptionsLength, "options section");
        byte[] catalogBytes = reader.ReadBytes(header.CatalogLength, "catalogue section");
        int[] userOffsets = reader.ReadValues<int>(header.UserCount + 1L, "user offsets");
        int[] userItems = reader.ReadValues<int>(header.UserItemCount, "user items");
        float[] itemInput = reader.ReadValues<float>((long)header.ItemCount * header.ItemDimensions, "item input embeddings");
        float[] genreInput = reader.ReadValues<float>((long)header.GenreCount * header.GenreDimensions, "genre embeddings");
        float[] yearInput = reader.ReadValues<float>((long)header.YearCount * header.YearDimensions, "year embeddings");
        int layers = header.Hidden.Length + 1;
        var weights = new float[layers][];
        var biases = new float[layers][];
        for (int l = 0; l < layers; l++)
        {
            weights[l] = reader.ReadValues<float>((long)header.LayerOutputs(l) * header.LayerInputs(l), "dense layer weights");
            biases[l] = reader.ReadValues<float>(header.LayerOutputs(l), "dense layer biases");
        }

        float[] itemEmbeddings = reader.ReadValues<float>((long)header.ItemCount * header.Dimensions, "item embeddings");
        float[]? itemBiases = header.HasItemBiases ? reader.ReadValues<float>(header.ItemCount, "item biases") : null;
        float[]? scaleValues = header.HasRatingScale ? reader.ReadValues<float>(2, "rating scale") : null;
        reader.ReadAndVerifyChecksum();

        // Everything below parses bytes whose checksum matched.
        SoftmaxOptions options = DecodeOptions(optionsBytes, header, reader, layout.Options);
        Catalog catalog = CatalogCodec.Decode(catalogBytes, header.UserCount, header.ItemCount, source, layout.Catalog);
        var features = SoftmaxFeatures.Create(catalog, header.BucketWidth);
        if ((header.GenreCount > 0 && features.GenreCount != header.GenreCount)
            || (header.YearCount > 0 && (features.YearBucketCount != header.YearCount || features.FirstYear != header.FirstYear)))
        {
            throw reader.Error(layout.Catalog, string.Create(CultureInfo.InvariantCulture,
                $"the catalogue's items give {features.GenreCount} genres and {features.YearBucketCount} year buckets from {features.FirstYear}, but the header describes {header.GenreCount} genres and {header.YearCount} year buckets from {header.FirstYear}."));
        }

        CheckUserItems(userOffsets, userItems, header, reader, layout);
        long offset = layout.Floats;
        offset = reader.RequireFinite(itemInput, "item input embeddings", offset);
        offset = reader.RequireFinite(genreInput, "genre embeddings", offset);
        offset = reader.RequireFinite(yearInput, "year embeddings", offset);
        for (int l = 0; l < layers; l++)
        {
            offset = reader.RequireFinite(weights[l], "dense layer weights", offset);
            offset = reader.RequireFinite(biases[l], "dense layer biases", offset);
        }

        offset = reader.RequireFinite(itemEmbeddings, "item embeddings", offset);
        if (itemBiases is not null)
        {
            reader.RequireFinite(itemBiases, "item biases", offset);
        }

        RatingRange? ratingScale = scaleValues is null ? null : DecodeScale(scaleValues, reader, layout.Scale);

        var network = new SoftmaxNetwork(features, header.ItemCount, header.ItemDimensions, header.GenreCount, header.GenreDimensions, header.YearCount, header.YearDimensions,
            header.Hidden, header.Dimensions, itemInput, genreInput, yearInput, weights, biases);
        if ((network.ScaleProblem() ?? EmbeddingLimits.RowNormProblem(itemEmbeddings, header.Dimensions, "the output embedding of item")
            ?? EmbeddingLimits.BiasProblem(itemBiases, "the bias of item")) is { } scale)
        {
            throw reader.Error(layout.Floats, $"{scale}.");
        }

        return new SoftmaxModel(catalog, options, network, itemEmbeddings, itemBiases, userOffsets, userItems, ratingScale);
    }

    private static RatingRange DecodeScale(float[] values, ChecksummedModelReader reader, long offset)
    {
        float min = values[0], max = values[1];
        if (!float.IsFinite(min))
        {
            throw reader.Error(offset, string.Create(CultureInfo.InvariantCulture, $"the rating scale's minimum is {min}; expected a finite number."));
        }

        if (!float.IsFinite(max) || max < min)
        {
            throw reader.Error(offset + 4, string.Create(CultureInfo.InvariantCulture, $"the rating scale's maximum is {max}; expected a finite number at least the minimum {min}."));
        }

        return new RatingRange(min, max);
    }

    private static SoftmaxOptions DecodeOptions(byte[] bytes, Header header, ChecksummedModelReader reader, long offset)
    {
        SoftmaxOptions? options;
        try
        {
            options = (SoftmaxOptions?)OptionsJson.Deserialize(bytes, SoftmaxOptionsJsonContext.Default.SoftmaxOptions, new SoftmaxOptions());
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw reader.Error(offset, $"the options cannot be read: {e.Message}", e);
        }

        if (options is null)
        {
            throw reader.Error(offset, "the options are null.");
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw reader.Error(offset, $"the saved options are invalid: {e.Message}", e);
        }

        bool sameLayers = options.HiddenLayerSizes.Count == header.Hidden.Length;
        for (int l = 0; sameLayers && l < header.Hidden.Length; l++)
        {
            sameLayers = options.HiddenLayerSizes[l] == header.Hidden[l];
        }

        bool consistent = sameLayers && options.Dimensions == header.Dimensions && options.ItemEmbeddingDimensions == header.ItemDimensions
            && options.UseGenres == (header.GenreDimensions > 0) && (!options.UseGenres || options.GenreEmbeddingDimensions == header.GenreDimensions)
            && options.UseReleaseYears == (header.YearDimensions > 0) && (!options.UseReleaseYears || options.YearEmbeddingDimensions == header.YearDimensions)
            && options.YearBucketWidth == header.BucketWidth && options.UseItemBiases == header.HasItemBiases;
        if (!consistent)
        {
            throw reader.Error(offset, "the saved options do not describe the network in the header (layer widths, embedding widths, features or item biases differ).");
        }

        return options;
    }

    private static void CheckUserItems(int[] offsets, int[] items, Header header, ChecksummedModelReader reader, Layout layout)
    {
        if (offsets[0] != 0 || offsets[^1] != items.Length)
        {
            throw reader.Error(layout.UserOffsets, string.Create(CultureInfo.InvariantCulture,
                $"the user offsets run from {offsets[0]} to {offsets[^1]}; expected 0 to {items.Length}."));
        }

        for (int u = 0; u < header.UserCount; u++)
        {
            int start = offsets[u], end = offsets[u + 1];
            if (end < start)
            {
                throw reader.Error(layout.UserOffsets + (4L * (u + 1)), string.Create(CultureInfo.InvariantCulture, $"the user offsets decrease at user {u}."));
            }

            for (int p = start; p < end; p++)
            {
                int item = items[p];
                if ((uint)item >= (uint)header.ItemCount || (p > start && item <= items[p - 1]))
                {
                    throw reader.Error(layout.UserItems + (4L * p), string.Create(CultureInfo.InvariantCulture,
                        $"user {u}'s item {item} is outside [0, {header.ItemCount}) or not in ascending order."));
                }
            }
        }
    }

    /// <summary>The validated header.</summary>
    private sealed record Header(ushort Version, ushort Flags, int Dimensions, int UserCount, int ItemCount, int ItemDimensions, int GenreCount, int GenreDimensions,
        int YearCount, int YearDimensions, int FirstYear, int BucketWidth, int[] Hidden, int OptionsLength, int CatalogLength, int UserItemCount)
    {
        public bool HasItemBiases => (Flags & FlagItemBiases) != 0;

        public bool HasRatingScale => (Flags & FlagRatingScale) != 0;

        public int Size => FixedHeaderSize + (4 * Hidden.Length) + ChecksumSize;

        public int LayerInputs(int layer) => layer == 0 ? ItemDimensions + GenreDimensions + YearDimensions : Hidden[layer - 1];

        public int LayerOutputs(int layer) => layer == Hidden.Length ? Dimensions : Hidden[layer];

        public Layout Layout()
        {
            long options = Size;
            long catalog = options + OptionsLength;
            long userOffsets = catalog + CatalogLength;
            long userItems = userOffsets + (4L * (UserCount + 1L));
            long floats = userItems + (4L * UserItemCount);
            long count = ((long)ItemCount * ItemDimensions) + ((long)GenreCount * GenreDimensions) + ((long)YearCount * YearDimensions);
            for (int l = 0; l <= Hidden.Length; l++)
            {
                count += ((long)LayerOutputs(l) * LayerInputs(l)) + LayerOutputs(l);
            }

            long itemEmbeddings = floats + (4L * count);
            long scale = itemEmbeddings + (4L * ItemCount * Dimensions) + (HasItemBiases ? 4L * ItemCount : 0);
            long checksum = scale + (HasRatingScale ? 8 : 0);
            return new Layout(options, catalog, userOffsets, userItems, floats, itemEmbeddings, scale, checksum, checksum + ChecksumSize);
        }
    }

    /// <summary>Where each section starts.</summary>
    private readonly record struct Layout(long Options, long Catalog, long UserOffsets, long UserItems, long Floats, long ItemEmbeddings, long Scale, long Checksum, long Total)
    {
        public string SectionAt(long offset) =>
            offset < Options ? "header"
            : offset < Catalog ? "options section"
            : offset < UserOffsets ? "catalogue section"
            : offset < UserItems ? "user offsets"
            : offset < Floats ? "user items"
            : offset < ItemEmbeddings ? "network parameters"
            : offset < Scale ? "item embeddings and biases"
            : offset < Checksum ? "rating scale"
            : "checksum";
    }

    /// <summary>Reads and validates the header (fixed part, hidden widths, checksum); the body follows it.</summary>
    private static Header ReadHeader(Stream stream, ChecksummedModelReader reader)
    {
        Span<byte> fixedPart = stackalloc byte[FixedHeaderSize];
        int read = stream.ReadAtLeast(fixedPart, FixedHeaderSize, throwOnEndOfStream: false);
        if (read == 0)
        {
            throw reader.Error(0, "the model is empty (0 bytes); expected a CollaborativeFiltering softmax model starting with \"CFSOFTMX\".");
        }

        int magicBytes = Math.Min(read, Magic.Length);
        if (!fixedPart[..magicBytes].SequenceEqual(Magic[..magicBytes]))
        {
            throw reader.Error(0, "not a CollaborativeFiltering softmax model: it does not start with the bytes \"CFSOFTMX\"." + ModelFileMagic.KindHint(fixedPart[..read]));
        }

        reader.CheckVersion(fixedPart, read, VersionOffset, CurrentVersion);
        if (read < FixedHeaderSize)
        {
            throw reader.Truncated(read, "header");
        }

        int hiddenCount = BinaryPrimitives.ReadInt32LittleEndian(fixedPart[HiddenCountOffset..]);
        if (hiddenCount is < 0 or > SoftmaxOptions.MaxHiddenLayers)
        {
            throw reader.Error(HiddenCountOffset, string.Create(CultureInfo.InvariantCulture,
                $"the header is corrupted: it describes {hiddenCount} hidden layers; expected 0 to {SoftmaxOptions.MaxHiddenLayers}."));
        }

        int rest = (4 * hiddenCount) + ChecksumSize;
        Span<byte> header = stackalloc byte[FixedHeaderSize + (4 * SoftmaxOptions.MaxHiddenLayers) + ChecksumSize];
        fixedPart.CopyTo(header);
        read = stream.ReadAtLeast(header.Slice(FixedHeaderSize, rest), rest, throwOnEndOfStream: false);
        if (read < rest)
        {
            throw reader.Truncated(FixedHeaderSize + read, "header");
        }

        int checksumOffset = FixedHeaderSize + (4 * hiddenCount);
        reader.AcceptHeader(header, checksumOffset);
        var hidden = new int[hiddenCount];
        for (int l = 0; l < hiddenCount; l++)
        {
            hidden[l] = BinaryPrimitives.ReadInt32LittleEndian(header[(FixedHeaderSize + (4 * l))..]);
        }

        static int Field(ReadOnlySpan<byte> bytes, int index) => BinaryPrimitives.ReadInt32LittleEndian(bytes[(12 + (4 * index))..]);
        var result = new Header(BinaryPrimitives.ReadUInt16LittleEndian(header[VersionOffset..]), BinaryPrimitives.ReadUInt16LittleEndian(header[FlagsOffset..]), Field(header, 0), Field(header, 1), Field(header, 2), Field(header, 3),
            Field(header, 4), Field(header, 5), Field(header, 6), Field(header, 7), Field(header, 8), Field(header, 9), hidden, Field(header, 11), Field(header, 12), Field(header, 13));
        Validate(result, reader);
        return result;
    }

    private static void Validate(Header h, ChecksummedModelReader reader)
    {
        ushort known = h.Version >= 2 ? KnownFlags : FlagItemBiases;
        if ((h.Flags & ~known) != 0)
        {
            throw reader.Error(FlagsOffset, string.Create(CultureInfo.InvariantCulture, $"unknown flags 0x{h.Flags:X4}; format version {h.Version} knows 0x{known:X4}."));
        }

        const int max = SoftmaxOptions.MaxLayerSize;
        bool widths = h.Dimensions is > 0 and <= TrainerOptions.MaxDimensions && h.ItemDimensions is > 0 and <= max
            && h.GenreDimensions is >= 0 and <= max && h.YearDimensions is >= 0 and <= max
            && (h.GenreCount == 0) == (h.GenreDimensions == 0) && (h.YearCount == 0) == (h.YearDimensions == 0)
            && h.GenreCount >= 0 && h.YearCount >= 0 && h.BucketWidth > 0;
        foreach (int size in h.Hidden)
        {
            widths &= size is > 0 and <= max;
        }

        if (!widths)
        {
            throw reader.Error(12, "the header describes invalid layer or embedding widths.");
        }

        if (h.UserCount < 0 || h.ItemCount < 0 || h.UserCount >= Array.MaxLength || h.UserItemCount < 0 || h.OptionsLength < 0 || h.CatalogLength < 0)
        {
            throw reader.Error(16, string.Create(CultureInfo.InvariantCulture,
                $"the header's counts ({h.UserCount} users, {h.ItemCount} items, {h.UserItemCount} user items, sections of {h.OptionsLength} and {h.CatalogLength} bytes) are out of range."));
        }

        bool fits = (long)h.ItemCount * h.ItemDimensions <= Array.MaxLength && (long)h.ItemCount * h.Dimensions <= Array.MaxLength
            && (long)h.GenreCount * h.GenreDimensions <= Array.MaxLength && (long)h.YearCount * h.YearDimensions <= Array.MaxLength;
        for (int l = 0; l <= h.Hidden.Length; l++)
        {
            fits &= (long)h.LayerOutputs(l) * h.LayerInputs(l) <= Array.MaxLength;
        }

        if (!fits)
        {
            throw reader.Error(12, "the header describes tables larger than the largest array .NET supports.");
        }
    }
}
