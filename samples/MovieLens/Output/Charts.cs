using ScottPlot;
using ScottPlot.TickGenerators;
using Spectre.Console;

namespace MovieLensSample.Output;

/// <summary>The sample's charts, drawn with ScottPlot 5 and saved as PNG (one file, one panel per plot side by side).</summary>
internal static class Charts
{
    private const int PanelWidth = 640;
    private const int PanelHeight = 480;

    public static Plot Histogram(IEnumerable<double> values, string title, string xLabel, int bins = 40)
    {
        double[] data = values.Where(double.IsFinite).ToArray();
        Plot plot = Titled(title, xLabel, "count");
        if (data.Length > 0)
        {
            plot.Add.Histogram(ScottPlot.Statistics.Histogram.WithBinCount(bins, data));
        }

        plot.Axes.Margins(bottom: 0);
        return plot;
    }

    /// <summary>One horizontal bar per label, the first label on top; with <paramref name="zoom"/>, the value axis spans the values only (for means that differ little).</summary>
    public static Plot HorizontalBars(IReadOnlyList<string> labels, IReadOnlyList<double> values, string title, string valueLabel, bool zoom = false)
    {
        Plot plot = Titled(title, valueLabel, "");
        var bars = new Bar[labels.Count];
        double[] positions = new double[labels.Count];
        for (int i = 0; i < bars.Length; i++)
        {
            positions[i] = labels.Count - 1 - i;
            bars[i] = new Bar { Position = positions[i], Value = values[i], Orientation = Orientation.Horizontal, FillColor = Colors.SteelBlue };
        }

        plot.Add.Bars(bars);
        plot.Axes.Left.TickGenerator = new NumericManual(positions, [.. labels]);
        plot.Axes.Margins(left: 0);
        if (zoom && values.Count > 0)
        {
            double min = values.Min(), max = values.Max(), pad = Math.Max(0.05, (max - min) * 0.1);
            plot.Axes.SetLimitsX(min - pad, max + pad);
        }

        return plot;
    }

    public static Plot Scatter(double[] x, double[] y, string title, string xLabel, string yLabel)
    {
        Plot plot = Titled(title, xLabel, yLabel);
        var points = plot.Add.ScatterPoints(x, y);
        points.MarkerSize = 4;
        return plot;
    }

    /// <summary>Lines sharing an x axis, with a legend.</summary>
    public static Plot Lines(string title, string xLabel, string yLabel, params (string Label, double[] X, double[] Y)[] series)
    {
        Plot plot = Titled(title, xLabel, yLabel);
        foreach (var (label, x, y) in series)
        {
            var line = plot.Add.Scatter(x, y);
            line.LegendText = label;
            line.MarkerSize = 0;
            line.LineWidth = 2;
        }

        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>Points coloured by category, the largest categories first in the legend (at most 20 colours).</summary>
    public static Plot Categories(ReadOnlySpan<double> xy, IReadOnlyList<string> categories, string title)
    {
        Plot plot = Titled(title, "", "");
        var palette = new ScottPlot.Palettes.Category20();
        var groups = Enumerable.Range(0, categories.Count).GroupBy(i => categories[i]).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        double[] coordinates = xy.ToArray();
        for (int g = 0; g < groups.Count; g++)
        {
            int[] rows = [.. groups[g]];
            var points = plot.Add.ScatterPoints(rows.Select(r => coordinates[2 * r]).ToArray(), rows.Select(r => coordinates[(2 * r) + 1]).ToArray(), palette.GetColor(g));
            points.MarkerSize = 5;
            points.LegendText = $"{groups[g].Key} ({rows.Length})";
        }

        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>Saves the plots side by side, each <paramref name="panelWidth"/> × <paramref name="panelHeight"/> pixels, into <paramref name="directory"/>/<paramref name="fileName"/> and says so.</summary>
    public static string Save(IAnsiConsole console, string directory, string fileName, Plot[] panels, int panelWidth = PanelWidth, int panelHeight = PanelHeight)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, fileName);
        if (panels.Length == 1)
        {
            panels[0].SavePng(path, panelWidth, panelHeight);
        }
        else
        {
            var multiplot = new Multiplot(panels[0]) { Layout = new ScottPlot.MultiplotLayouts.Columns() };
            foreach (Plot panel in panels.Skip(1))
            {
                multiplot.AddPlot(panel);
            }

            multiplot.SavePng(path, panelWidth * panels.Length, panelHeight);
        }

        Tables.Wrote(console, path);
        return path;
    }

    private static Plot Titled(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }
}
