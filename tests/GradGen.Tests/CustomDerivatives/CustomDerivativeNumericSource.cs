using System;
using System.Collections.Generic;
using GradGen.Tests.Infrastructure;

namespace GradGen.Tests.CustomDerivatives
{
    /// <summary>
    /// Test sources for user-written derivatives ([DerivativeOf]) called from [Differentiable] code. One compilation per
    /// area (so that a generator bug in one area does not take the others down), each built once and shared by all the
    /// tests that use it.
    /// </summary>
    public static class CustomDerivativeNumericSource
    {
        private const string Header = "using System;\nusing GradGen;\n\n";

        // ----- 1, 7, 10: softplus in the same type (Forward, Reverse, ReverseTangent) ------------------------------------

        public const string SoftplusType = "CustomNumeric.Softplus.Act";

        public const string SoftplusText = Header + @"
namespace CustomNumeric.Softplus
{
    public static partial class Act
    {
        // log(1 + e^x) without overflow: the naive formula (and its naive derivative e^x / (1 + e^x)) overflows for x > 709.
        public static double Softplus(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));

        // 1 / (1 + e^-x) without overflow.
        public static double Sigmoid(double x)
        {
            if (x >= 0)
            {
                return 1 / (1 + Math.Exp(-x));
            }

            double e = Math.Exp(x);
            return e / (1 + e);
        }

        [DerivativeOf(nameof(Softplus))]
        public static (double Value, double Tangent) SoftplusForward(double x, double dX) => (Softplus(x), Sigmoid(x) * dX);

        [DerivativeOf(nameof(Softplus))]
        public static double SoftplusReverse(double x, double seed, ref double dX)
        {
            dX += seed * Sigmoid(x);
            return Softplus(x);
        }

        // Forward mode applied to SoftplusReverse: d(seed·σ(x)) along (vX, vSeed) = vSeed·σ + seed·σ(1 − σ)·vX.
        [DerivativeOf(nameof(Softplus))]
        public static double SoftplusReverseTangent(double x, double seed, ref double dX, double vX, double vSeed, ref double hvX)
        {
            double s = Sigmoid(x);
            dX += seed * s;
            hvX += vSeed * s + seed * s * (1 - s) * vX;
            return Softplus(x);
        }

        // A straight-through estimator: the user says d/dx Quantize = 1 (the true derivative is 0 almost everywhere),
        // which shows that it is the user's derivative that is called.
        public static double Quantize(double x) => Math.Round(x * 4) / 4;

        [DerivativeOf(nameof(Quantize))]
        public static (double Value, double Tangent) QuantizeForward(double x, double dX) => (Quantize(x), dX);

        [DerivativeOf(nameof(Quantize))]
        public static double QuantizeReverse(double x, double seed, ref double dX)
        {
            dX += seed;
            return Quantize(x);
        }

        // softplus(xy) + y²
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static double F(double x, double y) => Softplus(x * y) + y * y;

        // softplus(xy) + x²
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian | DerivativeKinds.Hessian)]
        public static double H(double x, double y) => Softplus(x * y) + x * x;

        // t = softplus(s·y); acc += t²; s = t/2 + x; n times; the result reused twice per iteration.
        [Differentiable]
        public static double Loop(double x, double y, int n)
        {
            double s = x;
            double acc = 0;
            for (int i = 0; i < n; i++)
            {
                double t = Softplus(s * y);
                acc += t * t;
                s = 0.5 * t + x;
            }

            return acc + s;
        }

        // The same loop, with second derivatives through the user's ReverseTangent.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian | DerivativeKinds.Hessian)]
        public static double LoopH(double x, double y, int n)
        {
            double s = x;
            double acc = 0;
            for (int i = 0; i < n; i++)
            {
                double t = Softplus(s * y);
                acc += t * t;
                s = 0.5 * t + x;
            }

            return acc + s;
        }

