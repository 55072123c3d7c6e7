using System;
using System.Globalization;
using System.IO;
using GradGen;

namespace GradGen.Models
{
    /// <summary>
    /// ADBench's / GradBench's bundle adjustment ("ba") objective (ADBench src/cpp/shared/ba.h, GradBench
    /// cpp/gradbench/evals/ba.hpp), written as plain C# from the math. GradGen generates
    /// <c>ReprojectionJacobian</c> (the 2 × 15 Jacobian of one observation's reprojection error over the 11 camera
    /// parameters, the 3 point coordinates and the weight), <c>ReprojectionForward</c>, <c>ReprojectionReverse</c>,
    /// and <c>WeightErrorGradient</c>.
    /// <para>
    /// Camera layout (11 values): rotation r (angle-axis, Rodrigues) [0..2], centre C [3..5], focal length f [6],
    /// principal point x0 [7..8], radial distortion k1, k2 [9..10]. For an observation of point X with weight w
    /// and feature (u, v):
    /// </para>
    /// <code>
    /// Xcam = R(r)·(X − C)
    /// p    = (Xcam₀ / Xcam₂, Xcam₁ / Xcam₂)
    /// p'   = p·(1 + k1·|p|² + k2·|p|⁴)
    /// err  = w·(f·p' + x0 − (u, v))
    /// weight error = 1 − w²
    /// </code>
    /// R(r)·y is evaluated as in ADBench (Ceres' form): with θ = |r| and n = r/θ,
    /// y·cos θ + (n × y)·sin θ + n·(n·y)(1 − cos θ); for θ = 0 (exactly), the first-order y + r × y.
    /// </summary>
    public static partial class BundleAdjustment
    {
        public const int CameraParameterCount = 11;

        /// <summary>Columns of one observation's Jacobian block: 11 camera parameters, 3 point coordinates, 1 weight.</summary>
        public const int BlockColumns = CameraParameterCount + 3 + 1;

