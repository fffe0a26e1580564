namespace CollaborativeFiltering.Internal;

/// <summary>
/// Writes a file all or nothing: the content goes to a temporary file in the destination's
/// directory (same volume, so the final move is a rename), which is flushed to disk and then moved
/// over the destination. A failure at any point deletes the temporary file and leaves an existing
/// destination untouched.
/// </summary>
internal static class AtomicFile
{
    private const int BufferSize = 1 << 16;

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>.</summary>
    /// <param name="path">The destination; its directory must exist.</param>
    /// <param name="state">Passed to <paramref name="write"/> (avoids a closure).</param>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    /// <param name="wrapStream">Tests only: wraps the temporary file's stream (e.g. to fail after N bytes).</param>
    public static void Write<TState>(string path, TState state, Action<Stream, TState> write, Func<Stream, Stream>? wrapStream = null)
    {
        string fullPath = Path.GetFullPath(path);
        string fileName = Path.GetFileName(fullPath);
        if (fileName.Length == 0)
        {
            ThrowHelper.Argument(nameof(path), $"The path '{path}' names a directory, not a file.");
        }

        string directory = Path.GetDirectoryName(fullPath) ?? ThrowHelper.Argument<string>(nameof(path), $"The path '{path}' has no directory.");
        string stem = fileName.Length > 64 ? fileName[..64] : fileName;
        string temporary = Path.Combine(directory, "." + stem + "." + Path.GetRandomFileName() + ".tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize))
            {
                Stream target = wrapStream is null ? file : wrapStream(file);
                write(target, state);
                target.Flush();
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Deletes a file if it can, best effort: I/O and access errors are ignored (a caller's own exception, or a later sweep of uniquely named leftovers, matters more).</summary>
    /// <param name="path">The file; a missing file is not an error.</param>
    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort.
        }
    }
}
