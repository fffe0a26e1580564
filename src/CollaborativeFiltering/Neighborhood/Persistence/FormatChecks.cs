using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Persistence;

namespace CollaborativeFiltering.Neighborhood.Persistence;

/// <summary>What the kNN and EASE model files share: the header's first bytes, the options, the users' training items and the prediction range, each checked with an error naming the byte offset.</summary>
internal static class FormatChecks
{
    /// <summary>
    /// Reads a fixed header of <paramref name="size"/> bytes and checks its magic, its version and its own
    /// CRC-32C (its last four bytes), so that its sizes are trusted before anything is allocated.
    /// </summary>
    public static byte[] ReadHeader(Stream stream, ChecksummedModelReader reader, ReadOnlySpan<byte> magic, string kind, int size, int versionOffset, ushort version)
    {
        var header = new byte[size];
        int read = stream.ReadAtLeast(header, size, throwOnEndOfStream: false);
        string magicText = System.Text.Encoding.ASCII.GetString(magic).Replace("\0", "\\0", StringComparison.Ordinal);
        if (read == 0)
        {
            throw reader.Error(0, $"the model is empty (0 bytes); expected a CollaborativeFiltering {kind} model starting with \"{magicText}\".");
        }

        int magicBytes = Math.Min(read, magic.Length);
        if (!header.AsSpan(0, magicBytes).SequenceEqual(magic[..magicBytes]))
        {
            throw reader.Error(0, $"not a CollaborativeFiltering {kind} model: it does not start with the bytes \"{magicText}\".");
        }

        reader.CheckVersion(header, read, versionOffset, version);
        if (read < size)
        {
            throw reader.Truncated(read, "header");
        }

        reader.AcceptHeader(header, size - ChecksummedModelReader.ChecksumSize);
        return header;
    }

    /// <summary>Parses and validates an options record read from JSON.</summary>
    public static T DecodeOptions<T>(byte[] bytes, JsonTypeInfo<T> info, T defaults, ChecksummedModelReader reader, long offset)
        where T : TrainerOptions
    {
        T? options;
        try
        {
            options = (T?)OptionsJson.Deserialize(bytes, info, defaults);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw reader.Error(offset, $"the options cannot be read: {e.Message}", e);
        }

        if (options is null)
        {
            throw reader.Error(offset, "the options are null.");
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw reader.Error(offset, $"the saved options are invalid: {e.Message}", e);
        }

        return options;
    }

    /// <summary>Checks the users' training items: offsets from 0 to the item count without decreasing, items in <c>[0, M)</c> and ascending per user.</summary>
    public static void CheckUserItems(int[] offsets, int[] items, int itemCount, ChecksummedModelReader reader, long offsetsAt, long itemsAt)
    {
        if (offsets[0] != 0 || offsets[^1] != items.Length)
        {
            throw reader.Error(offsetsAt, string.Create(CultureInfo.InvariantCulture, $"the user offsets run from {offsets[0]} to {offsets[^1]}; expected 0 to {items.Length}."));
        }

        for (int u = 0; u + 1 < offsets.Length; u++)
        {
            int start = offsets[u], end = offsets[u + 1];
            if (end < start)
            {
                throw reader.Error(offsetsAt + (4L * (u + 1)), string.Create(CultureInfo.InvariantCulture, $"the user offsets decrease at user {u}."));
            }

            for (int p = start; p < end; p++)
            {
                int item = items[p];
                if ((uint)item >= (uint)itemCount || (p > start && item <= items[p - 1]))
                {
                    throw reader.Error(itemsAt + (4L * p), string.Create(CultureInfo.InvariantCulture, $"user {u}'s item {item} is outside [0, {itemCount}) or not in ascending order."));
                }
            }
        }
    }

    /// <summary>A prediction range read from two floats: finite, min ≤ max.</summary>
    public static RatingRange DecodeRange(float[] values, ChecksummedModelReader reader, long offset)
    {
        float min = values[0], max = values[1];
        if (!float.IsFinite(min) || !float.IsFinite(max) || max < min)
        {
            throw reader.Error(offset, string.Create(CultureInfo.InvariantCulture, $"the prediction range is [{min}, {max}]; expected finite numbers with min ≤ max."));
        }

        return new RatingRange(min, max);
    }
}
