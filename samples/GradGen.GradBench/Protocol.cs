using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GradGen.GradBench;

/// <summary>
/// GradBench's tool protocol: the eval writes one JSON message per line, the tool answers each with one JSON line
/// carrying the message's <c>id</c>.
/// <list type="bullet">
/// <item><c>start</c> → <c>{"id", "tool": "gradgen"}</c></item>
/// <item><c>define</c> (a module name) → <c>{"id", "success"}</c>: whether this tool has the module</item>
/// <item><c>evaluate</c> (module, function, input) → <c>{"id", "success", "output", "timings"}</c>: the function is run
/// at least <c>input.min_runs</c> times and until the runs took <c>input.min_seconds</c> in total, one
/// <c>{"name": "evaluate", "nanoseconds"}</c> timing per run; <c>output</c> is the result of the last run</item>
/// <item><c>analysis</c> (the eval's verdict on an earlier answer), and anything else → <c>{"id"}</c></item>
/// </list>
/// A message that cannot be handled gets <c>"success": false</c> and an <c>error</c>; the loop carries on.
/// </summary>
public static class Protocol
{
    public const string ToolName = "gradgen";

    /// <summary>Answers every line of <paramref name="input"/> on <paramref name="output"/> until the input ends.</summary>
    public static void Run(TextReader input, TextWriter output)
    {
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            output.WriteLine(Handle(line));
            output.Flush();
        }
    }

    /// <summary>The reply (one line of JSON) to one message.</summary>
    public static string Handle(string line)
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
                "start" => new Response { Id = message.Id, Tool = ToolName },
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

        if (message.Input is not JsonElement input || input.ValueKind != JsonValueKind.Object)
        {
            return new Response { Id = message.Id, Success = false, Error = "evaluate: input must be a JSON object" };
        }

        int minRuns = 1;
        double minSeconds = 0.0;
        if (input.TryGetProperty("min_runs", out var runs) && runs.ValueKind == JsonValueKind.Number)
        {
            minRuns = Math.Max(1, runs.GetInt32());
        }

        if (input.TryGetProperty("min_seconds", out var seconds) && seconds.ValueKind == JsonValueKind.Number)
        {
            minSeconds = seconds.GetDouble();
        }

        var call = function.Prepare(input);
        var timings = new List<Timing>();
        long total = 0;
        long minTicks = (long)(minSeconds * Stopwatch.Frequency);
        while (timings.Count < minRuns || total < minTicks)
        {
            long start = Stopwatch.GetTimestamp();
            call.Run();
            long elapsed = Stopwatch.GetTimestamp() - start;
            total += elapsed;
            timings.Add(new Timing { Name = "evaluate", Nanoseconds = ToNanoseconds(elapsed) });
        }

        return new Response { Id = message.Id, Success = true, Output = call.Output(), Timings = timings };
    }

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

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Message))]
[JsonSerializable(typeof(Response))]
internal sealed partial class ProtocolJson : JsonSerializerContext
{
}
