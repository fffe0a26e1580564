namespace CollaborativeFiltering.Data;

/// <summary>
/// The irregularities <see cref="MovieLensWriter"/> writes on request, so that synthetic data (or
/// any dataset) can be written the way the official MovieLens files are, or the way copies of them
/// that circulate are, to exercise a loader. Every option is off by default: the writer then writes
/// plain files that load back to the same dataset. <see cref="RealShaped"/> turns on every
/// irregularity of the official releases. Immutable.
/// </summary>
/// <remarks>
/// <para>
/// The options marked "content" change what is written, not only how: a loader reading the files
/// back gets the altered titles, zip codes and extra lines. They pick the items (users) they touch
/// by position in the catalogue, the same for any run, and at least one item of a catalogue of 12
/// or more: position p (1-based) gets a trailing space when p mod 500 = 3, another's title when
/// p mod 90 = 5, Latin-1 letters when p mod 180 = 7, a comma and quotes when p mod 180 = 9, loses its
/// year when p mod 260 = 11 or gets a "(V)" after it when p mod 260 = 141; users get a Canadian zip
/// code when their position mod 40 = 2 and a ZIP+4 when it mod 90 = 4. The "unknown" item is the
/// 267th (or the last when there are fewer).
/// </para>
/// </remarks>
public sealed record MovieLensWriterOptions
{
    /// <summary>No irregularity: plain files that load back to the same dataset.</summary>
    public static MovieLensWriterOptions Default { get; } = new();

    /// <summary>
    /// Every irregularity of the official releases (MovieLens 100k, latest, 1M): one-digit days,
    /// <c>u.genre</c>'s empty last line, titles with a trailing space, twice under two ids, with
    /// Latin-1 letters, with a comma and quotes, without a year or with "(V)", the "unknown" item,
    /// non-digit and ZIP+4 zip codes. The irregularities of circulating copies (<see cref="Utf8"/>,
    /// <see cref="ByteOrderMark"/>, <see cref="CrLf"/>, <see cref="NoneMovieFirstLine"/>,
    /// <see cref="UnlistedMovieRating"/>) stay off.
    /// </summary>
    public static MovieLensWriterOptions RealShaped { get; } = new()
    {
        OneDigitDays = true,
        GenreFileEndsWithEmptyLine = true,
        TrailingSpaceTitles = true,
        DuplicateTitles = true,
        AccentedTitles = true,
        QuotedTitles = true,
        TitlesWithoutYear = true,
        UnknownItem = true,
        IrregularZipCodes = true,
    };

    /// <summary>MovieLens 100k <c>u.item</c>: days 1 to 9 written with one digit (<c>4-Feb-1971</c>), as on one line of the release; the others keep two.</summary>
    public bool OneDigitDays { get; init; }

    /// <summary>MovieLens 100k <c>u.genre</c>: an empty line after the last genre, as in the release.</summary>
    public bool GenreFileEndsWithEmptyLine { get; init; }

    /// <summary>Content: some titles written with a trailing space (<c>… (1996) </c>), as 3 of ml-100k's and 11 of ml-latest-small's are.</summary>
    public bool TrailingSpaceTitles { get; init; }

    /// <summary>Content: some items written with the title of the item before them, as 18 titles of ml-100k appear under two ids.</summary>
    public bool DuplicateTitles { get; init; }

    /// <summary>Content: some titles written with a Latin-1 word before them (<c>Café</c>, <c>Misérables</c>, <c>Kådisbellan</c>, <c>Þögn</c>, <c>Niño</c>), as the releases' Spanish, French and Icelandic titles.</summary>
    public bool AccentedTitles { get; init; }

    /// <summary>Content: some titles written with a comma and double quotes before their year (<c>…, The "Director's Cut" (1995)</c>), which <c>movies.csv</c> quotes as RFC 4180 says.</summary>
    public bool QuotedTitles { get; init; }

    /// <summary>Content: some titles written without their "(yyyy)" suffix, others with <c>(V)</c> after it, as in ml-100k and ml-latest-small.</summary>
    public bool TitlesWithoutYear { get; init; }

    /// <summary>Content, MovieLens 100k: the 267th item (or the last) written as ml-100k's item 267: title <c>unknown</c>, no release date, only the "unknown" genre flag set.</summary>
    public bool UnknownItem { get; init; }

    /// <summary>Content: some zip codes written as Canadian codes (<c>T8H1N</c>, as in ml-100k) and some as ZIP+4 (<c>98107-2117</c>, as in ml-1m).</summary>
    public bool IrregularZipCodes { get; init; }

    /// <summary>MovieLens 100k and 1M: the files in UTF-8 instead of Latin-1, as re-encoded copies circulate (the latest releases are UTF-8 anyway).</summary>
    public bool Utf8 { get; init; }

    /// <summary>Each UTF-8 file starts with the byte-order mark (EF BB BF), as some editors save; no effect on Latin-1 files.</summary>
    public bool ByteOrderMark { get; init; }

    /// <summary>Lines end with <c>\r\n</c> instead of <c>\n</c>, as in copies saved on Windows.</summary>
    public bool CrLf { get; init; }

    /// <summary>Content, MovieLens 1M: <c>movies.dat</c> starts with an extra movie <c>0::None::None</c>, as in copies that circulate; the catalogue must not have an item "0".</summary>
    public bool NoneMovieFirstLine { get; init; }

    /// <summary>
    /// Content: the ratings file ends with a rating (5, by user <c>999</c>) of a movie that is not in
    /// the items file (id <c>999999</c>, or the next free number), as the line copies of
    /// ml-latest-small carry: loading it needs <see cref="MovieLensLoadOptions.UnknownIds"/> = <see cref="UnknownIdPolicy.Skip"/>.
    /// Only with the item metadata files, that is with <see cref="MovieLensWriter.Write100K"/>,
    /// <see cref="MovieLensWriter.Write1M"/> and <see cref="MovieLensWriter.WriteLatest"/>.
    /// </summary>
    public bool UnlistedMovieRating { get; init; }
}
