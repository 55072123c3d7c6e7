using System;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.TestValues;

namespace GradGen.Tests.Numerics
{
    /// <summary>
    /// Test sources "MathFunctions_double" / "MathFunctions_float": every Math/MathF function of the contract, one method each (so a failure names
    /// the function), plus compositions; the double instantiation uses Math, the float one MathF
    /// (Clamp: Math.Clamp's float overload, MathF has none).
    /// </summary>
    public static class MathFunctionSource
    {
        public const string Template = @"
namespace Numerics.MathFunctions
{
    public static partial class Fns_real
    {
        [Differentiable] public static real SinX(real x) => MathR.Sin(x);
        [Differentiable] public static real CosX(real x) => MathR.Cos(x);
        [Differentiable] public static real TanX(real x) => MathR.Tan(x);
        [Differentiable] public static real AsinX(real x) => MathR.Asin(x);
        [Differentiable] public static real AcosX(real x) => MathR.Acos(x);
        [Differentiable] public static real AtanX(real x) => MathR.Atan(x);
        [Differentiable] public static real Atan2YX(real y, real x) => MathR.Atan2(y, x);
        [Differentiable] public static real SinhX(real x) => MathR.Sinh(x);
        [Differentiable] public static real CoshX(real x) => MathR.Cosh(x);
        [Differentiable] public static real TanhX(real x) => MathR.Tanh(x);
        [Differentiable] public static real ExpX(real x) => MathR.Exp(x);
        [Differentiable] public static real LogX(real x) => MathR.Log(x);
        [Differentiable] public static real LogXBase(real x, real b) => MathR.Log(x, b);
        [Differentiable] public static real Log2X(real x) => MathR.Log2(x);
        [Differentiable] public static real Log10X(real x) => MathR.Log10(x);
        [Differentiable] public static real PowXY(real x, real y) => MathR.Pow(x, y);
        [Differentiable] public static real PowXCube(real x) => MathR.Pow(x, 3);
        [Differentiable] public static real PowXInt(real x, int n) => MathR.Pow(x, n);
        [Differentiable] public static real PowConstX(real x) => MathR.Pow(2.5r, x);
        [Differentiable] public static real SqrtX(real x) => MathR.Sqrt(x);
        [Differentiable] public static real CbrtX(real x) => MathR.Cbrt(x);
        [Differentiable] public static real AbsX(real x) => MathR.Abs(x);
        [Differentiable] public static real AbsDiff(real x, real y) => MathR.Abs(x - y) * y;
        [Differentiable] public static real MaxXY(real x, real y) => MathR.Max(x, y);
        [Differentiable] public static real MinXY(real x, real y) => MathR.Min(x, y);
        [Differentiable] public static real ReluTimesX(real x) => MathR.Max(x, 0r) * x;
        [Differentiable] public static real ClampXLoHi(real x, real lo, real hi) => Math.Clamp(x, lo, hi);
        [Differentiable] public static real ClampSquare(real x) => Math.Clamp(x * x, 0.25r, 4r);
        [Differentiable] public static real FmaXYZ(real x, real y, real z) => MathR.FusedMultiplyAdd(x, y, z);
        [Differentiable] public static real FmaSquare(real x) => MathR.FusedMultiplyAdd(x, x, x);

        // Floor, Ceiling, Round, Truncate and Sign have zero derivative: f' = Round(x) + Sign(x)
        [Differentiable]
        public static real Rounding(real x) =>
            MathR.Floor(x) + MathR.Ceiling(x) * 2r + MathR.Round(x) * x + MathR.Truncate(x) * 3r + MathR.Sign(x) * x;

        [Differentiable] public static real Hypot(real x, real y) => MathR.Sqrt(x * x + y * y);
        [Differentiable] public static real Softplus(real x) => MathR.Log(1r + MathR.Exp(x));

        [Differentiable]
        public static real Composite(real x, real y) =>
            MathR.Exp(MathR.Sin(x) * y) + MathR.Log(1r + x * x) / MathR.Sqrt(y * y + 1r) - MathR.Atan2(y, x) * MathR.Tanh(x * y);

        // intrinsics on locals that are overwritten
        [Differentiable]
        public static real Chain(real x, real y)
        {
            real h = MathR.Tanh(x * y);
            h = MathR.Exp(-h * h) + MathR.Cos(h);
            h = MathR.Pow(h, 1.5r) + MathR.Cbrt(h - 3r);
            return MathR.Log(h * h + 1r) * MathR.Max(x, y);
        }
    }
}
";

        /// <summary>The source compiled for one precision.</summary>
        public static string Text(Precision precision) => SourceTemplate.One(Template, precision);

