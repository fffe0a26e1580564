using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace CollaborativeFiltering.Persistence;

/// <summary>
/// Parses a section of a model file held in memory (read whole and checksum-verified before it is
/// parsed); every read is bounds-checked, and every problem is a <see cref="ModelFormatException"/>
/// naming the section and the byte offset in the file.
/// </summary>
internal ref struct SectionReader(ReadOnlySpan<byte> bytes, ChecksummedModelReader reader, long sectionOffset, string sectionName)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

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
        const int maxPooledBytes = 64;
        if (_bytes.Length - _position < sizeof(int))
        {
            throw Error("it ends inside a number");
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(_bytes[_position..]);
        if (length is < 0 or > maxPooledBytes || length > _bytes.Length - _position - sizeof(int))
        {
            return ReadString();
        }

        Span<char> chars = stackalloc char[maxPooledBytes];
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
