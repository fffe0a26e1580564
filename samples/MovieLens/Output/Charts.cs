using ScottPlot;
using ScottPlot.TickGenerators;
using Spectre.Console;

namespace MovieLensSample.Output;

/// <summary>The sample's charts, drawn with ScottPlot 5 and saved as PNG (one file, one panel per plot side by side).</summary>
internal static class Charts
{
    private const int PanelWidth = 640;
    private const int PanelHeight = 480;

    /// <summary>
    /// A histogram of the finite values. With <paramref name="logCounts"/> the bar heights are on a log scale
    /// (ticks 1, 10, 100, ...), for skewed counts where a few large bins would flatten the rest.
    /// </summary>
    public static Plot Histogram(IEnumerable<double> values, string title, string xLabel, int bins = 40, bool logCounts = false)
    {
        double[] data = values.Where(double.IsFinite).ToArray();
        Plot plot = Titled(title, xLabel, logCounts ? "count (log scale)" : "count");
        if (data.Length == 0)
        {
            return plot;
        }

        var histogram = ScottPlot.Statistics.Histogram.WithBinCount(bins, data);
        if (!logCounts)
        {
            plot.Add.Histogram(histogram);
            plot.Axes.Margins(bottom: 0);
            return plot;
        }

        // Bars up to log10(count) from a base of log10(0.5), so that a bin of one still shows; an empty bin has none.
        double floor = Math.Log10(0.5);
        var bars = new List<Bar>();
        double width = histogram.FirstBinSize;
        for (int b = 0; b < histogram.Bins.Length; b++)
        {
            if (histogram.Counts[b] > 0)
            {
                bars.Add(new Bar { Position = histogram.Bins[b] + (width / 2), Value = Math.Log10(histogram.Counts[b]), ValueBase = floor, Size = width, FillColor = Colors.SteelBlue });
            }
        }

        plot.Add.Bars(bars);
        int top = (int)Math.Ceiling(Math.Log10(Math.Max(1, histogram.Counts.Max())));
        double[] ticks = [.. Enumerable.Range(0, top + 1).Select(k => (double)k)];
        plot.Axes.Left.TickGenerator = new NumericManual(ticks, [.. ticks.Select(k => Math.Pow(10, k).ToString("N0", System.Globalization.CultureInfo.InvariantCulture))]);
        plot.Axes.SetLimitsY(floor, top + 0.1);
        return plot;
    }

    /// <summary>One horizontal bar per label, the first label on top, the value axis from zero (means are not magnified).</summary>
    public static Plot HorizontalBars(IReadOnlyList<string> labels, IReadOnlyList<double> values, string title, string valueLabel, double? axisMax = null)
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
        if (values.Count > 0)
        {
            plot.Axes.SetLimitsX(0, Math.Max(axisMax ?? 0, values.Max()) * 1.05);
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

    /// <summary>
    /// Lines sharing an x axis, the legend beside the plot (never over the lines). The y axis starts at zero and
    /// ends a little above the highest value after the first tenth of the x range, so that the first steps'
    /// large losses do not flatten the part that matters; the title says when the start is clipped.
    /// </summary>
    public static Plot Lines(string title, string xLabel, string yLabel, params (string Label, double[] X, double[] Y)[] series)
    {
        var all = series.SelectMany(s => s.X.Zip(s.Y)).Where(p => double.IsFinite(p.Second)).ToList();
        double top = double.NaN;
        bool clipped = false;
        if (all.Count > 0)
        {
            double first = all.Min(p => p.First), last = all.Max(p => p.First);
            var settled = all.Where(p => p.First >= first + ((last - first) / 10)).Select(p => p.Second).DefaultIfEmpty(all.Max(p => p.Second));
            top = settled.Max() * 1.15;
            clipped = all.Max(p => p.Second) > top;
        }

        Plot plot = Titled(clipped ? title + " (first steps clipped)" : title, xLabel, yLabel);
        foreach (var (label, x, y) in series)
        {
            var line = plot.Add.Scatter(x, y);
            line.LegendText = label;
            line.MarkerSize = 0;
            line.LineWidth = 2;
        }

        if (double.IsFinite(top) && top > 0 && all.All(p => p.Second >= 0))
        {
            plot.Axes.SetLimitsY(0, top);
        }

        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>How many categories a map colours; the others are drawn grey as "other".</summary>
    public const int ColouredCategories = 8;

    /// <summary>
    /// Points coloured by category: the <see cref="ColouredCategories"/> largest in ten-colour palette colours
    /// (distinguishable, unlike the pale halves of a twenty-colour one), the rest grey underneath, the legend
    /// beside the plot with each category's count.
    /// </summary>
    public static Plot Categories(ReadOnlySpan<double> xy, IReadOnlyList<string> categories, string title, string xLabel, string yLabel)
    {
        Plot plot = Titled(title, xLabel, yLabel);
        var palette = new ScottPlot.Palettes.Category10();
        var groups = Enumerable.Range(0, categories.Count).GroupBy(i => categories[i]).OrderByDescending(g => g.Key != OtherCategory).ThenByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        double[] coordinates = xy.ToArray();
        var coloured = groups.Where(g => g.Key != OtherCategory).Take(ColouredCategories).ToList();
        var grey = groups.Except(coloured).SelectMany(g => g).ToArray();
        if (grey.Length > 0)
        {
            var rest = plot.Add.ScatterPoints(grey.Select(r => coordinates[2 * r]).ToArray(), grey.Select(r => coordinates[(2 * r) + 1]).ToArray(), Colors.LightGray);
            rest.MarkerSize = 4;
            rest.LegendText = $"{OtherCategory} ({grey.Length})";
        }

        for (int g = 0; g < coloured.Count; g++)
        {
            int[] rows = [.. coloured[g]];
            var points = plot.Add.ScatterPoints(rows.Select(r => coordinates[2 * r]).ToArray(), rows.Select(r => coordinates[(2 * r) + 1]).ToArray(), palette.GetColor(PaletteIndices[g]));
            points.MarkerSize = 5;
            points.LegendText = $"{coloured[g].Key} ({rows.Length})";
        }

        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>The ten-colour palette's entries used, in order: all but its grey (7), which the "other" points use.</summary>
    private static readonly int[] PaletteIndices = [0, 1, 2, 3, 4, 5, 6, 8, 9];

    /// <summary>The grey category of <see cref="Categories"/>.</summary>
    public const string OtherCategory = "other genres";

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