        public static readonly Lazy<LoadedSource> Double = new Lazy<LoadedSource>(() =>
            GeneratorHarness.CompileAndLoad(Text(Precision.Double), "MathFunctions_double"));

        public static readonly Lazy<LoadedSource> Float = new Lazy<LoadedSource>(() =>
            GeneratorHarness.CompileAndLoad(Text(Precision.Float), "MathFunctions_float"));

        public static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        public const string FnsType = "Numerics.MathFunctions.Fns_real";
    }

    public abstract class MathFunctionTests : PrecisionTestBase
    {
        protected MathFunctionTests(Precision precision)
            : base(MathFunctionSource.For, precision)
        {
        }

        private void Check(string method, object?[][] points, Func<double[], double[]>? closedForm) =>
            DerivativeCheck.GradientOfScalars(Fn(MathFunctionSource.FnsType, method), points, closedForm);

        private void Check1(string method, Func<double, double> derivative, params double[] xs)
        {
            var points = new object?[xs.Length][];
            for (int i = 0; i < xs.Length; i++)
            {
                points[i] = P(xs[i]);
            }

            Check(method, points, a => new[] { derivative(a[0]) });
        }

        [Fact] public void Sin() => Check1("SinX", Math.Cos, 0.3, -1.1, 2.5);

        [Fact] public void Cos() => Check1("CosX", x => -Math.Sin(x), 0.3, -1.1, 2.5);

        [Fact] public void Tan() => Check1("TanX", x => 1 / (Math.Cos(x) * Math.Cos(x)), 0.3, -1.1);

        [Fact] public void Asin() => Check1("AsinX", x => 1 / Math.Sqrt(1 - x * x), 0.4, -0.6);

        [Fact] public void Acos() => Check1("AcosX", x => -1 / Math.Sqrt(1 - x * x), 0.4, -0.6);

        [Fact] public void Atan() => Check1("AtanX", x => 1 / (1 + x * x), 0.4, -3.0);

        [Fact]
        public void Atan2() => Check("Atan2YX",
            Points(P(1.0, 2.0), P(0.5, -1.5), P(-2.0, -0.3), P(-1.0, 0.8)),
            a =>
            {
                double y = a[0], x = a[1], r2 = x * x + y * y;
                return new[] { x / r2, -y / r2 };
            });

        [Fact] public void Sinh() => Check1("SinhX", Math.Cosh, 0.7, -1.2);

        [Fact] public void Cosh() => Check1("CoshX", Math.Sinh, 0.7, -1.2);

        [Fact] public void Tanh() => Check1("TanhX", x => 1 - Math.Tanh(x) * Math.Tanh(x), 0.7, -1.2);

        [Fact] public void Exp() => Check1("ExpX", Math.Exp, 0.7, -2.0);

        [Fact] public void Log() => Check1("LogX", x => 1 / x, 0.3, 5.0);

        [Fact]
        public void LogWithBase() => Check("LogXBase",
            Points(P(5.0, 3.0), P(0.4, 10.0), P(2.0, 0.5)),
            a =>
            {
                double x = a[0], b = a[1], lb = Math.Log(b);
                return new[] { 1 / (x * lb), -Math.Log(x) / (b * lb * lb) };
            });

        [Fact] public void Log2() => Check1("Log2X", x => 1 / (x * Math.Log(2)), 0.3, 5.0);

        [Fact] public void Log10() => Check1("Log10X", x => 1 / (x * Math.Log(10)), 0.3, 5.0);

        [Fact]
        public void Pow() => Check("PowXY",
            Points(P(1.7, 2.3), P(0.5, -1.5), P(3.0, 0.5)),
            a =>
            {
                double x = a[0], y = a[1];
                return new[] { y * Math.Pow(x, y - 1), Math.Pow(x, y) * Math.Log(x) };
            });

        /// <summary>Pow(x, 3) at x = −2 is 12: a constant exponent contributes no ln(x) term (no NaN).</summary>
        [Fact] public void PowNegativeBaseConstantIntegerExponent() => Check1("PowXCube", x => 3 * x * x, -2.0, 1.5, 0.0);

        [Fact]
        public void PowNegativeBaseIntegerParameterExponent() => Check("PowXInt",
            Points(P(-2.0, 3), P(-2.0, 2), P(1.5, 4), P(-0.5, -3)),
            a => new[] { a[1] * Math.Pow(a[0], a[1] - 1) });

        [Fact] public void PowConstantBase() => Check1("PowConstX", x => Math.Pow(2.5, x) * Math.Log(2.5), 0.7, -1.0);

