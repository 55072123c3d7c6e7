using System;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GradGen.GradBench;

/// <summary>
/// GradBench's <c>ba</c> eval (bundle adjustment, ADBench's ba.h / GradBench's cpp/gradbench/evals/ba.hpp): one camera,
/// point, weight and feature replicated into n cameras, m points and p observations. <c>objective</c> computes every
/// observation's reprojection error (Rodrigues rotation, radial distortion) and weight error; <c>jacobian</c> builds
/// the sparse 3p × (11n + 3m + p) Jacobian from GradGen's 2 × 15 <c>ReprojectionJacobian</c> per observation.
/// Outputs are GradBench's compressed ones: the first observation's values and the count, and the first 30 and the
/// last entry of the sparse matrix's rows, cols and vals.
/// <para>
/// What is timed is what GradBench's manual C++ tool times (tools/manual/ba.cpp): <c>objective</c> writes the
/// errors into arrays allocated once; <c>jacobian</c> builds a new sparse matrix in each run (the manual tool
/// constructs its <c>SparseMat</c> inside <c>compute</c>) and computes each observation's error with its block.
/// Each observation reads its camera and point where they lie (spans of the camera and point arrays), as the C++
/// passes pointers.
/// </para>
/// <code>
/// Xcam = R(r)·(X − C)
/// p    = (Xcam₀ / Xcam₂, Xcam₁ / Xcam₂)
/// p'   = p·(1 + k1·|p|² + k2·|p|⁴)
/// err  = w·(f·p' + x0 − (u, v))
/// weight error = 1 − w²
/// </code>
/// Camera layout (11 values): rotation r (angle-axis) [0..2], centre C [3..5], focal length f [6], principal point x0
/// [7..8], radial distortion k1, k2 [9..10]. R(r)·y is evaluated as in ADBench (Ceres' form): with θ = |r| and
/// n = r/θ, y·cos θ + (n × y)·sin θ + n·(n·y)(1 − cos θ); for θ = 0 (exactly), the first-order y + r × y.
/// </summary>
public static partial class Ba
{
    public const int CameraParameterCount = 11;

    /// <summary>Columns of one observation's Jacobian block: 11 camera parameters, 3 point coordinates, 1 weight.</summary>
    public const int BlockColumns = CameraParameterCount + 3 + 1;

    /// <summary>Entries of one observation's two Jacobian rows: what GradBench's output keeps of the matrix, with the last entry.</summary>
    private const int BlockEntries = 2 * BlockColumns;

    /// <summary>The weighted reprojection error of one observation; the feature (the measured position) carries no derivative.</summary>
    [Differentiable(Kinds = DerivativeKinds.Jacobian)]
    public static (double, double) Reprojection(
        ReadOnlySpan<double> camera,
        ReadOnlySpan<double> point,
        double w,
        [NoDerivative] double featureX,
        [NoDerivative] double featureY)
    {
        // Point relative to the camera centre.
        double y0 = point[0] - camera[3];
        double y1 = point[1] - camera[4];
        double y2 = point[2] - camera[5];

        // Rotation by the angle-axis vector r = camera[0..2].
        double r0 = camera[0];
        double r1 = camera[1];
        double r2 = camera[2];
        double sqtheta = r0 * r0 + r1 * r1 + r2 * r2;
        double xc0;
        double xc1;
        double xc2;
        if (sqtheta != 0.0)
        {
            double theta = Math.Sqrt(sqtheta);
            double costheta = Math.Cos(theta);
            double sintheta = Math.Sin(theta);
            double thetaInverse = 1.0 / theta;
            double n0 = r0 * thetaInverse;
            double n1 = r1 * thetaInverse;
            double n2 = r2 * thetaInverse;

            // n × y
            double c0 = n1 * y2 - n2 * y1;
            double c1 = n2 * y0 - n0 * y2;
            double c2 = n0 * y1 - n1 * y0;

            double tmp = (n0 * y0 + n1 * y1 + n2 * y2) * (1.0 - costheta);
            xc0 = y0 * costheta + c0 * sintheta + n0 * tmp;
            xc1 = y1 * costheta + c1 * sintheta + n1 * tmp;
            xc2 = y2 * costheta + c2 * sintheta + n2 * tmp;
        }
        else
        {
            // Small-angle (first-order) rotation: y + r × y.
            xc0 = y0 + (r1 * y2 - r2 * y1);
            xc1 = y1 + (r2 * y0 - r0 * y2);
            xc2 = y2 + (r0 * y1 - r1 * y0);
        }

        // Perspective division.
        double px = xc0 / xc2;
        double py = xc1 / xc2;

        // Radial distortion.
        double rsq = px * px + py * py;
        double distortion = 1.0 + camera[9] * rsq + camera[10] * rsq * rsq;
        px = px * distortion;
        py = py * distortion;

        // Focal length and principal point.
        double projX = px * camera[6] + camera[7];
        double projY = py * camera[6] + camera[8];

        return (w * (projX - featureX), w * (projY - featureY));
    }

