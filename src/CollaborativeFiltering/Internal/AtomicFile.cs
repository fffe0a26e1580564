namespace CollaborativeFiltering.Internal;

/// <summary>
/// Writes a file, or a set of files, all or nothing. Each content goes to a temporary file in its
/// destination's directory (same volume, so the final move is a rename), flushed to disk; only when
/// every file of the set is written are they moved over their destinations. A failure while writing
/// (an exception, a full disk, a cancellation) deletes the temporary files and leaves every
/// destination untouched. A failure during the moves (rare: the renames need no space) puts back the
/// destinations already replaced, so the complete old set stays, or the complete new one.
/// </summary>
internal sealed class AtomicFile : IDisposable
{
    private const int BufferSize = 1 << 16;

    private readonly List<(string Temporary, string Destination)> _staged = [];
    private bool _committed;

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>.</summary>
    /// <param name="path">The destination; its directory must exist.</param>
    /// <param name="state">Passed to <paramref name="write"/> (avoids a closure).</param>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    /// <param name="wrapStream">Tests only: wraps the temporary file's stream (e.g. to fail after N bytes).</param>
    public static void Write<TState>(string path, TState state, Action<Stream, TState> write, Func<Stream, Stream>? wrapStream = null)
    {
        string fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            // Checked before anything is written: the move would fail only after the whole content was
            // serialized, with an IOException that does not say which argument was wrong. (A set of files
            // keeps that late failure, which its commit undoes as a whole.)
            ThrowHelper.Argument(nameof(path), $"The path '{fullPath}' names a folder, not a file; add a file name.");
        }

        using var set = new AtomicFile();
        set.Stage(path, state, write, wrapStream);
        set.Commit();
    }

    /// <summary>Writes <paramref name="path"/>'s new content to a temporary file; nothing is replaced before <see cref="Commit"/>.</summary>
    /// <param name="path">The destination; its directory must exist.</param>
    /// <param name="state">Passed to <paramref name="write"/> (avoids a closure).</param>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    /// <param name="wrapStream">Tests only: wraps the temporary file's stream (e.g. to fail after N bytes).</param>
    public void Stage<TState>(string path, TState state, Action<Stream, TState> write, Func<Stream, Stream>? wrapStream = null)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        string fullPath = Path.GetFullPath(path);
        string fileName = Path.GetFileName(fullPath);
        if (fileName.Length == 0)
        {
            ThrowHelper.Argument(nameof(path), $"The path '{path}' names a directory, not a file.");
        }

        string directory = Path.GetDirectoryName(fullPath) ?? ThrowHelper.Argument<string>(nameof(path), $"The path '{path}' has no directory.");
        if (!Directory.Exists(directory))
        {
            // Else FileStream's message names the temporary file, a name the caller never gave.
            throw new DirectoryNotFoundException($"Cannot write '{fullPath}': the folder '{directory}' does not exist.");
        }

        string temporary = TemporaryName(directory, fileName);
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize))
            {
                Stream target = wrapStream is null ? file : wrapStream(file);
                write(target, state);
                target.Flush();
                file.Flush(flushToDisk: true);
            }
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        _staged.Add((temporary, fullPath));
    }

    /// <summary>Moves every staged file over its destination; on a failure, restores the destinations already replaced.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        _committed = true;
        var done = new List<(string Destination, string? Backup)>(_staged.Count);
        try
        {
            foreach ((string temporary, string destination) in _staged)
            {
                string? backup = null;
                if (_staged.Count > 1 && File.Exists(destination))
                {
                    backup = TemporaryName(Path.GetDirectoryName(destination)!, Path.GetFileName(destination));
                    File.Move(destination, backup);
                }

                try
                {
                    File.Move(temporary, destination, overwrite: true);
                }
                catch
                {
                    if (backup is not null)
                    {
                        File.Move(backup, destination, overwrite: true);
                    }

                    throw;
                }

                done.Add((destination, backup));
            }
        }
        catch
        {
            // Put the old set back: each replaced destination gets its backup (or disappears if it was new).
            for (int k = done.Count - 1; k >= 0; k--)
            {
                (string destination, string? backup) = done[k];
                try
                {
                    if (backup is not null)
                    {
                        File.Move(backup, destination, overwrite: true);
                    }
                    else
                    {
                        File.Delete(destination);
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Best effort: the original failure is the one to report.
                }
            }

            foreach ((string temporary, _) in _staged)
            {
                TryDelete(temporary);
            }

            throw;
        }

        foreach ((_, string? backup) in done)
        {
            if (backup is not null)
            {
                TryDelete(backup);
            }
        }
    }

    /// <summary>Deletes the temporary files of a set that was not committed.</summary>
    public void Dispose()
    {
        if (!_committed)
        {
            _committed = true;
            foreach ((string temporary, _) in _staged)
            {
                TryDelete(temporary);
            }
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

    private static string TemporaryName(string directory, string fileName)
    {
        string stem = fileName.Length > 64 ? fileName[..64] : fileName;
        return Path.Combine(directory, "." + stem + "." + Path.GetRandomFileName() + ".tmp");
    }
}
