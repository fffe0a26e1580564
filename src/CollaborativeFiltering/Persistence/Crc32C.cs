using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CollaborativeFiltering.Persistence;

/// <summary>
/// Incremental CRC-32C (Castagnoli, the iSCSI/ext4 polynomial), computed with the CPU's CRC32
/// instruction through <see cref="BitOperations.Crc32C(uint, ulong)"/> (SSE4.2 on x64, CRC32 on
/// Arm64, a table elsewhere): several GB/s, and it detects every error burst of up to 32 bits, so a
/// flipped byte is always caught. Check value: CRC-32C("123456789") = 0xE3069283.
/// </summary>
internal struct Crc32C
{
    // The finished CRC of everything so far: the register (which starts at ~0) inverted, so that
    // default(Crc32C) is the CRC of no bytes.
    private uint _value;

    /// <summary>The CRC of everything appended so far (0 for nothing).</summary>
    public readonly uint Value => _value;

    /// <summary>The CRC of one buffer.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = default(Crc32C);
        crc.Append(data);
        return crc.Value;
    }

    /// <summary>Adds bytes to the checksum.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        uint crc = ~_value;
        ref byte start = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
        nuint i = 0;
        if (length >= 32)
        {
            nuint end = length - 32;
            for (; i <= end; i += 32)
            {
                crc = BitOperations.Crc32C(crc, ReadUInt64(ref Unsafe.Add(ref start, i)));
                crc = BitOperations.Crc32C(crc, ReadUInt64(ref Unsafe.Add(ref start, i + 8)));
                crc = BitOperations.Crc32C(crc, ReadUInt64(ref Unsafe.Add(ref start, i + 16)));
                crc = BitOperations.Crc32C(crc, ReadUInt64(ref Unsafe.Add(ref start, i + 24)));
            }
        }

        for (; i + 8 <= length; i += 8)
        {
            crc = BitOperations.Crc32C(crc, ReadUInt64(ref Unsafe.Add(ref start, i)));
        }

        for (; i < length; i++)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.Add(ref start, i));
        }

        _value = ~crc;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReadUInt64(ref byte source)
    {
        ulong value = Unsafe.ReadUnaligned<ulong>(ref source);
        return BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
    }
}
