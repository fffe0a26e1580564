using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <content>MovieLens 1M (and 10M): <c>ratings.dat</c>, <c>movies.dat</c>, <c>users.dat</c>.</content>
public static partial class MovieLens
{
    private const string File1MMovies = "movies.dat";
    private const string File1MUsers = "users.dat";
    private const string Separator1M = "::";

    /// <summary>The 1M's columns: user, item, rating, timestamp, '::'-separated, no header.</summary>
    private static readonly RatingsLayout Layout1M = new(0, 1, 2, 3, 4, ExactFieldCount: true, HasHeader: false);

    /// <summary>The 1M README's genre list, in its order (the 100k's without "unknown"); genres found beyond it are appended in order of first appearance.</summary>
    private static readonly string[] Genres1M = MovieLensGenreNames.Ml100K[1..];
    /// <summary>The 1M README's occupation codes 0 to 20.</summary>
    private static readonly string[] Occupations1M = MovieLensCodes.Occupations1M;

    /// <summary>The 1M README's age codes.</summary>
    private static readonly int[] AgeCodes1M = MovieLensCodes.AgeCodes1M;

    /// <summary>The 1M's files: '::'-separated (Latin-1 in the release).</summary>
    private static readonly Release Release1M = new(
        MovieLensFormat.Ml1M, File1MRatings, "MovieLens 1M ratings", Layout1M, RatingsSeparator: Separator1M, MetadataSeparator: Separator1M, Quoted: false,
        File1MMovies, ReadMovies1M, Genres1M, File1MUsers, ReadUsers1M);

    /// <summary>
    /// Loads MovieLens 1M (or 10M) from its folder: the ratings of <c>ratings.dat</c> over the
    /// catalogue of <c>users.dat</c> (6040 users) and <c>movies.dat</c> (3883 items). The metadata
    /// files are optional (10M has no <c>users.dat</c>): a side without one takes its ids from the ratings.
    /// Files may be Latin-1 (as released) or UTF-8 (re-encoded copies), told apart by content; an
    /// extra movie line such as <c>0::None::…</c> is read like any other.
    /// </summary>
    /// <param name="directory">The <c>ml-1m</c> folder, or a folder holding exactly one <c>ml-*</c> folder that has <c>ratings.dat</c>.</param>
    /// <param name="options">Loading options, or <see langword="null"/> for <see cref="MovieLensLoadOptions.Default"/>.</param>
    /// <param name="cancellationToken">Checked between blocks of the files.</param>
    /// <returns>The ratings; <see cref="ItemInfo.Year"/> comes from the "(1995)" title suffix, <see cref="UserInfo.Occupation"/> is the code's name, <see cref="UserInfo.Age"/> the age code (1, 18, 25, 35, 45, 50 or 56).</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException"><c>ratings.dat</c> is not there.</exception>
    /// <exception cref="RatingsFormatException">A file is malformed, a rating names an id missing from the metadata under <see cref="UnknownIdPolicy.Reject"/>, a metadata value cannot be used under <see cref="MovieLensLoadOptions.StrictMetadata"/>, or a pair is rated twice under <see cref="DuplicatePolicy.Reject"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first required parameter (a folder path or streams), so no call is ambiguous.")]
    public static RatingsDataset Load1M(string directory, MovieLensLoadOptions? options = null, CancellationToken cancellationToken = default) =>
        LoadFromFolder(Release1M, directory, options, cancellationToken);

    /// <summary>
    /// Loads MovieLens 1M (or 10M) from streams (left open): <c>ratings.dat</c>, and optionally
    /// <c>movies.dat</c> and <c>users.dat</c>, with '::' separators (Latin-1 or UTF-8, told apart by content). Error messages name
    /// a <see cref="FileStream"/> by its path, any other stream by the release's file name.
    /// </summary>
    /// <param name="ratings">The <c>ratings.dat</c> bytes.</param>
    /// <param name="movies">The <c>movies.dat</c> bytes, or <see langword="null"/> to take the items from the ratings.</param>
    /// <param name="users">The <c>users.dat</c> bytes, or <see langword="null"/> to take the users from the ratings.</param>
    /// <param name="options">Loading options, or <see langword="null"/> for <see cref="MovieLensLoadOptions.Default"/>.</param>
    /// <param name="cancellationToken">Checked between blocks of the streams.</param>
    /// <returns>The ratings over the catalogue.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ratings"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A stream cannot be read.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="RatingsFormatException">A stream is malformed, a rating names an unknown id under <see cref="UnknownIdPolicy.Reject"/>, a metadata value cannot be used under <see cref="MovieLensLoadOptions.StrictMetadata"/>, or a pair is rated twice under <see cref="DuplicatePolicy.Reject"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first required parameter (a folder path or streams), so no call is ambiguous.")]
    public static RatingsDataset Load1M(Stream ratings, Stream? movies, Stream? users, MovieLensLoadOptions? options = null, CancellationToken cancellationToken = default) =>
        LoadFromStreams(Release1M, ratings, movies, users, options, cancellationToken);

