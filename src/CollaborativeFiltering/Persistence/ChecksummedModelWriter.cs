using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CollaborativeFiltering.Persistence;

/// <summary>
/// Writes a model file's sections in order while computing the CRC-32C of every byte written,
/// which <see cref="WriteChecksum"/> appends at the end; the writing side of
/// <see cref="ChecksummedModelReader"/>, for the matrix-factorization and softmax model formats.
/// </summary>
/// <param name="stream">The destination.</param>
internal sealed class ChecksummedModelWriter(Stream stream)
{
    private Crc32C _crc;

    /// <summary>Writes <paramref name="bytes"/> as they are.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        stream.Write(bytes);
        _crc.Append(bytes);
    }

    /// <summary>Writes 4-byte values (int or float) little-endian, in chunks.</summary>
    public void WriteValues<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        Debug.Assert(Unsafe.SizeOf<T>() == sizeof(int), "Only 4-byte values are stored.");
        const int chunk = ChecksummedModelReader.Chunk;
        byte[]? swapped = BitConverter.IsLittleEndian ? null : ArrayPool<byte>.Shared.Rent(chunk * sizeof(int));
        try
        {
            for (int start = 0; start < values.Length; start += chunk)
            {
                ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(values.Slice(start, Math.Min(chunk, values.Length - start)));
                if (swapped is not null)
                {
                    Span<int> target = MemoryMarshal.Cast<byte, int>(swapped.AsSpan(0, bytes.Length));
                    BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(bytes), target);
                    bytes = swapped.AsSpan(0, bytes.Length);
                }

                WriteBytes(bytes);
            }
        }
        finally
        {
            if (swapped is not null)
            {
                ArrayPool<byte>.Shared.Return(swapped);
            }
        }
    }

    /// <summary>Writes the CRC-32C of every byte written before it.</summary>
    public void WriteChecksum()
    {
        Span<byte> trailer = stackalloc byte[ChecksummedModelReader.ChecksumSize];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc.Value);
        stream.Write(trailer);
    }
}