        // Quantize(x)·y with the straight-through derivative: (y, Quantize(x)).
        [Differentiable]
        public static double Ste(double x, double y) => Quantize(x) * y;
    }
}
";

        // ----- 2: a derivative in another type of a method of a non-partial static class ----------------------------------

        public const string ErfType = "CustomNumeric.Erf.Normal";

        public const string SpecialType = "CustomNumeric.Erf.Special";

        public const string ErfText = Header + @"
namespace CustomNumeric.Erf
{
    // A 'third-party' class: not partial, no GradGen attribute.
    public static class Special
    {
        // erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·5···(2n+1)): positive terms, no cancellation.
        public static double Erf(double x)
        {
            double x2 = x * x;
            double term = x;
            double sum = x;
            for (int n = 1; n < 500; n++)
            {
                term *= 2 * x2 / (2 * n + 1);
                sum += term;
                if (Math.Abs(term) <= 1e-17 * Math.Abs(sum))
                {
                    break;
                }
            }

            return 2 / Math.Sqrt(Math.PI) * Math.Exp(-x2) * sum;
        }
    }

    public static class ErfDerivatives
    {
        [DerivativeOf(typeof(Special), nameof(Special.Erf))]
        public static (double Value, double Tangent) ErfForward(double x, double dX) =>
            (Special.Erf(x), 2 / Math.Sqrt(Math.PI) * Math.Exp(-x * x) * dX);

        [DerivativeOf(typeof(Special), nameof(Special.Erf))]
        internal static double ErfReverse(double x, double seed, ref double dX)
        {
            dX += seed * 2 / Math.Sqrt(Math.PI) * Math.Exp(-x * x);
            return Special.Erf(x);
        }
    }

    public static partial class Normal
    {
        // Φ((x − μ)/σ)
        [Differentiable]
        public static double Cdf(double x, double mu, double sigma) => 0.5 * (1 + Special.Erf((x - mu) / (sigma * Math.Sqrt(2))));

        // x · Φ((x − μ)/σ): a [Differentiable] method calling one that calls the user's derivative
        [Differentiable]
        public static double Weighted(double x, double mu, double sigma) => x * Cdf(x, mu, sigma);

        // erf(b) − erf(a): two calls, one result negated
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static double Mass(double a, double b) => Special.Erf(b) - Special.Erf(a);
    }
}
";

        // ----- 3: an implicit function (Newton's method in plain code) ----------------------------------------------------

        public const string ImplicitType = "CustomNumeric.Implicit.Cubic";

        public const string ImplicitText = Header + @"
namespace CustomNumeric.Implicit
{
    public static partial class Cubic
    {
        // The real y with y³ + y = a (unique: y³ + y increases), by Newton's method.
        public static double SolveCubic(double a)
        {
            double y = Math.Abs(a) > 1 ? Math.Cbrt(a) : a;
            for (int i = 0; i < 100; i++)
            {
                double step = (y * y * y + y - a) / (3 * y * y + 1);
                y -= step;
                if (Math.Abs(step) <= 1e-16 * Math.Max(1, Math.Abs(y)))
                {
                    break;
                }
            }

            return y;
        }

        // Implicit function theorem: dy/da = 1 / (3y² + 1).
        [DerivativeOf(nameof(SolveCubic))]
        public static (double Value, double Tangent) SolveCubicForward(double a, double dA)
        {
            double y = SolveCubic(a);
            return (y, dA / (3 * y * y + 1));
        }

        [DerivativeOf(nameof(SolveCubic))]
        public static double SolveCubicReverse(double a, double seed, ref double dA)
        {
            double y = SolveCubic(a);
            dA += seed / (3 * y * y + 1);
            return y;
        }

        // y(ab) + b
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static double G(double a, double b) => SolveCubic(a * b) + b;
    }
}
";

        // ----- 4: an instance method with instance derivatives ------------------------------------------------------------

        public const string InstanceType = "CustomNumeric.Instance.Morse";

        public const string InstanceUserType = "CustomNumeric.Instance.Pairs";

        public const string InstanceText = Header + @"
namespace CustomNumeric.Instance
{
    public partial class Morse
    {
        public double Depth = 1.5;
        public double Width = 0.8;
        public double Rest = 1.2;

