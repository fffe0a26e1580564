using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CollaborativeFiltering.Persistence;

namespace CollaborativeFiltering.Factorization.Persistence;

/// <summary>
/// The options section of a matrix-factorization model file: the options record's full type name,
/// then the record as UTF-8 JSON, written and read by the source-generated
/// <see cref="FactorizationOptionsJsonContext"/> (no reflection, so trimming and AOT keep it whole).
/// Only the records registered there are ever instantiated from a file; a test checks that every
/// sealed options record of the library is.
/// </summary>
internal static class FactorizationOptionsJson
{
    private static readonly FrozenDictionary<string, (JsonTypeInfo Info, Func<FactorizationOptions> Defaults)> ByName =
        new Dictionary<string, (JsonTypeInfo, Func<FactorizationOptions>)>(StringComparer.Ordinal)
        {
            [typeof(GradientDescentOptions).FullName!] = (FactorizationOptionsJsonContext.Default.GradientDescentOptions, static () => new GradientDescentOptions()),
            [typeof(RegularizedOptions).FullName!] = (FactorizationOptionsJsonContext.Default.RegularizedOptions, static () => new RegularizedOptions()),
            [typeof(BiasedSgdOptions).FullName!] = (FactorizationOptionsJsonContext.Default.BiasedSgdOptions, static () => new BiasedSgdOptions()),
            [typeof(AlsOptions).FullName!] = (FactorizationOptionsJsonContext.Default.AlsOptions, static () => new AlsOptions()),
            [typeof(ImplicitAlsOptions).FullName!] = (FactorizationOptionsJsonContext.Default.ImplicitAlsOptions, static () => new ImplicitAlsOptions()),
            [typeof(SvdPlusPlusOptions).FullName!] = (FactorizationOptionsJsonContext.Default.SvdPlusPlusOptions, static () => new SvdPlusPlusOptions()),
            [typeof(BprOptions).FullName!] = (FactorizationOptionsJsonContext.Default.BprOptions, static () => new BprOptions()),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The options records a file may name, by full type name.</summary>
    public static FrozenDictionary<string, Type> KnownOptionTypes { get; } = ByName.ToFrozenDictionary(static p => p.Key, static p => p.Value.Info.Type, StringComparer.Ordinal);

    /// <summary>The options section for <paramref name="options"/>; empty for <see langword="null"/>.</summary>
    /// <exception cref="NotSupportedException">The options are not one of this library's records.</exception>
    public static byte[] Encode(FactorizationOptions? options)
    {
        if (options is null)
        {
            return [];
        }

        Type type = options.GetType();
        if (type.FullName is not { } name || !ByName.TryGetValue(name, out var known) || known.Info.Type != type)
        {
            throw new NotSupportedException($"The model's options are of type '{type.FullName}', which is not one of this library's options records; only those can be saved.");
        }

        var writer = new SectionWriter(256);
        writer.WriteString(name);
        writer.WriteRaw(JsonSerializer.SerializeToUtf8Bytes(options, known.Info));
        return writer.ToArray();
    }

    /// <summary>An options section with any type name and JSON (tests use it to write unknown types).</summary>
    public static byte[] EncodeSection(string typeName, string json)
    {
        var writer = new SectionWriter(256);
        writer.WriteString(typeName);
        writer.WriteRaw(Encoding.UTF8.GetBytes(json));
        return writer.ToArray();
    }

    /// <summary>Parses and validates an options section whose checksum matched; problems name the file and offset.</summary>
    public static FactorizationOptions Decode(byte[] bytes, ChecksummedModelReader reader, long sectionOffset)
    {
        var section = new SectionReader(bytes, reader, sectionOffset, "options section");
        string typeName = section.ReadString() ?? throw reader.Error(sectionOffset, "the options section has no type name.");
        if (!ByName.TryGetValue(typeName, out var known))
        {
            string names = string.Join(", ", ByName.Keys.Order(StringComparer.Ordinal));
            throw reader.Error(sectionOffset, $"the options type '{typeName}' is not one of this library's options records ({(names.Length == 0 ? "none" : names)}); the model may come from a newer version of CollaborativeFiltering.");
        }

        FactorizationOptions? options;
        try
        {
            options = (FactorizationOptions?)OptionsJson.Deserialize(section.Remaining, known.Info, known.Defaults());
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw reader.Error(sectionOffset, $"the options of type '{typeName}' cannot be read: {e.Message}", e);
        }

        if (options is null)
        {
            throw reader.Error(sectionOffset, $"the options of type '{typeName}' are null.");
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw reader.Error(sectionOffset, $"the saved options are invalid: {e.Message}", e);
        }

        return options;
    }
}

/// <summary>The source-generated JSON contract of every matrix-factorization options record (NaN and ±∞ written as strings, as before).</summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(GradientDescentOptions))]
[JsonSerializable(typeof(RegularizedOptions))]
[JsonSerializable(typeof(BiasedSgdOptions))]
[JsonSerializable(typeof(AlsOptions))]
[JsonSerializable(typeof(ImplicitAlsOptions))]
[JsonSerializable(typeof(SvdPlusPlusOptions))]
[JsonSerializable(typeof(BprOptions))]
internal sealed partial class FactorizationOptionsJsonContext : JsonSerializerContext
{
}
