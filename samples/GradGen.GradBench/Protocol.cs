using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GradGen.GradBench;

/// <summary>
/// GradBench's tool protocol (CONTRIBUTING.md, "Protocol", of gradbench/gradbench): the eval writes one JSON message per
/// line, the tool answers each with one JSON line carrying the message's <c>id</c>.
/// <list type="bullet">
/// <item><c>start</c> → <c>{"id", "tool": "gradgen", "config"}</c> (<c>config</c>: the runtime, and that this tool runs
/// on one thread whether or not <c>--multithreaded</c> was given)</item>
/// <item><c>define</c> (a module name) → <c>{"id", "success"}</c>: whether this tool has the module (with an
/// <c>error</c> when it has not)</item>
/// <item><c>evaluate</c> (module, function, input) → <c>{"id", "success", "output", "timings"}</c>. When the input is an
/// object with <c>min_runs</c> and <c>min_seconds</c>, the function is run at least <c>min_runs</c> times and until
/// the runs took <c>min_seconds</c> in total, whichever is longer (the loop of GradBench's C++ <c>main.hpp</c> and of
/// Python's <c>wrap.multiple_runs</c>); otherwise (<c>hello</c>'s bare numbers) once. The timings are one
/// <c>{"name": "prepare"}</c> (converting the JSON input to arrays and allocating what is reused across runs, as the
/// C++ tools report it) and one <c>{"name": "evaluate", "nanoseconds"}</c> per run; <c>output</c> is the result of
/// the last run, converted to JSON after the timed runs</item>
/// <item><c>analysis</c> (the eval's verdict on an earlier answer), and anything else → <c>{"id"}</c></item>
/// </list>
/// A message that cannot be handled gets <c>"success": false</c> and an <c>error</c>; the loop carries on.
/// </summary>
public static class Protocol
{
    public const string ToolName = "gradgen";

    /// <summary>
    /// Answers every line of <paramref name="input"/> on <paramref name="output"/> until the input ends.
    /// <paramref name="multithreaded"/>: GradBench's <c>--multithreaded</c> was given. It is accepted and reported in
    /// the <c>start</c> response's <c>config</c>; every function still runs on one thread (the generated derivatives
    /// are sequential code).
    /// </summary>
    public static void Run(TextReader input, TextWriter output, bool multithreaded = false)
    {
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            output.WriteLine(Handle(line, multithreaded));
            output.Flush();
        }
    }

    /// <summary>The reply (one line of JSON) to one message.</summary>
    public static string Handle(string line, bool multithreaded = false)
    {
        Message message;
        try
        {
            message = JsonSerializer.Deserialize(line, ProtocolJson.Default.Message) ?? throw new JsonException("null message");
        }
        catch (JsonException e)
        {
            // No id to answer with: say what went wrong and keep going.
            return Serialize(new Response { Success = false, Error = "unreadable message: " + e.Message });
        }

        Response response;
        try // any failure (bad input, a NaN that JSON cannot carry, ...) is this message's failure, not the tool's
        {
            response = message.Kind switch
            {
                "start" => new Response { Id = message.Id, Tool = ToolName, Config = Config(multithreaded) },
                "define" => Define(message),
                "evaluate" => Evaluate(message),
                _ => new Response { Id = message.Id },
            };
        }
        catch (Exception e)
        {
            response = new Response { Id = message.Id, Success = false, Error = e.GetType().Name + ": " + e.Message };
        }

        return Serialize(response);
    }

    private static Response Define(Message message) =>
        ModuleTable.TryGet(message.Module, out _)
            ? new Response { Id = message.Id, Success = true }
            : new Response { Id = message.Id, Success = false, Error = $"module {message.Module} is not implemented by {ToolName}" };

    private static Response Evaluate(Message message)
    {
        if (!ModuleTable.TryGet(message.Module, out var module))
        {
            return new Response { Id = message.Id, Success = false, Error = $"module {message.Module} is not implemented by {ToolName}" };
        }

        if (message.Function is null || !module.Functions.TryGetValue(message.Function, out var function))
        {
            return new Response { Id = message.Id, Success = false, Error = $"module {module.Name} has no function {message.Function}" };
        }

        if (message.Input is not JsonElement input)
        {
            return new Response { Id = message.Id, Success = false, Error = "evaluate: the message has no input" };
        }

        // GradBench's Runs fields; an input without them (hello's numbers) is run once, as the C++ tools do.
        int minRuns = 1;
        double minSeconds = 0.0;
        if (input.ValueKind == JsonValueKind.Object)
        {
            if (input.TryGetProperty("min_runs", out var runs) && runs.ValueKind == JsonValueKind.Number)
            {
                minRuns = runs.TryGetInt32(out int count) ? count : (int)Math.Min(int.MaxValue, runs.GetDouble());
                minRuns = Math.Max(1, minRuns);
            }

            if (input.TryGetProperty("min_seconds", out var seconds) && seconds.ValueKind == JsonValueKind.Number)
            {
                minSeconds = seconds.GetDouble();
            }
        }

        long prepareStart = Stopwatch.GetTimestamp();
        var call = function.Prepare(input);
        var timings = new List<Timing> { new() { Name = "prepare", Nanoseconds = ToNanoseconds(Stopwatch.GetTimestamp() - prepareStart) } };
        long total = 0;
        long minTicks = (long)Math.Min(long.MaxValue / 2, minSeconds * Stopwatch.Frequency);
        for (int run = 0; run < minRuns || total < minTicks; run++)
        {
            long start = Stopwatch.GetTimestamp();
            call.Run();
            long elapsed = Stopwatch.GetTimestamp() - start;
            total += elapsed;
            timings.Add(new Timing { Name = "evaluate", Nanoseconds = ToNanoseconds(elapsed) });
        }

        return new Response { Id = message.Id, Success = true, Output = call.Output(), Timings = timings };
    }

    /// <summary>The <c>config</c> of the <c>start</c> response: information for whoever reads the log, not for the eval.</summary>
    private static JsonElement Config(bool multithreaded) =>
        JsonSerializer.SerializeToElement(
            new StartConfig { Runtime = RuntimeInformation.FrameworkDescription, MultithreadedRequested = multithreaded, Threads = 1 },
            ProtocolJson.Default.StartConfig);

    internal static long ToNanoseconds(long ticks) => (long)(ticks * (1e9 / Stopwatch.Frequency));

    private static string Serialize(Response response) => JsonSerializer.Serialize(response, ProtocolJson.Default.Response);
}

