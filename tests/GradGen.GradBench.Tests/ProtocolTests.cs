using System.Linq;
using System.Text.Json.Nodes;
using Xunit;

namespace GradGen.GradBench.Tests;

/// <summary>The protocol itself: replies, ids, define, timings, failures.</summary>
public sealed class ProtocolTests
{
    [Fact]
    public void StartRepliesWithTheToolName()
    {
        var reply = Session.Run(Session.Start(0)).Single();
        Assert.Equal(0, Session.Id(reply));
        Assert.Equal("gradgen", reply.GetProperty("tool").GetString());
        var config = reply.GetProperty("config");
        Assert.Equal(1, config.GetProperty("threads").GetInt32());
        Assert.False(config.GetProperty("multithreaded_requested").GetBoolean());
    }

    [Theory]
    [InlineData("llsq")]
    [InlineData("lse")]
    [InlineData("det")]
    [InlineData("ode")]
    [InlineData("gmm")]
    [InlineData("lstm")]
    [InlineData("kmeans")]
    [InlineData("ba")]
    [InlineData("hello")]
    public void DefineOfAModuleReportsSuccess(string module)
    {
        var reply = Session.Run(Session.Define(5, module)).Single();
        Assert.Equal(5, Session.Id(reply));
        Assert.True(Session.Success(reply));
    }

    [Theory]
    [InlineData("particle")]
    [InlineData("saddle")]
    [InlineData("ht")]
    [InlineData("no such module")]
    [InlineData("LLSQ")]
    public void DefineOfAnUnknownModuleReportsFailure(string module)
    {
        var reply = Session.Run(Session.Define(6, module)).Single();
        Assert.Equal(6, Session.Id(reply));
        Assert.False(Session.Success(reply));
        Assert.Contains(module, reply.GetProperty("error").GetString());
    }

