using System.IO.Compression;

namespace CollaborativeFiltering.Data;

/// <summary>
/// Checks a downloaded MovieLens archive and extracts it without letting any entry escape the target
/// folder ("zip slip"): every entry name is checked before anything is written.
/// </summary>
internal static class SafeZipExtractor
{
    private const int CopyBufferSize = 81920;

    /// <summary>
    /// Opens <paramref name="zipPath"/>, checks every entry name and that the variant's required files are
    /// present (at the top level or under <c>&lt;folder&gt;/</c>), then extracts the files of that level
    /// into <paramref name="destination"/>, which must not exist yet.
    /// </summary>
    /// <exception cref="MovieLensDownloadException">The file is not a zip archive, an entry name is unsafe or duplicated, a required file is missing, or an entry's data is corrupt.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void VerifyAndExtract(string zipPath, string destination, MovieLensVariantInfo info, Uri address, CancellationToken cancellationToken)
    {
        ZipArchive archive;
        try
        {
            archive = ZipFile.OpenRead(zipPath);
        }
        catch (InvalidDataException ex)
        {
            throw new MovieLensDownloadException($"{address}: the download is not a valid zip archive ({ex.Message}).", address, ex);
        }

        using (archive)
        {
            var names = new string[archive.Entries.Count];
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var exact = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < names.Length; i++)
            {
                string name = Normalize(archive.Entries[i].FullName);
                CheckEntryName(archive.Entries[i].FullName, name, address);
                if (!seen.Add(name.TrimEnd('/')))
                {
                    throw new MovieLensDownloadException($"{address}: the archive has the entry '{archive.Entries[i].FullName}' twice.", address);
                }

                exact.Add(name);
                names[i] = name;
            }

            string prefix = FindPrefix(exact, info, address);
            string root = Path.GetFullPath(destination);
            string rootWithSeparator = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
            Directory.CreateDirectory(root);
            byte[] buffer = new byte[CopyBufferSize];
            for (int i = 0; i < names.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string name = names[i];
                if (!name.StartsWith(prefix, StringComparison.Ordinal) || name.Length == prefix.Length)
                {
                    continue;
                }

                string relative = name[prefix.Length..];
                bool isDirectory = relative.EndsWith('/');
                string target = Path.GetFullPath(Path.Combine(root, relative.TrimEnd('/').Replace('/', Path.DirectorySeparatorChar)));
                if (!target.StartsWith(rootWithSeparator, StringComparison.Ordinal))
                {
                    throw Unsafe(archive.Entries[i].FullName, address);
                }

                if (isDirectory)
                {
                    Directory.CreateDirectory(target);
                    continue;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                try
                {
                    using var source = archive.Entries[i].Open();
                    using var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
                    int read;
                    while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        file.Write(buffer, 0, read);
                    }

                    file.Flush(flushToDisk: true);
                }
                catch (InvalidDataException ex)
                {
                    throw new MovieLensDownloadException($"{address}: the archive's entry '{archive.Entries[i].FullName}' is corrupt ({ex.Message}).", address, ex);
                }
            }
        }
    }

    private static string Normalize(string fullName) => fullName.Replace('\\', '/');

    /// <summary>Rejects rooted names, drive letters, NUL characters and any <c>..</c> segment.</summary>
    private static void CheckEntryName(string original, string name, Uri address)
    {
        if (name.Length == 0 || name[0] == '/' || name.Contains('\0', StringComparison.Ordinal) || name.Contains(':', StringComparison.Ordinal))
        {
            throw Unsafe(original, address);
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment == "..")
            {
                throw Unsafe(original, address);
            }
        }
    }

    private static MovieLensDownloadException Unsafe(string original, Uri address) =>
        new($"{address}: the archive's entry '{original}' would be extracted outside the target folder (absolute path or '..'); the archive is rejected.", address);

    /// <summary>
    /// "" when the required files are at the archive's top level, "&lt;folder&gt;/" when they are under the
    /// variant's folder (the GroupLens layout).
    /// </summary>
    private static string FindPrefix(HashSet<string> names, MovieLensVariantInfo info, Uri address)
    {
        string folder = info.FolderName + "/";
        string prefix = names.Contains(folder + info.RequiredFiles[0]) || !names.Contains(info.RequiredFiles[0]) ? folder : string.Empty;
        List<string>? missing = null;
        foreach (var required in info.RequiredFiles)
        {
            if (!names.Contains(prefix + required))
            {
                (missing ??= []).Add(required);
            }
        }

        if (missing is not null)
        {
            throw new MovieLensDownloadException(
                $"{address}: the archive has no '{string.Join("', '", missing)}' (expected {string.Join(", ", info.RequiredFiles)} under '{folder}' or at the top level).",
                address);
        }

        return prefix;
    }
}
