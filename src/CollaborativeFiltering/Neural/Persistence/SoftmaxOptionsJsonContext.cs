using System.Text.Json.Serialization;

namespace CollaborativeFiltering.Neural.Persistence;

/// <summary>The source-generated JSON contract of <see cref="SoftmaxOptions"/> in the softmax model file (no reflection, so trimming and AOT keep it whole).</summary>
[JsonSerializable(typeof(SoftmaxOptions))]
internal sealed partial class SoftmaxOptionsJsonContext : JsonSerializerContext
{
}
