using System.Buffers.Binary;
using System.Globalization;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Models;
using CollaborativeFiltering.Persistence;

namespace CollaborativeFiltering.Factorization.Persistence;

/// <summary>
/// The binary model file, versions 1 to 4. All integers and floats are little-endian.
/// <code>
/// offset size  field
///  0      8    magic "CFMODEL\0"
///  8      2    format version (uint16): 4 when flag 64 is set, else 3 when flag 32 is set, else 2 when
///              flag 16 is set, else 1
/// 10      2    flags (uint16): 1 = biases and global mean, 2 = options section, 4 = prediction range,
///              8 = training scale, 16 = implicit item factors (SVD++; version 2 and later),
///              32 = posterior samples (Bayesian models; version 3 and later, needs flag 1),
///              64 = training support (version 4)
/// 12      4    d (int32, > 0)
/// 16      4    N users (int32)
/// 20      4    M items (int32)
/// 24      4    global mean μ (float32)
/// 28      4    options section length in bytes (int32; 0 without options)
/// 32      4    catalogue section length in bytes (int32)
/// 36      4    versions 1 and 2: CRC-32C of bytes 0..35 (so sizes are trusted before anything is allocated);
///              with flag 32 (versions 3 and 4): S, the number of posterior samples (int32), then at 40
///              the CRC-32C of bytes 0..39
/// 40           options section: type full name (string), then the options as UTF-8 JSON
///              catalogue section (see <see cref="CatalogCodec.Encode"/>)
///              U: N·d float32, row-major; V: M·d float32, row-major
///              when flag 1: b_u: N float32; b_i: M float32
///              when flag 4: the prediction range, min and max (2 float32, finite, min ≤ max)
///              when flag 8: the scale of the training ratings, min and max (2 float32, finite, min ≤ max;
///              files written before it existed have no flag 8 and load without a recorded scale)
///              when flag 16: Y, the implicit item factors: M·d float32, row-major
///              when flag 32: the posterior samples: g_s (S float32), 1/α_s (S float32), every sample's
///              user rows [q; b] (S·N·(d + 1) float32), every sample's item rows (S·M·(d + 1) float32)
///              when flag 64: the training support: N int32 (each user's training ratings), M int32
///              (each item's), all ≥ 0, then the mean training rating (float32, finite)
/// end-4   4    CRC-32C of every byte before it
/// </code>
/// A model without implicit item factors, posterior samples or training support is written as version 1,
/// which every earlier version of the library reads; version 2 adds only flag 16; version 3 adds the
/// sample count to the header and flag 32; version 4 adds flag 64. Files written before flag 64 existed
/// load as models without support (<see cref="FactorizationModel.ItemSupport"/> empty).
/// Strings are an int32 UTF-8 byte count (-1 for null) followed by the bytes. The body is only
/// parsed once the final checksum matches, so corrupted bytes never reach the JSON or catalogue
/// parsers, and a model is only returned when every float in it is finite.
/// </summary>
internal static class FactorizationModelFormat
{
    public const ushort CurrentVersion = 4;

    /// <summary>The version of a model with posterior samples and no training support; it added the sample count to the header.</summary>
    public const ushort PosteriorVersion = 3;

    /// <summary>The version of a model with implicit item factors and no posterior samples.</summary>
    public const ushort ImplicitVersion = 2;

    /// <summary>The version that holds every model without implicit item factors.</summary>
    public const ushort BaseVersion = 1;
    public const int HeaderSize = 40;
    public const int HeaderSizeV3 = 44;
    public const int PosteriorCountOffset = 36;
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
    public const ushort FlagTrainingScale = 8;
    public const ushort FlagImplicitFactors = 16;
    public const ushort FlagPosterior = 32;
    public const ushort FlagSupport = 64;
    private const ushort KnownFlagsVersion1 = FlagBiases | FlagOptions | FlagPredictionRange | FlagTrainingScale;
    private const ushort KnownFlagsVersion2 = KnownFlagsVersion1 | FlagImplicitFactors;
    private const ushort KnownFlagsVersion3 = KnownFlagsVersion2 | FlagPosterior;
    private const ushort KnownFlags = KnownFlagsVersion3 | FlagSupport;

