using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace GradGen.GradBench;

/// <summary>
/// <c>--report</c>: runs every module's primal and derivative on each golden input (<c>&lt;module&gt;_*.input.json</c>, or <c>ba1_*</c>,
/// smallest file first)
/// in this process, takes the median of many runs after a warm-up, and prints a markdown table of GradGen's
/// derivative/primal ratio next to the same ratio for every tool in GradBench's published nightly results
/// (<c>&lt;nightly&gt;/&lt;module&gt;/summary.json</c>: per tool, per workload, mean primal and derivative time). Ratios
/// are compared, not times: the nightly machine is another machine.
/// </summary>
public static class Report
{
    /// <summary>The tools shown in the main table, when the nightly results have them (all tools follow in a second table).</summary>
    private static readonly string[] MainTools = { "manual", "tapenade", "enzyme", "codipack", "adept", "futhark", "jax", "pytorch" };

    /// <summary>
    /// Writes the report. <paramref name="quick"/> runs each function once without warm-up (checks that the report
    /// works; its times mean nothing).
    /// </summary>
    public static void Write(TextWriter output, string goldenDirectory, string nightlyDirectory, bool quick = false)
    {
        var timing = quick ? new Timing(0, 0, 0, 1) : new Timing(0.5, 60, 1.0, 15);
        var rows = new List<Row>();
        foreach (var module in ModuleTable.All.Values)
        {
            var inputs = Directory.Exists(goldenDirectory)
                ? Directory.GetFiles(goldenDirectory, module.Name + "*.input.json")
                    .Where(f => Path.GetFileName(f)[module.Name.Length] is '_' or (>= '0' and <= '9'))   // "ba1_...", not "lse" for "l"
                    .OrderBy(f => new FileInfo(f).Length)
                    .ToList()
                : new List<string>();
            foreach (var file in inputs)
            {
                var input = JsonDocument.Parse(File.ReadAllText(file)).RootElement;
                string workload = module.WorkloadName(input);
                if (!quick)
                {
                    Console.Error.WriteLine($"timing {module.Name} {workload} ...");
                }

                var (primal, derivative) = MedianNanoseconds(
                    module.Functions[module.PrimalFunction].Prepare(input), module.Functions[module.DerivativeFunction].Prepare(input), timing);
                var nightly = Nightly.Load(Path.Combine(nightlyDirectory, module.Name, "summary.json"), workload);
                rows.Add(new Row(module, Path.GetFileName(file)[..^".input.json".Length], workload, primal, derivative, nightly));
            }
        }

        WriteTables(output, rows, timing, quick);
    }

    private sealed record Timing(double WarmupSeconds, int WarmupRuns, double MeasureSeconds, int MeasureRuns);

    private sealed record Row(GradBenchModule Module, string Golden, string Workload, double Primal, double Derivative, Nightly Nightly)
    {
        public double Ratio => Derivative / Primal;
    }

