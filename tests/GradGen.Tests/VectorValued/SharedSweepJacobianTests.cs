using System;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.Matrices;
using static GradGen.Tests.Infrastructure.TestValues;

namespace GradGen.Tests.VectorValued
{
    /// <summary>
    /// Test sources "SharedSweep_double" / "SharedSweep_float": Jacobians by rows (m &lt; n) of methods whose Reverse
    /// needs no tape, which FJacobian computes with one forward sweep and one backward sweep per output. The cases are
    /// those where the backward sweep changes the forward sweep's state and each row must start again from its end: a
    /// value saved and restored, a loop whose trip count the backward loop counts down, the branch taken, a callee's
    /// pullback per row. Checked against closed forms, finite differences and forward/reverse agreement
    /// (<see cref="DerivativeCheck.Jacobian"/>); a method with a tape keeps one reverse pass per row.
    /// </summary>
    public static class SharedSweepSource
    {
        public const string Template = @"
namespace VectorValued.SharedSweep
{
    public static partial class Rows_real
    {
        // p = x·y is overwritten by p·z (the backward sweep restores it): (p·z + w, p²·z·w) with p = x·y
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real, real) Restored(real x, real y, real z, real w)
        {
            real p = x * y;
            real q = p * p;
            p = p * z;
            return (p + w, q * z * w);
        }

        // a while loop outside any other loop: its trip count is kept in a local the backward loop counts down;
        // (s·x, s + y·z) with s = Σₖ₌₀..n−1 (k + 1)·x·y
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real, real) WhileLoop(real x, real y, real z, int n)
        {
            real s = 0r;
            int k = 0;
            while (k < n)
            {
                s += (k + 1) * x * y;
                k++;
            }

            return (s * x, s + y * z);
        }

        // the branch taken is kept: (x², y·z) or (sin x, x·y·z)
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real, real) Branch(real x, real y, real z)
        {
            if (x > 0r)
                return (x * x, y * z);
            return (MathR.Sin(x), x * y * z);
        }

