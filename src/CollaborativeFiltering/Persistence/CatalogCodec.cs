using System.Globalization;
using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Persistence;

/// <summary>The catalogue section that every model file holds: ids, genre vocabulary, user and item metadata.</summary>
internal static class CatalogCodec
{
    /// <summary>
    /// The catalogue section: N user ids, M item ids (strings); the genre vocabulary (int32 count,
    /// strings); user infos (int32 count, 0 or N; each: age presence byte [+ int32], sex,
    /// occupation, zip code strings); item infos (int32 count, 0 or M; each: title string, release
    /// date presence byte [+ int32 day number], year presence byte [+ int32], int32 genre count,
    /// each genre an int32 index into the vocabulary, or -1 followed by the genre string).
    /// </summary>
    public static byte[] Encode(Catalog catalog)
    {
        var writer = new SectionWriter(checked((catalog.UserCount + catalog.ItemCount) * 12) + 64);
        foreach (string id in catalog.Users.Ids)
        {
            writer.WriteString(id);
        }

        foreach (string id in catalog.Items.Ids)
        {
            writer.WriteString(id);
        }

        var genreIndex = new Dictionary<string, int>(catalog.Genres.Count, StringComparer.Ordinal);
        writer.WriteInt32(catalog.Genres.Count);
        for (int g = 0; g < catalog.Genres.Count; g++)
        {
            writer.WriteString(catalog.Genres[g]);
            genreIndex.TryAdd(catalog.Genres[g], g);
        }

        writer.WriteInt32(catalog.UserInfos.Count);
        foreach (UserInfo info in catalog.UserInfos)
        {
            writer.WriteOptionalInt32(info.Age);
            writer.WriteString(info.Sex);
            writer.WriteString(info.Occupation);
            writer.WriteString(info.ZipCode);
        }

        writer.WriteInt32(catalog.ItemInfos.Count);
        foreach (ItemInfo info in catalog.ItemInfos)
        {
            writer.WriteString(info.Title);
            writer.WriteOptionalInt32(info.ReleaseDate?.DayNumber);
            writer.WriteOptionalInt32(info.Year);
            IReadOnlyList<string> genres = info.Genres ?? [];
            writer.WriteInt32(genres.Count);
            foreach (string genre in genres)
            {
                if (genre is not null && genreIndex.TryGetValue(genre, out int index))
                {
                    writer.WriteInt32(index);
                }
                else
                {
                    writer.WriteInt32(-1);
                    writer.WriteString(genre);
                }
            }
        }

        return writer.ToArray();
    }

    /// <summary>
    /// Parses a catalogue section written by <see cref="Encode"/> whose checksum matched; a malformed
    /// section throws <see cref="ModelFormatException"/> naming <paramref name="source"/> and the byte offset.
    /// </summary>
    public static Catalog Decode(byte[] bytes, int userCount, int itemCount, string source, long sectionOffset) =>
        Decode(bytes, userCount, itemCount, new ChecksummedModelReader(Stream.Null, source), sectionOffset);

    /// <summary>Parses a catalogue section, reporting problems through <paramref name="reader"/>.</summary>
    public static Catalog Decode(byte[] bytes, int userCount, int itemCount, ChecksummedModelReader reader, long sectionOffset)
    {
        var section = new SectionReader(bytes, reader, sectionOffset, "catalogue section");
        var userIds = new string[userCount];
        for (int u = 0; u < userIds.Length; u++)
        {
            userIds[u] = section.ReadString() ?? throw section.Error("a user id is null");
        }

        var itemIds = new string[itemCount];
        for (int i = 0; i < itemIds.Length; i++)
        {
            itemIds[i] = section.ReadString() ?? throw section.Error("an item id is null");
        }

        var genres = new string[section.ReadCount(int.MaxValue, "genre count")];
        for (int g = 0; g < genres.Length; g++)
        {
            genres[g] = section.ReadString() ?? throw section.Error("a genre is null");
        }

        var userInfos = new UserInfo[section.ReadCount(userCount, "user info count")];
        if (userInfos.Length is not 0 && userInfos.Length != userCount)
        {
            throw section.Error(string.Create(CultureInfo.InvariantCulture, $"there are {userInfos.Length} user infos for {userCount} users"));
        }

        // Sexes and occupations come from small vocabularies: share one string per distinct value, as the loaders do.
        var pool = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int u = 0; u < userInfos.Length; u++)
        {
            int? age = section.ReadOptionalInt32();
            string? sex = section.ReadPooledString(pool);
            string? occupation = section.ReadPooledString(pool);
            userInfos[u] = new UserInfo(userIds[u], age, sex, occupation, section.ReadString());
        }

        var itemInfos = new ItemInfo[section.ReadCount(itemCount, "item info count")];
        if (itemInfos.Length is not 0 && itemInfos.Length != itemCount)
        {
            throw section.Error(string.Create(CultureInfo.InvariantCulture, $"there are {itemInfos.Length} item infos for {itemCount} items"));
        }

        for (int i = 0; i < itemInfos.Length; i++)
        {
            string? title = section.ReadString();
            int? day = section.ReadOptionalInt32();
            int? year = section.ReadOptionalInt32();
            var itemGenres = new string[section.ReadCount(int.MaxValue, "item genre count")];
            for (int g = 0; g < itemGenres.Length; g++)
            {
                int index = section.ReadInt32();
                if (index == -1)
                {
                    itemGenres[g] = section.ReadString()!;
                }
                else if ((uint)index < (uint)genres.Length)
                {
                    itemGenres[g] = genres[index];
                }
                else
                {
                    throw section.Error(string.Create(CultureInfo.InvariantCulture, $"genre index {index} is outside the vocabulary of {genres.Length}"));
                }
            }

            DateOnly? date = null;
            if (day is { } d)
            {
                if ((uint)d > (uint)DateOnly.MaxValue.DayNumber)
                {
                    throw section.Error(string.Create(CultureInfo.InvariantCulture, $"release date day number {d} is out of range"));
                }

                date = DateOnly.FromDayNumber(d);
            }

            itemInfos[i] = new ItemInfo(itemIds[i], title!, date, year, itemGenres);
        }

        section.RequireEnd();
        try
        {
            return new Catalog(new IdMap(userIds), new IdMap(itemIds), userInfos, itemInfos, genres);
        }
        catch (ArgumentException e)
        {
            throw reader.Error(sectionOffset, $"the catalogue is invalid: {e.Message}", e);
        }
    }
}