        [Fact] public void Sqrt() => Check1("SqrtX", x => 0.5 / Math.Sqrt(x), 0.3, 4.0);

        [Fact] public void CbrtIncludingNegative() => Check1("CbrtX", x => 1 / (3 * Math.Cbrt(x) * Math.Cbrt(x)), 2.0, -8.0, 0.3);

        [Fact] public void AbsAtNegativeAndPositive() => Check1("AbsX", x => Math.Sign(x), -1.3, 0.8);

        [Fact]
        public void AbsOfDifference() => Check("AbsDiff",
            Points(P(1.0, 3.0), P(4.0, 1.5)),
            a =>
            {
                double x = a[0], y = a[1], s = Math.Sign(x - y);
                return new[] { s * y, -s * y + Math.Abs(x - y) };
            });

        [Fact]
        public void MaxPicksTheArgumentTaken() => Check("MaxXY",
            Points(P(2.0, 1.0), P(1.0, 2.0), P(-0.5, -3.0)),
            a => a[0] > a[1] ? new[] { 1.0, 0.0 } : new[] { 0.0, 1.0 });

        [Fact]
        public void MinPicksTheArgumentTaken() => Check("MinXY",
            Points(P(2.0, 1.0), P(1.0, 2.0), P(-0.5, -3.0)),
            a => a[0] < a[1] ? new[] { 1.0, 0.0 } : new[] { 0.0, 1.0 });

        [Fact] public void MaxWithConstant() => Check1("ReluTimesX", x => x > 0 ? 2 * x : 0, 1.5, -0.7);

        [Fact]
        public void ClampPicksTheArgumentTaken() => Check("ClampXLoHi",
            Points(P(0.5, 0.0, 1.0), P(-0.3, 0.0, 1.0), P(1.7, 0.0, 1.0)),
            a => a[0] < a[1] ? new[] { 0.0, 1.0, 0.0 } : a[0] > a[2] ? new[] { 0.0, 0.0, 1.0 } : new[] { 1.0, 0.0, 0.0 });

        [Fact]
        public void ClampWithConstantBounds() => Check1("ClampSquare",
            x => x * x < 0.25 || x * x > 4 ? 0 : 2 * x, 1.2, 0.3, -3.0, -1.5);

        [Fact]
        public void FusedMultiplyAdd() => Check("FmaXYZ",
            Points(P(1.5, -2.0, 0.7), P(-0.3, 0.4, 5.0)),
            a => new[] { a[1], a[0], 1.0 });

        [Fact] public void FusedMultiplyAddSameArgument() => Check1("FmaSquare", x => 2 * x + 1, 1.5, -0.7);

        [Fact]
        public void FloorCeilingRoundTruncateSignHaveZeroDerivative() =>
            Check1("Rounding", x => Math.Round(x) + Math.Sign(x), 2.3, -1.7, 0.4);

        [Fact]
        public void Hypot() => Check("Hypot",
            Points(P(3.0, 4.0), P(-1.0, 2.0)),
            a =>
            {
                double r = Math.Sqrt(a[0] * a[0] + a[1] * a[1]);
                return new[] { a[0] / r, a[1] / r };
            });

        [Fact] public void Softplus() => Check1("Softplus", x => 1 / (1 + Math.Exp(-x)), 0.5, -3.0);

        [Fact]
        public void Composite() => Check("Composite",
            Points(P(0.7, -0.4), P(-1.2, 0.9)),
            a =>
            {
                double x = a[0], y = a[1];
                double e = Math.Exp(Math.Sin(x) * y);
                double l = Math.Log(1 + x * x), q = Math.Sqrt(y * y + 1);
                double r2 = x * x + y * y, at = Math.Atan2(y, x), th = Math.Tanh(x * y), sech2 = 1 - th * th;
                double dx = e * Math.Cos(x) * y + (2 * x / (1 + x * x)) / q - ((-y / r2) * th + at * sech2 * y);
                double dy = e * Math.Sin(x) - l * y / (q * q * q) - ((x / r2) * th + at * sech2 * x);
                return new[] { dx, dy };
            });

        [Fact]
        public void IntrinsicsOnOverwrittenLocals() => Check("Chain",
            Points(P(0.7, -0.4), P(-1.2, 0.9)),
            closedForm: null);
    }

    public sealed class MathFunctionTests_Double : MathFunctionTests
    {
        public MathFunctionTests_Double()
            : base(Precision.Double)
        {
        }
    }

    public sealed class MathFunctionTests_Float : MathFunctionTests
    {
        public MathFunctionTests_Float()
            : base(Precision.Float)
        {
        }
    }
}
