using CollaborativeFiltering.Factorization.Persistence;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Persistence;

namespace CollaborativeFiltering.Factorization;

public sealed partial class FactorizationModel : IStoredModel
{
    /// <summary>
    /// The newest version of the binary model format that <see cref="Load(Stream)"/> reads (2).
    /// <see cref="Save(Stream)"/> writes version 1, which earlier versions of the library read, unless the
    /// model has <see cref="ImplicitItemFactors"/> (SVD++), which version 2 added.
    /// </summary>
    public static int FormatVersion => FactorizationModelFormat.CurrentVersion;

    /// <summary>
    /// Saves the model to a file, atomically: it is written to a temporary file in the same
    /// directory, flushed to disk, then moved over <paramref name="path"/>. If anything fails, an
    /// existing file at <paramref name="path"/> is left as it was and no temporary file remains.
    /// </summary>
    /// <param name="path">The file to create or replace; its directory must exist.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a directory.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException">The file cannot be written or replaced.</exception>
    /// <exception cref="UnauthorizedAccessException">Access to the directory or file is denied.</exception>
    /// <exception cref="NotSupportedException"><see cref="Options"/> is not one of this library's options records.</exception>
    public void Save(string path) => Save(path, wrapStream: null);

    /// <summary>
    /// Writes the model to a stream in the versioned little-endian binary format (magic
    /// <c>CFMODEL\0</c>, format version, header, options as JSON, catalogue, float32 embeddings,
    /// biases, prediction range, training scale, implicit item factors, CRC-32C checksum). The stream is left open, positioned after the model.
    /// </summary>
    /// <param name="stream">A writable stream.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not writable.</exception>
    /// <exception cref="IOException">Writing to the stream fails.</exception>
    /// <exception cref="NotSupportedException"><see cref="Options"/> is not one of this library's options records.</exception>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            ThrowHelper.Argument(nameof(stream), "The stream is not writable.");
        }

        FactorizationModelFormat.Write(stream, this, optionsSection: null);
    }

    /// <summary>
    /// Loads a model saved by <see cref="Save(string)"/>. Every byte is verified
    /// against the file's checksum before the model is built, so a truncated or corrupted file is
    /// rejected and a model with a NaN or infinite value is never returned.
    /// </summary>
    /// <param name="path">The model file.</param>
    /// <returns>The model, equal bit for bit to the one saved.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">Its directory does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">Access to the file is denied.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="ModelFormatException">The file is not a model, is truncated or corrupted, has bytes after the model,
    /// names an unknown options type, or has a format version newer than <see cref="FormatVersion"/>; the message names the file and byte offset.</exception>
    public static FactorizationModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return FactorizationModelFormat.Read(stream, path, requireEnd: true);
    }

    /// <summary>
    /// Reads a model written by <see cref="Save(Stream)"/>, starting at the
    /// stream's current position and leaving it after the model's checksum (bytes after the model
    /// are not read). Every byte is verified against the checksum before the model is built.
    /// </summary>
    /// <param name="stream">A readable stream; when it is seekable its length is checked against the header before anything large is read.</param>
    /// <returns>The model, equal bit for bit to the one saved.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="IOException">Reading the stream fails.</exception>
    /// <exception cref="ModelFormatException">The data is not a model, is truncated or corrupted, names an unknown options type,
    /// or has a format version newer than <see cref="FormatVersion"/>; the message gives the byte offset from the model's start.</exception>
    public static FactorizationModel Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            ThrowHelper.Argument(nameof(stream), "The stream is not readable.");
        }

        return FactorizationModelFormat.Read(stream, stream is FileStream file ? file.Name : "model stream", requireEnd: false);
    }

    /// <inheritdoc/>
    void IStoredModel.Write(Stream stream) => FactorizationModelFormat.Write(stream, this, optionsSection: null);

    /// <summary>Saves to a path; tests pass <paramref name="wrapStream"/> to make the write fail midway.</summary>
    internal void Save(string path, Func<Stream, Stream>? wrapStream)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, this, static (stream, model) => FactorizationModelFormat.Write(stream, model, optionsSection: null), wrapStream);
    }
}
