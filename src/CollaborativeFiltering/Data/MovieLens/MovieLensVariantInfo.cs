
namespace CollaborativeFiltering.Data;

/// <summary>What is known about one <see cref="MovieLensVariant"/>'s archive.</summary>
internal sealed class MovieLensVariantInfo
{
    // Digests as published in tensorflow/datasets, tensorflow_datasets/url_checksums/movielens.txt
    // (ml-100k.zip: 4,924,029 bytes; ml-1m.zip: 5,917,549 bytes). ml-latest-small is a moving release,
    // so none is built in for it.
    private static readonly MovieLensVariantInfo Ml100K = new(
        "ml-100k.zip",
        "ml-100k",
        ["u.data", "u.item", "u.user"],
        "50D2A982C66986937BEB9FFB3AA76EFE955BF3D5C6B761F4E3A7CD717C6A3229");

    private static readonly MovieLensVariantInfo Ml1M = new(
        "ml-1m.zip",
        "ml-1m",
        ["ratings.dat", "movies.dat", "users.dat"],
        "A6898ADB50B9CA05AA231689DA44C217CB524E7EBD39D264C56E2832F2C54E20");

    private static readonly MovieLensVariantInfo LatestSmall = new(
        "ml-latest-small.zip",
        "ml-latest-small",
        ["ratings.csv", "movies.csv"],
        null);

    private MovieLensVariantInfo(string archiveName, string folderName, string[] requiredFiles, string? sha256)
    {
        ArchiveName = archiveName;
        FolderName = folderName;
        RequiredFiles = requiredFiles;
        Sha256 = sha256;
    }

    /// <summary>The archive's file name on the server, e.g. <c>ml-100k.zip</c>.</summary>
    public string ArchiveName { get; }

    /// <summary>The folder the archive extracts to, e.g. <c>ml-100k</c>.</summary>
    public string FolderName { get; }

    /// <summary>The files a loader needs; the archive must hold them all.</summary>
    public IReadOnlyList<string> RequiredFiles { get; }

    /// <summary>The archive's SHA-256 digest (upper-case hex), or <see langword="null"/> when none is built in.</summary>
    public string? Sha256 { get; }

    /// <summary>The information for <paramref name="variant"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="variant"/> is not a defined value.</exception>
    public static MovieLensVariantInfo Get(MovieLensVariant variant, string paramName) => variant switch
    {
        MovieLensVariant.Ml100K => Ml100K,
        MovieLensVariant.Ml1M => Ml1M,
        MovieLensVariant.LatestSmall => LatestSmall,
        _ => throw new ArgumentOutOfRangeException(paramName, variant, $"{paramName} must be Ml100K, Ml1M or LatestSmall; it was {(int)variant}."),
    };
}
