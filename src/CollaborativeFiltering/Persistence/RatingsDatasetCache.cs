using System.Buffers.Binary;
using System.Globalization;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Persistence;

namespace CollaborativeFiltering;

/// <summary>
/// A binary cache of a <see cref="RatingsDataset"/>: <see cref="Save"/> writes it once (e.g. after
/// parsing a large CSV file), <see cref="Open"/> maps it back in a fraction of the parsing time.
/// The file is versioned and every section carries its CRC-32C; a damaged or forged file is refused
/// with a <see cref="ModelFormatException"/> naming it, the byte offset and what was wrong.
/// </summary>
public static class RatingsDatasetCache
{
    /// <summary>
    /// The format, version 1 (little-endian). A 64-byte header: magic <c>"CFDATA\0\0"</c>,
    /// uint16 version, uint16 flags (1: timestamps), int32 N, int32 M, int32 ratings, int64 length of
    /// the catalogue section, zeros, and at byte 60 the CRC-32C of the 60 bytes before it. Then the
    /// sections, each followed by its own CRC-32C: the catalogue (as in the model files), the N + 1
    /// user row offsets (int32), the item of each rating (int32), its value (float32), and with
    /// flag 1 its timestamp (int64), all in user-major order. The item-major view is not stored: it is
    /// rebuilt on opening, in one pass.
    /// </summary>
    private const ushort CacheVersion = 1;

    private const int CacheHeaderSize = 64;
    private const int CacheChecksumOffset = 60;
    private const ushort CacheTimestampsFlag = 1;

    /// <summary>Bytes per chunk when checksumming and copying: the checksum runs over cache-hot data.</summary>
    private const int CacheChunk = 1 << 20;

    private static ReadOnlySpan<byte> CacheMagic => "CFDATA\0\0"u8;

