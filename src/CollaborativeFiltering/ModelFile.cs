using CollaborativeFiltering.Factorization;
using CollaborativeFiltering.Factorization.Bayesian;
using CollaborativeFiltering.Factorization.Persistence;
using CollaborativeFiltering.Internal;
using CollaborativeFiltering.Neighborhood;
using CollaborativeFiltering.Neighborhood.Persistence;
using CollaborativeFiltering.Neural;
using CollaborativeFiltering.Neural.Persistence;
using CollaborativeFiltering.Persistence;

namespace CollaborativeFiltering;

/// <summary>
/// The library's model files, whatever the model: <see cref="Load(string)"/> tells the format from the
/// file's first bytes (a matrix factorization, <c>CFMODEL\0</c>; a softmax network, <c>CFSOFTMX</c>; an
/// item-kNN or user-kNN model, <c>CFITMKNN</c> or <c>CFUSRKNN</c>; an EASE model, <c>CFEASE\0\0</c>; a Bayesian factorization machine, <c>CFFMACHN</c>) and
/// returns the model; <see cref="Save(IRecommenderModel, string)"/> writes any model of the library in its
/// own format. The typed loaders (<see cref="FactorizationModel.Load(string)"/>,
/// <see cref="SoftmaxModel.Load(string)"/>) read the same files. Every byte is verified against the
/// file's checksum before a model is built, so a truncated or corrupted file is rejected with a
/// <see cref="ModelFormatException"/> naming the file and the byte offset.
/// </summary>
public static class ModelFile
{
    /// <summary>Loads a model saved by this library, of any kind.</summary>
    /// <param name="path">The model file.</param>
    /// <returns>
    /// The model, equal bit for bit to the one saved: a <see cref="FactorizationModel"/> or a <see cref="SoftmaxModel"/>
    /// (both <see cref="IEmbeddingModel"/>s), an <see cref="ItemKnnModel"/>, a <see cref="UserKnnModel"/>, an <see cref="EaseModel"/> or a
    /// <see cref="FactorizationMachineModel"/> (an <see cref="IEmbeddingModel"/> too).
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">Its directory does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">Access to the file is denied.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="ModelFormatException">The file is not a model of this library, is truncated or corrupted, has bytes after the model, or has a newer format version; the message names the file and byte offset.</exception>
    public static IRecommenderModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Read(stream, path, requireEnd: true);
    }

    /// <summary>
    /// Reads a model of any kind from a stream, starting at its current position and leaving it
    /// after the model's checksum. A stream that cannot seek is read once: the first bytes, read to
    /// tell the format, are handed to the format's reader.
    /// </summary>
    /// <param name="stream">A readable stream.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="IOException">Reading the stream fails.</exception>
    /// <exception cref="ModelFormatException">The data is not a model of this library, is truncated or corrupted, or has a newer format version; the message gives the byte offset from the model's start.</exception>
    public static IRecommenderModel Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            ThrowHelper.Argument(nameof(stream), "The stream is not readable.");
        }

        return Read(stream, stream is FileStream file ? file.Name : "model stream", requireEnd: false);
    }

    /// <summary>
    /// Saves a model of this library to a file in its own format, atomically (written to a temporary file
    /// in the same directory, flushed, then moved over <paramref name="path"/>; if anything fails, an
    /// existing file is left as it was).
    /// </summary>
    /// <param name="model">A model of this library: a <see cref="FactorizationModel"/>, <see cref="SoftmaxModel"/>, <see cref="ItemKnnModel"/>, <see cref="UserKnnModel"/>, <see cref="EaseModel"/> or <see cref="FactorizationMachineModel"/>.</param>
    /// <param name="path">The file to create or replace; its directory must exist.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a directory.</exception>
    /// <exception cref="NotSupportedException">The model is not one of this library's models (it has no file format).</exception>
    /// <exception cref="IOException">The file cannot be written or replaced.</exception>
    /// <exception cref="UnauthorizedAccessException">Access to the directory or file is denied.</exception>
    public static void Save(IRecommenderModel model, string path)
    {
        IStoredModel stored = Stored(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, stored, static (stream, m) => m.Write(stream));
    }

    /// <summary>Writes a model of this library to a stream in its own format; the stream is left open, after the model.</summary>
    /// <param name="model">A model of this library.</param>
    /// <param name="stream">A writable stream.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not writable.</exception>
    /// <exception cref="NotSupportedException">The model is not one of this library's models.</exception>
    /// <exception cref="IOException">Writing fails.</exception>
    public static void Save(IRecommenderModel model, Stream stream)
    {
        IStoredModel stored = Stored(model);
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            ThrowHelper.Argument(nameof(stream), "The stream is not writable.");
        }

        stored.Write(stream);
    }

    private static IStoredModel Stored(IRecommenderModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model as IStoredModel
            ?? throw new NotSupportedException($"A {model.GetType().Name} has no model file format; only this library's models can be saved.");
    }

    private static IRecommenderModel Read(Stream stream, string source, bool requireEnd)
    {
        Span<byte> magic = stackalloc byte[ModelFileMagic.Length];
        int read = stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        magic = magic[..read];
        Stream body = stream.CanSeek ? Rewind(stream, read) : new PrefixedStream(magic.ToArray(), stream);

        // A file shorter than a magic goes to the first format it could begin, whose reader reports the truncation.
        if (read == 0 || magic.SequenceEqual(ModelFileMagic.Factorization[..read]))
        {
            return FactorizationModelFormat.Read(body, source, requireEnd);
        }

        if (magic.SequenceEqual(ModelFileMagic.Softmax[..read]))
        {
            return SoftmaxModelFormat.Read(body, source, requireEnd);
        }

        if (magic.SequenceEqual(ModelFileMagic.ItemKnn[..read]))
        {
            return new ItemKnnModel(KnnModelFormat.Read(body, source, requireEnd, KnnOrientation.Items));
        }

        if (magic.SequenceEqual(ModelFileMagic.UserKnn[..read]))
        {
            return new UserKnnModel(KnnModelFormat.Read(body, source, requireEnd, KnnOrientation.Users));
        }

        if (magic.SequenceEqual(ModelFileMagic.Ease[..read]))
        {
            return EaseModelFormat.Read(body, source, requireEnd);
        }

        if (magic.SequenceEqual(ModelFileMagic.FactorizationMachine[..read]))
        {
            return FmModelFormat.Read(body, source, requireEnd);
        }

        throw new ModelFormatException(source, 0, "not a CollaborativeFiltering model: it starts with none of the library's magic bytes, \"CFMODEL\\0\" (a matrix-factorization model), \"CFSOFTMX\" (a softmax model), \"CFITMKNN\" or \"CFUSRKNN\" (an item- or user-kNN model), \"CFEASE\\0\\0\" (an EASE model), \"CFFMACHN\" (a Bayesian factorization machine)." + ModelFileMagic.KindHint(magic));
    }

    private static Stream Rewind(Stream stream, int read)
    {
        stream.Seek(-read, SeekOrigin.Current);
        return stream;
    }
}
