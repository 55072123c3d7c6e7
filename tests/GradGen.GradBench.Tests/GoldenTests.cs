using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace GradGen.GradBench.Tests;

/// <summary>
/// Each module through the protocol (start, define, evaluate on the golden input with min_runs 1, min_seconds 0),
/// its output compared with the golden output of GradBench's hand-written "manual" tool, by two metrics: GradBench's
/// own difference |a − b| / max(1, |a| + |b|) (GradBench accepts 1e-4) and the plain relative error
/// |a − b| / max(|a|, |b|). Both must be within 1e-9 for every module. Reached (largest over the output):
/// <list type="table">
/// <item>llsq primal 0 (bit-identical), gradient 4.4e-16 relative</item>
/// <item>lse primal 0, gradient 1.6e-12 relative (the element holding the maximum: the reverse pass adds there
/// the adjoint of the shift, 1 − Σ softmax, which is rounding noise) and 1.0e-15 by GradBench's metric</item>
/// <item>det primal 0, gradient 4.6e-15 relative</item>
/// <item>ode primal 0, gradient 0 (for n = 1000, s = 1 the last component and its gradient are exactly 0; see
/// <see cref="FiniteDifferenceTests"/> for a gradient that is not)</item>
/// <item>gmm d=2: objective 0, jacobian 7.2e-14 relative; d=10: objective 0, jacobian 2.0e-14 relative</item>
/// </list>
/// The primal outputs are bit-identical because each objective performs the reference's floating-point operations
/// in the reference's order.
/// </summary>
public sealed class GoldenTests
{
    private readonly ITestOutputHelper _log;

    public GoldenTests(ITestOutputHelper log) => _log = log;

    [Theory]
    [InlineData("llsq", "llsq_n16_m128", "primal", 1e-9)]
    [InlineData("llsq", "llsq_n16_m128", "gradient", 1e-9)]
    [InlineData("lse", "lse_n2500", "primal", 1e-9)]
    [InlineData("lse", "lse_n2500", "gradient", 1e-9)]
    [InlineData("det", "det_ell5", "primal", 1e-9)]
    [InlineData("det", "det_ell5", "gradient", 1e-9)]
    [InlineData("ode", "ode_n1000_s1", "primal", 1e-9)]
    [InlineData("ode", "ode_n1000_s1", "gradient", 1e-9)]
    [InlineData("gmm", "gmm_2_5_1000", "objective", 1e-9)]
    [InlineData("gmm", "gmm_2_5_1000", "jacobian", 1e-9)]
    [InlineData("gmm", "gmm_10_5_1000", "objective", 1e-9)]
    [InlineData("gmm", "gmm_10_5_1000", "jacobian", 1e-9)]
    [InlineData("kmeans", "kmeans_k10_n1000_d8", "cost", 1e-9)]
    [InlineData("kmeans", "kmeans_k10_n1000_d8", "dir", 1e-9)]
    [InlineData("ba", "ba1_n49_m7776_p31843", "objective", 1e-9)]
    [InlineData("ba", "ba1_n49_m7776_p31843", "jacobian", 1e-9)]
    public void OutputMatchesGolden(string module, string workload, string function, double tolerance)
    {
        var replies = Session.Run(
            Session.Start(0),
            Session.Define(1, module),
            Session.Evaluate(2, module, function, Golden.Input(workload)));

        Assert.Equal("gradgen", replies[0].GetProperty("tool").GetString());
        Assert.True(Session.Success(replies[1]));
        var evaluate = replies[2];
        Assert.Equal(2, Session.Id(evaluate));
        Assert.True(Session.Success(evaluate), evaluate.GetRawText());
        Assert.Single(Session.Timings(evaluate, "evaluate"));

        var (difference, path) = JsonCompare.MaxDifference(Golden.Output(workload, function), evaluate.GetProperty("output"));
        var (relative, relativePath) = JsonCompare.MaxRelativeError(Golden.Output(workload, function), evaluate.GetProperty("output"));
        _log.WriteLine($"{workload}.{function}: max difference {difference:E2} at {path}; max relative error {relative:E2} at {relativePath}");
        Assert.True(difference <= tolerance, $"{workload}.{function}: difference {difference:E2} at {path} > {tolerance:E0}");
        Assert.True(relative <= tolerance, $"{workload}.{function}: relative error {relative:E2} at {relativePath} > {tolerance:E0}");
    }
}
