using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GradGen.GradBench;

/// <summary>
/// GradBench's <c>lse</c> eval: LSE(x) = a + log Σᵢ exp(xᵢ − a), a = maxᵢ xᵢ, written from its primitives (a running
/// maximum, a sum), as the eval asks. Functions: <c>primal</c> and <c>gradient</c> (GradGen's <c>ObjectiveGradient</c>).
/// </summary>
public static partial class Lse
{
    [Differentiable]
    public static double Objective(double[] x)
    {
        int n = x.Length;
        double a = x[0];
        for (int i = 1; i < n; i++)
        {
            a = Math.Max(a, x[i]);
        }

        double sum = 0.0;
        for (int i = 0; i < n; i++)
        {
            sum += Math.Exp(x[i] - a);
        }

        return Math.Log(sum) + a;
    }

    public static GradBenchModule Module { get; } = new(
        "lse",
        "primal",
        "gradient",
        input => $"n={Read(input).X.Length}",
        new GradBenchFunction("primal", json =>
        {
            var input = Read(json);
            double result = 0.0;
            return new PreparedCall(() => result = Objective(input.X), () => OutputJson.Number(result));
        }),
        new GradBenchFunction("gradient", json =>
        {
            var input = Read(json);
            var gradient = new double[input.X.Length];
            return new PreparedCall(() => ObjectiveGradient(input.X, gradient), () => OutputJson.Vector(gradient));
        }));

    private static LseInput Read(JsonElement json) =>
        json.Deserialize(LseJson.Default.LseInput) ?? throw new JsonException("lse: input is null");
}

internal sealed class LseInput
{
    [JsonPropertyName("x"), JsonRequired]
    public double[] X { get; set; } = Array.Empty<double>();
}

[JsonSerializable(typeof(LseInput))]
internal sealed partial class LseJson : JsonSerializerContext
{
}
