using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace CollaborativeFiltering.Persistence;

/// <summary>
/// Reads an options record from the JSON of a model file with a source-generated contract, keeping the
/// record's own defaults for the properties the JSON lacks (a file written before an option existed).
/// The source generator sets every <c>init</c> property, absent ones to their type's default value
/// (dotnet/runtime#84484), so the file's properties are laid over the JSON of a default record first.
/// </summary>
internal static class OptionsJson
{
    /// <summary>The record of <paramref name="info"/>'s type described by <paramref name="utf8Json"/>, absent properties taken from <paramref name="defaults"/>.</summary>
    /// <exception cref="JsonException">The JSON is malformed or does not fit the record.</exception>
    public static object? Deserialize(ReadOnlySpan<byte> utf8Json, JsonTypeInfo info, object defaults)
    {
        JsonNode? file = JsonNode.Parse(utf8Json);
        if (file is not JsonObject properties || JsonSerializer.SerializeToNode(defaults, info) is not JsonObject merged)
        {
            return file.Deserialize(info);
        }

        foreach (KeyValuePair<string, JsonNode?> property in properties)
        {
            merged[property.Key] = property.Value?.DeepClone();
        }

        return merged.Deserialize(info);
    }
}
