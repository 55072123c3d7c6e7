using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GradGen.GradBench;

/// <summary>
/// GradBench's <c>llsq</c> eval (cmpad's linear least squares objective):
/// y(x) = ½ Σᵢ₌₀ⁿ⁻¹ (sᵢ − Σⱼ₌₀ᵐ⁻¹ xⱼ tᵢʲ)², tᵢ = −1 + 2i/(n − 1), sᵢ = sign tᵢ, m = |x|.
/// The powers tᵢʲ are a running product (GradBench's C++ algorithm), not <c>Math.Pow</c> per term.
/// Functions: <c>primal</c> (y) and <c>gradient</c> (∇y from GradGen's <c>ObjectiveGradient</c>).
/// </summary>
public static partial class Llsq
{
    /// <summary>
    /// tᵢʲ by a running product, one multiplication per term, as GradBench's C++ (cpp/gradbench/evals/llsq.hpp) does.
    /// </summary>
    [Differentiable]
    public static double Objective(double[] x, int n)
    {
        int m = x.Length;
        double sum = 0.0;
        for (int i = 0; i < n; i++)
        {
            double ti = -1.0 + (double)i * 2.0 / ((double)n - 1.0);
            double residual = ti > 0.0 ? 1.0 : (ti < 0.0 ? -1.0 : 0.0);
            double power = 1.0;
            for (int j = 0; j < m; j++)
            {
                residual -= x[j] * power;
                power *= ti;
            }

            sum += residual * residual;
        }

        return sum / 2.0;
    }

    public static GradBenchModule Module { get; } = new(
        "llsq",
        "primal",
        "gradient",
        input =>
        {
            var i = Read(input);
            return $"n={i.N},m={i.X.Length}";
        },
        new GradBenchFunction("primal", json =>
        {
            var input = Read(json);
            double result = 0.0;
            return new PreparedCall(() => result = Objective(input.X, input.N), () => OutputJson.Number(result));
        }),
        new GradBenchFunction("gradient", json =>
        {
            var input = Read(json);
            var gradient = new double[input.X.Length];
            return new PreparedCall(() => ObjectiveGradient(input.X, input.N, gradient), () => OutputJson.Vector(gradient));
        }));

    private static LlsqInput Read(JsonElement json) =>
        json.Deserialize(LlsqJson.Default.LlsqInput) ?? throw new JsonException("llsq: input is null");
}

internal sealed class LlsqInput
{
    [JsonPropertyName("x"), JsonRequired]
    public double[] X { get; set; } = Array.Empty<double>();

    [JsonPropertyName("n"), JsonRequired]
    public int N { get; set; }
}

[JsonSerializable(typeof(LlsqInput))]
internal sealed partial class LlsqJson : JsonSerializerContext
{
}
