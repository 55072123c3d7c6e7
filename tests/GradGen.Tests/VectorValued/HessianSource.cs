using System;
using GradGen.Tests.Infrastructure;

namespace GradGen.Tests.VectorValued
{
    /// <summary>
    /// Test sources "Hessians_double" / "Hessians_float": [Differentiable(Kinds = DerivativeKinds.Hessian)] methods of
    /// scalars, arrays and matrices: e^{xy}, Rosenbrock, xᵀBx + e^{x₀} with B [NoDerivative], vᵀMv, Math functions,
    /// loops that rewrite arrays (recorded on the tape), branches, tuples inside, and calls to other Hessian-kind methods.
    /// </summary>
    public static class HessianSource
    {
        public const string Template = @"
namespace VectorValued.Hessians
{
    public static partial class Hess_real
    {
        // e^{xy}
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real ExpOfProduct(real x, real y) => MathR.Exp(x * y);

        // (1 − x)² + 100(y − x²)²
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real Rosenbrock(real x, real y) => (1r - x) * (1r - x) + 100r * (y - x * x) * (y - x * x);

        // xᵀBx + e^{x₀}, B constant
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real QuadraticForm(real[] x, [NoDerivative] real[,] b)
        {
            real s = 0r;
            for (int i = 0; i < x.Length; i++)
                for (int j = 0; j < x.Length; j++)
                    s += x[i] * b[i, j] * x[j];
            return s + MathR.Exp(x[0]);
        }

        // vᵀMv over M and v
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real Bilinear(real[,] m, real[] v)
        {
            real s = 0r;
            for (int i = 0; i < v.Length; i++)
                for (int j = 0; j < v.Length; j++)
                    s += v[i] * m[i, j] * v[j];
            return s;
        }

        // s·m₀₁·m₁₀ + s²·m₀₀: a scalar and a matrix
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real ScalarAndMatrix(real s, real[,] m) => s * m[0, 1] * m[1, 0] + s * s * m[0, 0];

        // sweeps of w[i] = tanh(w[i] + w[i−1]·w[i]/2) over a copy, then Σ (i+1)·wᵢ²: an array rewritten in loops
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real Smoothing(real[] x, int sweeps)
        {
            var w = new real[x.Length];
            for (int i = 0; i < x.Length; i++)
                w[i] = x[i];
            for (int s = 0; s < sweeps; s++)
                for (int i = 1; i < w.Length; i++)
                    w[i] = MathR.Tanh(w[i] + 0.5r * w[i - 1] * w[i]);
            real e = 0r;
            for (int i = 0; i < w.Length; i++)
                e += w[i] * w[i] * (i + 1);
            return e;
        }

        // log Σⱼ (1 + Σᵢ tanh(uᵢ)·uᵢ), u = mⱼ∘x: two scratch vectors per component, recorded together
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real TwoScratch(real[] x, real[] m)
        {
            int d = x.Length;
            real[] u = new real[d];
            real[] t = new real[d];
            real s = 0r;
            for (int j = 0; j < m.Length / d; j++)
            {
                for (int i = 0; i < d; i++)
                    u[i] = m[j * d + i] * x[i];
                for (int i = 0; i < d; i++)
                    t[i] = MathR.Tanh(u[i]);
                real q = 1r;
                for (int i = 0; i < d; i++)
                    q += t[i] * u[i];
                s += q;
            }
            return MathR.Log(s);
        }

        // passes over components, a scratch vector and a recurrence per component: one reservation for the whole nest
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real Nest(real[] x, real[] m)
        {
            int d = x.Length;
            real[] u = new real[d];
            real s = 0.1r;
            for (int p = 0; p < 2; p++)
            {
                for (int j = 0; j < m.Length / d; j++)
                {
                    for (int i = 0; i < d; i++)
                        u[i] = MathR.Sin(m[j * d + i] * x[i] + s);
                    for (int i = 0; i < d; i++)
                        s = MathR.Tanh(s + u[i] * x[i]);
                }
            }
            return s;
        }

        // a scalar overwritten in a loop with a branch: p ← p·x + y or p ← sin(p)·y
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real Recurrence(real x, real y, int n)
        {
            real p = x;
            for (int i = 0; i < n; i++)
            {
                if (i % 3 == 2)
                    p = MathR.Sin(p) * y;
                else
                    p = p * x + y;
            }

            return p;
        }

        // sin(a)·b²
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real Inner(real a, real b) => MathR.Sin(a) * b * b;

        // Inner(xy, x)
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real CallsInner(real x, real y) => Inner(x * y, x);

        // Inner(xy, x)² + Inner(y, x + y)
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real Outer(real x, real y)
        {
            real u = Inner(x * y, x);
            return u * u + Inner(y, x + y);
        }

        // Σᵢ Inner(xᵢ, xᵢ₊₁): a Hessian-kind callee in a loop
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real CallsInLoop(real[] x)
        {
            real s = 0r;
            for (int i = 0; i + 1 < x.Length; i++)
                s += Inner(x[i], x[i + 1]);
            return s;
        }

        // Σ xᵢ³
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real SumOfCubes(real[] x)
        {
            real s = 0r;
            foreach (var e in x)
                s += e * e * e;
            return s;
        }

        // x₀·Σ xᵢ³: an array callee
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real CallsArrayCallee(real[] x) => SumOfCubes(x) * x[0];

        // xy(x + y) + xy·sin(x + y), through tuples
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real TupleInside(real x, real y)
        {
            var (a, b) = (x * y, x + y);
            var p = (a * b, b);
            return p.Item1 + MathR.Sin(p.Item2) * a;
        }

