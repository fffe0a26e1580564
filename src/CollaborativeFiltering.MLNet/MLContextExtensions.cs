using Microsoft.ML;

namespace CollaborativeFiltering.MLNet;

/// <summary>The entry point of the ML.NET integration: <c>mlContext.CollaborativeFiltering()</c>.</summary>
public static class MLContextExtensions
{
    /// <summary>The library's trainers as ML.NET estimators, and transformers over trained models.</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <returns>The catalogue of estimators.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="mlContext"/> is <see langword="null"/>.</exception>
    public static CollaborativeFilteringCatalog CollaborativeFiltering(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return new CollaborativeFilteringCatalog(mlContext);
    }
}