        // D (1 − e^(−A(r − R)))²
        public double Energy(double r)
        {
            double e = Math.Exp(-Width * (r - Rest));
            return Depth * (1 - e) * (1 - e);
        }

        [DerivativeOf(nameof(Energy))]
        public (double Value, double Tangent) EnergyForward(double r, double dR)
        {
            double e = Math.Exp(-Width * (r - Rest));
            return (Energy(r), 2 * Depth * Width * e * (1 - e) * dR);
        }

        [DerivativeOf(nameof(Energy))]
        public double EnergyReverse(double r, double seed, ref double dR)
        {
            double e = Math.Exp(-Width * (r - Rest));
            dR += seed * 2 * Depth * Width * e * (1 - e);
            return Energy(r);
        }

        // E(x) + y·E(xy) + E(y)
        [Differentiable]
        public double Total(double x, double y) => Energy(x) + y * Energy(x * y) + this.Energy(y);
    }

    public static partial class Pairs
    {
        // 2·m.E(x − y): the user's instance derivatives called on a receiver that is a parameter (constant data: a
        // class with double fields is not differentiated, GG0019, so it is marked [NoDerivative])
        [Differentiable]
        public static double Pair([NoDerivative] Morse m, double x, double y) => 2 * m.Energy(x - y);
    }
}
";

        // ----- 5: an array parameter (Forward ReadOnlySpan, Reverse Span, ReverseTangent) -----------------------------------

        public const string ArrayType = "CustomNumeric.Arrays.Soft";

        public const string ArrayText = Header + @"
namespace CustomNumeric.Arrays
{
    public static partial class Soft
    {
        // log Σ e^(z_i), shifted by the maximum: no overflow
        public static double LogSumExp(double[] z)
        {
            double m = double.NegativeInfinity;
            for (int i = 0; i < z.Length; i++)
            {
                if (z[i] > m)
                {
                    m = z[i];
                }
            }

            double s = 0;
            for (int i = 0; i < z.Length; i++)
            {
                s += Math.Exp(z[i] - m);
            }

            return m + Math.Log(s);
        }

        public static double[] Softmax(double[] z)
        {
            double l = LogSumExp(z);
            var p = new double[z.Length];
            for (int i = 0; i < z.Length; i++)
            {
                p[i] = Math.Exp(z[i] - l);
            }

            return p;
        }

        [DerivativeOf(nameof(LogSumExp))]
        public static (double Value, double Tangent) LogSumExpForward(double[] z, ReadOnlySpan<double> dZ)
        {
            var p = Softmax(z);
            double t = 0;
            for (int i = 0; i < z.Length; i++)
            {
                t += p[i] * dZ[i];
            }

            return (LogSumExp(z), t);
        }

        [DerivativeOf(nameof(LogSumExp))]
        public static double LogSumExpReverse(double[] z, double seed, Span<double> dZ)
        {
            var p = Softmax(z);
            for (int i = 0; i < z.Length; i++)
            {
                dZ[i] += seed * p[i];
            }

            return LogSumExp(z);
        }

        // d(seed·p) along (vZ, vSeed) = vSeed·p + seed·(diag(p) − p pᵀ)·vZ
        [DerivativeOf(nameof(LogSumExp))]
        public static double LogSumExpReverseTangent(double[] z, double seed, Span<double> dZ, ReadOnlySpan<double> vZ, double vSeed, Span<double> hvZ)
        {
            var p = Softmax(z);
            double pv = 0;
            for (int i = 0; i < z.Length; i++)
            {
                pv += p[i] * vZ[i];
            }

            for (int i = 0; i < z.Length; i++)
            {
                dZ[i] += seed * p[i];
                hvZ[i] += vSeed * p[i] + seed * p[i] * (vZ[i] - pv);
            }

            return LogSumExp(z);
        }

        // lse(x)
        [Differentiable]
        public static double Direct(double[] x) => LogSumExp(x);

        // lse(2x) + c·x₀, through a local array
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static double Scaled(double[] x, double c)
        {
            var w = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                w[i] = 2 * x[i];
            }