        // a callee of another type (not inlined): its Reverse runs once per row
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real, real) ThroughCall(real x, real y, real z) => (Helpers_real.Cube(x) * y, Helpers_real.Cube(y + z));

        // a scalar and an array: (v₀·s, Σ vᵢ²)
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real, real) ArrayInput(real s, real[] v)
        {
            real sum = 0r;
            for (int i = 0; i < v.Length; i++)
                sum += v[i] * v[i];
            return (v[0] * s, sum);
        }

        // x is overwritten in a loop, so the Reverse records on the tape: one reverse pass per row
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real, real) Taped(real x, real y, real z, int n)
        {
            real p = x;
            for (int i = 0; i < n; i++)
                p = p * y;
            return (p * z, p + z);
        }
    }

    public static partial class Helpers_real
    {
        [Differentiable] public static real Cube(real t) => t * t * t;
    }
}
";

        public static readonly Lazy<LoadedSource> Double = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Double), "SharedSweep_double"));

        public static readonly Lazy<LoadedSource> Float = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Float), "SharedSweep_float"));

        public static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        public const string RowsType = "VectorValued.SharedSweep.Rows_real";
    }

    public abstract class SharedSweepJacobianTests : PrecisionTestBase
    {
        protected SharedSweepJacobianTests(Precision precision)
            : base(SharedSweepSource.For, precision)
        {
        }

        private void Check(string method, object?[][] points, Func<object?[], double[,]> closedForm) =>
            DerivativeCheck.Jacobian(Fn(SharedSweepSource.RowsType, method), points, closedForm);

        private static double D(object? a) => Convert.ToDouble(a, System.Globalization.CultureInfo.InvariantCulture);

        [Fact]
        public void SavedValueRestoredForEveryRow() => Check("Restored",
            Points(P(0.75, -1.25, 0.5, 2.0), P(-1.5, 0.25, 1.75, -0.5)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]), z = D(a[2]), w = D(a[3]), p = x * y;
                return M(
                    new[] { y * z, x * z, p, 1.0 },
                    new[] { 2 * p * y * z * w, 2 * p * x * z * w, p * p * w, p * p * z });
            });

        [Fact]
        public void TripCountRestoredForEveryRow() => Check("WhileLoop",
            Points(P(0.75, -1.25, 1.5, 3), P(-1.5, 0.5, -0.75, 1), P(0.5, 2.0, 1.0, 0)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]), z = D(a[2]);
                int n = (int)D(a[3]);
                double c = n * (n + 1) / 2.0;
                return M(new[] { 2 * c * x * y, c * x * x, 0 }, new[] { c * y, c * x + z, y });
            });

        [Fact]
        public void BranchTakenForEveryRow() => Check("Branch",
            Points(P(0.75, -1.25, 0.5), P(-1.5, 0.5, 2.0)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]), z = D(a[2]);
                return x > 0
                    ? M(new[] { 2 * x, 0, 0 }, new[] { 0, z, y })
                    : M(new[] { Math.Cos(x), 0, 0 }, new[] { y * z, x * z, x * y });
            });

        [Fact]
        public void CalleePullbackForEveryRow() => Check("ThroughCall",
            Points(P(0.75, -1.25, 0.5), P(-1.5, 0.5, 2.0)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]), z = D(a[2]), u = y + z;
                return M(new[] { 3 * x * x * y, x * x * x, 0 }, new[] { 0, 3 * u * u, 3 * u * u });
            });

        [Fact]
        public void ArrayInputRows() => Check("ArrayInput",
            Points(P(0.75, new[] { 0.5, -1.25, 2.0 }), P(-1.5, new[] { 1.5 })),
            a =>
            {
                double s = D(a[0]);
                var v = (double[])a[1]!;
                var first = new[] { v[0] }.Concat(v.Select((_, i) => i == 0 ? s : 0.0)).ToArray();
                var second = new[] { 0.0 }.Concat(v.Select(e => 2 * e)).ToArray();
                return M(first, second);
            });

        [Fact]
        public void TapedMethodStillRight() => Check("Taped",
            Points(P(0.75, -1.25, 0.5, 3), P(-1.5, 0.5, 2.0, 0)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]), z = D(a[2]);
                int n = (int)D(a[3]);
                double p = x * Math.Pow(y, n), dpdy = n == 0 ? 0 : n * x * Math.Pow(y, n - 1), dpdx = Math.Pow(y, n);
                return M(new[] { dpdx * z, dpdy * z, p }, new[] { dpdx, dpdy, 1.0 });
            });

        [Theory]
        [InlineData("Restored", true)]
        [InlineData("WhileLoop", true)]
        [InlineData("Branch", true)]
        [InlineData("ThroughCall", true)]
        [InlineData("ArrayInput", true)]
        [InlineData("Taped", false)]
        public void OneForwardSweepWhenTheReverseNeedsNoTape(string method, bool shared)
        {
            var text = Source.Run.GeneratedSources.Single(p => p.Key.EndsWith("." + method + ".g.cs", StringComparison.Ordinal)).Value;
            var jacobian = text.Substring(text.IndexOf(" " + method + "Jacobian(", StringComparison.Ordinal));
            Assert.Equal(shared, jacobian.Contains("one forward sweep, then one backward sweep per output"));
            Assert.Equal(!shared, jacobian.Contains(method + "Reverse("));
        }
    }

    public sealed class SharedSweepJacobianTests_Double : SharedSweepJacobianTests
    {
        public SharedSweepJacobianTests_Double()
            : base(Precision.Double)
        {
        }
    }

    public sealed class SharedSweepJacobianTests_Float : SharedSweepJacobianTests
    {
        public SharedSweepJacobianTests_Float()
            : base(Precision.Float)
        {
        }
    }
}
