using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CollaborativeFiltering.Persistence;

namespace CollaborativeFiltering.Factorization.Bayesian;

/// <summary>
/// The binary file of a <see cref="FactorizationMachineModel"/>, version 1: the FM's own part (options,
/// feature groups, the user block's posterior-mean parameters, the groups' hyper-parameters, α), built
/// like the other model files (CRC-32C of the header and of the whole part, nothing parsed before the
/// checksum matches), followed by the context-free part, a complete matrix-factorization model file
/// (<c>CFMODEL\0</c>, with its own header and checksum) holding the embeddings, biases, global mean,
/// prediction range and posterior samples. All integers and floats are little-endian.
/// <code>
/// offset size  field
///  0      8    magic "CFFMACHN"
///  8      2    format version (uint16) = 1
/// 10      2    flags (uint16) = 0
/// 12      4    k, the rank (int32)
/// 16      4    G, the number of feature groups (int32)
/// 20      4    P, the number of user-block features (int32)
/// 24      4    options section length in bytes (int32)
/// 28      4    groups section length in bytes (int32)
/// 32      4    α, the noise precision (float32, positive and finite)
/// 36      4    CRC-32C of bytes 0..35
/// 40           options: the FactorizationMachineOptions as UTF-8 JSON
///              groups: per group its name (string), kind, block, first feature, feature count, origin
///              (int32 each) and vocabulary (int32 count, then the strings)
///              the user block's parameters: P·(k + 1) float32, per feature [w; v]
///              the groups' hyper-parameters: G·2·(k + 1) float32, per group [μ_w, λ_w, μ_v (k), λ_v (k)]
/// end-4   4    CRC-32C of every byte before it
///              then the context-free part (see <c>FactorizationModelFormat</c>)
/// </code>
/// Strings are an int32 UTF-8 byte count (−1 for null) followed by the bytes. Every count is checked
/// against the bytes that arrived before an array of its size is allocated, so a forged header cannot
/// make the reader allocate more than about twice what the stream delivered.
/// </summary>
internal static class FmModelFormat
{
    public const ushort CurrentVersion = 1;
    public const int HeaderSize = 40;
    public const int VersionOffset = 8;
    public const int FlagsOffset = 10;
    public const int DimensionsOffset = 12;
    public const int GroupCountOffset = 16;
    public const int UserFeatureCountOffset = 20;
    public const int OptionsLengthOffset = 24;
    public const int GroupsLengthOffset = 28;
    public const int NoisePrecisionOffset = 32;
    public const int HeaderChecksumOffset = 36;

    /// <summary>The most feature groups a file may declare.</summary>
    public const int MaxGroups = 1 << 16;

    /// <summary>"CFFMACHN".</summary>
    public static ReadOnlySpan<byte> Magic => ModelFileMagic.FactorizationMachine;