            return LogSumExp(w) + c * x[0];
        }

        // lse(2x) + x₀²/2
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian | DerivativeKinds.Hessian)]
        public static double Curved(double[] x)
        {
            var w = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                w[i] = 2 * x[i];
            }

            return LogSumExp(w) + 0.5 * x[0] * x[0];
        }
    }
}
";

        // ----- 6: a tuple-valued target ------------------------------------------------------------------------------------

        public const string TupleType = "CustomNumeric.Tuples.Frames";

        public const string TupleText = Header + @"
namespace CustomNumeric.Tuples
{
    public static partial class Frames
    {
        public static (double X, double Y) Polar(double r, double t) => (r * Math.Cos(t), r * Math.Sin(t));

        [DerivativeOf(nameof(Polar))]
        public static ((double X, double Y) Value, (double X, double Y) Tangent) PolarForward(double r, double t, double dR, double dT)
        {
            double c = Math.Cos(t), s = Math.Sin(t);
            return ((r * c, r * s), (c * dR - r * s * dT, s * dR + r * c * dT));
        }

        [DerivativeOf(nameof(Polar))]
        public static (double X, double Y) PolarReverse(double r, double t, (double X, double Y) seed, ref double dR, ref double dT)
        {
            double c = Math.Cos(t), s = Math.Sin(t);
            dR += seed.X * c + seed.Y * s;
            dT += -seed.X * r * s + seed.Y * r * c;
            return (r * c, r * s);
        }

        // (x², x + y) with (x, y) = Polar(r, t)
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static (double, double) P(double r, double t)
        {
            var (x, y) = Polar(r, t);
            return (x * x, x + y);
        }

        // Polar(r, t).X · t
        [Differentiable]
        public static double Px(double r, double t) => Polar(r, t).X * t;

        // |Polar(r, t)|² = r²
        [Differentiable]
        public static double Norm2(double r, double t)
        {
            var p = Polar(r, t);
            return p.X * p.X + p.Y * p.Y;
        }
    }
}
";

        // ----- 8: float ----------------------------------------------------------------------------------------------------

        public const string FloatType = "CustomNumeric.Single.ActF";

        public const string FloatText = Header + @"
namespace CustomNumeric.Single
{
    public static partial class ActF
    {
        public static float Softplus(float x) => x > 0 ? x + MathF.Log(1 + MathF.Exp(-x)) : MathF.Log(1 + MathF.Exp(x));

        public static float Sigmoid(float x)
        {
            if (x >= 0)
            {
                return 1 / (1 + MathF.Exp(-x));
            }

            float e = MathF.Exp(x);
            return e / (1 + e);
        }

        [DerivativeOf(nameof(Softplus))]
        public static (float Value, float Tangent) SoftplusForward(float x, float dX) => (Softplus(x), Sigmoid(x) * dX);

        [DerivativeOf(nameof(Softplus))]
        public static float SoftplusReverse(float x, float seed, ref float dX)
        {
            dX += seed * Sigmoid(x);
            return Softplus(x);
        }

        // softplus(xy) + y²
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static float F(float x, float y) => Softplus(x * y) + y * y;
    }
}
";

        // ----- 9: [NoDerivative] and int parameters of the target ----------------------------------------------------------

        public const string PassiveType = "CustomNumeric.Passive.Lib";

        public const string PassiveText = Header + @"
namespace CustomNumeric.Passive
{
    public static partial class Lib
    {
        // s · tanh(x): derivatives in x only
        public static double Scale(double x, [NoDerivative] double s) => s * Math.Tanh(x);

        [DerivativeOf(nameof(Scale))]
        public static (double Value, double Tangent) ScaleForward(double x, double s, double dX)
        {
            double t = Math.Tanh(x);
            return (s * t, s * (1 - t * t) * dX);
        }

        [DerivativeOf(nameof(Scale))]
        public static double ScaleReverse(double x, double s, double seed, ref double dX)
        {
            double t = Math.Tanh(x);
            dX += seed * s * (1 - t * t);
            return s * t;
        }

