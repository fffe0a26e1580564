using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// The binary model file, version 1. All integers and floats are little-endian.
/// <code>
/// offset size  field
///  0      8    magic "CFMODEL\0"
///  8      2    format version (uint16) = 1
/// 10      2    flags (uint16): 1 = biases and global mean, 2 = options section, 4 = prediction range
/// 12      4    d (int32, > 0)
/// 16      4    N users (int32)
/// 20      4    M items (int32)
/// 24      4    global mean μ (float32)
/// 28      4    options section length in bytes (int32; 0 without options)
/// 32      4    catalogue section length in bytes (int32)
/// 36      4    CRC-32C of bytes 0..35 (so sizes are trusted before anything is allocated)
/// 40           options section: type full name (string), then the options as UTF-8 JSON
///              catalogue section (see <see cref="EncodeCatalog"/>)
///              U: N·d float32, row-major; V: M·d float32, row-major
///              when flag 1: b_u: N float32; b_i: M float32
///              when flag 4: the prediction range, min and max (2 float32, finite, min ≤ max)
/// end-4   4    CRC-32C of every byte before it
/// </code>
/// Strings are an int32 UTF-8 byte count (-1 for null) followed by the bytes. The body is only
/// parsed once the final checksum matches, so corrupted bytes never reach the JSON or catalogue
/// parsers, and a model is only returned when every float in it is finite.
/// </summary>
internal static class ModelFileFormat
{
    public const ushort CurrentVersion = 1;
    public const int HeaderSize = 40;
    public const int ChecksumSize = ChecksummedModelReader.ChecksumSize;

    public const int VersionOffset = 8;
    public const int FlagsOffset = 10;
    public const int DimensionsOffset = 12;
    public const int UserCountOffset = 16;
    public const int ItemCountOffset = 20;
    public const int GlobalMeanOffset = 24;
    public const int OptionsLengthOffset = 28;
    public const int CatalogLengthOffset = 32;
    public const int HeaderChecksumOffset = 36;

    public const ushort FlagBiases = 1;
    public const ushort FlagOptions = 2;
    public const ushort FlagPredictionRange = 4;
    private const ushort KnownFlags = FlagBiases | FlagOptions | FlagPredictionRange;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>"CFMODEL\0".</summary>
    public static ReadOnlySpan<byte> Magic => "CFMODEL\0"u8;

    /// <summary>
    /// The options records a file may name: every public sealed record deriving from
    /// <see cref="FactorizationOptions"/> in this assembly, found once by reflection, so new
    /// factorizers' options are saved and loaded without changes here. Nothing else is ever
    /// instantiated from a file.
    /// </summary>
    public static FrozenDictionary<string, Type> KnownOptionTypes => OptionTypes.ByName;

    // ---------------------------------------------------------------- writing

    /// <summary>Writes a model.</summary>
    /// <param name="stream">The destination.</param>
    /// <param name="model">The model.</param>
    /// <param name="optionsSection">Tests only: raw options-section bytes to write instead of the model's options.</param>
    public static void Write(Stream stream, FactorizationModel model, byte[]? optionsSection)
    {
        byte[] options = optionsSection ?? EncodeOptions(model.Options);
        byte[] catalog = EncodeCatalog(model.Catalog);
        ushort flags = (ushort)((model.HasBiases ? FlagBiases : 0) | (options.Length > 0 ? FlagOptions : 0) | (model.PredictionRange.HasValue ? FlagPredictionRange : 0));

        Span<byte> header = stackalloc byte[HeaderSize];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[VersionOffset..], CurrentVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[FlagsOffset..], flags);
        BinaryPrimitives.WriteInt32LittleEndian(header[DimensionsOffset..], model.Dimensions);
        BinaryPrimitives.WriteInt32LittleEndian(header[UserCountOffset..], model.UserCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[ItemCountOffset..], model.ItemCount);
        BinaryPrimitives.WriteSingleLittleEndian(header[GlobalMeanOffset..], model.GlobalMean);
        BinaryPrimitives.WriteInt32LittleEndian(header[OptionsLengthOffset..], options.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[CatalogLengthOffset..], catalog.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[HeaderChecksumOffset..], Crc32C.Compute(header[..HeaderChecksumOffset]));