        /// <summary>
        /// The weighted reprojection error of one observation: camera (11 values, layout above), point (3 values),
        /// weight; the feature (the measured image position) carries no derivative.
        /// </summary>
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (double, double) Reprojection(
            double[] camera,
            double[] point,
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
                double n0 = r0 / theta;
                double n1 = r1 / theta;
                double n2 = r2 / theta;

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

        // ----- whole-problem drivers (plain C#, no derivatives of their own) -------------------------------------

        /// <summary>
        /// The objective of the whole problem: reprojection errors (2 per observation, in
        /// <paramref name="reprojectionErrors"/>) and weight errors (1 per observation, in <paramref name="weightErrors"/>).
        /// </summary>
        public static void Objective(BundleAdjustmentInput input, double[] reprojectionErrors, double[] weightErrors)
        {
            var camera = new double[CameraParameterCount];
            var point = new double[3];
            for (int i = 0; i < input.P; i++)
            {
                input.CopyObservation(i, camera, point);
                var (e0, e1) = Reprojection(camera, point, input.W[i], input.Feats[2 * i], input.Feats[2 * i + 1]);
                reprojectionErrors[2 * i] = e0;
                reprojectionErrors[2 * i + 1] = e1;
            }

            for (int i = 0; i < input.P; i++)
            {
                weightErrors[i] = WeightError(input.W[i]);
            }
        }

        /// <summary>
        /// The sparse Jacobian of the objective, assembled like ADBench / GradBench do (CSR): rows are the 2p
        /// reprojection errors then the p weight errors; columns are the 11n camera parameters, the 3m point
        /// coordinates, then the p weights. Each observation contributes two rows of 15 entries (its camera's 11
        /// columns, its point's 3, its weight's 1), each weight error one entry.
        /// </summary>
        public static BundleAdjustmentJacobian Jacobian(BundleAdjustmentInput input) =>
            Jacobian(input, new BundleAdjustmentJacobian(input.N, input.M, input.P));

        /// <summary>The same, written into <paramref name="result"/> (of the input's shape), which is returned.</summary>
        public static BundleAdjustmentJacobian Jacobian(BundleAdjustmentInput input, BundleAdjustmentJacobian result)
        {
            result.Reset();
            var camera = new double[CameraParameterCount];
            var point = new double[3];
            var block = new double[2, BlockColumns];
            for (int i = 0; i < input.P; i++)
            {
                input.CopyObservation(i, camera, point);
                ReprojectionJacobian(camera, point, input.W[i], input.Feats[2 * i], input.Feats[2 * i + 1], block);
                result.InsertReprojectionBlock(i, input.Obs[2 * i], input.Obs[2 * i + 1], block);
            }

            for (int i = 0; i < input.P; i++)
            {
                WeightErrorGradient(input.W[i], out double dW);
                result.InsertWeightEntry(i, dW);
            }

            return result;
        }

        /// <summary>The 2 × 15 block of observation <paramref name="observation"/> (ReprojectionJacobian); returns the error.</summary>
        public static double[] ObservationJacobian(BundleAdjustmentInput input, int observation, double[,] block)
        {
            var camera = new double[CameraParameterCount];
            var point = new double[3];
            input.CopyObservation(observation, camera, point);
            (double e0, double e1) = ReprojectionJacobian(camera, point, input.W[observation],
                input.Feats[2 * observation], input.Feats[2 * observation + 1], block);
            return new[] { e0, e1 };
        }

        /// <summary>ReprojectionJacobian with plain arrays (callable by reflection).</summary>
        public static double[] JacobianDriver(double[] camera, double[] point, double w, double featureX, double featureY, double[,] block)
        {
            (double e0, double e1) = ReprojectionJacobian(camera, point, w, featureX, featureY, block);
            return new[] { e0, e1 };
        }

        /// <summary>The primal with the result as an array (callable by reflection).</summary>
        public static double[] ReprojectionDriver(double[] camera, double[] point, double w, double featureX, double featureY)
        {
            var (e0, e1) = Reprojection(camera, point, w, featureX, featureY);
            return new[] { e0, e1 };
        }

        /// <summary>ReprojectionForward with arrays: returns the tangent (J·v), the value in <paramref name="value"/>.</summary>
        public static double[] ForwardDriver(
            double[] camera, double[] point, double w, double featureX, double featureY,
            double[] tangentCamera, double[] tangentPoint, double tangentW, double[] value)
        {
            var result = ReprojectionForward(camera, point, w, featureX, featureY, tangentCamera, tangentPoint, tangentW);
            value[0] = result.Value.Item1;
            value[1] = result.Value.Item2;
            return new[] { result.Tangent.Item1, result.Tangent.Item2 };
        }

        /// <summary>ReprojectionReverse with arrays: adds seedᵀ·J to the adjoint arrays (adjoint of w in adjointW[0]); returns the value.</summary>
        public static double[] ReverseDriver(
            double[] camera, double[] point, double w, double featureX, double featureY,
            double seed0, double seed1, double[] adjointCamera, double[] adjointPoint, double[] adjointW)
        {
            double dW = adjointW[0];
            (double e0, double e1) = ReprojectionReverse(camera, point, w, featureX, featureY, (seed0, seed1), adjointCamera, adjointPoint, ref dW);
            adjointW[0] = dW;
            return new[] { e0, e1 };
        }

        /// <summary>WeightErrorGradient by reflection: returns d(1 − w²)/dw, the value in <paramref name="value"/>.</summary>
        public static double WeightErrorDerivative(double w, out double value)
        {
            value = WeightErrorGradient(w, out double dW);
            return dW;
        }
    }

    /// <summary>
    /// The BA Jacobian in ADBench's / GradBench's compressed-row form: <see cref="Rows"/> has NRows + 1 offsets into
    /// <see cref="Cols"/> and <see cref="Vals"/>; row r's entries are Cols/Vals[Rows[r] .. Rows[r + 1] − 1].
    /// </summary>
    public sealed class BundleAdjustmentJacobian
    {
        private int _rowCount;

        private int _entryCount;

        public BundleAdjustmentJacobian(int n, int m, int p)
        {
            N = n;
            M = m;
            P = p;
            NRows = 2 * p + p;
            NCols = BundleAdjustment.CameraParameterCount * n + 3 * m + p;
            int nonZeros = BundleAdjustment.BlockColumns * 2 * p + p;
            Rows = new int[NRows + 1];
            Cols = new int[nonZeros];
            Vals = new double[nonZeros];
        }

        public int N { get; }

        public int M { get; }

        public int P { get; }

        public int NRows { get; }

        public int NCols { get; }

        public int[] Rows { get; }

        public int[] Cols { get; }

        public double[] Vals { get; }

