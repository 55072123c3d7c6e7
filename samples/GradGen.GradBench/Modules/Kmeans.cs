using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GradGen.GradBench;

/// <summary>
/// GradBench's <c>kmeans</c> eval: the cost Σᵢ minⱼ ‖Cⱼ − Pᵢ‖² of n points P for k centroids C, and the Newton
/// direction J ⊘ diag(H) for moving the centroids (the Hessian is diagonal: each coordinate of a centroid is counted
/// once per point it is nearest to). Functions: <c>cost</c> and <c>dir</c>. Both J and H·1 = diag(H) come from one
/// call of GradGen's <c>CostReverseTangent</c> (forward over reverse, seeded with 1 and the direction of all ones),
/// differentiated through the running minimum of <see cref="Cost"/>.
/// </summary>
public static partial class Kmeans
{
    /// <summary>
    /// Σᵢ minⱼ ‖Cⱼ − Pᵢ‖², as GradBench's C++ (cpp/gradbench/evals/kmeans.hpp) computes it: each point's running minimum
    /// over the centroids' squared distances (<c>std::min</c>, here the same comparison), added to the cost.
    /// </summary>
    [Differentiable(Kinds = DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
    public static double Cost([NoDerivative] double[] points, double[] centroids, int n, int k, int d)
    {
        double cost = 0.0;
        for (int i = 0; i < n; i++)
        {
            double closest = double.PositiveInfinity;
            for (int j = 0; j < k; j++)
            {
                double distance = 0.0;
                for (int t = 0; t < d; t++)
                {
                    double difference = points[i * d + t] - centroids[j * d + t];
                    distance += difference * difference;
                }

                closest = distance < closest ? distance : closest;
            }

            cost += closest;
        }

        return cost;
    }

    /// <summary>Writes the Newton direction J ⊘ diag(H) to <paramref name="direction"/>, using <paramref name="hessianDiagonal"/> as scratch.</summary>
    public static void Direction(KmeansInput input, double[] direction, double[] hessianDiagonal, double[] ones)
    {
        Array.Clear(direction);
        Array.Clear(hessianDiagonal);
        CostReverseTangent(input.Points, input.Centroids, input.N, input.K, input.D, 1.0, direction, ones, 0.0, hessianDiagonal);
        for (int i = 0; i < direction.Length; i++)
        {
            direction[i] /= hessianDiagonal[i];
        }
    }

    public static GradBenchModule Module { get; } = new(
        "kmeans",
        "cost",
        "dir",
        json => { var input = Read(json); return $"k={input.K},n={input.N},d={input.D}"; },
        new GradBenchFunction("cost", json =>
        {
            var input = Read(json);
            double result = 0.0;
            return new PreparedCall(() => result = Cost(input.Points, input.Centroids, input.N, input.K, input.D), () => OutputJson.Number(result));
        }),
        new GradBenchFunction("dir", json =>
        {
            var input = Read(json);
            var direction = new double[input.K * input.D];
            var scratch = new double[direction.Length];
            var ones = new double[direction.Length];
            Array.Fill(ones, 1.0);
            return new PreparedCall(
                () => Direction(input, direction, scratch, ones),
                () => JsonSerializer.SerializeToElement(OutputJson.Rows(direction, input.K, input.D), OutputJson.Default.DoubleArrayArray));
        }));

    private static KmeansInput Read(JsonElement json)
    {
        var raw = json.Deserialize(KmeansJson.Default.KmeansRawInput) ?? throw new JsonException("kmeans: input is null");
        return new KmeansInput(OutputJson.Flatten(raw.Points), OutputJson.Flatten(raw.Centroids), raw.Points.Length, raw.Centroids.Length, raw.Centroids.Length > 0 ? raw.Centroids[0].Length : 0);
    }
}

/// <summary>The points and centroids, row-major, with their counts and dimension.</summary>
public sealed record KmeansInput(double[] Points, double[] Centroids, int N, int K, int D);

internal sealed class KmeansRawInput
{
    [JsonPropertyName("points"), JsonRequired]
    public double[][] Points { get; set; } = Array.Empty<double[]>();

    [JsonPropertyName("centroids"), JsonRequired]
    public double[][] Centroids { get; set; } = Array.Empty<double[]>();
}

[JsonSerializable(typeof(KmeansRawInput))]
internal sealed partial class KmeansJson : JsonSerializerContext
{
}
