namespace CollaborativeFiltering.Data.Parsing;

/// <summary>The ids a set of ratings files must use: a side given here is fixed (its ids come from metadata or a given catalogue), a <see langword="null"/> side grows from the ratings.</summary>
/// <param name="Users">The fixed user ids, or <see langword="null"/>.</param>
/// <param name="UsersOrigin">Where the fixed user ids come from, for messages ("u.user").</param>
/// <param name="Items">The fixed item ids, or <see langword="null"/>.</param>
/// <param name="ItemsOrigin">Where the fixed item ids come from, for messages ("u.item").</param>
internal sealed record KnownIds(IdMap? Users, string UsersOrigin, IdMap? Items, string ItemsOrigin)
{
    /// <summary>Both sides grow from the ratings.</summary>
    public static KnownIds None { get; } = new(null, "the ratings", null, "the ratings");
}

/// <summary>How ratings lines become ratings, whichever loader reads them.</summary>
/// <param name="Duplicates">What a pair rated twice within one file gets.</param>
/// <param name="UnknownIds">What a rating naming an id missing from a fixed side gets.</param>
/// <param name="KeepTimestamps">Whether timestamps are stored.</param>
internal readonly record struct RatingsReadSettings(DuplicatePolicy Duplicates, UnknownIdPolicy UnknownIds, bool KeepTimestamps);

/// <summary>
/// Reads one or more ratings files over one shared catalogue: fixed sides (metadata, a given
/// catalogue) must hold every id (or the rating is skipped, as the settings say); open sides grow
/// from the ratings, each file's ids extending the previous file's. Each file is sorted (and its
/// duplicates checked) once read; every dataset is then built once over the same final
/// <see cref="Catalog"/> instance, with the load's report.
/// </summary>
internal static class SharedCatalogReader
{
    /// <summary>Reads <paramref name="readers"/> in order into datasets over one catalogue.</summary>
    /// <param name="readers">The ratings files.</param>
    /// <param name="layout">Their columns.</param>
    /// <param name="known">The fixed sides.</param>
    /// <param name="makeCatalog">Builds the catalogue from the final user and item id maps.</param>
    /// <param name="settings">Duplicates, unknown ids, timestamps.</param>
    /// <param name="recorder">Records each file, the skipped ratings and the datasets.</param>
    /// <returns>One dataset per reader, all over the same catalogue and with the same report.</returns>
    /// <exception cref="RatingsFormatException">A file is malformed, names an unknown id under <see cref="UnknownIdPolicy.Reject"/>, or rates a pair twice under <see cref="DuplicatePolicy.Reject"/>.</exception>
    public static RatingsDataset[] Read(LineReader[] readers, in RatingsLayout layout, KnownIds known, Func<IdMap, IdMap, Catalog> makeCatalog, RatingsReadSettings settings, LoadRecorder recorder)
    {
        IdMap.Builder? openUsers = known.Users is null ? new IdMap.Builder() : null;
        IdMap.Builder? openItems = known.Items is null ? new IdMap.Builder() : null;
        var rows = new RatingsDatasetBuilder.UserMajorRows[readers.Length];
        for (int k = 0; k < readers.Length; k++)
        {
            LineReader reader = readers[k];
            var builder = new RatingsDatasetBuilder(openUsers, openItems, settings.Duplicates);
            int added = RatingsParser.Read(reader, layout, builder, known.Users, known.UsersOrigin, known.Items, known.ItemsOrigin, settings.KeepTimestamps, settings.UnknownIds, out SkippedRatings skipped);
            int userCount = known.Users?.Count ?? openUsers!.Count, itemCount = known.Items?.Count ?? openItems!.Count;
            reader.CancellationToken.ThrowIfCancellationRequested(); // sorting and building take a while on large files
            rows[k] = RatingsParser.Collapse(builder, userCount, itemCount, reader.Source, layout.ItemColumn);
            reader.CancellationToken.ThrowIfCancellationRequested();
            recorder.FileRead(reader, added, "ratings");
            recorder.Skipped(reader.Source, skipped);
        }

        Catalog catalog = makeCatalog(known.Users ?? openUsers!.Build(), known.Items ?? openItems!.Build());
        LoadReport report = recorder.Report();
        var results = new RatingsDataset[readers.Length];
        for (int k = 0; k < readers.Length; k++)
        {
            readers[k].CancellationToken.ThrowIfCancellationRequested();
            results[k] = rows[k].ToDataset(catalog, report);
            recorder.Loaded(results[k]);
        }

        return results;
    }
}
