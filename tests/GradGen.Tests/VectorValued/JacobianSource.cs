using System;
using GradGen.Tests.Infrastructure;

namespace GradGen.Tests.VectorValued
{
    /// <summary>
    /// Test sources "Jacobians_double" / "Jacobians_float": [Differentiable(Kinds = DerivativeKinds.Jacobian)] methods
    /// with tuple, array and scalar results, with more inputs than outputs (reverse rows) and fewer (forward columns),
    /// fixed or known only at run time, scalar, array and matrix inputs, [NoDerivative] and pass-through parameters,
    /// calls to other Jacobian-kind methods, loops and branches.
    /// </summary>
    public static class JacobianSource
    {
        public const string Template = @"
namespace VectorValued.Jacobians
{
    public static partial class Jac_real
    {
        private static readonly real[,] A0 = { { 1.5r, -2r }, { 0.5r, 3r }, { -1r, 0.25r } };

        // (x² + y, sin x): 2 × 2
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real A, real B) SquarePlusSine(real x, real y) => (x * x + y, MathR.Sin(x));

        // (x² + 3xy, 2x + y)
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real, real) Quadratic(real x, real y) => (x * x + 3r * x * y, 2r * x + y);

        // 2 inputs, 3 outputs: forward columns
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real, real, real) TwoToThree(real x, real y) => (x * y, MathR.Exp(x) + y, MathR.Sin(x * y));

