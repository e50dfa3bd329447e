using System.Globalization;
using System.Text.Json;
using ScottPlot;

// Draws the scaling lab's chart from one bench/stages result file: requests per minute per stage as
// bars on the left axis, p99 latency as a line on the right axis.
//
//   dotnet bench/stages-lab/bin/Release/net10.0/StagesChart.dll RESULT.json CHART.png
if (args.Length != 2)
{
    Console.Error.WriteLine("Usage: StagesChart RESULT.json CHART.png (RESULT.json is a bench/results/stages-*.json file).");
    return 2;
}

var (resultPath, chartPath) = (args[0], args[1]);
JsonDocument result;
try
{
    result = JsonDocument.Parse(File.ReadAllText(resultPath));
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
{
    Console.Error.WriteLine($"Reading the result file '{resultPath}' failed: {ex.Message}");
    return 1;
}

var runs = StageRun.ReadAll(result.RootElement);
if (runs.Count == 0)
{
    Console.Error.WriteLine($"The result file '{resultPath}' contains no measured stage; run bench/stages first.");
    return 1;
}

var positions = Enumerable.Range(0, runs.Count).Select(index => (double)index).ToArray();
var plot = new Plot();

var bars = plot.Add.Bars(positions, runs.Select(run => run.RequestsPerMinute).ToArray());
bars.LegendText = "requests per minute";
bars.Color = Colors.SteelBlue;
foreach (var bar in bars.Bars)
{
    bar.Label = FormatThousands(bar.Value);
}

bars.ValueLabelStyle.FontSize = 11;

var latency = plot.Add.Scatter(positions, runs.Select(run => run.P99Milliseconds).ToArray());
latency.LegendText = "p99 latency (ms)";
latency.Color = Colors.OrangeRed;
latency.LineWidth = 2;
latency.MarkerSize = 8;
latency.Axes.YAxis = plot.Axes.Right;

plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, runs.Select(run => run.Label).ToArray());
plot.Axes.Bottom.Label.Text = "stage";
plot.Axes.Left.Label.Text = "requests per minute";
plot.Axes.Right.Label.Text = "p99 latency (ms)";
plot.Axes.Margins(bottom: 0);
// Headroom above the tallest bar and the highest point keeps their labels inside the plot.
plot.Axes.SetLimitsY(0, runs.Max(run => run.RequestsPerMinute) * 1.12, plot.Axes.Left);
plot.Axes.SetLimitsY(0, runs.Max(run => run.P99Milliseconds) * 1.15, plot.Axes.Right);

var date = result.RootElement.TryGetProperty("date_utc", out var dateElement) ? dateElement.GetString() : null;
var cpus = result.RootElement.TryGetProperty("machine", out var machine) && machine.TryGetProperty("cpus", out var cpuElement)
    ? cpuElement.GetInt32().ToString(CultureInfo.InvariantCulture)
    : "?";
plot.Title($"ScaleApp scaling lab: stages emulated with CPU sets on one {cpus}-CPU machine ({date ?? "date unknown"})");
plot.ShowLegend(Edge.Bottom);

var folder = Path.GetDirectoryName(Path.GetFullPath(chartPath));
if (folder is not null)
{
    Directory.CreateDirectory(folder);
}

plot.SavePng(chartPath, 1100, 600);
Console.WriteLine($"Wrote {chartPath}");
return 0;

static string FormatThousands(double value) =>
    value >= 10_000
        ? string.Create(CultureInfo.InvariantCulture, $"{value / 1000:0}K")
        : string.Create(CultureInfo.InvariantCulture, $"{value / 1000:0.0}K");

/// <summary>One measured stage as the chart shows it.</summary>
internal sealed record StageRun(string Label, double RequestsPerMinute, double P99Milliseconds)
{
    /// <summary>Reads every stage of a result file in run order; a run without CPU pinning is labelled "N, whole machine".</summary>
    public static List<StageRun> ReadAll(JsonElement root)
    {
        var runs = new List<StageRun>();
        if (!root.TryGetProperty("stages", out var stages))
        {
            return runs;
        }

        foreach (var stage in stages.EnumerateArray())
        {
            var number = stage.GetProperty("stage").GetInt32();
            var pinned = stage.GetProperty("pin_cpus").GetBoolean();
            var label = pinned
                ? number.ToString(CultureInfo.InvariantCulture)
                : string.Create(CultureInfo.InvariantCulture, $"{number}, whole machine");
            runs.Add(new StageRun(
                label,
                stage.GetProperty("requests_per_minute").GetDouble(),
                stage.GetProperty("latency_ms").GetProperty("p99").GetDouble()));
        }

        return runs;
    }
}
