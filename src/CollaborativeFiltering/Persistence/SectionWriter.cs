using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace CollaborativeFiltering.Persistence;

/// <summary>Builds a section of a model file in memory (strings as an int32 UTF-8 byte count, −1 for null, then the bytes).</summary>
internal sealed class SectionWriter(int capacity)
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
