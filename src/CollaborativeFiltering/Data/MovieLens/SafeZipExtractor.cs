using System.Globalization;
using System.IO.Compression;

namespace CollaborativeFiltering.Data;

/// <summary>
/// Checks a downloaded MovieLens archive and extracts it without letting any entry escape the target
/// folder ("zip slip"): every entry name is checked before anything is written (no absolute path, no
/// '..', no file nested under another file's name, at most <see cref="MaxNameLength"/> characters
/// and <see cref="MaxDepth"/> folders deep); declared sizes are checked against the limits before
/// extracting and actual sizes while extracting; every entry's CRC-32 must match its data.
/// </summary>
internal static class SafeZipExtractor
{
    /// <summary>The longest entry name accepted (the releases' longest is under 40 characters).</summary>
    public const int MaxNameLength = 200;

    /// <summary>The most folder levels an entry name may have (the releases' files are one level deep).</summary>
    public const int MaxDepth = 8;

    private const int CopyBufferSize = 81920;

    /// <summary>
    /// Opens <paramref name="zipPath"/>, checks every entry name and that the variant's required files are
    /// present (at the top level or under <c>&lt;folder&gt;/</c>), then extracts the files of that level
    /// into <paramref name="destination"/>, which must not exist yet.
    /// </summary>
    /// <exception cref="MovieLensDownloadException">The file is not a zip archive, an entry name is unsafe or duplicated, a required file is missing, or an entry's data is corrupt.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void VerifyAndExtract(string zipPath, string destination, MovieLensVariantInfo info, Uri address, long maxEntryBytes, long maxTotalBytes, CancellationToken cancellationToken)
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
            var files = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            long declared = 0;
            for (int i = 0; i < names.Length; i++)
            {
                ZipArchiveEntry entry = archive.Entries[i];
                string name = Normalize(entry.FullName);
                CheckEntryName(entry.FullName, name, address);
                if (!seen.Add(name.TrimEnd('/')))
                {
                    throw new MovieLensDownloadException($"{address}: the archive has the entry '{entry.FullName}' twice.", address);
                }

                if (!name.EndsWith('/'))
                {
                    files.Add(name);
                    CheckSize(entry.FullName, entry.Length, maxEntryBytes, "MaxEntryBytes", address);
                    declared += entry.Length;
                    CheckSize("(all entries)", declared, maxTotalBytes, "MaxExtractedBytes", address);
                }

                exact.Add(name);
                names[i] = name;
            }

            // A file's name used as a folder of another entry ("a/b" and "a/b/c") cannot be extracted.
            foreach (string name in names)
            {
                for (int slash = name.IndexOf('/'); slash > 0 && slash < name.Length - 1; slash = name.IndexOf('/', slash + 1))
                {
                    if (files.Contains(name[..slash]))
                    {
                        throw new MovieLensDownloadException($"{address}: the archive's entry '{name}' lies under '{name[..slash]}', which is a file; the archive is rejected.", address);
                    }
                }
            }

            string prefix = FindPrefix(exact, info, address);
            string root = Path.GetFullPath(destination);
            string rootWithSeparator = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
            Directory.CreateDirectory(root);
            byte[] buffer = new byte[CopyBufferSize];
            long extracted = 0;
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

                ZipArchiveEntry entry = archive.Entries[i];
                try
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    using var source = entry.Open();
                    using var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
                    var crc = default(Crc32Ieee);
                    long written = 0;
                    int read;
                    while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        written += read;
                        extracted += read;
                        CheckSize(entry.FullName, written, Math.Min(maxEntryBytes, entry.Length), written > entry.Length ? "its declared size" : "MaxEntryBytes", address);
                        CheckSize("(all entries)", extracted, maxTotalBytes, "MaxExtractedBytes", address);
                        crc.Append(buffer.AsSpan(0, read));
                        file.Write(buffer, 0, read);
                    }

                    if (written != entry.Length || crc.Value != entry.Crc32)
                    {
                        throw new MovieLensDownloadException(string.Create(CultureInfo.InvariantCulture,
                            $"{address}: the archive's entry '{entry.FullName}' is corrupt: its data gives {written} bytes with CRC-32 0x{crc.Value:X8}, but the archive records {entry.Length} bytes with CRC-32 0x{entry.Crc32:X8}."), address);
                    }

                    file.Flush(flushToDisk: true);
                }
                catch (InvalidDataException ex)
                {
                    throw new MovieLensDownloadException($"{address}: the archive's entry '{entry.FullName}' is corrupt ({ex.Message}).", address, ex);
                }
                catch (IOException ex) when (ex is not MovieLensDownloadException)
                {
                    throw new MovieLensDownloadException($"{address}: the archive's entry '{entry.FullName}' cannot be extracted ({ex.Message}).", address, ex);
                }
            }
        }
    }

    private static string Normalize(string fullName) => fullName.Replace('\\', '/');

    /// <summary>Rejects rooted names, drive letters, NUL characters, any <c>..</c> segment, and names too long or too deep.</summary>
    private static void CheckEntryName(string original, string name, Uri address)
    {
        if (name.Length == 0 || name[0] == '/' || name.Contains('\0', StringComparison.Ordinal) || name.Contains(':', StringComparison.Ordinal))
        {
            throw Unsafe(original, address);
        }

        string[] segments = name.TrimEnd('/').Split('/');
        foreach (var segment in segments)
        {
            if (segment == "..")
            {
                throw Unsafe(original, address);
            }
        }

        if (name.Length > MaxNameLength || segments.Length > MaxDepth + 1)
        {
            throw new MovieLensDownloadException(string.Create(CultureInfo.InvariantCulture,
                $"{address}: the archive's entry name '{(original.Length > 80 ? original[..80] + "…" : original)}' is {name.Length} characters long and {segments.Length - 1} folders deep; at most {MaxNameLength} characters and {MaxDepth} folders are accepted."), address);
        }
    }

    private static void CheckSize(string entry, long bytes, long limit, string limitName, Uri address)
    {
        if (bytes > limit)
        {
            throw new MovieLensDownloadException(string.Create(CultureInfo.InvariantCulture,
                $"{address}: the archive's entry '{entry}' extracts to more than {limit} bytes ({limitName}); the archive is rejected."), address);
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
