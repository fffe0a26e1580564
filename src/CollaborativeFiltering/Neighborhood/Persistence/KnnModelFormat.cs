using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Persistence;

namespace CollaborativeFiltering.Neighborhood.Persistence;

/// <summary>
/// The binary kNN model file, version 1, for both orientations (the magic tells them apart), built like
/// the other model files (catalogue section, CRC-32C of the header and of the whole model, nothing parsed
/// before the final checksum matches). All integers and floats are little-endian.
/// <code>
/// offset size  field
///  0      8    magic "CFITMKNN" (item-kNN) or "CFUSRKNN" (user-kNN)
///  8      2    format version (uint16) = 1
/// 10      2    flags (uint16): 1 = prediction range
/// 12      4    N users
/// 16      4    M items
/// 20      4    μ, the global mean (float32)
/// 24      4    R training ratings
/// 28      4    L neighbours kept (all rows together)
/// 32      4    options section length in bytes
/// 36      4    catalogue section length in bytes
/// 40      4    CRC-32C of bytes 0..39
/// 44           options: the KnnOptions as UTF-8 JSON; catalogue (see <see cref="CatalogCodec.Encode"/>)
///              user offsets: N+1 int32; user items: R int32 (ascending per user); user ratings: R float32
///              b_u: N float32; b_i: M float32; user means: N float32; item means: M float32
///              neighbour offsets: rows+1 int32 (rows = M for item-kNN, N for user-kNN);
///              neighbours: L int32; similarities: L float32 (each row strongest first)
///              when flag 1: the prediction range, min and max (2 float32)
/// end-4   4    CRC-32C of every byte before it
/// </code>
/// Once the checksum matches, the options, catalogue, ratings, statistics and lists are validated: a
/// model is only returned when every value is finite, every index in range and every list ordered.
/// </summary>
internal static class KnnModelFormat
{
    public const ushort CurrentVersion = 1;
    public const int HeaderSize = 44;
    public const int VersionOffset = 8;
    public const int FlagsOffset = 10;
    public const int UserCountOffset = 12;
    public const int ItemCountOffset = 16;
    public const int GlobalMeanOffset = 20;
    public const int RatingCountOffset = 24;
    public const int NeighborCountOffset = 28;
    public const int OptionsLengthOffset = 32;
    public const int CatalogLengthOffset = 36;
    public const int HeaderChecksumOffset = 40;
    public const ushort FlagPredictionRange = 1;

    public static void Write(Stream stream, KnnCore model)
    {
        byte[] options = JsonSerializer.SerializeToUtf8Bytes(model.Options, NeighborhoodOptionsJsonContext.Default.KnnOptions);
        byte[] catalog = CatalogCodec.Encode(model.Catalog);
        KnnStatistics s = model.Statistics;
        Span<byte> header = stackalloc byte[HeaderSize];
        Magic(model.Orientation).CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[VersionOffset..], CurrentVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[FlagsOffset..], model.PredictionRange.HasValue ? FlagPredictionRange : (ushort)0);
        BinaryPrimitives.WriteInt32LittleEndian(header[UserCountOffset..], model.Catalog.UserCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[ItemCountOffset..], model.Catalog.ItemCount);
        BinaryPrimitives.WriteSingleLittleEndian(header[GlobalMeanOffset..], s.GlobalMean);
        BinaryPrimitives.WriteInt32LittleEndian(header[RatingCountOffset..], model.UserItemArray.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[NeighborCountOffset..], model.Neighbors.Count);
        BinaryPrimitives.WriteInt32LittleEndian(header[OptionsLengthOffset..], options.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[CatalogLengthOffset..], catalog.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[HeaderChecksumOffset..], Crc32C.Compute(header[..HeaderChecksumOffset]));

        var writer = new ChecksummedModelWriter(stream);
        writer.WriteBytes(header);
        writer.WriteBytes(options);
        writer.WriteBytes(catalog);
        writer.WriteValues<int>(model.UserOffsetArray);
        writer.WriteValues<int>(model.UserItemArray);
        writer.WriteValues<float>(model.UserValueArray);
        writer.WriteValues<float>(s.UserBiases);
        writer.WriteValues<float>(s.ItemBiases);
        writer.WriteValues<float>(s.UserMeans);
        writer.WriteValues<float>(s.ItemMeans);
        writer.WriteValues<int>(model.Neighbors.OffsetArray);
        writer.WriteValues<int>(model.Neighbors.IndexArray);
        writer.WriteValues<float>(model.Neighbors.WeightArray);
        if (model.PredictionRange is { } range)
        {
            writer.WriteValues<float>([range.Min, range.Max]);
        }

