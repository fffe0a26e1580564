using System.Buffers.Binary;

namespace CollaborativeFiltering.Internal;

/// <summary>
/// A bounds-checked walk over a Parquet file's footer (the Thrift compact-protocol <c>FileMetaData</c>
/// before the trailing length and <c>PAR1</c>), run before the bytes reach Parquet.Net. Parquet.Net 6.1.0
/// skips unknown or corrupted fields without checking where its buffer ends, and on some damaged footers
/// never returns (a list count read from garbage); this walk looks at each byte at most once, refuses any
/// count larger than the bytes left and any nesting deeper than 64, so it ends in linear time and says
/// what is wrong.
/// </summary>
internal static class ParquetFooter
{
    private const int MaxDepth = 64;
    private const int MaxFooterBytes = 256 << 20;

    /// <summary>What is wrong with the footer of the Parquet file in <paramref name="stream"/> (seekable), or <see langword="null"/> when its structure is sound; the position is restored.</summary>
    public static string? Problem(Stream stream)
    {
        if (!stream.CanSeek)
        {
            return null; // Parquet.Net refuses non-seekable streams itself.
        }

        long start = stream.Position;
        try
        {
            long length = stream.Length - start;
            if (length < 12)
            {
                return $"the file is {length} bytes long; a Parquet file has at least 12 (PAR1, footer, length, PAR1)";
            }

            Span<byte> tail = stackalloc byte[8];
            stream.Position = start + length - 8;
            stream.ReadExactly(tail);
            if (!tail[4..].SequenceEqual("PAR1"u8))
            {
                return "the file does not end with PAR1";
            }

            int footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
            if (footerLength <= 0 || footerLength > length - 12 || footerLength > MaxFooterBytes)
            {
                return $"the footer length is {footerLength}; expected 1 to {Math.Min(length - 12, MaxFooterBytes)}";
            }

            var footer = new byte[footerLength];
            stream.Position = start + length - 8 - footerLength;
            stream.ReadExactly(footer);
            var walker = new Walker(footer);
            return walker.Struct(0) ? null : $"the footer (file metadata, {footerLength} bytes) is corrupted: {walker.Error}";
        }
        finally
        {
            stream.Position = start;
        }
    }

    private ref struct Walker(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        public string Error { get; private set; } = "";

        private readonly int Left => _bytes.Length - _at;

        public bool Struct(int depth)
        {
            if (depth > MaxDepth)
            {
                return Fail($"structures nested deeper than {MaxDepth}");
            }

            while (true)
            {
                if (!Byte(out byte header))
                {
                    return false;
                }

                if (header == 0)
                {
                    return true; // stop field
                }

                if (header >> 4 == 0 && !Varint(out _))
                {
                    return false; // long-form field id
                }

                int type = header & 0x0F;
                if (type is not (1 or 2) && !Value(type, depth))
                {
                    return false; // booleans carry their value in the type
                }
            }
        }

        private bool Value(int type, int depth)
        {
            switch (type)
            {
                case 1 or 2 or 3:
                    return Skip(1);
                case 4 or 5 or 6:
                    return Varint(out _);
                case 7:
                    return Skip(8);
                case 8:
                    return Varint(out ulong size) && Count(size, 1, out int n) && Skip(n);
                case 9 or 10:
                    return List(depth);
                case 11:
                    return Map(depth);
                case 12:
                    return Struct(depth + 1);
                case 13:
                    return Skip(16);
                default:
                    return Fail($"unknown Thrift type {type} at byte {_at - 1}");
            }
        }

        private bool List(int depth)
        {
            if (!Byte(out byte header))
            {
                return false;
            }

            ulong size = (ulong)(header >> 4);
            if (size == 15 && !Varint(out size))
            {
                return false;
            }

            if (!Count(size, 1, out int n))
            {
                return false;
            }

            int type = header & 0x0F;
            for (int k = 0; k < n; k++)
            {
                if (!(type is 1 or 2 ? Skip(1) : Value(type, depth + 1)))
                {
                    return false;
                }
            }

            return true;
        }

        private bool Map(int depth)
        {
            if (!Varint(out ulong size) || !Count(size, 2, out int n))
            {
                return false;
            }

            if (n == 0)
            {
                return true;
            }

            if (!Byte(out byte types))
            {
                return false;
            }

            for (int k = 0; k < n; k++)
            {
                if (!Value(types >> 4, depth + 1) || !Value(types & 0x0F, depth + 1))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A count of elements each taking at least <paramref name="minBytes"/>, checked against the bytes left.</summary>
        private bool Count(ulong size, int minBytes, out int count)
        {
            count = 0;
            if (size > (ulong)Left / (ulong)minBytes)
            {
                return Fail($"a count of {size} at byte {_at} exceeds the {Left} bytes left");
            }

            count = (int)size;
            return true;
        }

        private bool Varint(out ulong value)
        {
            value = 0;
            for (int shift = 0; shift < 70; shift += 7)
            {
                if (!Byte(out byte b))
                {
                    return false;
                }

                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return true;
                }
            }

            return Fail($"a variable-length integer longer than 10 bytes ends at byte {_at}");
        }

        private bool Byte(out byte value)
        {
            value = 0;
            if (Left < 1)
            {
                return Fail("it ends in the middle of a field");
            }

            value = _bytes[_at++];
            return true;
        }

        private bool Skip(int count)
        {
            if (count > Left)
            {
                return Fail("it ends in the middle of a field");
            }

            _at += count;
            return true;
        }

        private bool Fail(string error)
        {
            Error = error;
            return false;
        }
    }
}