    /// <summary>Writes a model: its own part, then the context-free part.</summary>
    public static void Write(Stream stream, FactorizationMachineModel model)
    {
        FmGroupSpec[] groups = model.Groups;
        int k = model.Dimensions;
        byte[] options = JsonSerializer.SerializeToUtf8Bytes(model.Options, FmOptionsJsonContext.Default.FactorizationMachineOptions);
        byte[] groupSection = EncodeGroups(groups);
        Span<byte> header = stackalloc byte[HeaderSize];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[VersionOffset..], CurrentVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[FlagsOffset..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(header[DimensionsOffset..], k);
        BinaryPrimitives.WriteInt32LittleEndian(header[GroupCountOffset..], groups.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[UserFeatureCountOffset..], model.UserParameterArray.Length / (k + 1));
        BinaryPrimitives.WriteInt32LittleEndian(header[OptionsLengthOffset..], options.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[GroupsLengthOffset..], groupSection.Length);
        BinaryPrimitives.WriteSingleLittleEndian(header[NoisePrecisionOffset..], model.NoisePrecision);
        BinaryPrimitives.WriteUInt32LittleEndian(header[HeaderChecksumOffset..], Crc32C.Compute(header[..HeaderChecksumOffset]));

        var writer = new ChecksummedModelWriter(stream);
        writer.WriteBytes(header);
        writer.WriteBytes(options);
        writer.WriteBytes(groupSection);
        writer.WriteValues<float>(model.UserParameterArray);
        writer.WriteValues<float>(model.HyperArray);
        writer.WriteChecksum();
        model.ContextFree.Save(stream);
    }

    /// <summary>Reads a model, validating everything before returning it.</summary>
    /// <param name="stream">Positioned at the model's first byte; left after the context-free part's checksum.</param>
    /// <param name="source">The path or stream description for messages.</param>
    /// <param name="requireEnd">Whether bytes after the model are an error (whole files).</param>
    public static FactorizationMachineModel Read(Stream stream, string source, bool requireEnd)
    {
        var reader = new ChecksummedModelReader(stream, source);
        byte[] header = ReadHeader(stream, reader);
        int k = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(DimensionsOffset));
        int groupCount = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(GroupCountOffset));
        int userFeatures = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(UserFeatureCountOffset));
        int optionsLength = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(OptionsLengthOffset));
        int groupsLength = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(GroupsLengthOffset));
        float alpha = BinaryPrimitives.ReadSingleLittleEndian(header.AsSpan(NoisePrecisionOffset));
        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(FlagsOffset));
        if (flags != 0)
        {
            throw reader.Error(FlagsOffset, string.Create(CultureInfo.InvariantCulture, $"unknown flags 0x{flags:X4}; version 1 knows none."));
        }

        if (k is <= 0 or > TrainerOptions.MaxDimensions)
        {
            throw reader.Error(DimensionsOffset, string.Create(CultureInfo.InvariantCulture, $"the rank k is {k}; expected 1 to {TrainerOptions.MaxDimensions}."));
        }

        long width = k + 1L;
        if (groupCount is < 0 or > MaxGroups || userFeatures < 0 || userFeatures * width > Array.MaxLength)
        {
            throw reader.Error(GroupCountOffset, string.Create(CultureInfo.InvariantCulture,
                $"the header's counts ({groupCount} feature groups, {userFeatures} user features of {width} parameters) are out of range (at most {MaxGroups} groups, {Array.MaxLength} values per table)."));
        }

        if (optionsLength < 0 || groupsLength < 0)
        {
            throw reader.Error(OptionsLengthOffset, string.Create(CultureInfo.InvariantCulture, $"the section lengths ({optionsLength}, {groupsLength}) are negative."));
        }

        if (!float.IsFinite(alpha) || alpha <= 0)
        {
            throw reader.Error(NoisePrecisionOffset, string.Create(CultureInfo.InvariantCulture, $"the noise precision α is {alpha}; expected a positive finite number."));
        }

        long optionsAt = HeaderSize, groupsAt = optionsAt + optionsLength, parametersAt = groupsAt + groupsLength;
        long hyperAt = parametersAt + (4L * userFeatures * width), checksumAt = hyperAt + (4L * groupCount * 2 * width);
        reader.CheckLength(checksumAt + ChecksummedModelReader.ChecksumSize, requireEnd: false, offset =>
            offset < optionsAt ? "header" : offset < groupsAt ? "options section" : offset < parametersAt ? "groups section"
            : offset < hyperAt ? "user parameters" : offset < checksumAt ? "hyper-parameters" : "checksum");

        byte[] optionsBytes = reader.ReadBytes(optionsLength, "options section");
        byte[] groupBytes = reader.ReadBytes(groupsLength, "groups section");
        float[] userParameters = reader.ReadValues<float>(userFeatures * width, "user parameters");
        float[] hyper = reader.ReadValues<float>(groupCount * 2 * width, "hyper-parameters");
        reader.ReadAndVerifyChecksum();

        // Everything below parses bytes whose checksum matched.
        FactorizationMachineOptions options = DecodeOptions(optionsBytes, reader, optionsAt);
        if (options.Dimensions != k)
        {
            throw reader.Error(optionsAt, string.Create(CultureInfo.InvariantCulture, $"the options' rank is {options.Dimensions} but the header's is {k}."));
        }

        FmGroupSpec[] groups = DecodeGroups(groupBytes, groupCount, reader, groupsAt);
        reader.RequireFinite(userParameters, "user parameters", parametersAt);
        reader.RequireFinite(hyper, "hyper-parameters", hyperAt);
        for (int g = 0; g < groupCount; g++)
        {
            for (int a = 0; a <= k; a++)
            {
                long at = (g * 2 * width) + (a == 0 ? 1 : 1 + k + a);
                if (!(hyper[at] > 0))
                {
                    throw reader.Error(hyperAt + (4 * at), string.Create(CultureInfo.InvariantCulture,
                        $"the precision λ of group '{groups[g].Name}' ({(a == 0 ? "linear weights" : $"factor {a - 1}")}) is {hyper[at]}; a precision is positive."));
                }
            }
        }

        long coreAt = checksumAt + ChecksummedModelReader.ChecksumSize;
        FactorizationModel core;
        try
        {
            core = FactorizationModel.Load(stream);
        }
        catch (ModelFormatException e) when (e.Offset >= 0)
        {
            throw reader.Error(coreAt + e.Offset, $"the context-free part (a factorization model starting at byte {coreAt}) is invalid: {e.Problem ?? e.Message}", e);
        }

        if (core.Dimensions != k || !core.HasBiases || core.Options is not null || core.ImplicitItemFactorArray is not null)
        {
            throw reader.Error(coreAt, string.Create(CultureInfo.InvariantCulture,
                $"the context-free part is a factorization model of dimension {core.Dimensions}{(core.HasBiases ? " with" : " without")} biases; expected dimension {k} with biases, no options and no implicit item factors."));
        }

        if (GroupsProblem(groups, core.UserCount, core.ItemCount, userFeatures) is { } problem)
        {
            throw reader.Error(groupsAt, $"the groups section does not fit the model: {problem}.");
        }

        if (requireEnd && stream.CanSeek && stream.Position != stream.Length)
        {
            throw reader.Error(stream.Position, string.Create(CultureInfo.InvariantCulture,
                $"the file has {stream.Length - stream.Position} unexpected bytes after the model's last checksum."));
        }

        return new FactorizationMachineModel(core, options, groups, userParameters, hyper, alpha);
    }

    private static byte[] ReadHeader(Stream stream, ChecksummedModelReader reader)
    {
        var header = new byte[HeaderSize];
        int read = stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false);
        if (read == 0)
        {
            throw reader.Error(0, "the model is empty (0 bytes); expected a CollaborativeFiltering factorization machine starting with \"CFFMACHN\".");
        }

        int magicBytes = Math.Min(read, Magic.Length);
        if (!header.AsSpan(0, magicBytes).SequenceEqual(Magic[..magicBytes]))
        {
            throw reader.Error(0, "not a CollaborativeFiltering factorization machine: it does not start with the bytes \"CFFMACHN\".");
        }

        reader.CheckVersion(header, read, VersionOffset, CurrentVersion);
        if (read < HeaderSize)
        {
            throw reader.Truncated(read, "header");
        }

        reader.AcceptHeader(header, HeaderChecksumOffset);
        return header;
    }

    private static FactorizationMachineOptions DecodeOptions(byte[] bytes, ChecksummedModelReader reader, long offset)
    {
        FactorizationMachineOptions? options;
        try
        {
            options = (FactorizationMachineOptions?)OptionsJson.Deserialize(bytes, FmOptionsJsonContext.Default.FactorizationMachineOptions, new FactorizationMachineOptions());
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

        return options;
    }

    private static byte[] EncodeGroups(FmGroupSpec[] groups)
    {
        var writer = new SectionWriter(64 * groups.Length);
        foreach (FmGroupSpec g in groups)
        {
            writer.WriteString(g.Name);
            writer.WriteInt32((int)g.Kind);
            writer.WriteInt32((int)g.Block);
            writer.WriteInt32(g.Offset);
            writer.WriteInt32(g.Count);
            writer.WriteInt32(g.Origin);
            writer.WriteInt32(g.Vocabulary.Length);
            foreach (string word in g.Vocabulary)
            {
                writer.WriteString(word);
            }
        }

        return writer.ToArray();
    }

    private static FmGroupSpec[] DecodeGroups(byte[] bytes, int count, ChecksummedModelReader reader, long sectionOffset)
    {
        var section = new SectionReader(bytes, reader, sectionOffset, "groups section");
        var groups = new FmGroupSpec[count];
        for (int g = 0; g < count; g++)
        {
            string name = section.ReadString() is { Length: > 0 } s && !string.IsNullOrWhiteSpace(s) ? s : throw section.Error("a group has no name");
            int kind = section.ReadInt32();
            int block = section.ReadInt32();
            if (kind is < 0 or > (int)FmGroupKind.RatingTime || block != (int)BlockOf((FmGroupKind)kind))
            {
                throw section.Error(string.Create(CultureInfo.InvariantCulture, $"group '{name}' has kind {kind} in block {block}, which is not a kind and its block"));
            }

            int offset = section.ReadInt32();
            int features = section.ReadInt32();
            int origin = section.ReadInt32();
            int words = section.ReadCount(section.Remaining.Length / sizeof(int), "vocabulary size");
            var vocabulary = new string[words];
            for (int w = 0; w < words; w++)
            {
                vocabulary[w] = section.ReadString() ?? throw section.Error(string.Create(CultureInfo.InvariantCulture, $"word {w} of group '{name}' is null"));
            }

            groups[g] = new FmGroupSpec(name, (FmGroupKind)kind, (FmBlockKind)block, offset, features, vocabulary, origin);
        }

        section.RequireEnd();
        return groups;
    }

    private static FmBlockKind BlockOf(FmGroupKind kind) => kind switch
    {
        <= FmGroupKind.CustomUser => FmBlockKind.User,
        <= FmGroupKind.CustomItem => FmBlockKind.Item,
        _ => FmBlockKind.Time,
    };

    /// <summary>
    /// What is wrong with <paramref name="groups"/> for a model of <paramref name="users"/> users and
    /// <paramref name="items"/> items whose user block has <paramref name="userFeatures"/> features, or null:
    /// names unique, each block's groups contiguous from feature 0, every group's size what its kind implies.
    /// </summary>
    internal static string? GroupsProblem(FmGroupSpec[] groups, int users, int items, int userFeatures)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        Span<long> next = stackalloc long[3];
        foreach (FmGroupSpec g in groups)
        {
            if (!names.Add(g.Name))
            {
                return $"two groups are named '{g.Name}'";
            }

            if (g.Offset != next[(int)g.Block])
            {
                return string.Create(CultureInfo.InvariantCulture, $"group '{g.Name}' starts at feature {g.Offset}, but its block's previous groups end at {next[(int)g.Block]}");
            }

            (long expected, bool named) = g.Kind switch
            {
                FmGroupKind.UserId or FmGroupKind.Raters => (users, false),
                FmGroupKind.ItemId or FmGroupKind.RatedItems => (items, false),
                FmGroupKind.Age => (FmLayout.AgeBrackets.Length, false),
                FmGroupKind.ReleaseYear or FmGroupKind.RatingTime => (g.Count is >= 1 and <= FmLayout.MaxBuckets ? g.Count : -1, false),
                _ => (g.Vocabulary.Length, true),
            };

            if (g.Count != expected || (!named && g.Vocabulary.Length != 0) || (g.Origin != 0 && g.Kind != FmGroupKind.ReleaseYear))
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"group '{g.Name}' ({g.Kind}) has {g.Count} features, {g.Vocabulary.Length} names and origin {g.Origin}; expected {(expected < 0 ? $"1 to {FmLayout.MaxBuckets}" : expected)} features, {(named ? "one name each" : "no names")} and origin 0 unless it holds release years");
            }

            next[(int)g.Block] += g.Count;
        }

        return next[(int)FmBlockKind.User] == userFeatures ? null
            : string.Create(CultureInfo.InvariantCulture, $"the user block's groups hold {next[(int)FmBlockKind.User]} features, but the header says {userFeatures}");
    }
}

/// <summary>The source-generated JSON contract of <see cref="FactorizationMachineOptions"/> in its model file (NaN and ±∞ written as strings, as in the other model files).</summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(FactorizationMachineOptions))]
internal sealed partial class FmOptionsJsonContext : JsonSerializerContext
{
}
