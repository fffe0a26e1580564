namespace CollaborativeFiltering.Tests;

/// <summary>
/// Passes writes through until <c>failAfter</c> bytes, then throws like a full disk; the persistence
/// tests wrap a save's file stream in it to check that a failed save leaves the old model intact.
/// </summary>
internal sealed class FailingStream(Stream inner, long failAfter) : Stream
{
    private long _written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _written; set => throw new NotSupportedException(); }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_written + buffer.Length > failAfter)
        {
            int allowed = (int)(failAfter - _written);
            inner.Write(buffer[..allowed]);
            _written = failAfter;
            throw new IOException("simulated: no space left on device");
        }

        inner.Write(buffer);
        _written += buffer.Length;
    }
}
