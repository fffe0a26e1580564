using System.Globalization;
using System.Text;
using CollaborativeFiltering.Data.Parsing;
using CollaborativeFiltering.Internal;
using Microsoft.Extensions.Logging;

namespace CollaborativeFiltering.Data;

/// <summary>
/// How <see cref="DelimitedRatingsReader"/> reads a ratings file: separator, header, which
/// 0-based column holds what. Immutable; validated when a read starts, before the file is opened.
/// </summary>
public sealed record DelimitedRatingsOptions
{
    /// <summary>The defaults: comma-separated, no header, columns user, item, rating, no timestamp, encoding chosen by content.</summary>
    public static DelimitedRatingsOptions Default { get; } = new();

    /// <summary>The field separator, one or more characters without line breaks or quotes (e.g. "," "\t" "::" "|"); default ",".</summary>
    public string Separator { get; init; } = ",";

    /// <summary>Whether the first non-blank line is a header to skip; default <see langword="false"/>.</summary>
    public bool HasHeader { get; init; }

    /// <summary>The largest column index accepted (65,535): a line is split into at most this many fields plus one.</summary>
    public const int MaxColumn = ushort.MaxValue;

    /// <summary>The 0-based column of the user id, in [0, <see cref="MaxColumn"/>]; default 0.</summary>
    public int UserColumn { get; init; }

    /// <summary>The 0-based column of the item id, in [0, <see cref="MaxColumn"/>]; default 1.</summary>
    public int ItemColumn { get; init; } = 1;

    /// <summary>The 0-based column of the rating (a finite number), in [0, <see cref="MaxColumn"/>]; default 2.</summary>
    public int RatingColumn { get; init; } = 2;

    /// <summary>The 0-based column of an integer timestamp (seconds since the Unix epoch), in [0, <see cref="MaxColumn"/>], or <see langword="null"/> (the default) when there is none.</summary>
    public int? TimestampColumn { get; init; }

    /// <summary>What to do when a (user, item) pair is rated on more than one line; default <see cref="DuplicatePolicy.Reject"/>.</summary>
    public DuplicatePolicy Duplicates { get; init; } = DuplicatePolicy.Reject;

    /// <summary>
    /// The file's encoding when it has no byte-order mark, or <see langword="null"/> (the default) to
    /// choose by content: UTF-8 when the bytes are valid UTF-8, else Latin-1 (ISO-8859-1). A given
    /// encoding replaces bytes it cannot decode (UTF-8: with U+FFFD).
    /// </summary>
    public Encoding? Encoding { get; init; }

    /// <summary>
    /// What a rating whose user or item id is missing from the catalogue passed to the reader gets;
    /// default <see cref="UnknownIdPolicy.Reject"/> (an error naming file, line, column and id).
    /// <see cref="UnknownIdPolicy.Skip"/> skips it, with the count in a warning and in <see cref="LoadReport.SkippedRatings"/>.
    /// Without a catalogue the ids are collected from the file, so nothing is unknown.
    /// </summary>
    public UnknownIdPolicy UnknownIds { get; init; } = UnknownIdPolicy.Reject;

    /// <summary>Receives what was read (each file with its counts and encoding) and warnings (skipped ratings); <see langword="null"/> (the default) for none.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>
    /// Whether fields may be quoted as in RFC 4180 (a field starting with '"' runs to its closing
    /// quote, may hold separators and line breaks, and "" stands for one quote). <see langword="null"/>
    /// (the default) means: quoted exactly when <see cref="Separator"/> is ",".
    /// </summary>
    public bool? Quoted { get; init; }

    /// <summary>Whether quoting applies: <see cref="Quoted"/>, or by default whether the separator is ",".</summary>
    internal bool IsQuoted => Quoted ?? string.Equals(Separator, ",", StringComparison.Ordinal);

    /// <summary>Throws naming the first invalid option (the reader calls it before reading the file).</summary>
    /// <exception cref="ArgumentNullException"><see cref="Separator"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range: an empty separator or one with a line break (or a quote when fields are quoted), a negative column, two options naming the same column, or an undefined policy.</exception>
    public void Validate()
    {
        if (Separator is null)
        {
            throw new ArgumentNullException(nameof(Separator), "Separator must be one or more characters; it was null.");
        }

        if (Separator.Length == 0 || Separator.AsSpan().IndexOfAny('\r', '\n') >= 0 || (IsQuoted && Separator.Contains('"', StringComparison.Ordinal)))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Separator), $"'{FieldParser.Printable(Separator)}'", "one or more characters without line breaks (nor '\"' when fields are quoted)");
        }

        ThrowIfNotColumn(UserColumn, nameof(UserColumn));
        ThrowIfNotColumn(ItemColumn, nameof(ItemColumn));
        ThrowIfNotColumn(RatingColumn, nameof(RatingColumn));
        if (TimestampColumn is int t)
        {
            ThrowIfNotColumn(t, nameof(TimestampColumn));
        }

        Distinct(ItemColumn, nameof(ItemColumn), UserColumn, nameof(UserColumn));
        Distinct(RatingColumn, nameof(RatingColumn), UserColumn, nameof(UserColumn));
        Distinct(RatingColumn, nameof(RatingColumn), ItemColumn, nameof(ItemColumn));
        if (TimestampColumn is int ts)
        {
            Distinct(ts, nameof(TimestampColumn), UserColumn, nameof(UserColumn));
            Distinct(ts, nameof(TimestampColumn), ItemColumn, nameof(ItemColumn));
            Distinct(ts, nameof(TimestampColumn), RatingColumn, nameof(RatingColumn));
        }

        if (!Enum.IsDefined(Duplicates))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(Duplicates), Duplicates, "Reject, KeepLast or Average");
        }

        if (!Enum.IsDefined(UnknownIds))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(UnknownIds), UnknownIds, "Reject or Skip");
        }
    }

    /// <summary>The settings of the ratings lines (timestamps are always kept when there is a column).</summary>
    internal RatingsReadSettings RatingsSettings => new(Duplicates, UnknownIds, KeepTimestamps: true);

    /// <summary>The layout the shared parser reads.</summary>
    internal RatingsLayout ToLayout()
    {
        int last = Math.Max(Math.Max(UserColumn, ItemColumn), Math.Max(RatingColumn, TimestampColumn ?? -1));
        return new RatingsLayout(UserColumn, ItemColumn, RatingColumn, TimestampColumn ?? -1, last + 1, ExactFieldCount: false, HasHeader);
    }

    private static void ThrowIfNotColumn(int column, string name)
    {
        if (column is < 0 or > MaxColumn)
        {
            ThrowHelper.ArgumentOutOfRange(name, column, string.Create(CultureInfo.InvariantCulture, $"a 0-based column in [0, {MaxColumn}]"));
        }
    }

    private static void Distinct(int column, string name, int other, string otherName)
    {
        if (column == other)
        {
            ThrowHelper.ArgumentOutOfRange(name, column, string.Create(CultureInfo.InvariantCulture, $"a column other than {otherName} ({other})"));
        }
    }
}
