using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace GradGen.GradBench.Tests;

/// <summary>Runs lines of GradBench messages through the tool's protocol loop in-process and parses the replies.</summary>
internal static class Session
{
    public static List<JsonElement> Run(params string[] messages)
    {
        using var input = new StringReader(string.Join("\n", messages) + "\n");
        using var output = new StringWriter();
        Protocol.Run(input, output);
        var replies = new List<JsonElement>();
        foreach (var line in output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            replies.Add(JsonDocument.Parse(line).RootElement.Clone());
        }

        Assert.Equal(messages.Length, replies.Count);
        return replies;
    }

    public static string Start(int id) => $$"""{"id": {{id}}, "kind": "start", "eval": "test"}""";

    public static string Define(int id, string module) => $$"""{"id": {{id}}, "kind": "define", "module": "{{module}}"}""";

    public static string Evaluate(int id, string module, string function, JsonNode input) =>
        new JsonObject
        {
            ["id"] = id,
            ["kind"] = "evaluate",
            ["module"] = module,
            ["function"] = function,
            ["input"] = input.DeepClone(),
        }.ToJsonString();

    public static long Id(JsonElement reply) => reply.GetProperty("id").GetInt64();

    public static bool Success(JsonElement reply) => reply.GetProperty("success").GetBoolean();

    /// <summary>The nanoseconds of the reply's timings with the given name, in order.</summary>
    public static List<long> Timings(JsonElement reply, string name)
    {
        var result = new List<long>();
        foreach (var timing in reply.GetProperty("timings").EnumerateArray())
        {
            if (timing.GetProperty("name").GetString() == name)
            {
                result.Add(timing.GetProperty("nanoseconds").GetInt64());
            }
        }

        return result;
    }
}

/// <summary>The golden inputs and outputs (Data/golden, copied next to the test assembly with the tool).</summary>
internal static class Golden
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "Data", "golden");

    /// <summary>The golden input with the given run counts (the files hold min_runs 1, min_seconds 0).</summary>
    public static JsonObject Input(string workload, int minRuns = 1, double minSeconds = 0)
    {
        var input = JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, workload + ".input.json")))!.AsObject();
        input["min_runs"] = minRuns;
        input["min_seconds"] = minSeconds;
        return input;
    }

    public static JsonElement Output(string workload, string function) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, $"{workload}.{function}.output.json"))).RootElement.Clone();
}

/// <summary>
/// Compares JSON values the way GradBench's evals do (gradbench/comparison.py, from ADBench): same structure, and for
/// numbers the difference |a − b| / max(1, |a| + |b|) (relative for values of magnitude ≳ ½, absolute below).
/// </summary>
internal static class JsonCompare
{
    /// <summary>The largest difference over all numbers, and where it is; throws on a structural mismatch.</summary>
    public static (double Difference, string Path) MaxDifference(JsonElement expected, JsonElement actual, string path = "$") =>
        Max(expected, actual, path, Difference);

    /// <summary>The largest plain relative error |a − b| / max(|a|, |b|) (0 when both are 0), and where it is.</summary>
    public static (double Difference, string Path) MaxRelativeError(JsonElement expected, JsonElement actual, string path = "$") =>
        Max(expected, actual, path, RelativeError);

    public static double RelativeError(double a, double b) => a == b ? 0.0 : Math.Abs(a - b) / Math.Max(Math.Abs(a), Math.Abs(b));

    private static (double Difference, string Path) Max(JsonElement expected, JsonElement actual, string path, Func<double, double, double> metric)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Number:
                Assert.True(actual.ValueKind == JsonValueKind.Number, $"{path}: expected a number, got {actual.ValueKind}");
                return (metric(expected.GetDouble(), actual.GetDouble()), path);
            case JsonValueKind.Array:
                Assert.True(actual.ValueKind == JsonValueKind.Array, $"{path}: expected an array, got {actual.ValueKind}");
                Assert.True(expected.GetArrayLength() == actual.GetArrayLength(), $"{path}: expected {expected.GetArrayLength()} elements, got {actual.GetArrayLength()}");
                var worst = (0.0, path);
                for (int i = 0; i < expected.GetArrayLength(); i++)
                {
                    var d = Max(expected[i], actual[i], $"{path}[{i}]", metric);
                    if (d.Difference > worst.Item1 || double.IsNaN(d.Difference))
                    {
                        worst = d;
                    }
                }

                return worst;
            case JsonValueKind.Object:
                Assert.True(actual.ValueKind == JsonValueKind.Object, $"{path}: expected an object, got {actual.ValueKind}");
                var expectedKeys = new SortedSet<string>();
                var actualKeys = new SortedSet<string>();
                foreach (var p in expected.EnumerateObject())
                {
                    expectedKeys.Add(p.Name);
                }

                foreach (var p in actual.EnumerateObject())
                {
                    actualKeys.Add(p.Name);
                }

                Assert.Equal(expectedKeys, actualKeys);
                var worstField = (0.0, path);
                foreach (var key in expectedKeys)
                {
                    var d = Max(expected.GetProperty(key), actual.GetProperty(key), $"{path}.{key}", metric);
                    if (d.Difference > worstField.Item1 || double.IsNaN(d.Difference))
                    {
                        worstField = d;
                    }
                }

                return worstField;
            default:
                Assert.Equal(expected.GetRawText(), actual.GetRawText());
                return (0.0, path);
        }
    }

    public static double Difference(double a, double b) => Math.Abs(a - b) / Math.Max(1.0, Math.Abs(a) + Math.Abs(b));
}

/// <summary>Central finite differences.</summary>
internal static class FiniteDifference
{
    /// <summary>
    /// The five-point central difference (−f(x + 2h) + 8f(x + h) − 8f(x − h) + f(x − 2h)) / 12h along eᵢ, h scaled to
    /// xᵢ; its O(h⁴) truncation error allows a step large enough that rounding in f (GMM's objective is about −4e4)
    /// stays near 1e-9 of the derivative. <paramref name="x"/> is restored.
    /// </summary>
    public static double Partial(Func<double> f, double[] x, int i, double step = 1e-4)
    {
        double saved = x[i];
        double h = step * Math.Max(1.0, Math.Abs(saved));
        double At(double offset)
        {
            x[i] = saved + offset;
            return f();
        }

        double result = (-At(2 * h) + 8 * At(h) - 8 * At(-h) + At(-2 * h)) / (12 * h);
        x[i] = saved;
        return result;
    }

    /// <summary>Asserts |fd − ad| ≤ tolerance · max(1, |fd| + |ad|) (the GradBench difference).</summary>
    public static void AssertClose(double fd, double ad, double tolerance, string what)
    {
        double difference = JsonCompare.Difference(fd, ad);
        Assert.True(difference <= tolerance, $"{what}: finite difference {fd:R}, GradGen {ad:R}, difference {difference:E2} > {tolerance:E0}");
    }
}