        // xⁿ by repeated products: an int parameter has no derivative
        public static double PowN(double x, int n)
        {
            double r = 1;
            for (int i = 0; i < n; i++)
            {
                r *= x;
            }

            return r;
        }

        [DerivativeOf(nameof(PowN))]
        public static (double Value, double Tangent) PowNForward(double x, int n, double dX) =>
            (PowN(x, n), n == 0 ? 0 : n * PowN(x, n - 1) * dX);

        [DerivativeOf(nameof(PowN))]
        public static double PowNReverse(double x, int n, double seed, ref double dX)
        {
            if (n > 0)
            {
                dX += seed * n * PowN(x, n - 1);
            }

            return PowN(x, n);
        }

        // 2.5·tanh(xy) − 0.5·tanh(y): constants for the [NoDerivative] parameter
        [Differentiable]
        public static double UsesScale(double x, double y) => Scale(x * y, 2.5) + Scale(y, -0.5);

        // k·tanh(x²)·x: a [NoDerivative] parameter of the caller for the [NoDerivative] parameter of the target
        [Differentiable]
        public static double ScaleByParameter(double x, [NoDerivative] double k) => Scale(x * x, k) * x;

        // (x + y)ⁿ + y³
        [Differentiable]
        public static double UsesPowN(double x, double y, int n) => PowN(x + y, n) + PowN(y, 3);
    }
}
";

        // ----- 11: calls that carry no derivative need none -----------------------------------------------------------------

        public const string InactiveType = "CustomNumeric.Inactive.Uses";

        public const string InactiveText = Header + @"
namespace CustomNumeric.Inactive
{
    public static class Helpers
    {
        // Plain methods: no [Differentiable], no [DerivativeOf].
        public static double Helper(double c) => c * c + 1;

        public static int Twice(int n) => 2 * n;
    }

    public static partial class Uses
    {
        // Helper(3)·x + Helper(n)·x² + Twice(n) = 10x + (n² + 1)x² + 2n
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian | DerivativeKinds.Hessian)]
        public static double Inactive(double x, int n) => Helpers.Helper(3.0) * x + Helpers.Helper(n) * x * x + Helpers.Twice(n);

        // c = Helper(2) = 5 in a local; c·x·sin(y)
        [Differentiable]
        public static double InactiveLocal(double x, double y)
        {
            double c = Helpers.Helper(2.0);
            return c * x * Math.Sin(y);
        }
    }
}
";

        // ----- more shapes: an array-valued target, a matrix parameter, a span parameter ------------------------------------

        public const string ShapesType = "CustomNumeric.Shapes.Ops";

        public const string ShapesText = Header + @"
namespace CustomNumeric.Shapes
{
    public static partial class Ops
    {
        // z² element by element: an array-valued target (Forward returns arrays, Reverse takes a ReadOnlySpan seed)
        public static double[] Sq(double[] z)
        {
            var r = new double[z.Length];
            for (int i = 0; i < z.Length; i++)
            {
                r[i] = z[i] * z[i];
            }

            return r;
        }

        [DerivativeOf(nameof(Sq))]
        public static (double[] Value, double[] Tangent) SqForward(double[] z, ReadOnlySpan<double> dZ)
        {
            var t = new double[z.Length];
            for (int i = 0; i < z.Length; i++)
            {
                t[i] = 2 * z[i] * dZ[i];
            }

            return (Sq(z), t);
        }

        [DerivativeOf(nameof(Sq))]
        public static double[] SqReverse(double[] z, ReadOnlySpan<double> seed, Span<double> dZ)
        {
            for (int i = 0; i < z.Length; i++)
            {
                dZ[i] += 2 * z[i] * seed[i];
            }

            return Sq(z);
        }

        // Σ m_ii²: a matrix parameter (tangent and adjoint are matrices)
        public static double DiagSq(double[,] m)
        {
            double t = 0;
            for (int i = 0; i < Math.Min(m.GetLength(0), m.GetLength(1)); i++)
            {
                t += m[i, i] * m[i, i];
            }

            return t;
        }

