using System;
using GradGen.Tests.Infrastructure;

namespace GradGen.Tests.VectorValued
{
    /// <summary>
    /// Test sources "Tuples_double" / "Tuples_float": vector-valued [Differentiable] methods (tuples of 2 to 7 reals,
    /// named or not, and real arrays) and the tuple constructs of their bodies: literals, tuple locals read by ItemN and
    /// by name, deconstruction of calls and literals into new and existing locals, swaps, discards, an element of a
    /// call, a returned call, array-valued calls (into a local, indexed directly, in loops), all inside loops and
    /// branches too. The double source also has mixed double/float tuples and an instance method.
    /// </summary>
    public static class TupleSource
    {
        public const string Template = @"
namespace VectorValued.Tuples
{
    public static partial class Tup_real
    {
        // (x² + y, sin x): a named tuple literal
        [Differentiable] public static (real A, real B) Literal(real x, real y) => (x * x + y, MathR.Sin(x));

        // three unnamed elements
        [Differentiable] public static (real, real, real) Unnamed(real x, real y) => (x * y, x / y, MathR.Exp(x - y));

        // seven elements, the most a tuple result may have
        [Differentiable]
        public static (real, real, real, real, real, real, real) Seven(real x, real y) =>
            (x, y, x * y, x * x, y * y, MathR.Sin(x * y), x - 2r * y);

        // tuple locals read by ItemN and by element name
        [Differentiable]
        public static (real U, real V) TupleLocal(real x, real y)
        {
            var p = (Sum: x + y, Prod: x * y);
            (real X, real Y) q = (MathR.Cos(x), y * y);
            var r = (p.Item1 * q.X, p.Prod - q.Item2);
            return (r.Item1 + p.Sum, r.Item2 * q.Y);
        }

        // polar to Cartesian
        [Differentiable] public static (real X, real Y) Polar(real r, real t) => (r * MathR.Cos(t), r * MathR.Sin(t));

        // var (u, v) = call
        [Differentiable]
        public static (real, real) Deconstruct(real r, real t)
        {
            var (u, v) = Polar(r, t);
            return (u * v, u + v);
        }

        // deconstruction into existing locals, then a swap (a, b) = (b, a)
        [Differentiable]
        public static (real, real) DeconstructExisting(real r, real t)
        {
            real a = 0r, b = 0r;
            (a, b) = Polar(r, t);
            (a, b) = (b, a);
            return (a * 2r, b - a);
        }

        // n times: swap, then u = 1.5u + v (a linear map)
        [Differentiable]
        public static (real, real) SwapLoop(real x, real y, int n)
        {
            real u = x, v = y;
            for (int i = 0; i < n; i++)
            {
                (u, v) = (v, u);
                u = u * 1.5r + v;
            }

            return (u, v);
        }

        // a deconstructed literal, then swaps with products on alternate steps
        [Differentiable]
        public static (real, real) SwapBranch(real x, real y, int n)
        {
            var (u, v) = (x, y);
            for (int i = 0; i < n; i++)
            {
                if (i % 2 == 0)
                    (u, v) = (v, u * v);
                else
                    (u, v) = (v + u, u);
            }

            return (u, v);
        }

        // discards on either side
        [Differentiable]
        public static (real, real) Discard(real r, real t)
        {
            var (u, _) = Polar(r, t);
            var (_, w) = Polar(t, r);
            return (u * w, u - w);
        }

        // elements of calls, by ItemN and by name: r sin t · t cos r
        [Differentiable] public static real ElementOfCall(real r, real t) => Polar(r, t).Item2 * Polar(t, r).X;

        // return of a tuple-valued call
        [Differentiable] public static (real X, real Y) ReturnCall(real r, real t) => Polar(r * r, t + r);

        // a tuple local assigned from calls whose arguments read it, then returned
        [Differentiable]
        public static (real, real) LocalFromCall(real r, real t)
        {
            var p = Polar(r, t);
            p = Polar(p.Item1 + 1r, p.Y);
            return p;
        }

        // one explicit Euler step of a pendulum
        [Differentiable] public static (real Q, real P) Step(real q, real p, real h) => (q + h * p, p - h * MathR.Sin(q));

        // n Euler steps through the tuple-valued callee, deconstructed in a loop
        [Differentiable]
        public static (real, real) Integrate(real q0, real p0, int n)
        {
            var (q, p) = (q0, p0);
            for (int i = 0; i < n; i++)
                (q, p) = Step(q, p, 0.1r);
            return (q, p);
        }

        // early return of a literal; deconstruction of different calls in the branches of an if
        [Differentiable]
        public static (real, real) Branches(real x, real y)
        {
            if (x > y)
                return (x * y, x - y);
            real a, b;
            if (x > 0r)
                (a, b) = Polar(x, y);
            else
                (a, b) = Polar(y, x);
            return (a * a, b);
        }

        // elementwise squares: an array result
        [Differentiable]
        public static real[] Squares(real[] x)
        {
            var r = new real[x.Length];
            for (int i = 0; i < x.Length; i++)
                r[i] = x[i] * x[i];
            return r;
        }

