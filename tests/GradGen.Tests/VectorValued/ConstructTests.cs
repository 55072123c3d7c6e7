using System;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.Matrices;
using static GradGen.Tests.Infrastructure.TestValues;

namespace GradGen.Tests.VectorValued
{
    /// <summary>
    /// Test source "Constructs": further vector-valued constructs (double only): an array local reassigned from
    /// array-valued calls without a loop, span parameters for FJacobian and FHessian, tuple returns from switch sections
    /// and from inside a loop, a while loop of deconstructions, a tuple local declared without initializer, instance
    /// Jacobian and Hessian methods.
    /// </summary>
    public static class ConstructSource
    {
        public const string Text = SourceTemplate.Header + @"
namespace VectorValued.Constructs
{
    public static partial class C
    {
        [Differentiable]
        public static double[] Sq(double[] x)
        {
            var r = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
                r[i] = x[i] * x[i];
            return r;
        }

        [Differentiable] public static (double A, double B) G(double x) => (x * x, Math.Sin(x));

        // x₀⁴ + x₁⁴: an array local reassigned from a call that reads it, no loop
        [Differentiable]
        public static double TwoStraight(double[] x)
        {
            double[] y = Sq(x);
            y = Sq(y);
            return y[0] + y[1];
        }

        // x⁴ elementwise
        [Differentiable]
        public static double[] TwoStraightArray(double[] x)
        {
            double[] y = Sq(x);
            y = Sq(y);
            return y;
        }

        // xᵢ·x₀ from a span
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static double[] SpanJacobian(ReadOnlySpan<double> x)
        {
            var r = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
                r[i] = x[i] * x[0];
            return r;
        }

        // Σ xᵢ²·x₀ from a span
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static double SpanHessian(ReadOnlySpan<double> x)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
                s += x[i] * x[i] * x[0];
            return s;
        }

        // tuple literals returned from switch sections
        [Differentiable]
        public static (double, double) Switch(double x, int k)
        {
            switch (k)
            {
                case 0:
                    return (x, 1.0);
                case 1:
                    return (x * x, x);
                default:
                    return (0.0, x * 3);
            }
        }

        // three times (a, b) = (a·b + x, a) in a while loop
        [Differentiable]
        public static (double, double) While(double x)
        {
            var (a, b) = (x, 1.0);
            int i = 0;
            while (i < 3)
            {
                (a, b) = (a * b + x, a);
                i++;
            }

            return (a, b);
        }

        // a return from inside a loop
        [Differentiable]
        public static (double, double) ReturnInLoop(double x, int n)
        {
            for (int i = 0; i < n; i++)
            {
                if (i == 2)
                    return (x * i, x * x);
            }

            return (x, -x);
        }

        // a tuple local declared first, assigned a call later: x² + sin x
        [Differentiable]
        public static double TupleDeclaredThenAssigned(double x)
        {
            (double, double) t;
            t = G(x);
            return t.Item1 + t.Item2;
        }
    }

    public partial class Inst
    {
        public double K = 2;

        [Differentiable(Kinds = DerivativeKinds.Hessian)] public double H(double x, double y) => K * x * x * y;

        [Differentiable(Kinds = DerivativeKinds.Jacobian)] public (double, double) J(double x, double y) => (K * x * y, x);
    }
}
";

