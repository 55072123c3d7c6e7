using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GradGen.GradBench;

/// <summary>
/// GradBench's <c>ode</c> eval (cmpad's an_ode): y′₀ = x₀, y′ᵢ = xᵢ·yᵢ₋₁ (i &gt; 0), y(0) = 0, integrated to t = 2 by
/// <c>s</c> classical Runge–Kutta (RK4) steps. Functions: <c>primal</c> (the whole y(2)) and <c>gradient</c> (the
/// gradient of the last component y(2)ₙ₋₁ with respect to x, GradGen's <c>LastComponentGradient</c>).
/// </summary>
public static partial class Ode
{
    /// <summary>The RK4 solution y(2): GradBench's <c>primal</c>. Vector-valued: GradGen generates its Forward and Reverse.</summary>
    [Differentiable]
    public static double[] Solve(double[] x, int s)
    {
        int n = x.Length;
        double h = 2.0 / s;
        double[] y = new double[n];
        double[] k1 = new double[n];
        double[] k2 = new double[n];
        double[] k3 = new double[n];
        double[] k4 = new double[n];
        double[] stage = new double[n];
        for (int step = 0; step < s; step++)
        {
            k1[0] = x[0];
            for (int i = 1; i < n; i++)
            {
                k1[i] = x[i] * y[i - 1];
            }

            for (int i = 0; i < n; i++)
            {
                stage[i] = y[i] + h * k1[i] / 2.0;
            }

            k2[0] = x[0];
            for (int i = 1; i < n; i++)
            {
                k2[i] = x[i] * stage[i - 1];
            }

            for (int i = 0; i < n; i++)
            {
                stage[i] = y[i] + h * k2[i] / 2.0;
            }

            k3[0] = x[0];
            for (int i = 1; i < n; i++)
            {
                k3[i] = x[i] * stage[i - 1];
            }

            for (int i = 0; i < n; i++)
            {
                stage[i] = y[i] + h * k3[i];
            }

            k4[0] = x[0];
            for (int i = 1; i < n; i++)
            {
                k4[i] = x[i] * stage[i - 1];
            }

            for (int i = 0; i < n; i++)
            {
                y[i] += h * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]) / 6.0;
            }
        }

        return y;
    }

    /// <summary>
    /// The last component of the solution, the function GradBench's <c>gradient</c> differentiates: GradGen's
    /// <c>LastComponentGradient</c> runs <see cref="Solve"/>'s Reverse with the seed eₙ₋₁.
    /// </summary>
    [Differentiable]
    public static double LastComponent(double[] x, int s)
    {
        double[] y = Solve(x, s);
        return y[x.Length - 1];
    }

    public static GradBenchModule Module { get; } = new(
        "ode",
        "primal",
        "gradient",
        input =>
        {
            var i = Read(input);
            return $"n={i.X.Length},s={i.S}";
        },
        new GradBenchFunction("primal", json =>
        {
            var input = Read(json);
            double[] y = Array.Empty<double>();
            return new PreparedCall(() => y = Solve(input.X, input.S), () => OutputJson.Vector(y));
        }),
        new GradBenchFunction("gradient", json =>
        {
            var input = Read(json);
            var gradient = new double[input.X.Length];
            return new PreparedCall(() => LastComponentGradient(input.X, input.S, gradient), () => OutputJson.Vector(gradient));
        }));

    private static OdeInput Read(JsonElement json)
    {
        var input = json.Deserialize(OdeJson.Default.OdeInput) ?? throw new JsonException("ode: input is null");
        if (input.X.Length == 0 || input.S < 1)
        {
            throw new JsonException("ode: x must not be empty and s must be at least 1");
        }

        return input;
    }
}

internal sealed class OdeInput
{
    [JsonPropertyName("x"), JsonRequired]
    public double[] X { get; set; } = Array.Empty<double>();

    [JsonPropertyName("s"), JsonRequired]
    public int S { get; set; }
}

[JsonSerializable(typeof(OdeInput))]
internal sealed partial class OdeJson : JsonSerializerContext
{
}