        // 3 inputs, 2 outputs: reverse rows
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real, real) ThreeToTwo(real x, real y, real z) => (x * y * z, x + y * y + MathR.Cos(z));

        // spherical to Cartesian coordinates
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real X, real Y, real Z) Spherical(real r, real theta, real phi)
        {
            real s = MathR.Sin(theta);
            return (r * s * MathR.Cos(phi), r * s * MathR.Sin(phi), r * MathR.Cos(theta));
        }

        // A·x with A [NoDerivative]: the Jacobian is A
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static real[] MatVecNoDerivative([NoDerivative] real[,] a, real[] x)
        {
            var r = new real[a.GetLength(0)];
            for (int i = 0; i < r.Length; i++)
                for (int j = 0; j < x.Length; j++)
                    r[i] += a[i, j] * x[j];
            return r;
        }

        // A0·x with A0 a static field (a constant): the Jacobian is A0
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static real[] MatVecField(real[] x)
        {
            var r = new real[3];
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 2; j++)
                    r[i] += A0[i, j] * x[j];
            return r;
        }

        // A·x, both differentiable
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static real[] MatVecBoth(real[,] a, real[] x)
        {
            var r = new real[a.GetLength(0)];
            for (int i = 0; i < r.Length; i++)
                for (int j = 0; j < x.Length; j++)
                    r[i] += a[i, j] * x[j];
            return r;
        }

        // n inputs, 2n outputs: (xᵢ²; sin xᵢ · x₍ᵢ₊₁₎ mod n)
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static real[] Expand(real[] x)
        {
            int n = x.Length;
            var r = new real[2 * n];
            for (int i = 0; i < n; i++)
            {
                r[i] = x[i] * x[i];
                r[n + i] = MathR.Sin(x[i]) * x[(i + 1) % n];
            }

            return r;
        }

        // n inputs, n − 1 outputs: xᵢ·xᵢ₊₁
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static real[] Pairwise(real[] x)
        {
            var r = new real[x.Length > 0 ? x.Length - 1 : 0];
            for (int i = 0; i < r.Length; i++)
                r[i] = x[i] * x[i + 1];
            return r;
        }

        // Pairwise(Expand(x)): array-valued Jacobian-kind callees
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static real[] ComposeArrays(real[] x)
        {
            real[] e = Expand(x);
            return Pairwise(e);
        }

        // Σⱼ Mᵢⱼ² per row: a matrix input
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static real[] RowSums(real[,] m)
        {
            var r = new real[m.GetLength(0)];
            for (int i = 0; i < r.Length; i++)
                for (int j = 0; j < m.GetLength(1); j++)
                    r[i] += m[i, j] * m[i, j];
            return r;
        }

        // (Σ sin xᵢ, Σ xᵢ²): 2 outputs, n known at run time
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real, real) Moments(real[] x)
        {
            real s = 0r, q = 0r;
            for (int i = 0; i < x.Length; i++)
            {
                s += MathR.Sin(x[i]);
                q += x[i] * x[i];
            }

            return (s, q);
        }

        // (trace, determinant) of a 2 × 2 matrix
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real Trace, real Det) TraceDet(real[,] m) => (m[0, 0] + m[1, 1], m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0]);

        // a scalar result: the 1 × n Jacobian is the gradient
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static real Scalar(real x, real[] v)
        {
            real s = 0r;
            foreach (var e in v)
                s += e * e;
            return x * s + MathR.Sin(x);
        }

        // calls to other Jacobian-kind methods, tuple-valued
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real, real, real) Compose(real x, real y)
        {
            var (u, v) = SquarePlusSine(x, y);
            var s = Spherical(u, v, x);
            return (s.X * v, s.Y + u, s.Z);
        }

        // pass-through and [NoDerivative] parameters between the differentiable ones
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real, real) WithPassive(real x, int k, [NoDerivative] real c, real y) => (k * x + c * y * y, x * y * c);

        // running products or sums, chosen per element: a loop with a branch
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static real[] Cumulative(real[] x)
        {
            var r = new real[x.Length];
            r[0] = x[0];
            for (int i = 1; i < x.Length; i++)
            {
                if (x[i] > 0r)
                    r[i] = r[i - 1] * x[i];
                else
                    r[i] = r[i - 1] + x[i];
            }

            return r;
        }

        // 7 outputs (Σ xᵏ/k, k = 1..7) of n inputs: a 7-element seed per reverse row
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real, real, real, real, real, real, real) SevenOfArray(real[] x)
        {
            real a1 = 0r, a2 = 0r, a3 = 0r, a4 = 0r, a5 = 0r, a6 = 0r, a7 = 0r;
            foreach (var e in x)
            {
                real p = e;
                a1 += p;
                p *= e;
                a2 += p / 2r;
                p *= e;
                a3 += p / 3r;
                p *= e;
                a4 += p / 4r;
                p *= e;
                a5 += p / 5r;
                p *= e;
                a6 += p / 6r;
                p *= e;
                a7 += p / 7r;
            }

            return (a1, a2, a3, a4, a5, a6, a7);
        }

        // a matrix input with three times as many outputs: (zₖ², sin zₖ, zₖ·z₀) over the flat zₖ = m[i, j]
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static real[] MatrixExpand(real[,] m)
        {
            int cols = m.GetLength(1);
            int count = m.GetLength(0) * cols;
            var r = new real[3 * count];
            for (int i = 0; i < m.GetLength(0); i++)
                for (int j = 0; j < cols; j++)
                {
                    int k = i * cols + j;
                    r[k] = m[i, j] * m[i, j];
                    r[count + k] = MathR.Sin(m[i, j]);
                    r[2 * count + k] = m[i, j] * m[0, 0];
                }

            return r;
        }

        // a scalar, an array and a matrix, twice as many outputs as inputs: (zₖ²; s·zₖ) over z = (s, v, m)
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static real[] MixedInputs(real s, real[] v, real[,] m)
        {
            int cols = m.GetLength(1);
            int n = 1 + v.Length + m.GetLength(0) * cols;
            var r = new real[2 * n];
            r[0] = s * s;
            r[n] = s * s;
            for (int i = 0; i < v.Length; i++)
            {
                r[1 + i] = v[i] * v[i];
                r[n + 1 + i] = s * v[i];
            }

            for (int i = 0; i < m.GetLength(0); i++)
                for (int j = 0; j < cols; j++)
                {
                    int k = 1 + v.Length + i * cols + j;
                    r[k] = m[i, j] * m[i, j];
                    r[n + k] = s * m[i, j];
                }

            return r;
        }

        // a scalar, an array and a matrix, two outputs: (s·Σv + Σ (i+1)·mᵢⱼ, s²·m₀₀ + v₀·m_last)
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real, real) MixedInputsPair(real s, real[] v, real[,] m)
        {
            real sv = 0r;
            for (int i = 0; i < v.Length; i++)
                sv += v[i];
            real sm = 0r;
            for (int i = 0; i < m.GetLength(0); i++)
                for (int j = 0; j < m.GetLength(1); j++)
                    sm += (i + 1) * m[i, j];
            return (s * sv + sm, s * s * m[0, 0] + v[0] * m[m.GetLength(0) - 1, m.GetLength(1) - 1]);
        }

        // one explicit Euler step of a pendulum
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real Q, real P) Step(real q, real p, real h) => (q + h * p, p - h * MathR.Sin(q));

        // the trajectory (q₁, p₁, …, qₙ, pₙ) of n steps: 2n outputs of 2 inputs, n a pass-through int
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static real[] Trajectory(real q0, real p0, int n)
        {
            var r = new real[2 * n];
            var state = (q0, p0);
            for (int i = 0; i < n; i++)
            {
                var (q, p) = Step(state.Item1, state.Item2, 0.1r);
                state = (q, p);
                r[2 * i] = q;
                r[2 * i + 1] = p;
            }

            return r;
        }

        // Forward only: no FReverse, no FJacobian
        [Differentiable(Kinds = DerivativeKinds.Forward)]
        public static (real, real) ForwardOnly(real x) => (x, x * x);
    }
}
";

        /// <summary>Double-only extras: a Jacobian over float and double inputs (a double[,] Jacobian).</summary>
        public const string Extra = @"
namespace VectorValued.Jacobians
{
    public static partial class MixedJ
    {
        // (x·y, x²) with x float
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (double, float) Mixed(float x, double y) => (x * y, x * x);
    }
}
";

        public static string Text(Precision precision) =>
            SourceTemplate.One(Template, precision, precision == Precision.Double ? Extra : string.Empty);

        public static readonly Lazy<LoadedSource> Double = new Lazy<LoadedSource>(() => GeneratorHarness.CompileAndLoad(Text(Precision.Double), "Jacobians_double"));

        public static readonly Lazy<LoadedSource> Float = new Lazy<LoadedSource>(() => GeneratorHarness.CompileAndLoad(Text(Precision.Float), "Jacobians_float"));

        public static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        public const string JacType = "VectorValued.Jacobians.Jac_real";
        public const string MixedType = "VectorValued.Jacobians.MixedJ";
    }
}
