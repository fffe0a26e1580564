using System.Text.Json.Serialization;

namespace CollaborativeFiltering.Neighborhood.Persistence;

/// <summary>The source-generated JSON contracts of <see cref="KnnOptions"/> and <see cref="EaseOptions"/> in their model files (no reflection, so trimming and AOT keep them whole).</summary>
[JsonSerializable(typeof(KnnOptions))]
[JsonSerializable(typeof(EaseOptions))]
internal sealed partial class NeighborhoodOptionsJsonContext : JsonSerializerContext
{
}