        // an array-valued call into a local, and indexed directly: x0² + Σ xᵢ³
        [Differentiable]
        public static real UsesArrayCall(real[] x)
        {
            real[] y = Squares(x);
            real s = Squares(x)[0];
            for (int i = 0; i < y.Length; i++)
                s += y[i] * x[i];
            return s;
        }

        // x^(2^n) elementwise: the array local reassigned from the callee in a loop
        [Differentiable]
        public static real[] RepeatedSquares(real[] x, int n)
        {
            real[] y = Squares(x);
            for (int k = 1; k < n; k++)
                y = Squares(y);
            return y;
        }

        // y ← 0.5·y² + sin y elementwise, n times, through an array-valued call in a loop (y overwritten each time)
        [Differentiable]
        public static real[] Iterate(real[] x, int n)
        {
            var y = new real[x.Length];
            for (int i = 0; i < x.Length; i++)
                y[i] = x[i];
            for (int k = 0; k < n; k++)
            {
                real[] s = Squares(y);
                for (int i = 0; i < y.Length; i++)
                    y[i] = 0.5r * s[i] + MathR.Sin(y[i]);
            }

            return y;
        }

        // (r cos aᵢ, aᵢ·r sin aᵢ) for each angle: a tuple-valued call deconstructed in a loop, into an array result
        [Differentiable]
        public static real[] Rotations(real[] angles, real r)
        {
            var result = new real[2 * angles.Length];
            for (int i = 0; i < angles.Length; i++)
            {
                var (px, py) = Polar(r, angles[i]);
                result[2 * i] = px;
                result[2 * i + 1] = py * angles[i];
            }

            return result;
        }

        // deconstruction into array elements (from a call, a swap of elements), a discard into an existing local
        [Differentiable]
        public static real[] DeconstructIntoElements(real[] angles, real r)
        {
            var w = new real[2 * angles.Length];
            for (int i = 0; i < angles.Length; i++)
            {
                (w[2 * i], w[2 * i + 1]) = Polar(r, angles[i]);
                (w[2 * i], w[2 * i + 1]) = (w[2 * i + 1], w[2 * i] * angles[i]);
                real c;
                (c, _) = Polar(angles[i], r);
                w[2 * i] += c;
            }

            var result = new real[w.Length];
            for (int k = 0; k < w.Length; k++)
                result[k] = w[k];
            return result;
        }

        // (Σx, Σx²): a tuple result from an array
        [Differentiable]
        public static (real Sum, real SumSq) Moments(real[] x)
        {
            real s = 0r, q = 0r;
            foreach (var e in x)
            {
                s += e;
                q += e * e;
            }

            return (s, q);
        }

        // a scalar result computed through tuples: uv + (u + v)·(x² + y) with (u, v) = Polar(x, y)
        [Differentiable]
        public static real ScalarWithTuples(real x, real y)
        {
            var (u, v) = Polar(x, y);
            var p = (u * v, u + v);
            return p.Item1 + p.Item2 * Literal(x, y).A;
        }
    }
}
";

        /// <summary>Double-only extras: tuples mixing double and float, tuple conversions, an instance method.</summary>
        public const string Extra = @"
namespace VectorValued.Tuples
{
    public static partial class Mixed
    {
        // (x·y, y²) as (double, float)
        [Differentiable] public static (double, float) MixedElements(double x, float y) => (x * y, y * y);

        // a (float, float) local returned as (double, double)
        [Differentiable]
        public static (double, double) Widened(float x)
        {
            (float, float) t = (x, x * x);
            return t;
        }

        // a (double, double) literal narrowed to (float, float)
        [Differentiable] public static (float, float) Narrowed(double x) => ((float)x, (float)(x * x));

        // a float-tuple-valued call deconstructed into doubles
        [Differentiable]
        public static (double, double) CallsFloat(double x)
        {
            (double a, double b) = Inner((float)x);
            return (a * x, b);
        }

        [Differentiable] public static (float, float) Inner(float x) => (x * 3f, MathF.Sin(x));
    }

    public partial class Oscillator
    {
        public double K = 2.0;

        // one step of a spring with stiffness K (a field: constant)
        [Differentiable] public (double Q, double P) Step(double q, double p) => (q + 0.1 * p, p - 0.1 * K * q);
    }
}
";

        public static string Text(Precision precision) =>
            SourceTemplate.One(Template, precision, precision == Precision.Double ? Extra : string.Empty);

        public static readonly Lazy<LoadedSource> Double = new Lazy<LoadedSource>(() => GeneratorHarness.CompileAndLoad(Text(Precision.Double), "Tuples_double"));

        public static readonly Lazy<LoadedSource> Float = new Lazy<LoadedSource>(() => GeneratorHarness.CompileAndLoad(Text(Precision.Float), "Tuples_float"));

        public static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        public const string TupType = "VectorValued.Tuples.Tup_real";
        public const string MixedType = "VectorValued.Tuples.Mixed";
        public const string OscillatorType = "VectorValued.Tuples.Oscillator";
    }
}
