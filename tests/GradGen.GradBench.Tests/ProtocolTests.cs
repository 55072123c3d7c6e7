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
    public void DefineOfAModuleReportsSuccess(string module)
    {
        var reply = Session.Run(Session.Define(5, module)).Single();
        Assert.Equal(5, Session.Id(reply));
        Assert.True(Session.Success(reply));
    }

    [Theory]
    [InlineData("particle")]
    [InlineData("hello")]
    [InlineData("no such module")]
    [InlineData("LLSQ")]
    public void DefineOfAnUnknownModuleReportsFailure(string module)
    {
        var reply = Session.Run(Session.Define(6, module)).Single();
        Assert.Equal(6, Session.Id(reply));
        Assert.False(Session.Success(reply));
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

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(10)]
    public void ThereIsOneEvaluateTimingPerRunAndAtLeastMinRuns(int minRuns)
    {
        var reply = Session.Run(Session.Evaluate(1, "llsq", "gradient", Golden.Input("llsq_n16_m128", minRuns, 0))).Single();
        Assert.True(Session.Success(reply));
        var timings = reply.GetProperty("timings").EnumerateArray().ToList();
        Assert.True(timings.Count >= minRuns);
        Assert.All(timings, t =>
        {
            Assert.Equal("evaluate", t.GetProperty("name").GetString());
            Assert.True(t.GetProperty("nanoseconds").GetInt64() >= 0);
        });
    }

    [Fact]
    public void RunsLastAtLeastMinSeconds()
    {
        var reply = Session.Run(Session.Evaluate(1, "lse", "gradient", Golden.Input("lse_n2500", 1, 0.05))).Single();
        var timings = reply.GetProperty("timings").EnumerateArray().ToList();
        long total = timings.Sum(t => t.GetProperty("nanoseconds").GetInt64());
        Assert.True(total >= 50_000_000, $"{timings.Count} runs took {total} ns in total");
        Assert.True(timings.Count > 1);
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