    /// <summary><c>movies.dat</c>: id::title::genres ('|'-separated).</summary>
    private static ItemTable ReadMovies1M(LineReader reader, IReadOnlyList<string> genres, LoadRecorder recorder) =>
        ReadMovieLines(reader, new GenreVocabulary(genres), "an item line");

    /// <summary>Movie lines of the 1M and latest layouts: id, title (with its "(1995)", kept as written), '|'-separated genres.</summary>
    private static ItemTable ReadMovieLines(LineReader reader, GenreVocabulary vocabulary, string what)
    {
        var ids = new MetadataIds();
        var infos = new List<ItemInfo>();
        while (reader.ReadNonBlank(out ReadOnlySpan<char> line))
        {
            FieldCursor f = reader.Fields(line);
            string id = string.Empty, title = string.Empty;
            string[] genres = [];
            int n = 0;
            while (f.MoveNext())
            {
                switch (n++)
                {
                    case 0:
                        id = RequireId(f, "item");
                        break;
                    case 1:
                        title = f.CurrentString();
                        break;
                    case 2:
                        genres = f.CurrentHasEscapes ? vocabulary.Parse(f.CurrentString()) : vocabulary.Parse(f.Current);
                        break;
                    default:
                        break;
                }
            }

            RatingsParser.CheckFieldCount(reader, n, 3);
            ids.Add(reader, id, "item");
            infos.Add(new ItemInfo(id, title, null, FieldParser.YearFromTitle(title), genres));
        }

        if (infos.Count == 0)
        {
            reader.FailAt(reader.LinesRead + 1, 1, $"expected {what}, found the end of the file: there are no items.");
        }

        return new ItemTable(ids.Build(), [.. infos], [.. vocabulary.Names], reader.Source);
    }

    /// <summary><c>users.dat</c>: id::gender::age code::occupation code::zip code.</summary>
    private static UserTable ReadUsers1M(LineReader reader, LoadRecorder recorder) => ReadUserLines(reader, recorder, ageColumn: 2, occupationCodes: true);

    /// <summary>The current field as a 1M age code, <see langword="null"/> when empty or not one of the codes.</summary>
    private static int? ParseAgeCode(LineReader reader, FieldCursor f, LoadRecorder recorder)
    {
        ReadOnlySpan<char> v = f.Current.Trim();
        if (v.IsEmpty)
        {
            return null;
        }

        if (FieldParser.TryParseInt32(v, out int code) && Array.IndexOf(AgeCodes1M, code) >= 0)
        {
            return code;
        }

        recorder.Unusable(reader, f.Column, $"expected an age code (1, 18, 25, 35, 45, 50 or 56), found {FieldParser.Describe(v)}.");
        return null;
    }

    /// <summary>The current field's occupation code as its name, <see langword="null"/> when empty or not a code.</summary>
    private static string? ParseOccupation(LineReader reader, FieldCursor f, LoadRecorder recorder)
    {
        ReadOnlySpan<char> v = f.Current.Trim();
        if (v.IsEmpty)
        {
            return null;
        }

        if (FieldParser.TryParseInt32(v, out int code) && (uint)code < (uint)Occupations1M.Length)
        {
            return Occupations1M[code];
        }

        recorder.Unusable(reader, f.Column, string.Create(CultureInfo.InvariantCulture, $"expected an occupation code from 0 to {Occupations1M.Length - 1}, found {FieldParser.Describe(v)}."));
        return null;
    }
}