        // x²y above the diagonal, eˣy below
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real Piecewise(real x, real y)
        {
            if (x > y)
                return x * x * y;
            return MathR.Exp(x) * y;
        }

        // g(0.7x − 0.4y + 1.3) for Math functions g
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real GExp(real x, real y) => MathR.Exp(0.7r * x - 0.4r * y + 1.3r);
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real GLog(real x, real y) => MathR.Log(0.7r * x - 0.4r * y + 1.3r);
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real GSin(real x, real y) => MathR.Sin(0.7r * x - 0.4r * y + 1.3r);
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real GCos(real x, real y) => MathR.Cos(0.7r * x - 0.4r * y + 1.3r);
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real GTan(real x, real y) => MathR.Tan(0.7r * x - 0.4r * y + 1.3r);
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real GTanh(real x, real y) => MathR.Tanh(0.7r * x - 0.4r * y + 1.3r);
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real GSqrt(real x, real y) => MathR.Sqrt(0.7r * x - 0.4r * y + 1.3r);
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real GAtan(real x, real y) => MathR.Atan(0.7r * x - 0.4r * y + 1.3r);
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real GCbrt(real x, real y) => MathR.Cbrt(0.7r * x - 0.4r * y + 1.3r);
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real GPowConst(real x, real y) => MathR.Pow(0.7r * x - 0.4r * y + 1.3r, 3.5r);
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real GReciprocal(real x, real y) => 1r / (0.7r * x - 0.4r * y + 1.3r);

        // g(0.3x + 0.2y + 0.1) for Math functions whose argument must stay in (0, 1)
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real GAsin(real x, real y) => MathR.Asin(0.3r * x + 0.2r * y + 0.1r);
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real GAcos(real x, real y) => MathR.Acos(0.3r * x + 0.2r * y + 0.1r);
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real GSinh(real x, real y) => MathR.Sinh(0.3r * x + 0.2r * y + 0.1r);
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real GCosh(real x, real y) => MathR.Cosh(0.3r * x + 0.2r * y + 0.1r);
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real GLog2(real x, real y) => MathR.Log2(0.3r * x + 0.2r * y + 0.1r);
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real GLog10(real x, real y) => MathR.Log10(0.3r * x + 0.2r * y + 0.1r);
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real GLogBase(real x, real y) => MathR.Log(0.3r * x + 0.2r * y + 0.1r, 3r);

        // FusedMultiplyAdd(x, y, x²) = xy + x²
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real Fma(real x, real y) => MathR.FusedMultiplyAdd(x, y, x * x);

        // |xy|·x + max(x², y)·y²: piecewise, away from the kinks
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real AbsMax(real x, real y) => MathR.Abs(x * y) * x + MathR.Max(x * x, y) * y * y;

        // Σ sin³(xᵢ) + sin(x₀)·x₁: a Hessian-kind callee on a new local array
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real CallsWithLocalArray(real[] x)
        {
            var w = new real[x.Length];
            for (int i = 0; i < x.Length; i++)
                w[i] = MathR.Sin(x[i]);
            return SumOfCubes(w) + w[0] * x[1];
        }

        // a Hessian-kind callee on array elements that are overwritten later in the loop, and a running sum
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real TapeStress(real[] x, int n)
        {
            var w = new real[x.Length];
            for (int i = 0; i < x.Length; i++)
                w[i] = x[i];
            real s = 0r;
            for (int k = 0; k < n; k++)
                for (int i = 0; i < w.Length; i++)
                {
                    s += Inner(w[i], s * 0.1r + 1r);
                    w[i] = w[i] * 0.9r + MathR.Sin(s) * 0.1r;
                }

            return s + w[0] * w[w.Length - 1];
        }

        // a while loop with continue and break
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real WhileBreak(real x, real y)
        {
            real p = x;
            int i = 0;
            while (true)
            {
                i++;
                if (i % 2 == 0)
                    continue;
                p = p * y + MathR.Sin(p);
                if (i > 6)
                    break;
            }

            return p;
        }

        // compound assignments and a conditional expression
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real Compound(real x, real y)
        {
            real a = x;
            a *= y;
            a /= 1r + x * x;
            a += x > y ? x * y : y * y;
            a -= MathR.Sqrt(x * x + 1r);
            return a;
        }

        // sin(xy)·x computed in double and cast back
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real CastRoundTrip(real x, real y) => (real)Math.Sin((double)x * (double)y) * x;

        // x^y
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real Pow(real x, real y) => MathR.Pow(x, y);

        // atan2(y, x)
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static real Atan2(real x, real y) => MathR.Atan2(y, x);

        // all of them at once
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real MathMix(real x, real y) =>
            MathR.Exp(x) * MathR.Log(y) + MathR.Sin(x * y) + MathR.Tanh(x - y) + MathR.Sqrt(x * x + y * y) + MathR.Pow(y, x) + MathR.Atan2(y, x);
    }
}
";

        public static string Text(Precision precision) => SourceTemplate.One(Template, precision);

        public static readonly Lazy<LoadedSource> Double = new Lazy<LoadedSource>(() => GeneratorHarness.CompileAndLoad(Text(Precision.Double), "Hessians_double"));

        public static readonly Lazy<LoadedSource> Float = new Lazy<LoadedSource>(() => GeneratorHarness.CompileAndLoad(Text(Precision.Float), "Hessians_float"));

        public static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        public const string HessType = "VectorValued.Hessians.Hess_real";
    }
}