    /// <summary>"CFMODEL\0".</summary>
    public static ReadOnlySpan<byte> Magic => ModelFileMagic.Factorization;

    // ---------------------------------------------------------------- writing

    /// <summary>Writes a model.</summary>
    /// <param name="stream">The destination.</param>
    /// <param name="model">The model.</param>
    /// <param name="optionsSection">Tests only: raw options-section bytes to write instead of the model's options.</param>
    public static void Write(Stream stream, FactorizationModel model, byte[]? optionsSection)
    {
        byte[] options = optionsSection ?? FactorizationOptionsJson.Encode(model.Options);
        byte[] catalog = CatalogCodec.Encode(model.Catalog);
        float[]? implicitFactors = model.ImplicitItemFactorArray;
        PosteriorSamples? posterior = model.Posterior;
        ushort flags = (ushort)((model.HasBiases ? FlagBiases : 0) | (options.Length > 0 ? FlagOptions : 0) | (model.PredictionRange.HasValue ? FlagPredictionRange : 0)
            | (model.TrainingScale.HasValue ? FlagTrainingScale : 0) | (implicitFactors is not null ? FlagImplicitFactors : 0) | (posterior is not null ? FlagPosterior : 0) | (model.Support is null ? 0 : FlagSupport));
        ushort version = model.Support is not null ? CurrentVersion : posterior is not null ? PosteriorVersion : implicitFactors is not null ? ImplicitVersion : BaseVersion;
        int headerSize = posterior is not null ? HeaderSizeV3 : HeaderSize;

        Span<byte> header = stackalloc byte[HeaderSizeV3];
        header = header[..headerSize];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[VersionOffset..], version);
        BinaryPrimitives.WriteUInt16LittleEndian(header[FlagsOffset..], flags);
        BinaryPrimitives.WriteInt32LittleEndian(header[DimensionsOffset..], model.Dimensions);
        BinaryPrimitives.WriteInt32LittleEndian(header[UserCountOffset..], model.UserCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[ItemCountOffset..], model.ItemCount);
        BinaryPrimitives.WriteSingleLittleEndian(header[GlobalMeanOffset..], model.GlobalMean);
        BinaryPrimitives.WriteInt32LittleEndian(header[OptionsLengthOffset..], options.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[CatalogLengthOffset..], catalog.Length);
        if (posterior is not null)
        {
            BinaryPrimitives.WriteInt32LittleEndian(header[PosteriorCountOffset..], posterior.Count);
        }

        int checksumOffset = headerSize - ChecksumSize;
        BinaryPrimitives.WriteUInt32LittleEndian(header[checksumOffset..], Crc32C.Compute(header[..checksumOffset]));

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

        if (model.TrainingScale is { } scale)
        {
            writer.WriteValues<float>([scale.Min, scale.Max]);
        }

        if (implicitFactors is not null)
        {
            writer.WriteValues<float>(implicitFactors);
        }

        if (posterior is not null)
        {
            writer.WriteValues<float>(posterior.Globals);
            writer.WriteValues<float>(posterior.NoiseVariances);
            writer.WriteValues<float>(posterior.UserArray);
            writer.WriteValues<float>(posterior.ItemArray);
        }

        if (model.Support is { } support)
        {
            writer.WriteValues<int>(support.UserCounts);
            writer.WriteValues<int>(support.ItemCounts);
            writer.WriteValues<float>([support.Mean]);
        }

        writer.WriteChecksum();
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
        float[]? scaleValues = header.HasTrainingScale ? reader.ReadValues<float>(2, "training scale") : null;
        float[]? implicitFactors = header.HasImplicitFactors ? reader.ReadValues<float>((long)header.ItemCount * header.Dimensions, "implicit item factors") : null;
        float[]? globals = null, noise = null, sampleUsers = null, sampleItems = null;
        if (header.HasPosterior)
        {
            globals = reader.ReadValues<float>(header.PosteriorCount, "posterior samples");
            noise = reader.ReadValues<float>(header.PosteriorCount, "posterior samples");
            sampleUsers = reader.ReadValues<float>((long)header.PosteriorCount * header.UserCount * (header.Dimensions + 1), "posterior samples");
            sampleItems = reader.ReadValues<float>((long)header.PosteriorCount * header.ItemCount * (header.Dimensions + 1), "posterior samples");
        }

