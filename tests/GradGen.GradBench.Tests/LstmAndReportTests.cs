using System;
using System.IO;
using System.Linq;
using Xunit;

namespace GradGen.GradBench.Tests;

/// <summary>
/// lstm has no golden output (GradBench's golden files here stop at the evals above; its input is ADBench's
/// lstm_l2_c1024.txt converted to GradBench's JSON): the protocol answer is checked against the generated gradient
/// called directly, and <see cref="FiniteDifferenceTests.Lstm"/> checks that gradient.
/// </summary>
public sealed class LstmAndReportTests
{
    [Fact]
    public void LstmThroughTheProtocol()
    {
        var input = Golden.Input("lstm_l2_c1024");
        var replies = Session.Run(
            Session.Define(1, "lstm"),
            Session.Evaluate(2, "lstm", "objective", input),
            Session.Evaluate(3, "lstm", "jacobian", input));
        Assert.All(replies, r => Assert.True(Session.Success(r), r.GetRawText()));
        double objective = replies[1].GetProperty("output").GetDouble();
        var jacobian = replies[2].GetProperty("output").EnumerateArray().Select(v => v.GetDouble()).ToArray();

        // l = 2, b = 14: 8·l·b main parameters then 3·b extra parameters.
        Assert.Equal(8 * 2 * 14 + 3 * 14, jacobian.Length);
        Assert.True(double.IsFinite(objective) && objective > 0, $"objective {objective}");

        double[] Flat(string name) => input[name]!.AsArray().SelectMany(r => r!.AsArray().Select(v => (double)v!)).ToArray();
        double[] main = Flat("main_params"), extra = Flat("extra_params"), state = Flat("state"), sequence = Flat("sequence");
        var dMain = new double[main.Length];
        var dExtra = new double[extra.Length];
        double value = GradBench.Lstm.ObjectiveGradient(main, extra, state, sequence, 2, 1024, 14, dMain, dExtra);
        Assert.Equal(value, objective);
        Assert.Equal(dMain.Concat(dExtra).ToArray(), jacobian);
    }

    [Fact]
    public void ReportListsEveryGoldenWorkloadWithTheNightlyRatios()
    {
        var data = Path.Combine(AppContext.BaseDirectory, "Data");
        using var output = new StringWriter();
        Report.Write(output, Path.Combine(data, "golden"), Path.Combine(data, "nightly"), quick: true);
        string text = output.ToString();
        foreach (var workload in new[] { "`n=16,m=128`", "`n=2500`", "`5`", "`n=1000,s=1`", "`2_5_1000`", "`10_5_1000`", "`l=2,c=1024`", "`k=10,n=1000,d=8`", "`ba1_n49_m7776_p31843`" })
        {
            Assert.Contains(workload + " (same size)", text);
        }

        Assert.Contains("| manual |", text);
        Assert.Contains("| **gradgen** (this run) |", text);
    }
}
