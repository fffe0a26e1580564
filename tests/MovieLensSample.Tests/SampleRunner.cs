using System.Buffers.Binary;
using CollaborativeFiltering.Data;
using MovieLensSample.Inputs;
using Spectre.Console;

namespace MovieLensSample.Tests;

/// <summary>Runs the MovieLens sample in-process against a console that records plain text, and reads what it printed and wrote.</summary>
internal static class SampleRunner
{
    /// <summary>The synthetic set the sample uses with --synthetic --quick: generated, written as real-shaped MovieLens 100k files and read back.</summary>
    public static RatingsDataset QuickSynthetic(int seed = 42) => DataSource.Synthetic(DataSource.SyntheticOptionsFor(quick: true, seed), CancellationToken.None);

    public static Task<(int ExitCode, string Output)> RunAsync(params string[] args) => RunAtWidthAsync(240, args);

    /// <summary>Runs the sample on a console <paramref name="width"/> columns wide (80: a default terminal).</summary>
    public static async Task<(int ExitCode, string Output)> RunAtWidthAsync(int width, params string[] args)
    {
        var writer = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        int exitCode = await SampleApp.RunAsync(args, console, CancellationToken.None);
        return (exitCode, writer.ToString());
    }

    public static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The cells of the first table after the line holding <paramref name="title"/>: its header row (a two-line header joined), then its data rows.</summary>
    public static List<string[]> Table(string output, string title)
    {
        string[] lines = output.Split('\n');
        int start = Array.FindIndex(lines, l => l.Contains(title, StringComparison.Ordinal));
        start.Should().BeGreaterThanOrEqualTo(0, $"the output should hold a table titled '{title}'");
        var rows = new List<string[]>();
        bool inHeader = true;
        for (int i = start + 1; i < lines.Length && !lines[i].TrimStart().StartsWith('└'); i++)
        {
            string line = lines[i].Trim();
            inHeader &= !line.StartsWith('├');
            if (line.StartsWith('│'))
            {
                string[] cells = [.. line.Trim('│').Split('│').Select(c => c.Trim())];
                if (inHeader && rows.Count == 1)
                {
                    // A header on two lines ("predicted" over "rating"): one name per column.
                    rows[0] = [.. rows[0].Zip(cells, (a, b) => b.Length == 0 ? a : $"{a} {b}")];
                }
                else
                {
                    rows.Add(cells);
                }
            }
        }

        return rows;
    }

    /// <summary>A table's data rows keyed by their first cell, with the header's column names.</summary>
    public static (string[] Header, Dictionary<string, string[]> Rows) KeyedTable(string output, string title)
    {
        List<string[]> rows = Table(output, title);
        return (rows[0], rows.Skip(1).ToDictionary(r => r[0], StringComparer.Ordinal));
    }

    /// <summary>Width and height from the PNG's IHDR chunk, after checking the signature.</summary>
    public static (int Width, int Height) PngSize(string path)
    {
        byte[] header = new byte[24];
        using (FileStream stream = File.OpenRead(path))
        {
            stream.ReadExactly(header);
        }

        header.AsSpan(0, 8).ToArray().Should().Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], $"{path} should be a PNG");
        System.Text.Encoding.ASCII.GetString(header, 12, 4).Should().Be("IHDR");
        return (BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(20)));
    }

    public static double Number(string cell) => double.Parse(cell, System.Globalization.CultureInfo.InvariantCulture);

    public static string TempDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "cf-sample-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
