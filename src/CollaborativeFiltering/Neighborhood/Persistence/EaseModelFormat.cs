using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Persistence;

namespace CollaborativeFiltering.Neighborhood.Persistence;

/// <summary>
/// The binary EASE model file, version 1, built like the other model files (catalogue section, CRC-32C of
/// the header and of the whole model, nothing parsed before the final checksum matches). All integers and
/// floats are little-endian.
/// <code>
/// offset size  field
///  0      8    magic "CFEASE\0\0"
///  8      2    format version (uint16) = 1
/// 10      2    flags (uint16) = 0
/// 12      4    N users
/// 16      4    M items
/// 20      4    R, the users' training items in all
/// 24      4    options section length in bytes
/// 28      4    catalogue section length in bytes
/// 32      4    CRC-32C of bytes 0..31
/// 36           options: the EaseOptions as UTF-8 JSON; catalogue (see <see cref="CatalogCodec.Encode"/>)
///              user offsets: N+1 int32; user items: R int32 (ascending per user)
///              B: M·M float32, row-major (zero diagonal)
/// end-4   4    CRC-32C of every byte before it
/// </code>
/// </summary>
internal static class EaseModelFormat
{
    public const ushort CurrentVersion = 1;
    public const int HeaderSize = 36;
    public const int VersionOffset = 8;
    public const int FlagsOffset = 10;
    public const int UserCountOffset = 12;
    public const int ItemCountOffset = 16;
    public const int UserItemCountOffset = 20;
    public const int OptionsLengthOffset = 24;
    public const int CatalogLengthOffset = 28;
    public const int HeaderChecksumOffset = 32;

    public static void Write(Stream stream, EaseModel model)
    {
        byte[] options = JsonSerializer.SerializeToUtf8Bytes(model.Options, NeighborhoodOptionsJsonContext.Default.EaseOptions);
        byte[] catalog = CatalogCodec.Encode(model.Catalog);
        Span<byte> header = stackalloc byte[HeaderSize];
        ModelFileMagic.Ease.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[VersionOffset..], CurrentVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[FlagsOffset..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(header[UserCountOffset..], model.Catalog.UserCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[ItemCountOffset..], model.Catalog.ItemCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[UserItemCountOffset..], model.UserItemArray.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[OptionsLengthOffset..], options.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[CatalogLengthOffset..], catalog.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[HeaderChecksumOffset..], Crc32C.Compute(header[..HeaderChecksumOffset]));

        var writer = new ChecksummedModelWriter(stream);
        writer.WriteBytes(header);
        writer.WriteBytes(options);
        writer.WriteBytes(catalog);
        writer.WriteValues<int>(model.UserOffsetArray);
        writer.WriteValues<int>(model.UserItemArray);
        writer.WriteValues<float>(model.WeightArray);
        writer.WriteChecksum();
    }

    /// <summary>Reads a model, validating everything before returning it.</summary>
    /// <param name="stream">Positioned at the model's first byte; left after its checksum.</param>
    /// <param name="source">The path or stream description for messages.</param>
    /// <param name="requireEnd">Whether bytes after the checksum are an error (whole files).</param>
    public static EaseModel Read(Stream stream, string source, bool requireEnd)
    {
        var reader = new ChecksummedModelReader(stream, source);
        byte[] bytes = FormatChecks.ReadHeader(stream, reader, ModelFileMagic.Ease, "EASE", HeaderSize, VersionOffset, CurrentVersion);
        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(FlagsOffset));
        int users = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(UserCountOffset));
        int items = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(ItemCountOffset));
        int userItemCount = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(UserItemCountOffset));
        int optionsLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(OptionsLengthOffset));
        int catalogLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(CatalogLengthOffset));
        if (flags != 0)
        {
            throw reader.Error(FlagsOffset, string.Create(CultureInfo.InvariantCulture, $"unknown flags 0x{flags:X4}; this library knows none."));
        }

        if (users < 0 || users >= Array.MaxLength || items < 0 || (long)items * items > Array.MaxLength || userItemCount < 0 || userItemCount > Array.MaxLength)
        {
            throw reader.Error(UserCountOffset, string.Create(CultureInfo.InvariantCulture,
                $"the header's counts ({users} users, {items} items, {userItemCount} user items) are out of range (at most {Array.MaxLength} values per table)."));
        }

        if (optionsLength < 0 || catalogLength < 0)
        {
            throw reader.Error(OptionsLengthOffset, string.Create(CultureInfo.InvariantCulture, $"the section lengths ({optionsLength}, {catalogLength}) are negative."));
        }

        long optionsAt = HeaderSize, catalogAt = optionsAt + optionsLength, offsetsAt = catalogAt + catalogLength;
        long itemsAt = offsetsAt + (4L * (users + 1L)), weightsAt = itemsAt + (4L * userItemCount), checksumAt = weightsAt + (4L * items * items);
        reader.CheckLength(checksumAt + ChecksummedModelReader.ChecksumSize, requireEnd, offset =>
            offset < optionsAt ? "header" : offset < catalogAt ? "options section" : offset < offsetsAt ? "catalogue section"
            : offset < itemsAt ? "user offsets" : offset < weightsAt ? "user items" : offset < checksumAt ? "weights" : "checksum");

        byte[] optionsBytes = reader.ReadBytes(optionsLength, "options section");
        byte[] catalogBytes = reader.ReadBytes(catalogLength, "catalogue section");
        int[] userOffsets = reader.ReadValues<int>(users + 1L, "user offsets");
        int[] userItems = reader.ReadValues<int>(userItemCount, "user items");
        float[] weights = reader.ReadValues<float>((long)items * items, "weights");
        reader.ReadAndVerifyChecksum();

        // Everything below parses bytes whose checksum matched.
        EaseOptions options = FormatChecks.DecodeOptions(optionsBytes, NeighborhoodOptionsJsonContext.Default.EaseOptions, new EaseOptions(), reader, optionsAt);
        Catalog catalog = CatalogCodec.Decode(catalogBytes, users, items, reader, catalogAt);
        FormatChecks.CheckUserItems(userOffsets, userItems, items, reader, offsetsAt, itemsAt);
        reader.RequireFinite(weights, "weights", weightsAt);
        for (int i = 0; i < items; i++)
        {
            long diagonal = ((long)i * items) + i;
            if (weights[diagonal] != 0)
            {
                throw reader.Error(weightsAt + (4 * diagonal), string.Create(CultureInfo.InvariantCulture, $"the weight of item {i} on itself is {weights[diagonal]}; EASE's diagonal is 0."));
            }
        }

        if (EaseModel.ScaleProblem(weights, items) is { } scale)
        {
            throw reader.Error(weightsAt + (4L * scale.Item), $"{scale.Problem}.");
        }

        return new EaseModel(catalog, options, weights, userOffsets, userItems);
    }
}
