using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace GradGen.GradBench.Tests;

/// <summary>
/// The tool as GradBench starts it: a process (<c>dotnet gradgen-gradbench.dll</c>, copied next to the tests) given
/// the eval's messages on stdin, with the command-line flags GradBench passes.
/// </summary>
public sealed class ToolProcessTests
{
    private static readonly string ToolDll = Path.Combine(AppContext.BaseDirectory, "gradgen-gradbench.dll");

    /// <summary>GradBench passes --multithreaded to every tool when asked to (README, "Multithreading"): accepted.</summary>
    [Theory]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "--multithreaded" }, true)]
    public void SpeaksTheProtocolWithAndWithoutMultithreaded(string[] flags, bool multithreaded)
    {
        var (exitCode, stdout, stderr) = RunTool(
            flags,
            """{"id": 0, "kind": "start", "eval": "hello"}""",
            """{"id": 1, "kind": "define", "module": "hello"}""",
            """{"id": 2, "kind": "evaluate", "module": "hello", "function": "square", "input": 3.0}""",
            """{"id": 3, "kind": "analysis", "of": 2, "valid": true}""",
            """{"id": 4, "kind": "evaluate", "module": "hello", "function": "double", "input": 9.0}""");

        Assert.True(exitCode == 0, $"exit code {exitCode}, stderr: {stderr}");
        var replies = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, replies.Select(Session.Id));
        Assert.Equal("gradgen", replies[0].GetProperty("tool").GetString());
        Assert.Equal(multithreaded, replies[0].GetProperty("config").GetProperty("multithreaded_requested").GetBoolean());
        Assert.True(Session.Success(replies[1]));
        Assert.Equal(9.0, replies[2].GetProperty("output").GetDouble());
        Assert.Equal(18.0, replies[4].GetProperty("output").GetDouble());
    }

    /// <summary>
    /// tools/gradgen/evals.txt (GradBench's tool layout) lists exactly the modules the tool defines, sorted, one per line,
    /// as GradBench's CI expects of every tool.
    /// </summary>
    [Fact]
    public void EvalsTxtListsTheModules()
    {
        string text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "tools", "gradgen", "evals.txt"));
        Assert.EndsWith("\n", text);
        var lines = text[..^1].Split('\n');
        Assert.Equal(lines.OrderBy(l => l, StringComparer.Ordinal), lines);
        Assert.Equal(ModuleTable.All.Keys.OrderBy(k => k, StringComparer.Ordinal), lines);
    }

    [Fact]
    public void AnUnknownFlagPrintsUsage()
    {
        var (exitCode, _, stderr) = RunTool(new[] { "--no-such-flag" });
        Assert.Equal(2, exitCode);
        Assert.Contains("usage", stderr);
    }

    private static (int ExitCode, string Stdout, string Stderr) RunTool(string[] flags, params string[] messages)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ToolDll);
        foreach (var flag in flags)
        {
            start.ArgumentList.Add(flag);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        foreach (var message in messages)
        {
            process.StandardInput.WriteLine(message);
        }

        process.StandardInput.Close();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "the tool did not exit after its input ended");
        return (process.ExitCode, stdout, stderr.Result);
    }
}
