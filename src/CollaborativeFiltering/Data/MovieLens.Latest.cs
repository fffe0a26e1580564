using System.Diagnostics.CodeAnalysis;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <content>MovieLens latest, latest-small, 20M, 25M, 32M: <c>ratings.csv</c> and <c>movies.csv</c>.</content>
public static partial class MovieLens
{
    private const string FileLatestMovies = "movies.csv";

    /// <summary>The latest releases' columns: userId,movieId,rating,timestamp after a header line.</summary>
    private static readonly RatingsLayout LayoutLatest = new(0, 1, 2, 3, 4, ExactFieldCount: true, HasHeader: true, Header: "userId,movieId,rating,timestamp");

    /// <summary>The latest releases' files: CSV with quoting and a header line (UTF-8 in the releases); no users file.</summary>
    private static readonly Release ReleaseLatest = new(
        MovieLensFormat.Latest, FileLatestRatings, "MovieLens latest ratings", LayoutLatest, RatingsSeparator: ",", MetadataSeparator: ",", Quoted: true,
        FileLatestMovies, ReadMoviesCsv, Genres: []);

    /// <summary>
    /// Loads a MovieLens "latest"-style release (latest, latest-small, 20M, 25M, 32M) from its
    /// folder: the ratings of <c>ratings.csv</c> (half-star ratings) over the items of
    /// <c>movies.csv</c> (every movie listed, rated or not); users come from the ratings, in order
    /// of first appearance. Without <c>movies.csv</c> the items come from the ratings too.
    /// </summary>
    /// <param name="directory">The release's folder, or a folder holding exactly one <c>ml-*</c> folder that has <c>ratings.csv</c>.</param>
    /// <param name="options">Loading options, or <see langword="null"/> for <see cref="MovieLensLoadOptions.Default"/>.</param>
    /// <param name="cancellationToken">Checked between blocks of the files.</param>
    /// <returns>The ratings; titles are unquoted (RFC 4180), genres split on '|' ("(no genres listed)" gives none), <see cref="ItemInfo.Year"/> from the title's "(1995)".</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException"><c>ratings.csv</c> is not there.</exception>
    /// <exception cref="RatingsFormatException">A file is malformed, a rating names a movie missing from <c>movies.csv</c> under <see cref="UnknownIdPolicy.Reject"/>, or a pair is rated twice under <see cref="DuplicatePolicy.Reject"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first required parameter (a folder path or streams), so no call is ambiguous.")]
    public static RatingsDataset LoadLatest(string directory, MovieLensLoadOptions? options = null, CancellationToken cancellationToken = default) =>
        LoadFromFolder(ReleaseLatest, directory, options, cancellationToken);

    /// <summary>
    /// Loads a MovieLens "latest"-style release from streams (left open): <c>ratings.csv</c> and
    /// optionally <c>movies.csv</c>, CSV with a header line (UTF-8 as released; Latin-1 is recognised by content). Error messages name a
    /// <see cref="FileStream"/> by its path, any other stream by the release's file name.
    /// </summary>
    /// <param name="ratings">The <c>ratings.csv</c> bytes.</param>
    /// <param name="movies">The <c>movies.csv</c> bytes, or <see langword="null"/> to take the items from the ratings.</param>
    /// <param name="options">Loading options, or <see langword="null"/> for <see cref="MovieLensLoadOptions.Default"/>.</param>
    /// <param name="cancellationToken">Checked between blocks of the streams.</param>
    /// <returns>The ratings over the catalogue.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ratings"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A stream cannot be read.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="RatingsFormatException">A stream is malformed, a rating names an unknown movie under <see cref="UnknownIdPolicy.Reject"/>, or a pair is rated twice under <see cref="DuplicatePolicy.Reject"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first required parameter (a folder path or streams), so no call is ambiguous.")]
    public static RatingsDataset LoadLatest(Stream ratings, Stream? movies, MovieLensLoadOptions? options = null, CancellationToken cancellationToken = default) =>
        LoadFromStreams(ReleaseLatest, ratings, movies, null, options, cancellationToken);

    /// <summary><c>movies.csv</c>: a header, then movieId,title,genres with RFC 4180 quoting.</summary>
    private static ItemTable ReadMoviesCsv(LineReader reader, IReadOnlyList<string> genres, LoadRecorder recorder)
    {
        RatingsParser.SkipHeader(reader, "movieId,title,genres", "there are no movies");
        return ReadMovieLines(reader, new GenreVocabulary(genres), "a movie line");
    }
}