        [DerivativeOf(nameof(DiagSq))]
        public static (double Value, double Tangent) DiagSqForward(double[,] m, double[,] dM)
        {
            double t = 0;
            for (int i = 0; i < Math.Min(m.GetLength(0), m.GetLength(1)); i++)
            {
                t += 2 * m[i, i] * dM[i, i];
            }

            return (DiagSq(m), t);
        }

        [DerivativeOf(nameof(DiagSq))]
        public static double DiagSqReverse(double[,] m, double seed, double[,] dM)
        {
            for (int i = 0; i < Math.Min(m.GetLength(0), m.GetLength(1)); i++)
            {
                dM[i, i] += 2 * m[i, i] * seed;
            }

            return DiagSq(m);
        }

        // Σ z_i²: a ReadOnlySpan parameter
        public static double Sum2(ReadOnlySpan<double> z)
        {
            double t = 0;
            for (int i = 0; i < z.Length; i++)
            {
                t += z[i] * z[i];
            }

            return t;
        }

        [DerivativeOf(nameof(Sum2))]
        public static (double Value, double Tangent) Sum2Forward(ReadOnlySpan<double> z, ReadOnlySpan<double> dZ)
        {
            double t = 0;
            for (int i = 0; i < z.Length; i++)
            {
                t += 2 * z[i] * dZ[i];
            }

            return (Sum2(z), t);
        }

        [DerivativeOf(nameof(Sum2))]
        public static double Sum2Reverse(ReadOnlySpan<double> z, double seed, Span<double> dZ)
        {
            for (int i = 0; i < z.Length; i++)
            {
                dZ[i] += 2 * z[i] * seed;
            }

            return Sum2(z);
        }

        // Σ (i + 1)·x_i²
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static double WeightedSquares(double[] x)
        {
            var s = Sq(x);
            double t = 0;
            for (int i = 0; i < s.Length; i++)
            {
                t += s[i] * (i + 1);
            }

            return t;
        }

        // c·x² element by element: an array-valued caller
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static double[] Squares(double[] x, double c)
        {
            var s = Sq(x);
            var r = new double[s.Length];
            for (int i = 0; i < s.Length; i++)
            {
                r[i] = c * s[i];
            }

            return r;
        }

        // s·Σ m_ii²
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static double Diagonal(double[,] m, double s) => DiagSq(m) * s;

        // x₀·Σ x_i², an array passed for a span
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static double SpanOfArray(double[] x) => Sum2(x) * x[0];

        // Σ x_i²/2 + x₀, a span passed on
        [Differentiable]
        public static double SpanOfSpan(ReadOnlySpan<double> x) => 0.5 * Sum2(x) + x[0];
    }
}
";

        // ----- more second order: a two-parameter ReverseTangent, control flow, float, instance ----------------------------

        public const string SecondType = "CustomNumeric.Second.Lse2";

        public const string SecondFloatType = "CustomNumeric.Second.FloatH";

        public const string SecondInstanceType = "CustomNumeric.Second.Growth";

        public const string SecondText = Header + @"
namespace CustomNumeric.Second
{
    public static partial class Lse2
    {
        // log(e^a + e^b), shifted: no overflow
        public static double LogAdd(double a, double b)
        {
            double m = Math.Max(a, b);
            return m + Math.Log(Math.Exp(a - m) + Math.Exp(b - m));
        }

        [DerivativeOf(nameof(LogAdd))]
        public static (double Value, double Tangent) LogAddForward(double a, double b, double dA, double dB)
        {
            double l = LogAdd(a, b), p = Math.Exp(a - l), q = Math.Exp(b - l);
            return (l, p * dA + q * dB);
        }

        [DerivativeOf(nameof(LogAdd))]
        public static double LogAddReverse(double a, double b, double seed, ref double dA, ref double dB)
        {
            double l = LogAdd(a, b), p = Math.Exp(a - l), q = Math.Exp(b - l);
            dA += seed * p;
            dB += seed * q;
            return l;
        }

