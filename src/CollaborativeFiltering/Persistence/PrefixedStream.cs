namespace CollaborativeFiltering.Persistence;

/// <summary>
/// A read-only, forward-only stream that returns <paramref name="prefix"/> and then the rest of
/// <paramref name="inner"/>: how <see cref="ModelFile"/> hands a format's reader the bytes it read from a
/// stream that cannot seek to tell the format. The inner stream is not disposed.
/// </summary>
internal sealed class PrefixedStream(byte[] prefix, Stream inner) : Stream
{
    private int _prefixPosition;

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        int fromPrefix = Math.Min(buffer.Length, prefix.Length - _prefixPosition);
        if (fromPrefix > 0)
        {
            prefix.AsSpan(_prefixPosition, fromPrefix).CopyTo(buffer);
            _prefixPosition += fromPrefix;
            return fromPrefix;
        }

        return inner.Read(buffer);
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
