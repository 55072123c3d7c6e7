using System;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GradGen.GradBench;

/// <summary>
/// GradBench's <c>det</c> eval (cmpad's det_by_minor): the determinant of an ℓ × ℓ matrix A (row-major) by expansion
/// by minors along the first remaining row, columns in increasing order with alternating signs, as cmpad does (so the
/// floating-point operations are the same). Functions: <c>primal</c> and <c>gradient</c> (∂det/∂A row-major, GradGen's
/// <c>ObjectiveGradient</c>).
/// </summary>
public static partial class Det
{
    [Differentiable]
    public static double Objective(double[] a, int ell) => Minor(a, ell, 0, (1 << ell) - 1);

    /// <summary>
    /// The determinant of the minor of A made of rows <paramref name="row"/>..ℓ−1 and the columns whose bits are set
    /// in <paramref name="columns"/> (as many as there are rows). The loop visits the minor's columns only, lowest
    /// first (the set bits, as GradBench's C++ walks its linked list of remaining columns): O(m) per level, not O(ℓ).
    /// </summary>
    [Differentiable]
    public static double Minor(double[] a, int ell, int row, int columns)
    {
        if (row == ell - 1)
        {
            return a[row * ell + BitOperations.TrailingZeroCount(columns)];
        }

        double det = 0.0;
        bool plus = true;
        for (int rest = columns; rest != 0; rest &= rest - 1)
        {
            int j = BitOperations.TrailingZeroCount(rest);
            double sub = Minor(a, ell, row + 1, columns & ~(1 << j));
            if (plus)
            {
                det = det + a[row * ell + j] * sub;
            }
            else
            {
                det = det - a[row * ell + j] * sub;
            }

            plus = !plus;
        }

        return det;
    }

    public static GradBenchModule Module { get; } = new(
        "det",
        "primal",
        "gradient",
        input => Read(input).Ell.ToString(System.Globalization.CultureInfo.InvariantCulture),
        new GradBenchFunction("primal", json =>
        {
            var input = Read(json);
            double result = 0.0;
            return new PreparedCall(() => result = Objective(input.A, input.Ell), () => OutputJson.Number(result));
        }),
        new GradBenchFunction("gradient", json =>
        {
            var input = Read(json);
            var gradient = new double[input.A.Length];
            return new PreparedCall(() => ObjectiveGradient(input.A, input.Ell, gradient), () => OutputJson.Vector(gradient));
        }));

    private static DetInput Read(JsonElement json)
    {
        var input = json.Deserialize(DetJson.Default.DetInput) ?? throw new JsonException("det: input is null");
        if (input.Ell < 1 || input.Ell > 30 || input.A.Length != input.Ell * input.Ell)
        {
            throw new JsonException($"det: A has {input.A.Length} elements, ell is {input.Ell}; expected ell² elements, 1 ≤ ell ≤ 30");
        }

        return input;
    }
}

internal sealed class DetInput
{
    [JsonPropertyName("A"), JsonRequired]
    public double[] A { get; set; } = Array.Empty<double>();

    [JsonPropertyName("ell"), JsonRequired]
    public int Ell { get; set; }
}

[JsonSerializable(typeof(DetInput))]
internal sealed partial class DetJson : JsonSerializerContext
{
}
