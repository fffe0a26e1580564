using CollaborativeFiltering;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Scoring;
using MovieLensSample.Output;
using Spectre.Console;

namespace MovieLensSample.Steps;

/// <summary>Writes a model's embeddings for other tools: the TensorBoard Embedding Projector's TSV files, or CSV factors.</summary>
internal static class ExportStep
{
    /// <summary>Writes <paramref name="format"/> ("projector" or "csv") under <paramref name="outDir"/>.</summary>
    public static void Write(IAnsiConsole console, IEmbeddingModel model, RatingsDataset dataset, string format, string outDir)
    {
        Tables.Section(console, "Exporting the embeddings");
        if (format == "projector")
        {
            string directory = Path.Combine(outDir, "projector");
            EmbeddingExport.WriteProjectorFiles(model, directory, dataset);
            Tables.Wrote(console, Path.Combine(directory, "vectors.tsv"));
            Tables.Wrote(console, Path.Combine(directory, "metadata.tsv"));
        }
        else
        {
            Directory.CreateDirectory(outDir);
            string users = Path.Combine(outDir, "user_factors.csv"), items = Path.Combine(outDir, "item_factors.csv");
            EmbeddingExport.WriteFactorsCsv(model, users, items);
            Tables.Wrote(console, users);
            Tables.Wrote(console, items);
        }
    }
}