        int[]? userCounts = null, itemCounts = null;
        float[]? mean = null;
        if (header.HasSupport)
        {
            userCounts = reader.ReadValues<int>(header.UserCount, "training support");
            itemCounts = reader.ReadValues<int>(header.ItemCount, "training support");
            mean = reader.ReadValues<float>(1, "training support");
        }

        reader.ReadAndVerifyChecksum();

        // Everything below parses bytes whose checksum matched.
        FactorizationOptions? options = header.OptionsLength == 0 ? null : FactorizationOptionsJson.Decode(optionsBytes, reader, header.Size);
        Catalog catalog = CatalogCodec.Decode(catalogBytes, header.UserCount, header.ItemCount, reader, header.Size + (long)header.OptionsLength);
        long offset = header.Size + (long)header.OptionsLength + header.CatalogLength;
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
            throw reader.Error(header.Size + (long)header.OptionsLength + header.CatalogLength, $"{scale}.");
        }

        RatingRange? range = rangeValues is null ? null : DecodeRange(rangeValues, reader, offset, "prediction range");
        offset += rangeValues is null ? 0 : 2 * sizeof(float);
        RatingRange? trainingScale = scaleValues is null ? null : DecodeRange(scaleValues, reader, offset, "training scale");
        offset += scaleValues is null ? 0 : 2 * sizeof(float);
        if (implicitFactors is not null)
        {
            reader.RequireFinite(implicitFactors, "implicit item factors", offset);
            if (EmbeddingLimits.RowNormProblem(implicitFactors, header.Dimensions, "the implicit factor of item") is { } problem)
            {
                throw reader.Error(offset, $"{problem}.");
            }
        }

        PosteriorSamples? posterior = null;
        if (header.HasPosterior)
        {
            posterior = new PosteriorSamples(header.PosteriorCount, header.Dimensions, header.UserCount, header.ItemCount, globals!, noise!, sampleUsers!, sampleItems!);
            if (posterior.Problem() is { } problem)
            {
                throw reader.Error(header.PosteriorStart, $"{problem}.");
            }
        }

        TrainingSupport? support = userCounts is null ? null : DecodeSupport(userCounts, itemCounts!, mean![0], reader, header.SupportStart);
        return new FactorizationModel(catalog, header.Dimensions, users, items, userBiases, itemBiases, header.GlobalMean, options, range, trainingScale, implicitFactors, posterior, support);
    }

    private static TrainingSupport DecodeSupport(int[] userCounts, int[] itemCounts, float mean, ChecksummedModelReader reader, long sectionOffset)
    {
        for (int k = 0; k < userCounts.Length + itemCounts.Length; k++)
        {
            int count = k < userCounts.Length ? userCounts[k] : itemCounts[k - userCounts.Length];
            if (count < 0)
            {
                throw reader.Error(sectionOffset + ((long)k * sizeof(int)), string.Create(CultureInfo.InvariantCulture,
                    $"a training-support count is {count}; expected zero or more."));
            }
        }

        if (!float.IsFinite(mean) || Math.Abs(mean) > EmbeddingLimits.MaxBias)
        {
            throw reader.Error(sectionOffset + (((long)userCounts.Length + itemCounts.Length) * sizeof(int)), string.Create(CultureInfo.InvariantCulture,
                $"the mean training rating is {mean}; expected a finite number of magnitude at most 1E+37."));
        }

        return new TrainingSupport(userCounts, itemCounts, mean);
    }

    private static RatingRange DecodeRange(float[] values, ChecksummedModelReader reader, long sectionOffset, string name)
    {
        float min = values[0], max = values[1];
        if (!float.IsFinite(min))
        {
            throw reader.Error(sectionOffset, string.Create(CultureInfo.InvariantCulture, $"the {name}'s minimum is {min}; expected a finite number."));
        }

        if (!float.IsFinite(max) || max < min)
        {
            throw reader.Error(sectionOffset + sizeof(float), string.Create(CultureInfo.InvariantCulture,
                $"the {name}'s maximum is {max}; expected a finite number at least the minimum ({min})."));
        }

        return new RatingRange(min, max);
    }

    /// <summary>The fixed header, validated.</summary>
    private readonly record struct Header(ushort Version, ushort Flags, int Dimensions, int UserCount, int ItemCount, float GlobalMean, int OptionsLength, int CatalogLength, int Size, int PosteriorCount)
    {
        public bool HasBiases => (Flags & FlagBiases) != 0;

        public bool HasPredictionRange => (Flags & FlagPredictionRange) != 0;

        public bool HasTrainingScale => (Flags & FlagTrainingScale) != 0;

        public bool HasImplicitFactors => (Flags & FlagImplicitFactors) != 0;

        public bool HasPosterior => (Flags & FlagPosterior) != 0;

        public bool HasSupport => (Flags & FlagSupport) != 0;

        private long EmbeddingsStart => Size + (long)OptionsLength + CatalogLength;

        private long ItemEmbeddingsStart => EmbeddingsStart + ((long)UserCount * Dimensions * sizeof(float));

        private long BiasesStart => ItemEmbeddingsStart + ((long)ItemCount * Dimensions * sizeof(float));

        private long RangeStart => BiasesStart + (HasBiases ? ((long)UserCount + ItemCount) * sizeof(float) : 0);

        private long ScaleStart => RangeStart + (HasPredictionRange ? 2 * sizeof(float) : 0);

        private long ImplicitFactorsStart => ScaleStart + (HasTrainingScale ? 2 * sizeof(float) : 0);

        public long PosteriorStart => ImplicitFactorsStart + (HasImplicitFactors ? (long)ItemCount * Dimensions * sizeof(float) : 0);

        public long SupportStart => PosteriorStart + (HasPosterior ? (long)PosteriorCount * sizeof(float) * (2 + (((long)UserCount + ItemCount) * (Dimensions + 1))) : 0);

        private long ChecksumStart => SupportStart + (HasSupport ? (((long)UserCount + ItemCount) * sizeof(int)) + sizeof(float) : 0);

        public long TotalLength => ChecksumStart + ChecksumSize;

        /// <summary>The part of the file that the byte at <paramref name="offset"/> belongs to.</summary>
        public string SectionAt(long offset) =>
            offset < Size ? "header"
            : offset < Size + (long)OptionsLength ? "options section"
            : offset < EmbeddingsStart ? "catalogue section"
            : offset < ItemEmbeddingsStart ? "user embeddings"
            : offset < BiasesStart ? "item embeddings"
            : offset < BiasesStart + ((long)UserCount * sizeof(float)) ? "user biases"
            : offset < RangeStart ? "item biases"
            : offset < ScaleStart ? "prediction range"
            : offset < ImplicitFactorsStart ? "training scale"
            : offset < PosteriorStart ? "implicit item factors"
            : offset < SupportStart ? "posterior samples"
            : offset < ChecksumStart ? "training support"
            : "checksum";
    }

    /// <summary>Reads and validates the fixed header and its checksum; the body follows it.</summary>
    private static Header ReadHeader(Stream stream, ChecksummedModelReader reader)
    {
        Span<byte> header = stackalloc byte[HeaderSizeV3];
        int read = stream.ReadAtLeast(header[..HeaderSize], HeaderSize, throwOnEndOfStream: false);
        if (read == 0)
        {
            throw reader.Error(0, "the model is empty (0 bytes); expected a CollaborativeFiltering model starting with \"CFMODEL\".");
        }

        int magicBytes = Math.Min(read, Magic.Length);
        if (!header[..magicBytes].SequenceEqual(Magic[..magicBytes]))
        {
            throw reader.Error(0, "not a CollaborativeFiltering matrix-factorization model: it does not start with the bytes \"CFMODEL\\0\"." + ModelFileMagic.KindHint(header[..read]));
        }

        reader.CheckVersion(header, read, VersionOffset, CurrentVersion);
        // The sample count sits in the header of a model with posterior samples only (a forged version or flag
        // changes the size read, and the header checksum then fails).
        int size = read >= FlagsOffset + 2 && BinaryPrimitives.ReadUInt16LittleEndian(header[VersionOffset..]) >= PosteriorVersion
            && (BinaryPrimitives.ReadUInt16LittleEndian(header[FlagsOffset..]) & FlagPosterior) != 0 ? HeaderSizeV3 : HeaderSize;
        if (read == HeaderSize && size > HeaderSize)
        {
            read += stream.ReadAtLeast(header[HeaderSize..size], size - HeaderSize, throwOnEndOfStream: false);
        }

        if (read < size)
        {
            throw reader.Truncated(read, "header");
        }

        header = header[..size];
        reader.AcceptHeader(header, size - ChecksumSize);
        var result = new Header(
            BinaryPrimitives.ReadUInt16LittleEndian(header[VersionOffset..]),
            BinaryPrimitives.ReadUInt16LittleEndian(header[FlagsOffset..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[DimensionsOffset..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[UserCountOffset..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[ItemCountOffset..]),
            BinaryPrimitives.ReadSingleLittleEndian(header[GlobalMeanOffset..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[OptionsLengthOffset..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[CatalogLengthOffset..]),
            size,
            size == HeaderSizeV3 ? BinaryPrimitives.ReadInt32LittleEndian(header[PosteriorCountOffset..]) : 0);
        Validate(result, reader);
        return result;
    }

    private static void Validate(Header header, ChecksummedModelReader reader)
    {
        if ((header.Flags & ~KnownFlags) != 0)
        {
            throw reader.Error(FlagsOffset, string.Create(CultureInfo.InvariantCulture, $"unknown flags 0x{header.Flags:X4}; this library knows 0x{KnownFlags:X4}."));
        }

        if (header.Version == BaseVersion && (header.Flags & ~KnownFlagsVersion1) != 0)
        {
            throw reader.Error(FlagsOffset, string.Create(CultureInfo.InvariantCulture,
                $"flags 0x{header.Flags:X4} in a version 1 file; version 1 knows 0x{KnownFlagsVersion1:X4} (implicit item factors, flag 0x{FlagImplicitFactors:X4}, need version 2; posterior samples, flag 0x{FlagPosterior:X4}, version 3; training support, flag 0x{FlagSupport:X4}, version 4)."));
        }

        if (header.Version == ImplicitVersion && (header.Flags & ~KnownFlagsVersion2) != 0)
        {
            throw reader.Error(FlagsOffset, string.Create(CultureInfo.InvariantCulture,
                $"flags 0x{header.Flags:X4} in a version 2 file; version 2 knows 0x{KnownFlagsVersion2:X4} (posterior samples, flag 0x{FlagPosterior:X4}, need version 3; training support, flag 0x{FlagSupport:X4}, version 4)."));
        }

        if (header.Version == PosteriorVersion && (header.Flags & ~KnownFlagsVersion3) != 0)
        {
            throw reader.Error(FlagsOffset, string.Create(CultureInfo.InvariantCulture,
                $"flags 0x{header.Flags:X4} in a version 3 file; version 3 knows 0x{KnownFlagsVersion3:X4} (training support, flag 0x{FlagSupport:X4}, needs version 4)."));
        }

        if ((header.Version == PosteriorVersion && !header.HasPosterior) || (header.Version == CurrentVersion && !header.HasSupport) || (header.HasPosterior && !header.HasBiases))
        {
            throw reader.Error(FlagsOffset, string.Create(CultureInfo.InvariantCulture,
                $"the flags 0x{header.Flags:X4} do not fit a version-{header.Version} header: posterior samples (flag 0x{FlagPosterior:X4}) need version 3 or 4 and biases (flag 1), a version-3 file has them, and a version-4 file has training support (flag 0x{FlagSupport:X4})."));
        }

        if (header.HasPosterior)
        {
            long width = header.Dimensions + 1L, rows = Math.Max(header.UserCount, header.ItemCount);
            if (header.PosteriorCount <= 0 || header.PosteriorCount * rows * width > Array.MaxLength)
            {
                throw reader.Error(PosteriorCountOffset, string.Create(CultureInfo.InvariantCulture,
                    $"the number of posterior samples is {header.PosteriorCount}; expected at least 1, and few enough that a sample table of {rows}·{width} floats each fits in one array."));
            }
        }

        if (header.Dimensions is <= 0 or > TrainerOptions.MaxDimensions)
        {
            throw reader.Error(DimensionsOffset, string.Create(CultureInfo.InvariantCulture, $"the dimension d is {header.Dimensions}; expected 1 to {TrainerOptions.MaxDimensions}."));
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
}
