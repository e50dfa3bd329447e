namespace ScaleApp.Gateway.Edge;

/// <summary>
/// Read-only view of a request body that fails with a 413 <see cref="BadHttpRequestException"/> once more than
/// <c>maxBytes</c> have been read, like Kestrel's own body size limit. Unlike Kestrel's limit it leaves the
/// underlying body readable, so the rest of a rejected body can still be read and discarded.
/// </summary>
internal sealed class BodySizeLimitStream(Stream inner, long maxBytes) : Stream
{
    private long _bytesRead;

    /// <summary>True once a read went past the limit.</summary>
    public bool LimitExceeded { get; private set; }

    /// <summary>True once a read returned the end of the body.</summary>
    public bool ReachedEnd { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfExceeded();
        var read = await inner.ReadAsync(buffer, cancellationToken);
        return Count(read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        ThrowIfExceeded();
        return Count(inner.Read(buffer, offset, count));
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        if (read == 0)
        {
            ReachedEnd = true;
            return 0;
        }

        _bytesRead += read;
        ThrowIfExceeded();
        return read;
    }

    private void ThrowIfExceeded()
    {
        if (_bytesRead <= maxBytes)
        {
            return;
        }

        LimitExceeded = true;
        throw new BadHttpRequestException(
            $"The request body is larger than the gateway's limit of {maxBytes} bytes.",
            StatusCodes.Status413PayloadTooLarge);
    }
}
