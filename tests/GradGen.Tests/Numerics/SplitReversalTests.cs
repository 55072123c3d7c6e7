using System;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.TestValues;

namespace GradGen.Tests.Numerics
{
    /// <summary>
    /// Test sources "Split_double" / "Split_float": calls that are not inlined (recursions, callees of other types),
    /// which Reverse reverses split: the callee's Record in the forward sweep, its Backward in the backward sweep, on the
    /// caller's tape. Recursion, mutual recursion, calls in loops (also reading what they assign), array and tuple
    /// results, a callee that assigns its parameter and returns early, the same call twice with one result inactive, a generic callee; and callees that
    /// keep joint reversal (a span local).
    /// </summary>
    public static class SplitSource
    {
        public const string Template = @"
namespace Numerics.Split
{
    public static partial class Det_real
    {
        // The determinant by expansion along the first remaining row, as GradBench's det: a recursion.
        [Differentiable(Kinds = DerivativeKinds.Reverse | DerivativeKinds.Forward | DerivativeKinds.Hessian)]
        public static real Det(real[] a, int n) => Minor(a, n, 0, (1 << n) - 1);

        [Differentiable(Kinds = DerivativeKinds.Reverse | DerivativeKinds.Forward | DerivativeKinds.Hessian)]
        public static real Minor(real[] a, int n, int row, int columns)
        {
            if (row == n - 1)
            {
                for (int j = 0; j < n; j++)
                {
                    if ((columns & (1 << j)) != 0)
                        return a[row * n + j];
                }
            }

            real det = 0r;
            real sign = 1r;
            for (int j = 0; j < n; j++)
            {
                if ((columns & (1 << j)) == 0)
                    continue;
                real sub = Minor(a, n, row + 1, columns & ~(1 << j));
                det += sign * a[row * n + j] * sub;
                sign = -sign;
            }

            return det;
        }
    }

    public static partial class Steps_real
    {
        // One explicit Euler step of yᵢ' = −k yᵢ + sin yᵢ₋₁: a new array, with a scratch array of its own.
        [Differentiable]
        public static real[] Step(real[] y, real h, real k)
        {
            int n = y.Length;
            real[] rate = new real[n];
            real[] next = new real[n];
            for (int i = 0; i < n; i++)
                rate[i] = -k * y[i] + (i > 0 ? MathR.Sin(y[i - 1]) : 0r);
            for (int i = 0; i < n; i++)
                next[i] = y[i] + h * rate[i];
            return next;
        }

        // Assigns its parameter and returns early: both are part of the state between its sweeps.
        [Differentiable]
        public static (real Sum, real Product) Parts(real x, real y)
        {
            x = x * 2r;
            if (x > y)
                return (x + y, x * y);
            return (x - y, MathR.Exp(x) * y);
        }

        // Mutual recursion: E(x, 0) = x, E(x, n) = O(x, n − 1)·x + x; O(x, 0) = sin x, O(x, n) = E(x, n − 1)².
        [Differentiable]
        public static real Even(real x, int n) => n == 0 ? x : Odd(x, n - 1) * x + x;

        [Differentiable]
        public static real Odd(real x, int n)
        {
            if (n == 0)
                return MathR.Sin(x);
            real e = Even(x, n - 1);
            return e * e;
        }

        // A generic callee.
        [Differentiable]
        public static T Cubed<T>(T x) where T : System.Numerics.IFloatingPointIeee754<T> => x * x * x + T.Sin(x);

        // A span local: its state cannot go on the heap, so its callers reverse it joint.
        [Differentiable]
        public static real Scratch(real x, real y)
        {
            System.Span<real> t = stackalloc real[2];
            t[0] = x * y;
            t[1] = MathR.Exp(t[0]);
            return t[0] + t[1] * y;
        }
    }

    public static partial class Users_real
    {
        private enum Mode { Square, Shift }

        private struct Pair
        {
            public real A;
            public real B;

            public Pair(real a, real b) { A = a; B = b; }
        }

        // Private types in a recursion's signature: its Record and Backward are private too (a review finding: they
        // were internal, which C# refuses for a private parameter or result type).
        [Differentiable]
        private static real Walk(real x, [NoDerivative] Mode m, int n) => n == 0 ? x : Walk(m == Mode.Square ? x * x : x + 1r, m, n - 1);

        [Differentiable]
        private static Pair Halve(real x, int n)
        {
            if (n == 0)
                return new Pair(x, x * x);
            return Halve(x * 0.5r, n - 1);
        }

        // Walk(x, Square, 2) + Walk(x, Shift, 3) + Halve(x, 2).B = x⁴ + x + 3 + x²/16
        [Differentiable]
        public static real PrivateTypes(real x) => Walk(x, Mode.Square, 2) + Walk(x, Mode.Shift, 3) + Halve(x, 2).B;

        // y ← Step(y) s ≥ 1 times, then y_last + y₀².
        [Differentiable]
        public static real Integrate(real[] y0, real k, int steps)
        {
            real[] y = Steps_real.Step(y0, 0.1r, k);
            for (int s = 1; s < steps; s++)
                y = Steps_real.Step(y, 0.1r, k);
            return y[y.Length - 1] + y[0] * y[0];
        }

