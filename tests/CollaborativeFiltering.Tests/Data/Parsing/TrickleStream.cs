namespace CollaborativeFiltering.Tests.Data.Parsing;

/// <summary>
/// A read-only stream over bytes that returns at most <see cref="ChunkSize"/> bytes per read (one by
/// default, as a slow network or a decompressor may), counts its reads, and can refuse to seek.
/// </summary>
internal sealed class TrickleStream(byte[] bytes, int chunkSize = 1, bool canSeek = false) : Stream
{
    private long _position;

    public int ChunkSize { get; } = chunkSize;

    /// <summary>The number of calls to <see cref="Read(byte[], int, int)"/> that returned bytes.</summary>
    public long Reads { get; private set; }

    /// <summary>The bytes handed out (a position restored by a seek counts again).</summary>
    public long BytesDelivered { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => canSeek;

    public override bool CanWrite => false;

    public override long Length => canSeek ? bytes.Length : throw new NotSupportedException();

    public override long Position
    {
        get => canSeek ? _position : throw new NotSupportedException();
        set => _position = canSeek ? value : throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = (int)Math.Min(Math.Min(buffer.Length, ChunkSize), bytes.Length - _position);
        if (n <= 0)
        {
            return 0;
        }

        bytes.AsSpan((int)_position, n).CopyTo(buffer);
        _position += n;
        Reads++;
        BytesDelivered += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        if (!canSeek)
        {
            throw new NotSupportedException();
        }

        _position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => bytes.Length + offset,
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