        writer.WriteChecksum();
    }

    /// <summary>Reads a model of <paramref name="orientation"/>, validating everything before returning it.</summary>
    /// <param name="stream">Positioned at the model's first byte; left after its checksum.</param>
    /// <param name="source">The path or stream description for messages.</param>
    /// <param name="requireEnd">Whether bytes after the checksum are an error (whole files).</param>
    /// <param name="orientation">Which of the two kNN models the magic announced.</param>
    public static KnnCore Read(Stream stream, string source, bool requireEnd, KnnOrientation orientation)
    {
        var reader = new ChecksummedModelReader(stream, source);
        string kind = orientation == KnnOrientation.Items ? "item-kNN" : "user-kNN";
        byte[] bytes = FormatChecks.ReadHeader(stream, reader, Magic(orientation), kind, HeaderSize, VersionOffset, CurrentVersion);
        Header header = Header.Parse(bytes, orientation, reader);
        Layout layout = header.Layout();
        reader.CheckLength(layout.Total, requireEnd, layout.SectionAt);

        byte[] optionsBytes = reader.ReadBytes(header.OptionsLength, "options section");
        byte[] catalogBytes = reader.ReadBytes(header.CatalogLength, "catalogue section");
        int[] userOffsets = reader.ReadValues<int>(header.UserCount + 1L, "user offsets");
        int[] userItems = reader.ReadValues<int>(header.RatingCount, "user items");
        float[] userValues = reader.ReadValues<float>(header.RatingCount, "user ratings");
        float[] userBiases = reader.ReadValues<float>(header.UserCount, "user biases");
        float[] itemBiases = reader.ReadValues<float>(header.ItemCount, "item biases");
        float[] userMeans = reader.ReadValues<float>(header.UserCount, "user means");
        float[] itemMeans = reader.ReadValues<float>(header.ItemCount, "item means");
        int[] neighborOffsets = reader.ReadValues<int>(header.Rows + 1L, "neighbour offsets");
        int[] neighbors = reader.ReadValues<int>(header.NeighborCount, "neighbours");
        float[] weights = reader.ReadValues<float>(header.NeighborCount, "similarities");
        float[]? rangeValues = header.HasPredictionRange ? reader.ReadValues<float>(2, "prediction range") : null;
        reader.ReadAndVerifyChecksum();

        // Everything below parses bytes whose checksum matched.
        KnnOptions options = FormatChecks.DecodeOptions(optionsBytes, NeighborhoodOptionsJsonContext.Default.KnnOptions, new KnnOptions(), reader, layout.Options);
        if (options.ClipPredictions != header.HasPredictionRange)
        {
            throw reader.Error(FlagsOffset, "the saved options' ClipPredictions does not match the flag of the prediction range.");
        }

        Catalog catalog = CatalogCodec.Decode(catalogBytes, header.UserCount, header.ItemCount, reader, layout.Catalog);
        FormatChecks.CheckUserItems(userOffsets, userItems, header.ItemCount, reader, layout.UserOffsets, layout.UserItems);
        long offset = reader.RequireFinite(userValues, "user ratings", layout.UserValues);
        offset = reader.RequireFinite(userBiases, "user biases", offset);
        offset = reader.RequireFinite(itemBiases, "item biases", offset);
        offset = reader.RequireFinite(userMeans, "user means", offset);
        reader.RequireFinite(itemMeans, "item means", offset);
        if (NeighborLists.Problem(neighborOffsets, neighbors, weights, options.SavedNeighbors, layout.NeighborOffsets, layout.Neighbors, layout.Neighbors + (4L * header.NeighborCount)) is { } problem)
        {
            throw reader.Error(problem.Offset, $"the neighbour lists are invalid: {problem.Problem}.");
        }

        RatingRange? range = rangeValues is null ? null : FormatChecks.DecodeRange(rangeValues, reader, layout.Range);
        var statistics = new KnnStatistics(header.GlobalMean, userBiases, itemBiases, userMeans, itemMeans);
        return new KnnCore(catalog, orientation, options, range, userOffsets, userItems, userValues, statistics, new NeighborLists(neighborOffsets, neighbors, weights));
    }

    private static ReadOnlySpan<byte> Magic(KnnOrientation orientation) => orientation == KnnOrientation.Items ? ModelFileMagic.ItemKnn : ModelFileMagic.UserKnn;

    /// <summary>The fixed header, validated.</summary>
    private readonly record struct Header(ushort Flags, int UserCount, int ItemCount, float GlobalMean, int RatingCount, int NeighborCount, int OptionsLength, int CatalogLength, int Rows)
    {
        public bool HasPredictionRange => (Flags & FlagPredictionRange) != 0;

        public static Header Parse(byte[] bytes, KnnOrientation orientation, ChecksummedModelReader reader)
        {
            ReadOnlySpan<byte> b = bytes;
            int users = BinaryPrimitives.ReadInt32LittleEndian(b[UserCountOffset..]);
            int items = BinaryPrimitives.ReadInt32LittleEndian(b[ItemCountOffset..]);
            var header = new Header(BinaryPrimitives.ReadUInt16LittleEndian(b[FlagsOffset..]), users, items,
                BinaryPrimitives.ReadSingleLittleEndian(b[GlobalMeanOffset..]), BinaryPrimitives.ReadInt32LittleEndian(b[RatingCountOffset..]),
                BinaryPrimitives.ReadInt32LittleEndian(b[NeighborCountOffset..]), BinaryPrimitives.ReadInt32LittleEndian(b[OptionsLengthOffset..]),
                BinaryPrimitives.ReadInt32LittleEndian(b[CatalogLengthOffset..]), orientation == KnnOrientation.Items ? items : users);
            if ((header.Flags & ~FlagPredictionRange) != 0)
            {
                throw reader.Error(FlagsOffset, string.Create(CultureInfo.InvariantCulture, $"unknown flags 0x{header.Flags:X4}; this library knows 0x{FlagPredictionRange:X4}."));
            }

            if (users < 0 || users >= Array.MaxLength || items < 0 || items >= Array.MaxLength || header.RatingCount < 0 || header.RatingCount > Array.MaxLength
                || header.NeighborCount < 0 || header.NeighborCount > Array.MaxLength)
            {
                throw reader.Error(UserCountOffset, string.Create(CultureInfo.InvariantCulture,
                    $"the header's counts ({users} users, {items} items, {header.RatingCount} ratings, {header.NeighborCount} neighbours) are out of range."));
            }

            if (header.OptionsLength < 0 || header.CatalogLength < 0)
            {
                throw reader.Error(OptionsLengthOffset, string.Create(CultureInfo.InvariantCulture, $"the section lengths ({header.OptionsLength}, {header.CatalogLength}) are negative."));
            }

            if (!float.IsFinite(header.GlobalMean))
            {
                throw reader.Error(GlobalMeanOffset, string.Create(CultureInfo.InvariantCulture, $"the global mean is {header.GlobalMean}; expected a finite number."));
            }

            return header;
        }

        public Layout Layout()
        {
            long options = HeaderSize;
            long catalog = options + OptionsLength;
            long userOffsets = catalog + CatalogLength;
            long userItems = userOffsets + (4L * (UserCount + 1L));
            long userValues = userItems + (4L * RatingCount);
            long statistics = userValues + (4L * RatingCount);
            long neighborOffsets = statistics + (8L * ((long)UserCount + ItemCount));
            long neighbors = neighborOffsets + (4L * (Rows + 1L));
            long range = neighbors + (8L * NeighborCount);
            long checksum = range + (HasPredictionRange ? 8 : 0);
            return new Layout(options, catalog, userOffsets, userItems, userValues, statistics, neighborOffsets, neighbors, range, checksum, checksum + ChecksummedModelReader.ChecksumSize);
        }
    }

    /// <summary>Where each section starts.</summary>
    private readonly record struct Layout(long Options, long Catalog, long UserOffsets, long UserItems, long UserValues, long Statistics, long NeighborOffsets, long Neighbors, long Range, long Checksum, long Total)
    {
        public string SectionAt(long offset) =>
            offset < Options ? "header"
            : offset < Catalog ? "options section"
            : offset < UserOffsets ? "catalogue section"
            : offset < UserItems ? "user offsets"
            : offset < UserValues ? "user items"
            : offset < Statistics ? "user ratings"
            : offset < NeighborOffsets ? "biases and means"
            : offset < Neighbors ? "neighbour offsets"
            : offset < Range ? "neighbours and similarities"
            : offset < Checksum ? "prediction range"
            : "checksum";
    }
}