    /// <summary>
    /// Saves <paramref name="dataset"/> as a cache file that <see cref="Open"/> reads back far faster
    /// than the text it was loaded from: the catalogue, the user-major view and the timestamps, each
    /// section with its CRC-32C, about 8 bytes per rating (16 with timestamps). Written atomically:
    /// a failure leaves any existing file untouched. <see cref="RatingsDataset.LoadReport"/> is not stored.
    /// </summary>
    /// <param name="dataset">The dataset (a split's side saves its own ratings).</param>
    /// <param name="path">The destination file; its directory must exist.</param>
    /// <param name="cancellationToken">Checked between chunks; a cancelled save leaves no file behind.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> or <paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void Save(RatingsDataset dataset, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.Write(path, (Dataset: dataset, Token: cancellationToken), static (stream, state) => Write(state.Dataset, stream, state.Token));
    }

    /// <summary>
    /// Opens a cache file written by <see cref="Save"/>: the file is memory-mapped, every section's
    /// checksum is verified as it is copied into the dataset's arrays, the contents are checked
    /// (sorted rows, indices in range, finite values), and the item-major view is rebuilt. Allocates
    /// only what the file's length accounts for. <see cref="RatingsDataset.LoadReport"/> is <see langword="null"/>.
    /// </summary>
    /// <param name="path">A file written by <see cref="Save"/>.</param>
    /// <param name="cancellationToken">Checked between chunks.</param>
    /// <returns>The dataset, equal to the one saved.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelFormatException">The file is not a dataset cache, is truncated or corrupted (a checksum does not match), its contents are inconsistent, or it was written by a newer version of the library; the message names the file, the byte offset and what was wrong.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static RatingsDataset Open(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.None);
        long length = file.Length;
        if (length < CacheHeaderSize)
        {
            throw new ModelFormatException(path, length, string.Create(CultureInfo.InvariantCulture,
                $"the file is {length} bytes long, shorter than a dataset cache's {CacheHeaderSize}-byte header; it is truncated or not a dataset cache."));
        }

        using var map = MemoryMappedFile.CreateFromFile(file, mapName: null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        using var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        return new CacheReader(path, view, length, cancellationToken).Read();
    }

    private static void Write(RatingsDataset dataset, Stream stream, CancellationToken cancellationToken)
    {
        byte[] catalog = CatalogCodec.Encode(dataset.Catalog);
        CsrView byUser = dataset.ByUser;
        long[]? timestamps = dataset.TimestampArray;
        Span<byte> header = stackalloc byte[CacheHeaderSize];
        header.Clear();
        CacheMagic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], CacheVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], timestamps is null ? (ushort)0 : CacheTimestampsFlag);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], dataset.UserCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], dataset.ItemCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], dataset.Count);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], catalog.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[CacheChecksumOffset..], Crc32C.Compute(header[..CacheChecksumOffset]));
        stream.Write(header);

        WriteSection<byte>(stream, catalog, cancellationToken);
        WriteSection<int>(stream, byUser.RowOffsetArray, cancellationToken);
        WriteSection<int>(stream, byUser.ColumnArray, cancellationToken);
        WriteSection<float>(stream, byUser.ValueArray, cancellationToken);
        if (timestamps is not null)
        {
            WriteSection<long>(stream, timestamps, cancellationToken);
        }
    }

    /// <summary>Writes values little-endian in chunks, then the CRC-32C of their bytes.</summary>
    private static void WriteSection<T>(Stream stream, ReadOnlySpan<T> values, CancellationToken cancellationToken)
        where T : unmanaged
    {
        int size = Marshal.SizeOf<T>();
        int perChunk = CacheChunk / size;
        var crc = default(Crc32C);
        byte[]? swapped = BitConverter.IsLittleEndian || size == 1 ? null : new byte[CacheChunk];
        for (int start = 0; start < values.Length; start += perChunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(values.Slice(start, Math.Min(perChunk, values.Length - start)));
            if (swapped is not null)
            {
                bytes.CopyTo(swapped);
                ReverseEndianness(swapped.AsSpan(0, bytes.Length), size);
                bytes = swapped.AsSpan(0, bytes.Length);
            }

            crc.Append(bytes);
            stream.Write(bytes);
        }

        Span<byte> trailer = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc.Value);
        stream.Write(trailer);
    }

    private static void ReverseEndianness(Span<byte> bytes, int size)
    {
        if (size == sizeof(int))
        {
            Span<int> words = MemoryMarshal.Cast<byte, int>(bytes);
            BinaryPrimitives.ReverseEndianness(words, words);
        }
        else if (size == sizeof(long))
        {
            Span<long> words = MemoryMarshal.Cast<byte, long>(bytes);
            BinaryPrimitives.ReverseEndianness(words, words);
        }
    }

    /// <summary>Reads a mapped cache file section by section, tracking the offset for messages.</summary>
    private sealed unsafe class CacheReader(string path, MemoryMappedViewAccessor view, long length, CancellationToken cancellationToken)
    {
        private long _offset;

        public RatingsDataset Read()
        {
            byte* start = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
            try
            {
                return ReadFrom(start + view.PointerOffset);
            }
            finally
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
            }
        }

        private RatingsDataset ReadFrom(byte* data)
        {
            var header = new ReadOnlySpan<byte>(data, CacheHeaderSize);
            if (!header[..CacheMagic.Length].SequenceEqual(CacheMagic))
            {
                throw Error(0, "it does not start with \"CFDATA\", so it is not a dataset cache written by RatingsDatasetCache.Save." + ModelFileMagic.KindHint(header[..ModelFileMagic.Length]));
            }

            ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
            if (version == 0 || version > CacheVersion)
            {
                throw Error(8, string.Create(CultureInfo.InvariantCulture,
                    $"format version {version} is not one this library reads (1 to {CacheVersion}){(version > CacheVersion ? "; upgrade CollaborativeFiltering" : "")}."));
            }

            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(header[CacheChecksumOffset..]);
            uint computed = Crc32C.Compute(header[..CacheChecksumOffset]);
            if (stored != computed)
            {
                throw Error(CacheChecksumOffset, string.Create(CultureInfo.InvariantCulture,
                    $"the header is corrupted: its checksum is 0x{stored:X8} but its bytes give 0x{computed:X8}."));
            }

            ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(header[10..]);
            int users = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
            int items = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
            int count = BinaryPrimitives.ReadInt32LittleEndian(header[20..]);
            long catalogLength = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
            if ((flags & ~CacheTimestampsFlag) != 0)
            {
                throw Error(10, string.Create(CultureInfo.InvariantCulture, $"unknown flags 0x{flags:X4}; this library knows 0x0001 (timestamps)."));
            }

            if (users < 0 || items < 0 || count < 0 || catalogLength < 0 || users == int.MaxValue)
            {
                throw Error(12, string.Create(CultureInfo.InvariantCulture,
                    $"the header's counts are invalid ({users} users, {items} items, {count} ratings, a {catalogLength}-byte catalogue); none may be negative."));
            }

            bool timestamps = (flags & CacheTimestampsFlag) != 0;
            long expected = MemoryBudget.Sum(CacheHeaderSize, catalogLength, 4L * (users + 1L), 4L * count, 4L * count, timestamps ? 8L * count : 0, (timestamps ? 5L : 4L) * sizeof(uint));
            if (length != expected)
            {
                throw Error(Math.Min(length, expected), string.Create(CultureInfo.InvariantCulture,
                    $"the file is {length} bytes long but its header describes {expected} bytes ({users} users, {items} items, {count} ratings{(timestamps ? " with timestamps" : "")}); it is {(length < expected ? "truncated" : "followed by unexpected bytes")}."));
            }

            if (catalogLength > Array.MaxLength)
            {
                throw Error(24, string.Create(CultureInfo.InvariantCulture, $"the catalogue section is {catalogLength} bytes, more than one array holds."));
            }

            _offset = CacheHeaderSize;
            var catalogBytes = ReadSection<byte>(data, (int)catalogLength, "catalogue");
            long catalogOffset = CacheHeaderSize;
            Catalog catalog = CatalogCodec.Decode(catalogBytes, users, items, path, catalogOffset);

            long offsetsAt = _offset;
            int[] offsets = ReadSection<int>(data, users + 1, "user row offsets");
            long itemsAt = _offset;
            int[] columns = ReadSection<int>(data, count, "items");
            long valuesAt = _offset;
            float[] values = ReadSection<float>(data, count, "values");
            long[]? stamps = timestamps ? ReadSection<long>(data, count, "timestamps") : null;

            CheckRows(offsets, columns, items, count, offsetsAt, itemsAt);
            for (int p = 0; p < values.Length; p++)
            {
                if (!float.IsFinite(values[p]))
                {
                    throw Error(valuesAt + (4L * p), string.Create(CultureInfo.InvariantCulture, $"rating #{p + 1} (user-major order) is {values[p]}, not a finite number."));
                }
            }

            return RatingsDataset.FromUserMajor(catalog, offsets, columns, values, stamps);
        }

        /// <summary>Row offsets from 0 to the rating count, never decreasing; items in range and strictly ascending within each row.</summary>
        private void CheckRows(int[] offsets, int[] columns, int items, int count, long offsetsAt, long itemsAt)
        {
            if (offsets[0] != 0 || offsets[^1] != count)
            {
                throw Error(offsetsAt, string.Create(CultureInfo.InvariantCulture,
                    $"the user row offsets run from {offsets[0]} to {offsets[^1]}; they must run from 0 to the rating count, {count}."));
            }

            for (int u = 0; u + 1 < offsets.Length; u++)
            {
                int begin = offsets[u], end = offsets[u + 1];
                if (end < begin || end > count)
                {
                    throw Error(offsetsAt + (4L * (u + 1)), string.Create(CultureInfo.InvariantCulture,
                        $"user {u}'s row ends at {end}, before it starts ({begin}) or past the last rating ({count})."));
                }

                int previous = -1;
                for (int p = begin; p < end; p++)
                {
                    int item = columns[p];
                    if (item <= previous || item >= items)
                    {
                        throw Error(itemsAt + (4L * p), string.Create(CultureInfo.InvariantCulture,
                            $"rating #{p + 1} (user {u}) names item {item}; a row's items must be below {items} and strictly ascending (the previous is {previous})."));
                    }

                    previous = item;
                }
            }
        }

        /// <summary>Copies <paramref name="count"/> values from the mapping into a new array, checksumming the bytes as they pass, then checks the CRC-32C that follows.</summary>
        private T[] ReadSection<T>(byte* data, int count, string section)
            where T : unmanaged
        {
            int size = sizeof(T);
            T[] values = GC.AllocateUninitializedArray<T>(count);
            var crc = default(Crc32C);
            int perChunk = CacheChunk / size;
            for (int start = 0; start < count; start += perChunk)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int n = Math.Min(perChunk, count - start);
                var source = new ReadOnlySpan<byte>(data + _offset + ((long)start * size), n * size);
                crc.Append(source);
                Span<byte> target = MemoryMarshal.AsBytes(values.AsSpan(start, n));
                source.CopyTo(target);
                if (!BitConverter.IsLittleEndian)
                {
                    ReverseEndianness(target, size);
                }
            }

            long checksumAt = _offset + ((long)count * size);
            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(data + checksumAt, sizeof(uint)));
            if (stored != crc.Value)
            {
                throw Error(checksumAt, string.Create(CultureInfo.InvariantCulture,
                    $"the {section} section is corrupted: its checksum is 0x{stored:X8} but its bytes give 0x{crc.Value:X8}."));
            }

            _offset = checksumAt + sizeof(uint);
            return values;
        }

        private ModelFormatException Error(long offset, string problem) => new(path, offset, problem);
    }
}