        // The same call twice: the first's results flow into the value, the second's only into a test.
        [Differentiable]
        public static real Twice(real x, real y)
        {
            var (s, p) = Steps_real.Parts(x, y);
            var (t, _) = Steps_real.Parts(x, y);
            if (t > 100r)
                return 0r;
            return s * p + Steps_real.Parts(y, x).Sum;
        }

        // Calls that read what they assign, in a loop: the old values come back before the callee's Backward runs.
        [Differentiable]
        public static real Iterated(real y, real x, int n)
        {
            real t = x;
            for (int i = 0; i < n; i++)
            {
                (y, t) = Steps_real.Parts(y, t);
                y = Steps_real.Odd(y, 1) * 0.5r;
            }
            return t + y;
        }

        [Differentiable]
        public static real Alternating(real x, int n) => Steps_real.Even(x, n) + Steps_real.Odd(x, n);

        [Differentiable]
        public static real Generic(real x) => Steps_real.Cubed<real>(x) * x;

        [Differentiable]
        public static real Mixed(real x, real y) => Steps_real.Scratch(x, y) * Steps_real.Parts(y, x).Product;
    }
}
";

        public static readonly Lazy<LoadedSource> Double = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Double), "Split_double"));

        public static readonly Lazy<LoadedSource> Float = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Float), "Split_float"));

        public static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        public const string Det = "Numerics.Split.Det_real";
        public const string Users = "Numerics.Split.Users_real";
    }

    public abstract class SplitReversalTests : PrecisionTestBase
    {
        protected SplitReversalTests(Precision precision)
            : base(SplitSource.For, precision)
        {
        }

        [Fact]
        public void TheCallsAreSplitWhereTheStateCanGoOnTheTape()
        {
            var minor = Source.Run.GeneratedMethod("Minor", "Reverse");
            Assert.Contains("__MinorRecord(", minor);
            Assert.Contains("__MinorBackward(", minor);
            Assert.Single(minor.Split("MinorReverse(").Skip(1));
            Assert.Contains("__StepRecord(", Source.Run.GeneratedMethod("Integrate", "Reverse"));
            Assert.Contains("__CubedRecord<", Source.Run.GeneratedMethod("Generic", "Reverse"));

            // Scratch keeps joint reversal (a span local); Parts(y, x) in the same method is split.
            var mixed = Source.Run.GeneratedMethod("Mixed", "Reverse");
            Assert.Contains("ScratchReverse(", mixed);
            Assert.DoesNotContain("__ScratchRecord", string.Concat(Source.Run.GeneratedSources.Values));
            Assert.Contains("__PartsRecord(", mixed);

            // Twice: the two calls whose results flow are split, the one only tested is a plain call.
            var twice = Source.Run.GeneratedMethod("Twice", "Reverse");
            Assert.Equal(2, twice.Split("__PartsRecord(").Length - 1);
            Assert.Equal(2, twice.Split("__PartsBackward(").Length - 1);
            Assert.Contains(".Parts(x, y)", twice);
        }

        /// <summary>The test's own determinant (Gaussian elimination with partial pivoting), for the cofactors.</summary>
        private static double Determinant(double[,] m)
        {
            int n = m.GetLength(0);
            var a = (double[,])m.Clone();
            double det = 1;
            for (int k = 0; k < n; k++)
            {
                int p = Enumerable.Range(k, n - k).OrderByDescending(i => Math.Abs(a[i, k])).First();
                if (p != k)
                {
                    det = -det;
                    for (int j = 0; j < n; j++)
                    {
                        (a[k, j], a[p, j]) = (a[p, j], a[k, j]);
                    }
                }

                det *= a[k, k];
                for (int i = k + 1; i < n; i++)
                {
                    double f = a[i, k] / a[k, k];
                    for (int j = k; j < n; j++)
                    {
                        a[i, j] -= f * a[k, j];
                    }
                }
            }

            return det;
        }

        /// <summary>∂det A/∂aᵢⱼ = the cofactor (−1)^(i+j) det(A without row i and column j).</summary>
        private static double[] Cofactors(double[] flat, int n)
        {
            var gradient = new double[n * n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    var minor = new double[n - 1, n - 1];
                    for (int r = 0, mr = 0; r < n; r++)
                    {
                        if (r == i)
                        {
                            continue;
                        }

                        for (int c = 0, mc = 0; c < n; c++)
                        {
                            if (c != j)
                            {
                                minor[mr, mc++] = flat[r * n + c];
                            }
                        }

                        mr++;
                    }

                    gradient[i * n + j] = ((i + j) % 2 == 0 ? 1 : -1) * (n == 1 ? 1 : Determinant(minor));
                }
            }

            return gradient;
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(4)]
        [InlineData(6)]
        public void RecursiveDeterminant_GradientIsTheCofactorMatrix(int n) =>
            DerivativeCheck.Gradient(Fn(SplitSource.Det, "Det"), new[] { new object?[] { Uniform(n, n * n, 1.0), n } }, a => Cofactors(((double[])a[0]!), n));

        [Theory]
        [InlineData(0)]
        [InlineData(40)]
        [InlineData(400)]
        public void PastTheTapesSplitLimit_CallsFallBackToJointReversal(int limit)
        {
            // With a small limit a recursion mixes both: split calls near the top, joint ones (each on a tape of its own,
            // where the calls below it split again) once the tape is full. The limit only moves work between them.
            var saved = GradGen.Runtime.Tape.SplitLimit;
            try
            {
                GradGen.Runtime.Tape.SplitLimit = limit;
                DerivativeCheck.Gradient(Fn(SplitSource.Det, "Det"), new[] { new object?[] { Uniform(21, 25, 1.0), 5 } }, a => Cofactors((double[])a[0]!, 5));
                DerivativeCheck.Gradient(Fn(SplitSource.Users, "Integrate"), new[] { new object?[] { Uniform(22, 4, 0.8), 0.6, 6 } });
                DerivativeCheck.GradientOfScalars(Fn(SplitSource.Users, "Iterated"), Points(P(0.3, 0.2, 3)));
            }
            finally
            {
                GradGen.Runtime.Tape.SplitLimit = saved;
            }
        }

        [Fact]
        public void RecursiveDeterminant_Hessian()
        {
            // Forward over reverse reverses its calls joint: the second derivatives agree with finite differences.
            DerivativeCheck.Hessian(Fn(SplitSource.Det, "Det"), new[] { new object?[] { Uniform(7, 9, 1.0), 3 } });
        }

        [Fact]
        public void ArrayResultCalledInALoop() =>
            DerivativeCheck.Gradient(Fn(SplitSource.Users, "Integrate"), new[]
            {
                new object?[] { Uniform(11, 5, 0.8), 0.6, 7 },
                new object?[] { Uniform(12, 3, 0.8), -0.4, 1 },
                new object?[] { Uniform(13, 4, 0.8), 1.1, 2 },
            });

        [Fact]
        public void TupleResultsTheSameCallTwiceAndAnAssignedParameter() =>
            DerivativeCheck.GradientOfScalars(Fn(SplitSource.Users, "Twice"), Points(P(0.7, 0.3), P(-0.4, 0.9), P(0.2, -1.5)), a =>
            {
                // Parts(x, y) with x doubled: (2x + y, 2xy) when 2x > y, else (2x − y, e^{2x} y); plus Parts(y, x).Sum.
                double x = a[0], y = a[1];
                double s, p, dsx, dsy, dpx, dpy;
                if (2 * x > y)
                {
                    (s, p, dsx, dsy, dpx, dpy) = (2 * x + y, 2 * x * y, 2, 1, 2 * y, 2 * x);
                }
                else
                {
                    (s, p, dsx, dsy, dpx, dpy) = (2 * x - y, Math.Exp(2 * x) * y, 2, -1, 2 * Math.Exp(2 * x) * y, Math.Exp(2 * x));
                }

                double tx = 2 * y > x ? 1 : -1;
                double ty = 2;
                return new[] { dsx * p + s * dpx + tx, dsy * p + s * dpy + ty };
            });

        [Fact]
        public void CalleesWithPrivateTypesInTheirSignatures()
        {
            Assert.Contains("private static " + (IsFloat ? "float" : "double") + " __WalkRecord(", Source.Run.GeneratedFrom("Walk", "Reverse"));
            DerivativeCheck.GradientOfScalars(Fn(SplitSource.Users, "PrivateTypes"), Points(P(0.7), P(-1.2)),
                a => new[] { 4 * Math.Pow(a[0], 3) + 1 + a[0] / 8 });
        }

        [Fact]
        public void CallsThatReadWhatTheyAssignInALoop() =>
            DerivativeCheck.GradientOfScalars(Fn(SplitSource.Users, "Iterated"), Points(P(0.3, 0.2, 3), P(-0.25, 0.4, 2), P(0.1, -0.3, 1), P(0.5, 0.6, 0)));

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(4)]
        [InlineData(7)]
        public void MutualRecursion(int n) =>
            DerivativeCheck.GradientOfScalars(Fn(SplitSource.Users, "Alternating"), Points(P(0.6, n), P(-0.35, n)));

        [Fact]
        public void GenericCallee() =>
            DerivativeCheck.GradientOfScalars(Fn(SplitSource.Users, "Generic"), Points(P(0.7), P(-1.2)),
                a => new[] { 4 * Math.Pow(a[0], 3) + Math.Sin(a[0]) + a[0] * Math.Cos(a[0]) });

        [Fact]
        public void JointAndSplitCallsInOneMethod() =>
            DerivativeCheck.GradientOfScalars(Fn(SplitSource.Users, "Mixed"), Points(P(0.4, 0.3), P(-0.5, 0.8)));
    }

    public sealed class SplitReversalTestsDouble : SplitReversalTests
    {
        public SplitReversalTestsDouble()
            : base(Precision.Double)
        {
        }
    }

    public sealed class SplitReversalTestsFloat : SplitReversalTests
    {
        public SplitReversalTestsFloat()
            : base(Precision.Float)
        {
        }
    }
}