    /// <summary>Zach's weight "error" 1 − w² (its derivative is −2w).</summary>
    [Differentiable]
    public static double WeightError(double w) => 1.0 - w * w;

    /// <summary>The objective: 2 reprojection errors and 1 weight error per observation.</summary>
    public static void Objective(BaProblem input, double[] reprojectionErrors, double[] weightErrors)
    {
        for (int i = 0; i < input.P; i++)
        {
            var (e0, e1) = Reprojection(
                input.Cams.AsSpan(CameraParameterCount * input.Obs[2 * i], CameraParameterCount),
                input.X.AsSpan(3 * input.Obs[2 * i + 1], 3),
                input.W[i],
                input.Feats[2 * i],
                input.Feats[2 * i + 1]);
            reprojectionErrors[2 * i] = e0;
            reprojectionErrors[2 * i + 1] = e1;
        }

        for (int i = 0; i < input.P; i++)
        {
            weightErrors[i] = WeightError(input.W[i]);
        }
    }

    /// <summary>
    /// The sparse Jacobian, built anew (as the manual tool's <c>compute</c> does): per observation its 2 × 15 block
    /// (with its reprojection error, into <paramref name="reprojectionErrors"/>), then the weight errors' derivatives.
    /// </summary>
    public static BaSparseJacobian Jacobian(BaProblem input, double[] reprojectionErrors, double[] weightErrors)
    {
        var result = new BaSparseJacobian(input.N, input.M, input.P);
        var block = new double[2, BlockColumns];
        for (int i = 0; i < input.P; i++)
        {
            int camera = input.Obs[2 * i];
            int point = input.Obs[2 * i + 1];
            var (e0, e1) = ReprojectionJacobian(
                input.Cams.AsSpan(CameraParameterCount * camera, CameraParameterCount),
                input.X.AsSpan(3 * point, 3),
                input.W[i],
                input.Feats[2 * i],
                input.Feats[2 * i + 1],
                block);
            reprojectionErrors[2 * i] = e0;
            reprojectionErrors[2 * i + 1] = e1;
            result.InsertReprojectionBlock(i, camera, point, block);
        }

        for (int i = 0; i < input.P; i++)
        {
            weightErrors[i] = WeightErrorGradient(input.W[i], out double dW);
            result.InsertWeightEntry(i, dW);
        }

        return result;
    }

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
                () => Objective(input, reprojection, weight),
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
            var reprojection = new double[2 * input.P];
            var weight = new double[input.P];
            BaSparseJacobian? jacobian = null;
            return new PreparedCall(
                () => jacobian = Jacobian(input, reprojection, weight),
                () => JsonSerializer.SerializeToElement(
                    new BaJacobianOutput
                    {
                        Rows = Compress(jacobian!.Rows),
                        Cols = Compress(jacobian.Cols),
                        Vals = Compress(jacobian.Vals),
                    },
                    BaJson.Default.BaJacobianOutput));
        }));

    private static T[] Compress<T>(T[] values) => values.Take(BlockEntries).Append(values[^1]).ToArray();

    private static BaProblem Read(JsonElement json)
    {
        var raw = json.Deserialize(BaJson.Default.BaInput) ?? throw new JsonException("ba: input is null");
        return BaProblem.Replicate(raw.N, raw.M, raw.P, raw.Cam, raw.X, raw.W, raw.Feat);
    }
}

/// <summary>
/// The ba Jacobian in ADBench's / GradBench's compressed-row form (GradBench's <c>SparseMat</c>): <see cref="Rows"/> has
/// 3p + 1 offsets into <see cref="Cols"/> and <see cref="Vals"/>; row r's entries are Cols/Vals[Rows[r] .. Rows[r + 1] − 1].
/// </summary>
public sealed class BaSparseJacobian
{
    private int _rowCount;