        public static readonly Lazy<LoadedSource> Source = new Lazy<LoadedSource>(() => GeneratorHarness.CompileAndLoad(Text, "Constructs"));
    }

    public sealed class ConstructTests
    {
        private static DiffFunction Fn(string method)
        {
            var source = ConstructSource.Source.Value;
            return new DiffFunction(source, source.GetType("VectorValued.Constructs.C"), method);
        }

        private static double D(object? a) => Convert.ToDouble(a, System.Globalization.CultureInfo.InvariantCulture);

        [Fact]
        public void ArrayLocalReassignedFromACallThatReadsIt() => DerivativeCheck.Jacobian(Fn("TwoStraight"),
            Points(P(Vec(101, 2)), P(Vec(102, 3))),
            a =>
            {
                var x = (double[])a[0]!;
                return M(x.Select((e, i) => i < 2 ? 4 * e * e * e : 0).ToArray());
            });

        [Fact]
        public void ArrayResultReassignedFromACallThatReadsIt() => DerivativeCheck.Jacobian(Fn("TwoStraightArray"),
            Points(P(Vec(103, 3))),
            a =>
            {
                var x = (double[])a[0]!;
                return Build(x.Length, x.Length, (i, j) => i == j ? 4 * x[i] * x[i] * x[i] : 0);
            });

        [Fact]
        public void SpanInputJacobian() => DerivativeCheck.Jacobian(Fn("SpanJacobian"),
            Points(P(Vec(104, 3)), P(Vec(105, 1))),
            a =>
            {
                var x = (double[])a[0]!;
                var j = new double[x.Length, x.Length];
                for (int i = 0; i < x.Length; i++)
                {
                    j[i, 0] += x[i];
                    j[i, i] += x[0];
                }

                return j;
            });

        [Fact]
        public void SpanInputHessian() => DerivativeCheck.Hessian(Fn("SpanHessian"),
            Points(P(Vec(106, 3)), P(Vec(107, 1))),
            a =>
            {
                var x = (double[])a[0]!;
                return Build(x.Length, x.Length, (k, l) => (k == l ? 2 * x[0] : 0) + (l == 0 ? 2 * x[k] : 0) + (k == 0 ? 2 * x[l] : 0));
            });

        [Fact]
        public void TupleReturnsFromSwitchSections() => DerivativeCheck.Jacobian(Fn("Switch"),
            Points(P(0.7, 0), P(0.7, 1), P(-1.3, 5)),
            a =>
            {
                double x = D(a[0]);
                return (int)D(a[1]) switch
                {
                    0 => M(new[] { 1.0 }, new[] { 0.0 }),
                    1 => M(new[] { 2 * x }, new[] { 1.0 }),
                    _ => M(new[] { 0.0 }, new[] { 3.0 }),
                };
            });

        [Fact]
        public void DeconstructionInAWhileLoop() => DerivativeCheck.Jacobian(Fn("While"),
            Points(P(0.7), P(-1.3)),
            a =>
            {
                double x = D(a[0]), p = x, q = 1, dp = 1, dq = 0;
                for (int i = 0; i < 3; i++)
                {
                    (p, q, dp, dq) = (p * q + x, p, dp * q + p * dq + 1, dp);
                }

                return M(new[] { dp }, new[] { dq });
            });

        [Fact]
        public void TupleReturnFromInsideALoop() => DerivativeCheck.Jacobian(Fn("ReturnInLoop"),
            Points(P(0.7, 5), P(0.7, 2), P(-1.3, 0)),
            a =>
            {
                double x = D(a[0]);
                return (int)D(a[1]) > 2 ? M(new[] { 2.0 }, new[] { 2 * x }) : M(new[] { 1.0 }, new[] { -1.0 });
            });

        [Fact]
        public void TupleLocalDeclaredThenAssignedACall() => DerivativeCheck.Jacobian(Fn("TupleDeclaredThenAssigned"),
            Points(P(0.7), P(-1.3)),
            a => M(new[] { 2 * D(a[0]) + Math.Cos(D(a[0])) }));

        [Fact]
        public void InstanceJacobianAndHessian()
        {
            var source = ConstructSource.Source.Value;
            var type = source.GetType("VectorValued.Constructs.Inst");
            var target = Activator.CreateInstance(type)!;
            type.GetField("K")!.SetValue(target, 3.0);
            double x = 0.7, y = -1.3;

            var jacobian = new double[2, 2];
            var (value, _) = Reflect.InvokeInstance(target, "JJacobian", x, y, jacobian);
            Assert.Equal(new[] { 3 * x * y, x }, DiffFunction.Outputs(value));
            Assert.Equal(M(new[] { 3 * y, 3 * x }, new[] { 1.0, 0 }), jacobian);

            var hessian = new double[2, 2];
            var (hv, _) = Reflect.InvokeInstance(target, "HHessian", x, y, hessian);
            Assert.Equal(3 * x * x * y, (double)hv!, 14);
            var expected = M(new[] { 6 * y, 6 * x }, new[] { 6 * x, 0.0 });
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    Assert.Equal(expected[i, j], hessian[i, j], 12);
                }
            }

            var (pv, outs) = Reflect.InvokeInstance(target, "HHessianVectorProduct", x, y, 0.5, -2.0, null, null);
            Assert.Equal(3 * x * x * y, (double)pv!, 14);
            Assert.Equal(expected[0, 0] * 0.5 + expected[0, 1] * -2.0, (double)outs[4]!, 12);
            Assert.Equal(expected[1, 0] * 0.5 + expected[1, 1] * -2.0, (double)outs[5]!, 12);
        }
    }
}