    private static void WriteTables(TextWriter output, List<Row> rows, Timing timing, bool quick)
    {
        string configuration =
#if DEBUG
            "Debug build (timings are not meaningful: run with -c Release)";
#else
            "Release build";
#endif
        output.WriteLine($"GradGen on GradBench's golden inputs, {DateTime.UtcNow:yyyy-MM-dd}: {RuntimeInformation.FrameworkDescription}, " +
                         $"{RuntimeInformation.OSDescription.Trim()}, {Environment.ProcessorCount} cores, {configuration}.");
        output.WriteLine(quick
            ? "--quick: one run each, no warm-up: the times below mean nothing."
            : $"Each time is the median of at least {timing.MeasureRuns} runs taking at least {timing.MeasureSeconds:0.#} s, after " +
              $"{timing.WarmupSeconds:0.#} s (and at least {timing.WarmupRuns} runs) of warm-up, in one process; primal and derivative " +
              "runs alternate. Ratio = derivative time / primal time.");
        if (rows.Count > 0 && rows[0].Nightly.Date is { } date)
        {
            output.WriteLine($"Nightly columns: the same ratio from GradBench's published nightly summary ({date}), mean times per tool; " +
                             "\"–\" = the tool has no result for that workload.");
        }

        output.WriteLine();
        var header = new List<string> { "eval", "workload (golden → nightly)", "GradGen primal", "GradGen derivative", "**GradGen ratio**" };
        header.AddRange(MainTools);
        header.Add("GradGen's rank by ratio");
        output.WriteLine("| " + string.Join(" | ", header) + " |");
        output.WriteLine("|" + string.Join("|", header.Select((_, i) => i < 2 ? "---" : "---:")) + "|");
        foreach (var row in rows)
        {
            var cells = new List<string>
            {
                $"{row.Module.Name} ({row.Module.DerivativeFunction})",
                row.Nightly.Workload is null ? $"{row.Golden} → (no nightly results)"
                    : row.Nightly.Exact ? $"{row.Golden} → `{row.Nightly.Workload}` (same size)"
                    : $"{row.Golden} → `{row.Nightly.Workload}` (**other size**: nightly has no `{row.Workload}`)",
                Time(row.Primal),
                Time(row.Derivative),
                $"**{row.Ratio:0.00}**",
            };
            cells.AddRange(MainTools.Select(t => row.Nightly.Ratios.TryGetValue(t, out var r) ? r.ToString("0.00", CultureInfo.InvariantCulture) : "–"));
            int better = row.Nightly.Ratios.Values.Count(r => r < row.Ratio);
            cells.Add(row.Nightly.Ratios.Count == 0 ? "–" : $"{better + 1} of {row.Nightly.Ratios.Count + 1}");
            output.WriteLine("| " + string.Join(" | ", cells) + " |");
        }

        // Every tool the nightly results have, one row per tool, one column per workload.
        var tools = rows.SelectMany(r => r.Nightly.Ratios.Keys).Distinct().OrderBy(t => t, StringComparer.Ordinal).ToList();
        if (tools.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine("All tools in the nightly results (derivative/primal ratio on the matched workload):");
        output.WriteLine();
        output.WriteLine("| tool | " + string.Join(" | ", rows.Select(r => $"{r.Module.Name} `{r.Nightly.Workload ?? r.Workload}`")) + " |");
        output.WriteLine("|---|" + string.Join("|", rows.Select(_ => "---:")) + "|");
        output.WriteLine("| **gradgen** (this run) | " + string.Join(" | ", rows.Select(r => $"**{r.Ratio:0.00}**")) + " |");
        foreach (var tool in tools)
        {
            output.WriteLine($"| {tool} | " + string.Join(" | ", rows.Select(r =>
                r.Nightly.Ratios.TryGetValue(tool, out var ratio) ? ratio.ToString("0.00", CultureInfo.InvariantCulture) : "–")) + " |");
        }
    }

    /// <summary>
    /// Median run times of the primal and the derivative after warming both up (tiered JIT, tape pools, caches).
    /// The two are run alternately, so that load from other processes on a shared machine falls on both alike and
    /// their ratio stays meaningful.
    /// </summary>
    private static (double Primal, double Derivative) MedianNanoseconds(PreparedCall primal, PreparedCall derivative, Timing timing)
    {
        var clock = Stopwatch.StartNew();
        for (int runs = 0; runs < timing.WarmupRuns || clock.Elapsed.TotalSeconds < timing.WarmupSeconds; runs++)
        {
            primal.Run();
            derivative.Run();
        }

        var primalSamples = new List<long>();
        var derivativeSamples = new List<long>();
        long minimum = (long)(timing.MeasureSeconds * Stopwatch.Frequency);
        long primalTotal = 0, derivativeTotal = 0;
        while (primalSamples.Count < timing.MeasureRuns || primalTotal < minimum || derivativeTotal < minimum)
        {
            long start = Stopwatch.GetTimestamp();
            primal.Run();
            long middle = Stopwatch.GetTimestamp();
            derivative.Run();
            long end = Stopwatch.GetTimestamp();
            primalSamples.Add(middle - start);
            derivativeSamples.Add(end - middle);
            primalTotal += middle - start;
            derivativeTotal += end - middle;
        }

        return (Median(primalSamples), Median(derivativeSamples));
    }

    private static double Median(List<long> samples)
    {
        samples.Sort();
        int n = samples.Count;
        double median = n % 2 == 1 ? samples[n / 2] : 0.5 * (samples[n / 2 - 1] + samples[n / 2]);
        return median * (1e9 / Stopwatch.Frequency);
    }

    private static string Time(double nanoseconds) => nanoseconds switch
    {
        < 1e3 => $"{nanoseconds:0} ns",
        < 1e6 => $"{nanoseconds / 1e3:0.00} µs",
        < 1e9 => $"{nanoseconds / 1e6:0.00} ms",
        _ => $"{nanoseconds / 1e9:0.00} s",
    };

    /// <summary>One eval's nightly results for one workload: derivative/primal ratio per tool.</summary>
    private sealed class Nightly
    {
        public string? Workload { get; private init; }

        /// <summary>Whether the nightly results have exactly the golden input's workload (else the smallest one they have).</summary>
        public bool Exact { get; private init; }

        public string? Date { get; private init; }

        public Dictionary<string, double> Ratios { get; } = new(StringComparer.Ordinal);

        public static Nightly Load(string path, string workload)
        {
            if (!File.Exists(path))
            {
                return new Nightly();
            }

            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var tools = document.RootElement.GetProperty("tools");

            // The workload to compare with: the golden one if any tool has it, else the first (smallest) one listed.
            string? chosen = null;
            bool exact = false;
            foreach (var tool in tools.EnumerateObject())
            {
                // ba's workloads carry a number before the size ("ba1_n49_m7776_p31843"), which the input does not.
                if (tool.Value.EnumerateObject().FirstOrDefault(w => w.Name == workload || w.Name.EndsWith("_" + workload, StringComparison.Ordinal)) is { Value.ValueKind: not JsonValueKind.Undefined } match)
                {
                    chosen = match.Name;
                    exact = true;
                    break;
                }
            }

            if (chosen is null)
            {
                foreach (var tool in tools.EnumerateObject())
                {
                    foreach (var w in tool.Value.EnumerateObject())
                    {
                        chosen = w.Name;
                        break;
                    }

                    if (chosen is not null)
                    {
                        break;
                    }
                }
            }

            var nightly = new Nightly { Workload = chosen, Exact = exact, Date = ReadDate(path) };
            if (chosen is null)
            {
                return nightly;
            }

            foreach (var tool in tools.EnumerateObject())
            {
                if (tool.Value.TryGetProperty(chosen, out var times)
                    && times.TryGetProperty("primal", out var primal)
                    && times.TryGetProperty("derivative", out var derivative))
                {
                    double p = Nanoseconds(primal), d = Nanoseconds(derivative);
                    if (p > 0 && d > 0)
                    {
                        nightly.Ratios[tool.Name] = d / p;
                    }
                }
            }

            return nightly;
        }

        private static double Nanoseconds(JsonElement duration) =>
            duration.GetProperty("secs").GetDouble() * 1e9 + duration.GetProperty("nanos").GetDouble();

        /// <summary>The date of the nightly run, from the top-level summary.json next to the per-eval folders, if present.</summary>
        private static string? ReadDate(string evalSummary)
        {
            string? root = Path.GetDirectoryName(Path.GetDirectoryName(evalSummary));
            string top = root is null ? "" : Path.Combine(root, "summary.json");
            if (!File.Exists(top))
            {
                return null;
            }

            using var document = JsonDocument.Parse(File.ReadAllText(top));
            return document.RootElement.TryGetProperty("date", out var date) ? date.GetString() : null;
        }
    }
}
