using Microsoft.ML;

namespace CollaborativeFiltering.MLNet.Tests;

/// <summary>
/// Schema shapes for <see cref="IEstimator{TTransformer}.GetOutputSchema"/> tests. ML.NET makes them only
/// inside its own assemblies (SchemaShape.Create is internal), so a public estimator that adds the
/// columns of a class is asked for its output shape.
/// </summary>
internal static class Shapes
{
    public static SchemaShape Of<T>()
        where T : class, new() =>
        new MLContext(seed: 0).Transforms.CustomMapping<Nothing, T>(static (_, _) => { }, contractName: null).GetOutputSchema(new SchemaShape([]));

    public sealed class Nothing
    {
    }
}