        /// <summary>Two rows for observation <paramref name="observation"/>: camera columns, point columns, weight column.</summary>
        public void InsertReprojectionBlock(int observation, int cameraIndex, int pointIndex, double[,] block)
        {
            for (int row = 0; row < 2; row++)
            {
                for (int j = 0; j < BundleAdjustment.CameraParameterCount; j++)
                {
                    Add(BundleAdjustment.CameraParameterCount * cameraIndex + j, block[row, j]);
                }

                int pointOffset = BundleAdjustment.CameraParameterCount * N;
                for (int j = 0; j < 3; j++)
                {
                    Add(pointOffset + 3 * pointIndex + j, block[row, BundleAdjustment.CameraParameterCount + j]);
                }

                int weightOffset = pointOffset + 3 * M;
                Add(weightOffset + observation, block[row, BundleAdjustment.CameraParameterCount + 3]);
                EndRow();
            }
        }

        /// <summary>One row (weight error of observation <paramref name="observation"/>) with one entry.</summary>
        public void InsertWeightEntry(int observation, double derivative)
        {
            Add(BundleAdjustment.CameraParameterCount * N + 3 * M + observation, derivative);
            EndRow();
        }

        /// <summary>Starts over at the first row, so one instance serves repeated assemblies.</summary>
        public void Reset()
        {
            _rowCount = 0;
            _entryCount = 0;
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

    /// <summary>One BA instance, replicated to full size as ADBench and GradBench do.</summary>
    public sealed class BundleAdjustmentInput
    {
        public BundleAdjustmentInput(int n, int m, int p, double[] cams, double[] x, double[] w, int[] obs, double[] feats)
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

        /// <summary>Copies observation <paramref name="observation"/>'s camera (11) and point (3) into the buffers.</summary>
        public void CopyObservation(int observation, double[] camera, double[] point)
        {
            Array.Copy(Cams, BundleAdjustment.CameraParameterCount * Obs[2 * observation], camera, 0, BundleAdjustment.CameraParameterCount);
            Array.Copy(X, 3 * Obs[2 * observation + 1], point, 0, 3);
        }

        /// <summary>
        /// The full instance from one camera, point, weight and feature: every camera, point, weight and feature is a
        /// copy, and observation i sees camera i mod n and point i mod m (ADBench's read_ba_instance, GradBench's ba input).
        /// </summary>
        public static BundleAdjustmentInput Replicate(int n, int m, int p, double[] camera, double[] point, double weight, double[] feature)
        {
            if (camera.Length != BundleAdjustment.CameraParameterCount || point.Length != 3 || feature.Length != 2)
            {
                throw new ArgumentException("BA input: a camera has 11 values, a point 3, a feature 2.");
            }

            var cams = new double[BundleAdjustment.CameraParameterCount * n];
            for (int i = 0; i < n; i++)
            {
                Array.Copy(camera, 0, cams, BundleAdjustment.CameraParameterCount * i, BundleAdjustment.CameraParameterCount);
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

            return new BundleAdjustmentInput(n, m, p, cams, x, w, obs, feats);
        }

        /// <summary>
        /// Reads ADBench's BA text format: "n m p", then one camera (11 values), one point (3), one weight and one
        /// feature (2), replicated with <see cref="Replicate"/>. Whitespace and line breaks are not significant.
        /// </summary>
        public static BundleAdjustmentInput Read(string path) => Parse(File.ReadAllText(path));

        public static BundleAdjustmentInput Parse(string text)
        {
            var tokens = text.Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries);
            const int expected = 3 + BundleAdjustment.CameraParameterCount + 3 + 1 + 2;
            if (tokens.Length != expected)
            {
                throw new FormatException($"BA input: {tokens.Length} values; expected {expected} (n m p, one camera, one point, one weight, one feature).");
            }

            int pos = 0;
            double Next() => double.Parse(tokens[pos++], NumberStyles.Float, CultureInfo.InvariantCulture);
            double[] Block(int count)
            {
                var values = new double[count];
                for (int i = 0; i < count; i++)
                {
                    values[i] = Next();
                }

                return values;
            }

            int n = checked((int)Next());
            int m = checked((int)Next());
            int p = checked((int)Next());
            var camera = Block(BundleAdjustment.CameraParameterCount);
            var point = Block(3);
            double weight = Next();
            var feature = Block(2);
            return Replicate(n, m, p, camera, point, weight, feature);
        }
    }
}
