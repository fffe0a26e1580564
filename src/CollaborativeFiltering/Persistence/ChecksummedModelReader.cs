using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Persistence;

/// <summary>
/// Reads a model file's sections in order, tracking the byte offset and the running CRC-32C of
/// everything read, for the matrix-factorization and softmax model formats.
/// Every problem is a <see cref="ModelFormatException"/> naming the source and the byte offset:
/// a stream that ends early names the section it ends in, a checksum mismatch both checksums.
/// Each format reads its own header from the stream, then hands it to <see cref="AcceptHeader"/>.
/// </summary>
/// <param name="stream">Positioned at the model's first byte.</param>
/// <param name="source">The path or stream description for messages.</param>
internal sealed class ChecksummedModelReader(Stream stream, string source)
{
    /// <summary>The size of a CRC-32C, after the header and at the end of the model.</summary>
    public const int ChecksumSize = 4;

    /// <summary>Values per read call: 1 MiB, so the checksum runs over cache-hot data.</summary>
    public const int Chunk = 1 << 18;

    private Crc32C _crc;
    private long _position;

    /// <summary>
    /// Whether <see cref="CheckLength"/> found every byte the header describes in the stream, so that
    /// sections may be allocated at their full size up front. Otherwise (a non-seekable stream, whose
    /// header sizes are only claims until the bytes arrive) every section grows with the bytes
    /// actually read, so a forged count cannot make the reader allocate more than about twice what
    /// the stream delivered.
    /// </summary>
    private bool _lengthChecked;

    /// <summary>A <see cref="ModelFormatException"/> for <paramref name="problem"/> at byte <paramref name="offset"/>.</summary>
    public ModelFormatException Error(long offset, string problem, Exception? inner = null) => new(source, offset, problem, inner);

    /// <summary>The model ends after <paramref name="length"/> bytes, inside <paramref name="section"/>.</summary>
    public ModelFormatException Truncated(long length, string section) =>
        Error(length, string.Create(CultureInfo.InvariantCulture, $"the model is truncated: it ends after {length} bytes, inside the {section}."));

    /// <summary>
    /// Checks the uint16 format version at <paramref name="versionOffset"/> of the first
    /// <paramref name="read"/> header bytes: present, at least 1 and at most <paramref name="currentVersion"/>.
    /// </summary>
    public void CheckVersion(ReadOnlySpan<byte> header, int read, int versionOffset, ushort currentVersion)
    {
        if (read < versionOffset + sizeof(ushort))
        {
            throw Truncated(read, "header");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header[versionOffset..]);
        if (version > currentVersion)
        {
            throw Error(versionOffset, string.Create(CultureInfo.InvariantCulture,
                $"format version {version} is newer than this library supports ({currentVersion}); upgrade CollaborativeFiltering."));
        }

        if (version == 0)
        {
            throw Error(versionOffset, string.Create(CultureInfo.InvariantCulture, $"format version 0 is not valid; expected 1 to {currentVersion}."));
        }
    }

    /// <summary>
    /// Checks the header's own CRC-32C, stored at <paramref name="checksumOffset"/> over the bytes
    /// before it, then counts the header and that checksum as read: the body starts after them.
    /// </summary>
    public void AcceptHeader(ReadOnlySpan<byte> header, int checksumOffset)
    {
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(header[checksumOffset..]);
        uint computed = Crc32C.Compute(header[..checksumOffset]);
        if (stored != computed)
        {
            throw Error(checksumOffset, string.Create(CultureInfo.InvariantCulture,
                $"the header is corrupted: its checksum is 0x{stored:X8} but its bytes give 0x{computed:X8}."));
        }

        _crc.Append(header[..(checksumOffset + ChecksumSize)]);
        _position = checksumOffset + ChecksumSize;
    }