    /// <summary>GradBench's hello eval (evals/hello/run.py): define, then square and double alternately on bare numbers.</summary>
    [Fact]
    public void HelloSquaresAndDoubles()
    {
        var replies = Session.Run(
            Session.Start(0),
            Session.Define(1, "hello"),
            """{"id": 2, "kind": "evaluate", "module": "hello", "function": "square", "input": 1.0}""",
            """{"id": 3, "kind": "evaluate", "module": "hello", "function": "double", "input": 1.0}""",
            """{"id": 4, "kind": "evaluate", "module": "hello", "function": "square", "input": -3.5, "description": "x"}""",
            """{"id": 5, "kind": "evaluate", "module": "hello", "function": "double", "input": 12.25}""",
            """{"id": 6, "kind": "analysis", "of": 5, "valid": true}""",
            """{"id": 7, "kind": "evaluate", "module": "hello", "function": "square", "input": {"x": 1}}""");

        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5, 6, 7 }, replies.Select(Session.Id));
        Assert.True(Session.Success(replies[1]));
        Assert.Equal(1.0, replies[2].GetProperty("output").GetDouble());
        Assert.Equal(2.0, replies[3].GetProperty("output").GetDouble());
        Assert.Equal(12.25, replies[4].GetProperty("output").GetDouble());
        Assert.Equal(24.5, replies[5].GetProperty("output").GetDouble());
        foreach (var reply in replies.Skip(2).Take(4))
        {
            Assert.True(Session.Success(reply));
            // No min_runs in hello's input: one run, as the C++ tools do.
            Assert.Single(Session.Timings(reply, "evaluate"));
        }

        Assert.Equal(["id"], replies[6].EnumerateObject().Select(p => p.Name));
        Assert.False(Session.Success(replies[7]));   // not a number
    }

    [Fact]
    public void EveryReplyCarriesTheIdOfItsMessage()
    {
        var lse = Golden.Input("lse_n2500");
        var replies = Session.Run(
            Session.Start(7),
            Session.Define(3, "llsq"),
            Session.Define(42, "particle"),
            Session.Evaluate(11, "lse", "primal", lse),
            Session.Evaluate(12, "particle", "primal", new JsonObject()),
            Session.Evaluate(13, "lse", "hessian", Golden.Input("lse_n2500")),
            Session.Evaluate(14, "lse", "gradient", new JsonObject { ["y"] = 1 }),
            """{"id": 15, "kind": "analysis", "of": 11, "valid": true}""",
            """{"id": 16, "kind": "something new"}""",
            Session.Evaluate(1000000, "det", "gradient", Golden.Input("det_ell5")));

        Assert.Equal(new long[] { 7, 3, 42, 11, 12, 13, 14, 15, 16, 1000000 }, replies.Select(Session.Id));
        Assert.True(Session.Success(replies[3]));
        Assert.False(Session.Success(replies[4]));   // unknown module
        Assert.False(Session.Success(replies[5]));   // unknown function
        Assert.False(Session.Success(replies[6]));   // input without x
        Assert.True(replies[6].TryGetProperty("error", out _));
        Assert.True(Session.Success(replies[9]));
    }

    /// <summary>
    /// With min_seconds 0 the function runs exactly min_runs times: one "evaluate" timing per run, as GradBench's
    /// C++ main.hpp and Python wrap.multiple_runs report them, and one "prepare" timing (the C++ tools' convention).
    /// </summary>
    [Theory]
    [InlineData("llsq", "llsq_n16_m128", "gradient", 1)]
    [InlineData("llsq", "llsq_n16_m128", "primal", 3)]
    [InlineData("lse", "lse_n2500", "gradient", 10)]
    [InlineData("det", "det_ell5", "gradient", 7)]
    [InlineData("kmeans", "kmeans_k10_n1000_d8", "dir", 4)]
    [InlineData("ba", "ba1_n49_m7776_p31843", "jacobian", 2)]
    public void MinRunsIsTheNumberOfRunsWhenMinSecondsIsZero(string module, string workload, string function, int minRuns)
    {
        var reply = Session.Run(Session.Evaluate(1, module, function, Golden.Input(workload, minRuns, 0))).Single();
        Assert.True(Session.Success(reply));
        var timings = reply.GetProperty("timings").EnumerateArray().ToList();
        Assert.Equal(minRuns, Session.Timings(reply, "evaluate").Count);
        Assert.Single(Session.Timings(reply, "prepare"));
        Assert.Equal(minRuns + 1, timings.Count);
        Assert.All(timings, t => Assert.True(t.GetProperty("nanoseconds").GetInt64() >= 0));
    }

    [Fact]
    public void RunsLastAtLeastMinSeconds()
    {
        var reply = Session.Run(Session.Evaluate(1, "lse", "gradient", Golden.Input("lse_n2500", 1, 0.05))).Single();
        var timings = Session.Timings(reply, "evaluate");
        long total = timings.Sum();
        Assert.True(total >= 50_000_000, $"{timings.Count} runs took {total} ns in total");
        Assert.True(timings.Count > 1);

        // Runs stop as soon as both minimums are met: without the last run, the others took less than min_seconds.
        Assert.True(total - timings[^1] < 50_000_000, $"{timings.Count} runs: one more than needed");
    }

    [Fact]
    public void MinRunsWinsWhenItTakesLongerThanMinSeconds()
    {
        var reply = Session.Run(Session.Evaluate(1, "llsq", "primal", Golden.Input("llsq_n16_m128", 25, 1e-9))).Single();
        Assert.Equal(25, Session.Timings(reply, "evaluate").Count);
    }

    [Fact]
    public void AnUnreadableLineGetsAFailureAndTheLoopGoesOn()
    {
        var replies = Session.Run("this is not json", Session.Start(2));
        Assert.False(Session.Success(replies[0]));
        Assert.Equal(2, Session.Id(replies[1]));
    }

    [Fact]
    public void ABadShapeIsAFailureOfThatMessage()
    {
        var input = Golden.Input("det_ell5");
        input["ell"] = 4;   // 25 elements are not 4 × 4
        var reply = Session.Run(Session.Evaluate(9, "det", "primal", input)).Single();
        Assert.Equal(9, Session.Id(reply));
        Assert.False(Session.Success(reply));
    }
}