/// <summary>Any message from the eval; fields a kind does not use are absent.</summary>
internal sealed class Message
{
    /// <summary>Echoed back as it came (GradBench uses integers).</summary>
    [JsonPropertyName("id")]
    public JsonElement? Id { get; set; }

    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("module")]
    public string? Module { get; set; }

    [JsonPropertyName("function")]
    public string? Function { get; set; }

    [JsonPropertyName("input")]
    public JsonElement? Input { get; set; }
}

/// <summary>Every reply: only the fields set for its kind are written.</summary>
internal sealed class Response
{
    [JsonPropertyName("id")]
    public JsonElement? Id { get; set; }

    [JsonPropertyName("tool")]
    public string? Tool { get; set; }

    [JsonPropertyName("config")]
    public JsonElement? Config { get; set; }

    [JsonPropertyName("success")]
    public bool? Success { get; set; }

    [JsonPropertyName("output")]
    public JsonElement? Output { get; set; }

    [JsonPropertyName("timings")]
    public List<Timing>? Timings { get; set; }

    [JsonPropertyName("error")]
    public string? Error { get; set; }
}

internal sealed class Timing
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "evaluate";

    [JsonPropertyName("nanoseconds")]
    public long Nanoseconds { get; set; }
}

/// <summary>What the <c>start</c> response's <c>config</c> records.</summary>
internal sealed class StartConfig
{
    /// <summary>The .NET runtime the tool runs on.</summary>
    [JsonPropertyName("runtime")]
    public string Runtime { get; set; } = "";

    /// <summary>Whether GradBench passed <c>--multithreaded</c>.</summary>
    [JsonPropertyName("multithreaded_requested")]
    public bool MultithreadedRequested { get; set; }

    /// <summary>Threads a function runs on: always 1.</summary>
    [JsonPropertyName("threads")]
    public int Threads { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Message))]
[JsonSerializable(typeof(Response))]
[JsonSerializable(typeof(StartConfig))]
internal sealed partial class ProtocolJson : JsonSerializerContext
{
}
