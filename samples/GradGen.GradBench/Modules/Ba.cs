using System;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using GradGen.Models;

namespace GradGen.GradBench;

/// <summary>
/// GradBench's <c>ba</c> eval (bundle adjustment): one camera, point, weight and feature replicated into n cameras, m
/// points and p observations. <c>objective</c> computes every observation's reprojection error (Rodrigues rotation,
/// radial distortion) and weight error; <c>jacobian</c> assembles the sparse 3p × (11n + 3m + p) Jacobian from GradGen's
/// 2 × 15 <c>ReprojectionJacobian</c> per observation. The model is <see cref="BundleAdjustment"/> (shared with the
/// generator's tests). Outputs are GradBench's compressed ones: the first observation's values and the count, and
/// the first 30 and the last entry of the sparse matrix's rows, cols and vals.
/// </summary>
public static class Ba
{
    /// <summary>Entries of one observation's two Jacobian rows: what GradBench's output keeps of the matrix, with the last entry.</summary>
    private const int BlockEntries = 2 * BundleAdjustment.BlockColumns;

    public static GradBenchModule Module { get; } = new(
        "ba",
        "objective",
        "jacobian",
        json => { var input = Read(json); return $"n{input.N}_m{input.M}_p{input.P}"; },
        new GradBenchFunction("objective", json =>
        {
            var input = Read(json);
            var reprojection = new double[2 * input.P];
            var weight = new double[input.P];
            return new PreparedCall(
                () => BundleAdjustment.Objective(input, reprojection, weight),
                () => JsonSerializer.SerializeToElement(
                    new BaObjectiveOutput
                    {
                        ReprojectionError = new BaRepeated { Elements = new[] { reprojection[0], reprojection[1] }, Repeated = input.P },
                        WeightError = new BaRepeatedElement { Element = weight[0], Repeated = input.P },
                    },
                    BaJson.Default.BaObjectiveOutput));
        }),
        new GradBenchFunction("jacobian", json =>
        {
            var input = Read(json);
            var jacobian = new BundleAdjustmentJacobian(input.N, input.M, input.P);
            return new PreparedCall(
                () => BundleAdjustment.Jacobian(input, jacobian),
                () => JsonSerializer.SerializeToElement(
                    new BaJacobianOutput
                    {
                        Rows = Compress(jacobian.Rows),
                        Cols = Compress(jacobian.Cols),
                        Vals = Compress(jacobian.Vals),
                    },
                    BaJson.Default.BaJacobianOutput));
        }));

    private static T[] Compress<T>(T[] values) => values.Take(BlockEntries).Append(values[^1]).ToArray();

    private static BundleAdjustmentInput Read(JsonElement json)
    {
        var raw = json.Deserialize(BaJson.Default.BaInput) ?? throw new JsonException("ba: input is null");
        return BundleAdjustmentInput.Replicate(raw.N, raw.M, raw.P, raw.Cam, raw.X, raw.W, raw.Feat);
    }
}

internal sealed class BaInput
{
    [JsonPropertyName("n"), JsonRequired]
    public int N { get; set; }

    [JsonPropertyName("m"), JsonRequired]
    public int M { get; set; }

    [JsonPropertyName("p"), JsonRequired]
    public int P { get; set; }

    [JsonPropertyName("cam"), JsonRequired]
    public double[] Cam { get; set; } = Array.Empty<double>();

    [JsonPropertyName("x"), JsonRequired]
    public double[] X { get; set; } = Array.Empty<double>();

    [JsonPropertyName("w"), JsonRequired]
    public double W { get; set; }

    [JsonPropertyName("feat"), JsonRequired]
    public double[] Feat { get; set; } = Array.Empty<double>();
}

internal sealed class BaRepeated
{
    [JsonPropertyName("elements")]
    public double[] Elements { get; set; } = Array.Empty<double>();

    [JsonPropertyName("repeated")]
    public int Repeated { get; set; }
}

internal sealed class BaRepeatedElement
{
    [JsonPropertyName("element")]
    public double Element { get; set; }

    [JsonPropertyName("repeated")]
    public int Repeated { get; set; }
}

internal sealed class BaObjectiveOutput
{
    [JsonPropertyName("reproj_error")]
    public BaRepeated ReprojectionError { get; set; } = new();

    [JsonPropertyName("w_err")]
    public BaRepeatedElement WeightError { get; set; } = new();
}

internal sealed class BaJacobianOutput
{
    [JsonPropertyName("rows")]
    public int[] Rows { get; set; } = Array.Empty<int>();

    [JsonPropertyName("cols")]
    public int[] Cols { get; set; } = Array.Empty<int>();

    [JsonPropertyName("vals")]
    public double[] Vals { get; set; } = Array.Empty<double>();
}

[JsonSerializable(typeof(BaInput))]
[JsonSerializable(typeof(BaObjectiveOutput))]
[JsonSerializable(typeof(BaJacobianOutput))]
internal sealed partial class BaJson : JsonSerializerContext
{
}
