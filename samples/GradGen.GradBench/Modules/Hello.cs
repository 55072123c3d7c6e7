using System.Text.Json;

namespace GradGen.GradBench;

/// <summary>
/// GradBench's <c>hello</c> eval, the one every tool implements first: <c>square</c> is f(x) = x² and <c>double</c> is
/// its derivative 2x, GradGen's <c>SquareGradient</c>. The input is a bare number (no <c>min_runs</c> or
/// <c>min_seconds</c>: each function runs once).
/// </summary>
public static partial class Hello
{
    [Differentiable]
    public static double Square(double x) => x * x;

    public static GradBenchModule Module { get; } = new(
        "hello",
        "square",
        "double",
        input => Read(input).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        new GradBenchFunction("square", json =>
        {
            double x = Read(json);
            double result = 0.0;
            return new PreparedCall(() => result = Square(x), () => OutputJson.Number(result));
        }),
        new GradBenchFunction("double", json =>
        {
            double x = Read(json);
            double derivative = 0.0;
            return new PreparedCall(() => SquareGradient(x, out derivative), () => OutputJson.Number(derivative));
        }));

    private static double Read(JsonElement json) =>
        json.ValueKind == JsonValueKind.Number ? json.GetDouble() : throw new JsonException("hello: the input must be a number");
}