    /// <summary>
    /// On a seekable stream, right after <see cref="AcceptHeader"/>: throws when fewer than
    /// <paramref name="total"/> bytes remain for the model (naming the section from
    /// <paramref name="sectionAt"/>), or, with <paramref name="requireEnd"/>, when more do.
    /// Non-seekable streams are checked section by section as they are read.
    /// </summary>
    public void CheckLength(long total, bool requireEnd, Func<long, string> sectionAt)
    {
        if (!stream.CanSeek)
        {
            return;
        }

        long available = stream.Length - stream.Position + _position;
        if (available < total)
        {
            throw Error(available, string.Create(CultureInfo.InvariantCulture,
                $"the model is truncated: it is {available} bytes long but its header describes {total} bytes (it ends inside the {sectionAt(available)})."));
        }

        if (requireEnd && available > total)
        {
            throw Error(total, string.Create(CultureInfo.InvariantCulture,
                $"the file has {available - total} unexpected bytes after the model's checksum (it is {available} bytes long; the header describes {total})."));
        }

        _lengthChecked = true;
    }

    /// <summary>Reads <paramref name="length"/> bytes of <paramref name="section"/>.</summary>
    public byte[] ReadBytes(int length, string section) => ReadValues<byte>(length, section);

    /// <summary>
    /// Reads <paramref name="count"/> little-endian values (bytes, or 4-byte ints or floats) of
    /// <paramref name="section"/>, in chunks. Unless the stream's length was checked, the array grows
    /// (doubling) as chunks arrive, so what is allocated stays within about three times what was read.
    /// </summary>
    public T[] ReadValues<T>(long count, string section)
        where T : unmanaged
    {
        Debug.Assert(Unsafe.SizeOf<T>() is sizeof(int) or sizeof(byte), "Only bytes and 4-byte values are stored.");
        Debug.Assert(count is >= 0 and <= int.MaxValue);
        int total = (int)count;
        int chunkValues = Chunk * sizeof(int) / Unsafe.SizeOf<T>();
        T[] values = GC.AllocateUninitializedArray<T>(_lengthChecked ? total : Math.Min(total, chunkValues));
        for (int start = 0; start < total; start += chunkValues)
        {
            int length = Math.Min(chunkValues, total - start);
            if (start + length > values.Length)
            {
                T[] grown = GC.AllocateUninitializedArray<T>((int)Math.Min(total, Math.Max(start + (long)length, 2L * values.Length)));
                values.AsSpan(0, start).CopyTo(grown);
                values = grown;
            }

            Span<T> chunk = values.AsSpan(start, length);
            Fill(MemoryMarshal.AsBytes(chunk), section);
            if (!BitConverter.IsLittleEndian && Unsafe.SizeOf<T>() == sizeof(int))
            {
                Span<int> bits = MemoryMarshal.Cast<T, int>(chunk);
                BinaryPrimitives.ReverseEndianness(bits, bits);
            }
        }

        return values;
    }

    /// <summary>Reads the final CRC-32C and compares it with the one of every byte read before it.</summary>
    public void ReadAndVerifyChecksum()
    {
        uint computed = _crc.Value;
        Span<byte> trailer = stackalloc byte[ChecksumSize];
        long offset = _position;
        int read = stream.ReadAtLeast(trailer, ChecksumSize, throwOnEndOfStream: false);
        if (read < ChecksumSize)
        {
            throw Truncated(offset + read, "checksum");
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        if (stored != computed)
        {
            throw Error(offset, string.Create(CultureInfo.InvariantCulture,
                $"the model is corrupted: its checksum is 0x{stored:X8} but its contents give 0x{computed:X8}."));
        }

        _position = offset + ChecksumSize;
    }

    /// <summary>
    /// Throws naming the first non-finite value of <paramref name="values"/>, which start at byte
    /// <paramref name="offset"/>; returns the offset just after them.
    /// </summary>
    public long RequireFinite(float[] values, string section, long offset)
    {
        if (!TensorPrimitivesExtensions.AllFinite(values))
        {
            int index = 0;
            while (float.IsFinite(values[index]))
            {
                index++;
            }

            throw Error(offset + ((long)index * sizeof(float)), string.Create(CultureInfo.InvariantCulture,
                $"the {section} hold a non-finite value ({values[index]}) at index {index}; a model never contains NaN or infinity."));
        }

        return offset + ((long)values.Length * sizeof(float));
    }

    private void Fill(Span<byte> destination, string section)
    {
        int read = stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        if (read < destination.Length)
        {
            throw Truncated(_position + read, section);
        }

        _crc.Append(destination);
        _position += destination.Length;
    }
}