        var writer = new ChecksummedModelWriter(stream);
        writer.WriteBytes(header);
        writer.WriteBytes(options);
        writer.WriteBytes(catalog);
        writer.WriteValues<float>(model.UserEmbeddingArray);
        writer.WriteValues<float>(model.ItemEmbeddingArray);
        if (model.HasBiases)
        {
            writer.WriteValues<float>(model.UserBiasArray!);
            writer.WriteValues<float>(model.ItemBiasArray!);
        }

        if (model.PredictionRange is { } range)
        {
            writer.WriteValues<float>([range.Min, range.Max]);
        }

        writer.WriteChecksum();
    }

    /// <summary>The options section for <paramref name="options"/>; empty for <see langword="null"/>.</summary>
    public static byte[] EncodeOptions(FactorizationOptions? options)
    {
        if (options is null)
        {
            return [];
        }

        Type type = options.GetType();
        if (type.FullName is not { } name || !OptionTypes.ByName.TryGetValue(name, out Type? known) || known != type)
        {
            throw new NotSupportedException($"The model's options are of type '{type.FullName}', which is not one of this library's options records; only those can be saved.");
        }

        var writer = new SectionWriter(256);
        writer.WriteString(name);
        writer.WriteRaw(JsonSerializer.SerializeToUtf8Bytes(options, type, JsonOptions));
        return writer.ToArray();
    }

    /// <summary>An options section with any type name and JSON (tests use it to write unknown types).</summary>
    public static byte[] EncodeOptionsSection(string typeName, string json)
    {
        var writer = new SectionWriter(256);
        writer.WriteString(typeName);
        writer.WriteRaw(Encoding.UTF8.GetBytes(json));
        return writer.ToArray();
    }

    /// <summary>
    /// The catalogue section: N user ids, M item ids (strings); the genre vocabulary (int32 count,
    /// strings); user infos (int32 count, 0 or N; each: age presence byte [+ int32], sex,
    /// occupation, zip code strings); item infos (int32 count, 0 or M; each: title string, release
    /// date presence byte [+ int32 day number], year presence byte [+ int32], int32 genre count,
    /// each genre an int32 index into the vocabulary, or -1 followed by the genre string).
    /// </summary>
    public static byte[] EncodeCatalog(Catalog catalog)
    {
        var writer = new SectionWriter(checked((catalog.UserCount + catalog.ItemCount) * 12) + 64);
        foreach (string id in catalog.Users.Ids)
        {
            writer.WriteString(id);
        }

        foreach (string id in catalog.Items.Ids)
        {
            writer.WriteString(id);
        }

        var genreIndex = new Dictionary<string, int>(catalog.Genres.Count, StringComparer.Ordinal);
        writer.WriteInt32(catalog.Genres.Count);
        for (int g = 0; g < catalog.Genres.Count; g++)
        {
            writer.WriteString(catalog.Genres[g]);
            genreIndex.TryAdd(catalog.Genres[g], g);
        }

        writer.WriteInt32(catalog.UserInfos.Count);
        foreach (UserInfo info in catalog.UserInfos)
        {
            writer.WriteOptionalInt32(info.Age);
            writer.WriteString(info.Sex);
            writer.WriteString(info.Occupation);
            writer.WriteString(info.ZipCode);
        }

        writer.WriteInt32(catalog.ItemInfos.Count);
        foreach (ItemInfo info in catalog.ItemInfos)
        {
            writer.WriteString(info.Title);
            writer.WriteOptionalInt32(info.ReleaseDate?.DayNumber);
            writer.WriteOptionalInt32(info.Year);
            IReadOnlyList<string> genres = info.Genres ?? [];
            writer.WriteInt32(genres.Count);
            foreach (string genre in genres)
            {
                if (genre is not null && genreIndex.TryGetValue(genre, out int index))
                {
                    writer.WriteInt32(index);
                }
                else
                {
                    writer.WriteInt32(-1);
                    writer.WriteString(genre);
                }
            }
        }

        return writer.ToArray();
    }

    // ---------------------------------------------------------------- reading

    /// <summary>Reads a model, validating everything before returning it.</summary>
    /// <param name="stream">Positioned at the model's first byte; left after its checksum.</param>
    /// <param name="source">The path or stream description for messages.</param>
    /// <param name="requireEnd">Whether bytes after the checksum are an error (whole files).</param>
    public static FactorizationModel Read(Stream stream, string source, bool requireEnd)
    {
        var reader = new ChecksummedModelReader(stream, source);
        Header header = ReadHeader(stream, reader);
        reader.CheckLength(header.TotalLength, requireEnd, header.SectionAt);

        byte[] optionsBytes = reader.ReadBytes(header.OptionsLength, "options section");
        byte[] catalogBytes = reader.ReadBytes(header.CatalogLength, "catalogue section");
        float[] users = reader.ReadValues<float>((long)header.UserCount * header.Dimensions, "user embeddings");
        float[] items = reader.ReadValues<float>((long)header.ItemCount * header.Dimensions, "item embeddings");
        float[]? userBiases = null;
        float[]? itemBiases = null;
        if (header.HasBiases)
        {
            userBiases = reader.ReadValues<float>(header.UserCount, "user biases");
            itemBiases = reader.ReadValues<float>(header.ItemCount, "item biases");
        }

        float[]? rangeValues = header.HasPredictionRange ? reader.ReadValues<float>(2, "prediction range") : null;

        reader.ReadAndVerifyChecksum();

        // Everything below parses bytes whose checksum matched.
        FactorizationOptions? options = header.OptionsLength == 0 ? null : DecodeOptions(optionsBytes, reader, HeaderSize);
        Catalog catalog = DecodeCatalog(catalogBytes, header.UserCount, header.ItemCount, reader, HeaderSize + (long)header.OptionsLength);
        long offset = HeaderSize + (long)header.OptionsLength + header.CatalogLength;
        offset = reader.RequireFinite(users, "user embeddings", offset);
        offset = reader.RequireFinite(items, "item embeddings", offset);
        if (userBiases is not null)
        {
            offset = reader.RequireFinite(userBiases, "user biases", offset);
            offset = reader.RequireFinite(itemBiases!, "item biases", offset);
        }

        (string? scale, _) = FactorizationModel.ScaleProblem(header.Dimensions, users, items, userBiases, itemBiases);
        if (scale is not null)
        {
            throw reader.Error(HeaderSize + (long)header.OptionsLength + header.CatalogLength, $"{scale}.");
        }

        RatingRange? range = rangeValues is null ? null : DecodeRange(rangeValues, reader, offset);
        return new FactorizationModel(catalog, header.Dimensions, users, items, userBiases, itemBiases, header.GlobalMean, options, range);
    }

    private static RatingRange DecodeRange(float[] values, ChecksummedModelReader reader, long sectionOffset)
    {
        float min = values[0], max = values[1];
        if (!float.IsFinite(min))
        {
            throw reader.Error(sectionOffset, string.Create(CultureInfo.InvariantCulture, $"the prediction range's minimum is {min}; expected a finite number."));
        }

        if (!float.IsFinite(max) || max < min)
        {
            throw reader.Error(sectionOffset + sizeof(float), string.Create(CultureInfo.InvariantCulture,
                $"the prediction range's maximum is {max}; expected a finite number at least the minimum ({min})."));
        }

        return new RatingRange(min, max);
    }

    private static FactorizationOptions DecodeOptions(byte[] bytes, ChecksummedModelReader reader, long sectionOffset)
    {
        var section = new SectionReader(bytes, reader, sectionOffset, "options section");
        string typeName = section.ReadString() ?? throw reader.Error(sectionOffset, "the options section has no type name.");
        if (!OptionTypes.ByName.TryGetValue(typeName, out Type? type))
        {
            string known = string.Join(", ", OptionTypes.ByName.Keys.Order(StringComparer.Ordinal));
            throw reader.Error(sectionOffset, $"the options type '{typeName}' is not one of this library's options records ({(known.Length == 0 ? "none" : known)}); the model may come from a newer version of CollaborativeFiltering.");
        }

        FactorizationOptions? options;
        try
        {
            options = (FactorizationOptions?)JsonSerializer.Deserialize(section.Remaining, type, JsonOptions);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw reader.Error(sectionOffset, $"the options of type '{typeName}' cannot be read: {e.Message}", e);
        }

        if (options is null)
        {
            throw reader.Error(sectionOffset, $"the options of type '{typeName}' are null.");
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw reader.Error(sectionOffset, $"the saved options are invalid: {e.Message}", e);
        }

        return options;
    }

    /// <summary>
    /// Parses a catalogue section written by <see cref="EncodeCatalog"/> for another model format
    /// (the softmax model's); a malformed section throws <see cref="ModelFormatException"/> naming
    /// <paramref name="source"/> and the byte offset.
    /// </summary>
    public static Catalog DecodeCatalog(byte[] bytes, int userCount, int itemCount, string source, long sectionOffset) =>
        DecodeCatalog(bytes, userCount, itemCount, new ChecksummedModelReader(Stream.Null, source), sectionOffset);

    private static Catalog DecodeCatalog(byte[] bytes, int userCount, int itemCount, ChecksummedModelReader reader, long sectionOffset)
    {
        var section = new SectionReader(bytes, reader, sectionOffset, "catalogue section");
        var userIds = new string[userCount];
        for (int u = 0; u < userIds.Length; u++)
        {
            userIds[u] = section.ReadString() ?? throw section.Error("a user id is null");
        }

        var itemIds = new string[itemCount];
        for (int i = 0; i < itemIds.Length; i++)
        {
            itemIds[i] = section.ReadString() ?? throw section.Error("an item id is null");
        }

        var genres = new string[section.ReadCount(int.MaxValue, "genre count")];
        for (int g = 0; g < genres.Length; g++)
        {
            genres[g] = section.ReadString() ?? throw section.Error("a genre is null");
        }

        var userInfos = new UserInfo[section.ReadCount(userCount, "user info count")];
        if (userInfos.Length is not 0 && userInfos.Length != userCount)
        {
            throw section.Error(string.Create(CultureInfo.InvariantCulture, $"there are {userInfos.Length} user infos for {userCount} users"));
        }

        // Sexes and occupations come from small vocabularies: share one string per distinct value, as the loaders do.
        var pool = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int u = 0; u < userInfos.Length; u++)
        {
            int? age = section.ReadOptionalInt32();
            string? sex = section.ReadPooledString(pool);
            string? occupation = section.ReadPooledString(pool);
            userInfos[u] = new UserInfo(userIds[u], age, sex, occupation, section.ReadString());
        }

        var itemInfos = new ItemInfo[section.ReadCount(itemCount, "item info count")];
        if (itemInfos.Length is not 0 && itemInfos.Length != itemCount)
        {
            throw section.Error(string.Create(CultureInfo.InvariantCulture, $"there are {itemInfos.Length} item infos for {itemCount} items"));
        }

        for (int i = 0; i < itemInfos.Length; i++)
        {
            string? title = section.ReadString();
            int? day = section.ReadOptionalInt32();
            int? year = section.ReadOptionalInt32();
            var itemGenres = new string[section.ReadCount(int.MaxValue, "item genre count")];
            for (int g = 0; g < itemGenres.Length; g++)
            {
                int index = section.ReadInt32();
                if (index == -1)
                {
                    itemGenres[g] = section.ReadString()!;
                }
                else if ((uint)index < (uint)genres.Length)
                {
                    itemGenres[g] = genres[index];
                }
                else
                {
                    throw section.Error(string.Create(CultureInfo.InvariantCulture, $"genre index {index} is outside the vocabulary of {genres.Length}"));
                }
            }

            DateOnly? date = null;
            if (day is { } d)
            {
                if ((uint)d > (uint)DateOnly.MaxValue.DayNumber)
                {
                    throw section.Error(string.Create(CultureInfo.InvariantCulture, $"release date day number {d} is out of range"));
                }

                date = DateOnly.FromDayNumber(d);
            }

            itemInfos[i] = new ItemInfo(itemIds[i], title!, date, year, itemGenres);
        }

        section.RequireEnd();
        try
        {
            return new Catalog(new IdMap(userIds), new IdMap(itemIds), userInfos, itemInfos, genres);
        }
        catch (ArgumentException e)
        {
            throw reader.Error(sectionOffset, $"the catalogue is invalid: {e.Message}", e);
        }
    }

    /// <summary>The fixed header, validated.</summary>
    private readonly record struct Header(ushort Flags, int Dimensions, int UserCount, int ItemCount, float GlobalMean, int OptionsLength, int CatalogLength)
    {
        public bool HasBiases => (Flags & FlagBiases) != 0;

        public bool HasPredictionRange => (Flags & FlagPredictionRange) != 0;

        private long EmbeddingsStart => HeaderSize + (long)OptionsLength + CatalogLength;

        private long ItemEmbeddingsStart => EmbeddingsStart + ((long)UserCount * Dimensions * sizeof(float));

        private long BiasesStart => ItemEmbeddingsStart + ((long)ItemCount * Dimensions * sizeof(float));

        private long RangeStart => BiasesStart + (HasBiases ? ((long)UserCount + ItemCount) * sizeof(float) : 0);

        private long ChecksumStart => RangeStart + (HasPredictionRange ? 2 * sizeof(float) : 0);

        public long TotalLength => ChecksumStart + ChecksumSize;

        /// <summary>The part of the file that the byte at <paramref name="offset"/> belongs to.</summary>
        public string SectionAt(long offset) =>
            offset < HeaderSize ? "header"
            : offset < HeaderSize + (long)OptionsLength ? "options section"
            : offset < EmbeddingsStart ? "catalogue section"
            : offset < ItemEmbeddingsStart ? "user embeddings"
            : offset < BiasesStart ? "item embeddings"
            : offset < BiasesStart + ((long)UserCount * sizeof(float)) ? "user biases"
            : offset < RangeStart ? "item biases"
            : offset < ChecksumStart ? "prediction range"
            : "checksum";
    }

    /// <summary>Reads and validates the fixed header and its checksum; the body follows it.</summary>
    private static Header ReadHeader(Stream stream, ChecksummedModelReader reader)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        int read = stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false);
        if (read == 0)
        {
            throw reader.Error(0, "the model is empty (0 bytes); expected a CollaborativeFiltering model starting with \"CFMODEL\".");
        }

        int magicBytes = Math.Min(read, Magic.Length);
        if (!header[..magicBytes].SequenceEqual(Magic[..magicBytes]))
        {
            throw reader.Error(0, "not a CollaborativeFiltering model: it does not start with the bytes \"CFMODEL\\0\".");
        }

        reader.CheckVersion(header, read, VersionOffset, CurrentVersion);
        if (read < HeaderSize)
        {
            throw reader.Truncated(read, "header");
        }

        reader.AcceptHeader(header, HeaderChecksumOffset);
        var result = new Header(
            BinaryPrimitives.ReadUInt16LittleEndian(header[FlagsOffset..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[DimensionsOffset..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[UserCountOffset..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[ItemCountOffset..]),
            BinaryPrimitives.ReadSingleLittleEndian(header[GlobalMeanOffset..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[OptionsLengthOffset..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[CatalogLengthOffset..]));
        Validate(result, reader);
        return result;
    }

    private static void Validate(Header header, ChecksummedModelReader reader)
    {
        if ((header.Flags & ~KnownFlags) != 0)
        {
            throw reader.Error(FlagsOffset, string.Create(CultureInfo.InvariantCulture, $"unknown flags 0x{header.Flags:X4}; this library knows 0x{KnownFlags:X4}."));
        }

        if (header.Dimensions is <= 0 or > FactorizationOptions.MaxDimensions)
        {
            throw reader.Error(DimensionsOffset, string.Create(CultureInfo.InvariantCulture, $"the dimension d is {header.Dimensions}; expected 1 to {FactorizationOptions.MaxDimensions}."));
        }

        if (header.UserCount < 0 || header.ItemCount < 0)
        {
            throw reader.Error(UserCountOffset, string.Create(CultureInfo.InvariantCulture, $"the user and item counts are {header.UserCount} and {header.ItemCount}; expected zero or more."));
        }

        if ((long)header.UserCount * header.Dimensions > Array.MaxLength || (long)header.ItemCount * header.Dimensions > Array.MaxLength)
        {
            throw reader.Error(DimensionsOffset, string.Create(CultureInfo.InvariantCulture,
                $"{header.UserCount} users and {header.ItemCount} items of dimension {header.Dimensions} exceed the largest array .NET supports."));
        }

        if (header.OptionsLength < 0 || header.CatalogLength < 0 || (header.OptionsLength > 0) != ((header.Flags & FlagOptions) != 0))
        {
            throw reader.Error(OptionsLengthOffset, string.Create(CultureInfo.InvariantCulture,
                $"the section lengths ({header.OptionsLength}, {header.CatalogLength}) do not match the flags 0x{header.Flags:X4}."));
        }

        if (!float.IsFinite(header.GlobalMean) || Math.Abs(header.GlobalMean) > EmbeddingLimits.MaxBias)
        {
            throw reader.Error(GlobalMeanOffset, string.Create(CultureInfo.InvariantCulture, $"the global mean is {header.GlobalMean}; expected a finite number of magnitude at most 1E+37."));
        }
    }

    /// <summary>Parses a section held in memory; every read is bounds-checked.</summary>
    private ref struct SectionReader(ReadOnlySpan<byte> bytes, ChecksummedModelReader reader, long sectionOffset, string sectionName)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _position;

        public readonly ReadOnlySpan<byte> Remaining => _bytes[_position..];

        public readonly ModelFormatException Error(string problem) =>
            reader.Error(sectionOffset + _position, $"the {sectionName} is malformed: {problem}.");

        public int ReadInt32()
        {
            if (_bytes.Length - _position < sizeof(int))
            {
                throw Error("it ends inside a number");
            }

            int value = BinaryPrimitives.ReadInt32LittleEndian(_bytes[_position..]);
            _position += sizeof(int);
            return value;
        }

        public int ReadCount(int max, string what)
        {
            int count = ReadInt32();
            if (count < 0 || count > max || count > _bytes.Length - _position)
            {
                _position -= sizeof(int);
                throw Error(string.Create(CultureInfo.InvariantCulture, $"the {what} {count} is out of range"));
            }

            return count;
        }

        public int? ReadOptionalInt32()
        {
            if (_position >= _bytes.Length)
            {
                throw Error("it ends inside a value");
            }

            byte present = _bytes[_position++];
            return present switch
            {
                0 => null,
                1 => ReadInt32(),
                _ => throw Error(string.Create(CultureInfo.InvariantCulture, $"a presence byte is {present}; expected 0 or 1")),
            };
        }

        public string? ReadString()
        {
            int length = ReadInt32();
            if (length == -1)
            {
                return null;
            }

            if (length < -1 || length > _bytes.Length - _position)
            {
                _position -= sizeof(int);
                throw Error(string.Create(CultureInfo.InvariantCulture, $"a string length {length} is out of range"));
            }

            string value;
            try
            {
                value = length == 0 ? string.Empty : StrictUtf8.GetString(_bytes.Slice(_position, length));
            }
            catch (DecoderFallbackException e)
            {
                throw reader.Error(sectionOffset + _position, $"the {sectionName} is malformed: a string is not valid UTF-8.", e);
            }

            _position += length;
            return value;
        }

        /// <summary>Like <see cref="ReadString"/>, but returns the pooled instance of a short string seen before.</summary>
        public string? ReadPooledString(Dictionary<string, string> pool)
        {
            const int MaxPooledBytes = 64;
            if (_bytes.Length - _position < sizeof(int))
            {
                throw Error("it ends inside a number");
            }

            int length = BinaryPrimitives.ReadInt32LittleEndian(_bytes[_position..]);
            if (length is < 0 or > MaxPooledBytes || length > _bytes.Length - _position - sizeof(int))
            {
                return ReadString();
            }

            Span<char> chars = stackalloc char[MaxPooledBytes];
            int count;
            try
            {
                count = StrictUtf8.GetChars(_bytes.Slice(_position + sizeof(int), length), chars);
            }
            catch (DecoderFallbackException e)
            {
                throw reader.Error(sectionOffset + _position + sizeof(int), $"the {sectionName} is malformed: a string is not valid UTF-8.", e);
            }

            _position += sizeof(int) + length;
            var lookup = pool.GetAlternateLookup<ReadOnlySpan<char>>();
            if (!lookup.TryGetValue(chars[..count], out string? value))
            {
                value = chars[..count].ToString();
                pool.Add(value, value);
            }

            return value;
        }

        public readonly void RequireEnd()
        {
            if (_position != _bytes.Length)
            {
                throw Error(string.Create(CultureInfo.InvariantCulture, $"{_bytes.Length - _position} unexpected bytes at its end"));
            }
        }
    }

    /// <summary>Builds a section in memory.</summary>
    private sealed class SectionWriter(int capacity)
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(Math.Max(capacity, 16));

        public void WriteInt32(int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(sizeof(int)), value);
            _buffer.Advance(sizeof(int));
        }

        public void WriteOptionalInt32(int? value)
        {
            _buffer.GetSpan(1)[0] = value.HasValue ? (byte)1 : (byte)0;
            _buffer.Advance(1);
            if (value is { } v)
            {
                WriteInt32(v);
            }
        }

        public void WriteString(string? value)
        {
            if (value is null)
            {
                WriteInt32(-1);
                return;
            }

            int length = Encoding.UTF8.GetByteCount(value);
            WriteInt32(length);
            _buffer.Advance(Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length)));
        }

        public void WriteRaw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

        public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
    }

    /// <summary>Holder so the reflection scan runs on first use only.</summary>
    private static class OptionTypes
    {
        public static readonly FrozenDictionary<string, Type> ByName = Discover();

        private static FrozenDictionary<string, Type> Discover()
        {
            var types = new Dictionary<string, Type>(StringComparer.Ordinal);
            foreach (Type type in typeof(FactorizationOptions).Assembly.GetTypes())
            {
                if (type.IsSealed && !type.IsAbstract && type.IsVisible && !type.ContainsGenericParameters
                    && type.IsSubclassOf(typeof(FactorizationOptions)) && type.FullName is { } name)
                {
                    types.Add(name, type);
                }
            }

            return types.ToFrozenDictionary(StringComparer.Ordinal);
        }
    }
}