    private int _entryCount;

    public BaSparseJacobian(int n, int m, int p)
    {
        N = n;
        M = m;
        // Every entry is written before it is read (GradBench's C++ reserves its vectors without initialising them).
        int nonZeros = Ba.BlockColumns * 2 * p + p;
        Rows = GC.AllocateUninitializedArray<int>(3 * p + 1);
        Rows[0] = 0;
        Cols = GC.AllocateUninitializedArray<int>(nonZeros);
        Vals = GC.AllocateUninitializedArray<double>(nonZeros);
    }

    public int N { get; }

    public int M { get; }

    public int[] Rows { get; }

    public int[] Cols { get; }

    public double[] Vals { get; }

    /// <summary>Two rows for observation <paramref name="observation"/>: camera columns, point columns, weight column.</summary>
    public void InsertReprojectionBlock(int observation, int cameraIndex, int pointIndex, double[,] block)
    {
        for (int row = 0; row < 2; row++)
        {
            for (int j = 0; j < Ba.CameraParameterCount; j++)
            {
                Add(Ba.CameraParameterCount * cameraIndex + j, block[row, j]);
            }

            int pointOffset = Ba.CameraParameterCount * N;
            for (int j = 0; j < 3; j++)
            {
                Add(pointOffset + 3 * pointIndex + j, block[row, Ba.CameraParameterCount + j]);
            }

            Add(pointOffset + 3 * M + observation, block[row, Ba.CameraParameterCount + 3]);
            EndRow();
        }
    }

    /// <summary>One row (weight error of observation <paramref name="observation"/>) with one entry.</summary>
    public void InsertWeightEntry(int observation, double derivative)
    {
        Add(Ba.CameraParameterCount * N + 3 * M + observation, derivative);
        EndRow();
    }

    private void Add(int column, double value)
    {
        Cols[_entryCount] = column;
        Vals[_entryCount] = value;
        _entryCount++;
    }

    private void EndRow()
    {
        _rowCount++;
        Rows[_rowCount] = _entryCount;
    }
}

/// <summary>One ba instance, replicated to full size as GradBench's C++ <c>from_json</c> does.</summary>
public sealed class BaProblem
{
    private BaProblem(int n, int m, int p, double[] cams, double[] x, double[] w, int[] obs, double[] feats)
    {
        N = n;
        M = m;
        P = p;
        Cams = cams;
        X = x;
        W = w;
        Obs = obs;
        Feats = feats;
    }

    /// <summary>Number of cameras.</summary>
    public int N { get; }

    /// <summary>Number of points.</summary>
    public int M { get; }

    /// <summary>Number of observations.</summary>
    public int P { get; }

    /// <summary>11·N camera parameters.</summary>
    public double[] Cams { get; }

    /// <summary>3·M point coordinates.</summary>
    public double[] X { get; }

    /// <summary>P weights.</summary>
    public double[] W { get; }

    /// <summary>2·P: camera index, point index of each observation.</summary>
    public int[] Obs { get; }

    /// <summary>2·P measured feature coordinates.</summary>
    public double[] Feats { get; }

    /// <summary>Every camera, point, weight and feature a copy of the one given; observation i sees camera i mod n and point i mod m.</summary>
    public static BaProblem Replicate(int n, int m, int p, double[] camera, double[] point, double weight, double[] feature)
    {
        if (n < 1 || m < 1 || p < 1 || camera.Length != Ba.CameraParameterCount || point.Length != 3 || feature.Length != 2)
        {
            throw new JsonException("ba: n, m, p must be positive; a camera has 11 values, a point 3, a feature 2");
        }

        var cams = new double[Ba.CameraParameterCount * n];
        for (int i = 0; i < n; i++)
        {
            Array.Copy(camera, 0, cams, Ba.CameraParameterCount * i, Ba.CameraParameterCount);
        }

        var x = new double[3 * m];
        for (int i = 0; i < m; i++)
        {
            Array.Copy(point, 0, x, 3 * i, 3);
        }

        var w = new double[p];
        var obs = new int[2 * p];
        var feats = new double[2 * p];
        for (int i = 0; i < p; i++)
        {
            w[i] = weight;
            obs[2 * i] = i % n;
            obs[2 * i + 1] = i % m;
            feats[2 * i] = feature[0];
            feats[2 * i + 1] = feature[1];
        }

        return new BaProblem(n, m, p, cams, x, w, obs, feats);
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