        // ∇ = (p, q), ∇² = pq·[[1, −1], [−1, 1]]
        [DerivativeOf(nameof(LogAdd))]
        public static double LogAddReverseTangent(double a, double b, double seed, ref double dA, ref double dB, double vA, double vB, double vSeed, ref double hvA, ref double hvB)
        {
            double l = LogAdd(a, b), p = Math.Exp(a - l), q = Math.Exp(b - l);
            dA += seed * p;
            dB += seed * q;
            double w = p * q * (vA - vB);
            hvA += vSeed * p + seed * w;
            hvB += vSeed * q - seed * w;
            return l;
        }

        // L(xy, L(x, y)) + sin(x)·L(y, 0.5): nested calls, a constant argument
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian | DerivativeKinds.Hessian)]
        public static double Nested(double x, double y) => LogAdd(x * y, LogAdd(x, y)) + Math.Sin(x) * LogAdd(y, 0.5);

        // a branch and a loop around the calls
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian | DerivativeKinds.Hessian)]
        public static double Branches(double x, double y)
        {
            if (x > 0)
            {
                return LogAdd(x, y) * x;
            }

            double s = 0;
            for (int i = 0; i < 3; i++)
            {
                s += LogAdd(s, x * y);
            }

            return s;
        }

        // r_i = L(x_i, x_(i+1) mod n): an array-valued caller
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static double[] Pairwise(double[] x)
        {
            var r = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                r[i] = LogAdd(x[i], x[(i + 1) % x.Length]);
            }

            return r;
        }
    }

    public static partial class FloatH
    {
        public static float Softplus(float x) => x > 0 ? x + MathF.Log(1 + MathF.Exp(-x)) : MathF.Log(1 + MathF.Exp(x));

        private static float Sigmoid(float x) => x >= 0 ? 1 / (1 + MathF.Exp(-x)) : MathF.Exp(x) / (1 + MathF.Exp(x));

        [DerivativeOf(nameof(Softplus))]
        public static (float Value, float Tangent) SoftplusForward(float x, float dX) => (Softplus(x), Sigmoid(x) * dX);

        [DerivativeOf(nameof(Softplus))]
        public static float SoftplusReverse(float x, float seed, ref float dX)
        {
            dX += seed * Sigmoid(x);
            return Softplus(x);
        }

        [DerivativeOf(nameof(Softplus))]
        public static float SoftplusReverseTangent(float x, float seed, ref float dX, float vX, float vSeed, ref float hvX)
        {
            float s = Sigmoid(x);
            dX += seed * s;
            hvX += vSeed * s + seed * s * (1 - s) * vX;
            return Softplus(x);
        }

        // softplus(xy) + x²
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian | DerivativeKinds.Hessian)]
        public static float H(float x, float y) => Softplus(x * y) + x * x;
    }

    public partial class Growth
    {
        public double K = 2;

        // K·e^x
        public double E(double x) => K * Math.Exp(x);

        [DerivativeOf(nameof(E))]
        public (double Value, double Tangent) EForward(double x, double dX) => (E(x), E(x) * dX);

        [DerivativeOf(nameof(E))]
        public double EReverse(double x, double seed, ref double dX)
        {
            dX += seed * E(x);
            return E(x);
        }

        [DerivativeOf(nameof(E))]
        public double EReverseTangent(double x, double seed, ref double dX, double vX, double vSeed, ref double hvX)
        {
            double e = E(x);
            dX += seed * e;
            hvX += vSeed * e + seed * e * vX;
            return e;
        }

        // K·e^(xy) + y
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian | DerivativeKinds.Hessian)]
        public double H(double x, double y) => E(x * y) + y;
    }
}
";

        // ----- more call sites: nesting, branches, single kinds, elements, nested types -----------------------------------

        public const string CallsType = "CustomNumeric.Calls.A";

        public const string CallsInnerType = "CustomNumeric.Calls.A+Inner";

        public const string CallsOtherType = "CustomNumeric.Calls.B";

        public const string CallsText = Header + @"
