using System;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.Everyday
{
    /// <summary>
    /// Out and ref reals as extra outputs (<c>double Polar(double x, double y, out double angle, ref double scale)</c>):
    /// FForward, FReverse, FGradient and FJacobian against closed forms and central finite differences of the method
    /// itself, in double and float; callers that take them into locals, inlined and called.
    /// </summary>
    public sealed class ExtraOutputTests
    {
        private const string Template = @"
using System.Collections.Generic;

namespace Everyday.Extra
{
    public static partial class Fn_real
    {
        // r·s with s ← 2xs, and the angle: a result, an out and a ref output.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static real Polar(real x, real y, out real angle, ref real scale)
        {
            angle = MathR.Atan2(y, x);
            scale *= 2r * x;
            return MathR.Sqrt(x * x + y * y) * scale;
        }

        // Two out outputs of a void method, one of them set again after an early return's test.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static void SinCos(real t, out real s, out real c)
        {
            s = MathR.Sin(t);
            c = 0r;
            if (t > 10r)
            {
                return;
            }

            c = MathR.Cos(t) * s;
        }

        // Callers: the result and the outputs into locals, a discard, a ref local; Other_real's is called, not inlined.
        [Differentiable]
        public static real Caller(real x, real y)
        {
            real scale = y;
            var r = Polar(x, y, out var angle, ref scale);
            SinCos(angle, out var s, out _);
            Other_real.Split(r, out var whole, out var rest);
            return r * s + scale + whole * rest;
        }

        // With a jagged and a collection parameter, which the function it stands for reads as every generated method does.
        [Differentiable]
        public static real Mixed(real[][] w, IReadOnlyList<real> x, out real first)
        {
            first = w[0][0] * x[0];
            real sum = 0r;
            foreach (var row in w)
            {
                for (int j = 0; j < row.Length; j++)
                {
                    sum += row[j] * x[j] * x[j];
                }
            }

            return sum;
        }

        // Plain code: what the truth is taken from.
        public static real[] PolarValue(real x, real y, real scale) { var v = Polar(x, y, out var angle, ref scale); return new[] { v, angle, scale }; }
        public static real[] SinCosValue(real t) { SinCos(t, out var s, out var c); return new[] { s, c }; }
    }

    public static partial class Other_real
    {
        [Differentiable]
        public static void Split(real v, out real half, out real square)
        {
            half = v / 2r;
            square = v * v;
        }
    }
}
";

        private static readonly Lazy<LoadedSource> Double = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Double), "Extra_double"));

        private static readonly Lazy<LoadedSource> Float = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Float), "Extra_float"));

        public static readonly TheoryData<Precision> Precisions = new() { Precision.Double, Precision.Float };

        private static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        private static Type TypeOf(Precision precision) => For(precision).Value.GetType(SourceTemplate.Instantiate("Everyday.Extra.Fn_real", precision));

        private static object R(Precision precision, double v) => precision == Precision.Double ? v : (object)(float)v;

        private static double D(object? v) => Convert.ToDouble(v);

        [Theory]
        [MemberData(nameof(Precisions))]
        public void ResultOutAndRef(Precision precision)
        {
            var (x, y, scale) = (0.6, 0.8, 1.5);
            var r = Math.Sqrt(x * x + y * y);
            // Rows: the result, angle, scale after; columns: x, y, scale before.
            var exact = new[,]
            {
                { x / r * 2 * scale * x + r * 2 * scale, y / r * 2 * scale * x, r * 2 * x },
                { -y / (r * r), x / (r * r), 0 },
                { 2 * scale, 0, 2 * x },
            };
            AssertClose(exact, FiniteDifferences(v => (double[])Reflect.Invoke(TypeOf(Precision.Double), "PolarValue", v[0], v[1], v[2]).Result!, new[] { x, y, scale }), 1e-6, "finite differences");
            var tolerance = precision == Precision.Double ? 1e-9 : 1e-4;
            var type = TypeOf(precision);

            // FJacobian, and the outputs as the method leaves them.
            var jacobian = Array.CreateInstance(precision == Precision.Double ? typeof(double) : typeof(float), 3, 3);
            var args = new[] { R(precision, x), R(precision, y), null, R(precision, scale), jacobian };
            var value = D(Reflect.CallInPlace(Reflect.TryFindMethod(type, "PolarJacobian")!, null, args));
            AssertClose(exact, Doubles(jacobian), tolerance, "FJacobian");
            Assert.Equal(r * 2 * scale * x, value, tolerance);
            Assert.Equal(Math.Atan2(y, x), D(args[2]), tolerance);
            Assert.Equal(2 * scale * x, D(args[3]), tolerance);

            // FForward along (1, −0.5, 0.25): dAngle receives angle's tangent, dScale holds 0.25 and receives scale's.
            var direction = new[] { 1, -0.5, 0.25 };
            args = new[] { R(precision, x), R(precision, y), null, R(precision, scale), R(precision, 1), R(precision, -0.5), null, R(precision, 0.25) };
            var forward = Reflect.CallInPlace(Reflect.TryFindMethod(type, "PolarForward")!, null, args);
            var tangents = Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, 3).Sum(j => exact[i, j] * direction[j])).ToArray();
            Assert.Equal(tangents[0], Reflect.ReadPair(forward).Tangent, tolerance);
            Assert.Equal(tangents[1], D(args[6]), tolerance);
            Assert.Equal(tangents[2], D(args[7]), tolerance);

            // FReverse with seeds (0.7, −1.1, 0.4): x's and y's adjoints added to 1, scale's before replaces its seed.
            var seeds = new[] { 0.7, -1.1, 0.4 };
            args = new[] { R(precision, x), R(precision, y), null, R(precision, scale), R(precision, seeds[0]), R(precision, 1), R(precision, 1), R(precision, seeds[1]), R(precision, seeds[2]) };
            Reflect.CallInPlace(Reflect.TryFindMethod(type, "PolarReverse")!, null, args);
            var adjoints = Enumerable.Range(0, 3).Select(j => Enumerable.Range(0, 3).Sum(i => exact[i, j] * seeds[i])).ToArray();
            Assert.Equal(1 + adjoints[0], D(args[5]), tolerance);
            Assert.Equal(1 + adjoints[1], D(args[6]), tolerance);
            Assert.Equal(0, D(args[7]), tolerance);
            Assert.Equal(adjoints[2], D(args[8]), tolerance);

            // FGradient: the result's, the outputs' seeds zero.
            args = new[] { R(precision, x), R(precision, y), null, R(precision, scale), null, null, null };
            Reflect.CallInPlace(Reflect.TryFindMethod(type, "PolarGradient")!, null, args);
            AssertClose(Row(exact, 0), new[,] { { D(args[4]), D(args[5]), D(args[6]) } }, tolerance, "FGradient");
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void VoidWithOutputs(Precision precision)
        {
            var tolerance = precision == Precision.Double ? 1e-9 : 1e-4;
            foreach (var t in new[] { 0.3, 11.0 })
            {
                var truth = FiniteDifferences(v => (double[])Reflect.Invoke(TypeOf(Precision.Double), "SinCosValue", v[0]).Result!, new[] { t });
                var exact = new[,] { { Math.Cos(t) }, { t > 10 ? 0 : Math.Cos(2 * t) } };
                AssertClose(exact, truth, 1e-6, "finite differences");
                var args = new[] { R(precision, t), null, null, R(precision, 1), null, null };
                Reflect.CallInPlace(Reflect.TryFindMethod(TypeOf(precision), "SinCosForward")!, null, args);
                AssertClose(exact, new[,] { { D(args[4]) }, { D(args[5]) } }, tolerance, "FForward");
                args = new[] { R(precision, t), null, null, R(precision, 0), R(precision, 0.5), R(precision, 2) };
                Reflect.CallInPlace(Reflect.TryFindMethod(TypeOf(precision), "SinCosReverse")!, null, args);
                Assert.Equal(0.5 * exact[0, 0] + 2 * exact[1, 0], D(args[3]), tolerance);
            }
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void CallersTakeThemIntoLocals(Precision precision)
        {
            var f = DiffFunction.Of(For, "Everyday.Extra.Fn_real", "Caller", precision);
            DerivativeCheck.Gradient(f, new[] { new object?[] { 0.6, 0.8 }, new object?[] { -1.2, 0.5 } });
        }

        [Fact]
        public void WithJaggedAndCollectionParameters()
        {
            // ∂/∂wᵢⱼ = xⱼ², ∂/∂xⱼ = Σᵢ 2wᵢⱼxⱼ.
            double[][] w = { new[] { 0.5, -0.3 }, new[] { 0.2, 0.7, -1.1 } };
            var x = new System.Collections.Generic.List<double> { 1.5, -2.0, 0.5 };
            double[][] dW = { new double[2], new double[3] };
            var dX = new double[3];
            var args = new object?[] { w, x, null, dW, dX };
            var value = D(Reflect.CallInPlace(Reflect.TryFindMethod(TypeOf(Precision.Double), "MixedGradient")!, null, args));
            Assert.Equal(w.Sum(r => r.Select((e, j) => e * x[j] * x[j]).Sum()), value, 12);
            Assert.Equal(0.5 * 1.5, D(args[2]), 12);
            for (var i = 0; i < 2; i++)
            {
                for (var j = 0; j < w[i].Length; j++)
                {
                    Assert.Equal(x[j] * x[j], dW[i][j], 12);
                }
            }

            for (var j = 0; j < 3; j++)
            {
                Assert.Equal(w.Where(r => r.Length > j).Sum(r => 2 * r[j] * x[j]), dX[j], 12);
            }
        }

        [Theory]
        [InlineData("(double, double) F(double x, out double y) { y = x; return (x, x); }", "GG0002", "out and ref reals go with a double or float result")]
        [InlineData("double F(double x, [NoDerivative] out double y) { y = x; return x; }", "GG0002", "drop [NoDerivative]")]
        [InlineData("double F(double x, out int n) { n = 1; return x; }", "GG0002", "passed by reference")]
        [InlineData("double F(double x, out double y) { y = x; return x; } [Differentiable(Kinds = DerivativeKinds.Hessian)] static double H(double x, out double y) { y = x; return x; }", "GG0012", "vector-valued")]
        [InlineData("double F(double x) { return G(x, out Field); } static double Field; [Differentiable] static double G(double x, out double y) { y = x; return x; }", "GG0005", "other than a local variable")]
        public void WhatIsNotFollowedIsAnError(string methods, string id, string message)
        {
            var diagnostics = GeneratorHarness.Analyze(SourceTemplate.Header + "public static partial class Bad { [Differentiable] static " + methods + " }");
            Assert.Contains(diagnostics, d => d.Id == id && d.GetMessage().Contains(message));
        }

        private static double[,] FiniteDifferences(Func<object[], double[]> f, double[] at)
        {
            var m = f(at.Cast<object>().ToArray()).Length;
            var result = new double[m, at.Length];
            for (var j = 0; j < at.Length; j++)
            {
                var step = 1e-6 * Math.Max(1, Math.Abs(at[j]));
                var (plus, minus) = (at.ToArray(), at.ToArray());
                plus[j] += step;
                minus[j] -= step;
                var (up, down) = (f(plus.Cast<object>().ToArray()), f(minus.Cast<object>().ToArray()));
                for (var i = 0; i < m; i++)
                {
                    result[i, j] = (up[i] - down[i]) / (2 * step);
                }
            }

            return result;
        }

        private static double[,] Doubles(Array a)
        {
            var r = new double[a.GetLength(0), a.GetLength(1)];
            for (var i = 0; i < r.GetLength(0); i++)
            {
                for (var j = 0; j < r.GetLength(1); j++)
                {
                    r[i, j] = D(a.GetValue(i, j));
                }
            }

            return r;
        }

        private static double[,] Row(double[,] m, int i)
        {
            var r = new double[1, m.GetLength(1)];
            for (var j = 0; j < r.GetLength(1); j++)
            {
                r[0, j] = m[i, j];
            }

            return r;
        }

        private static void AssertClose(double[,] expected, double[,] actual, double tolerance, string what)
        {
            for (var i = 0; i < expected.GetLength(0); i++)
            {
                for (var j = 0; j < expected.GetLength(1); j++)
                {
                    Assert.True(Math.Abs(expected[i, j] - actual[i, j]) <= tolerance * Math.Max(1, Math.Abs(expected[i, j])), $"{what}[{i}, {j}]: expected {expected[i, j]}, got {actual[i, j]}");
                }
            }
        }
    }
}