namespace CustomNumeric.Calls
{
    public static partial class A
    {
        public static double Sp(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));

        [DerivativeOf(nameof(Sp))]
        public static (double Value, double Tangent) SpForward(double x, double dX) => (Sp(x), dX / (1 + Math.Exp(-x)));

        [DerivativeOf(nameof(Sp))]
        public static double SpReverse(double x, double seed, ref double dX)
        {
            dX += seed / (1 + Math.Exp(-x));
            return Sp(x);
        }

        // sp(sp(x))·exp(sp(−x)): a call's result as another call's argument
        [Differentiable]
        public static double Nested(double x) => Sp(Sp(x)) * Math.Exp(Sp(-x));

        // x > y ? sp(x − y) : 2·sp(y − x)
        [Differentiable]
        public static double Cond(double x, double y) => x > y ? Sp(x - y) : Sp(y - x) * 2;

        // sp(3x), Forward only: needs only the user's Forward
        [Differentiable(Kinds = DerivativeKinds.Forward)]
        public static double OnlyForward(double x) => Sp(3 * x);

        // sp(3x), Reverse only: needs only the user's Reverse
        [Differentiable(Kinds = DerivativeKinds.Reverse)]
        public static double OnlyReverse(double x) => Sp(3 * x);

        // Σ sp(x_i)·x_i: array elements as arguments
        [Differentiable]
        public static double Elementwise(double[] x)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                s += Sp(x[i]) * x[i];
            }

            return s;
        }

        // sp(k)·x + sp(x): one inactive call (on a [NoDerivative] parameter), one active
        [Differentiable]
        public static double ConstantArgument(double x, [NoDerivative] double k) => Sp(k) * x + Sp(x);

        public static partial class Inner
        {
            // sp(x)·x from a nested type
            [Differentiable]
            public static double G(double x) => Sp(x) * x;
        }
    }

    public static class Outer
    {
        public static class In
        {
            public static double Cube(double x) => x * x * x;
        }
    }

    public static class OuterDerivatives
    {
        [DerivativeOf(typeof(Outer.In), nameof(Outer.In.Cube))]
        public static (double Value, double Tangent) CubeForward(double x, double dX) => (x * x * x, 3 * x * x * dX);

        [DerivativeOf(typeof(Outer.In), nameof(Outer.In.Cube))]
        public static double CubeReverse(double x, double seed, ref double dX)
        {
            dX += 3 * x * x * seed;
            return x * x * x;
        }
    }

    public static partial class B
    {
        // x³ + sp(x): a target in a nested type of a non-partial class, and one in another partial type
        [Differentiable]
        public static double G(double x) => Outer.In.Cube(x) + A.Sp(x);
    }
}
";

        // ----- loading ---------------------------------------------------------------------------------------------------

        /// <summary>Name -> source text, for the compile-level checks.</summary>
        public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>
        {
            ["Softplus"] = SoftplusText,
            ["Erf"] = ErfText,
            ["Implicit"] = ImplicitText,
            ["Instance"] = InstanceText,
            ["Arrays"] = ArrayText,
            ["Tuples"] = TupleText,
            ["Float"] = FloatText,
            ["Passive"] = PassiveText,
            ["Inactive"] = InactiveText,
            ["Shapes"] = ShapesText,
            ["Second"] = SecondText,
            ["Calls"] = CallsText,
        };

        private static readonly Dictionary<string, Lazy<LoadedSource>> Loaded = new();

        /// <summary>The source <paramref name="name"/> (a key of <see cref="All"/>), compiled with the generator and loaded once.</summary>
        public static LoadedSource Load(string name)
        {
            Lazy<LoadedSource> lazy;
            lock (Loaded)
            {
                if (!Loaded.TryGetValue(name, out lazy!))
                {
                    var text = All[name];
                    lazy = new Lazy<LoadedSource>(() => GeneratorHarness.CompileAndLoad(text, "CustomNumeric_" + name));
                    Loaded[name] = lazy;
                }
            }

            return lazy.Value;
        }
    }
}
