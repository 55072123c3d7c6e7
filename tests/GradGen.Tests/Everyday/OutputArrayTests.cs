using System;
using System.Linq;
using System.Reflection;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.Everyday
{
    /// <summary>
    /// Void methods that fill an output array (<c>void F(double[] x, double[] y)</c>): FJacobian against closed forms
    /// and central finite differences of the method itself (y's contents before among the inputs, after as the outputs),
    /// FForward along random directions and FReverse for random seeds against that Jacobian, y filled as the method
    /// fills it, inputs unchanged; callers that fill local arrays through them (an RK4 step), inlined and called.
    /// </summary>
    public sealed class OutputArrayTests
    {
        private const string Template = @"
namespace Everyday.Outputs
{
    public static partial class Fn_real
    {
        // rᵢ = −k xᵢ², r₀ += sin x_last: every element written, none read.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static void Rhs(real[] x, real k, real[] result)
        {
            for (int i = 0; i < x.Length; i++)
            {
                result[i] = -k * x[i] * x[i];
            }

            result[0] += MathR.Sin(x[x.Length - 1]);
        }

        // accᵢ ← (accᵢ xᵢ)²: the contents before are read.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static void Scale(real[] x, real[] acc)
        {
            for (int i = 0; i < x.Length; i++)
            {
                acc[i] = acc[i] * x[i];
                acc[i] *= acc[i];
            }
        }

        // One classical Runge–Kutta step of y' = f(y), its four stages filled by Lotka–Volterra, a callee of another type.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
        public static void Rk4(real[] y, real h, real[] next)
        {
            var k1 = new real[2];
            var k2 = new real[2];
            var k3 = new real[2];
            var k4 = new real[2];
            var stage = new real[2];
            Model_real.LotkaVolterra(y, k1);
            for (int i = 0; i < 2; i++) stage[i] = y[i] + 0.5r * h * k1[i];
            Model_real.LotkaVolterra(stage, k2);
            for (int i = 0; i < 2; i++) stage[i] = y[i] + 0.5r * h * k2[i];
            Model_real.LotkaVolterra(stage, k3);
            for (int i = 0; i < 2; i++) stage[i] = y[i] + h * k3[i];
            Model_real.LotkaVolterra(stage, k4);
            for (int i = 0; i < 2; i++) next[i] = y[i] + h / 6r * (k1[i] + 2r * k2[i] + 2r * k3[i] + k4[i]);
        }

        // The same through a callee of this type, which may be inlined, and a sum of what it filled.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse)]
        public static real Energy(real[] x, real k)
        {
            var r = new real[x.Length];
            Rhs(x, k, r);
            real sum = 0r;
            for (int i = 0; i < r.Length; i++) sum += r[i] * x[i];
            return sum;
        }

        // Plain code: what the truth is taken from.
        public static real[] RhsValue(real[] x, real k, real[] result) { var copy = (real[])result.Clone(); Rhs(x, k, copy); return copy; }
        public static real[] ScaleValue(real[] x, real[] acc) { var copy = (real[])acc.Clone(); Scale(x, copy); return copy; }
        public static real[] Rk4Value(real[] y, real h, real[] next) { var copy = (real[])next.Clone(); Rk4(y, h, copy); return copy; }
    }

    public static partial class Model_real
    {
        [Differentiable]
        public static void LotkaVolterra(real[] y, real[] dydt)
        {
            dydt[0] = 1.5r * y[0] - y[0] * y[1];
            dydt[1] = y[0] * y[1] - 3r * y[1];
        }
    }
}
";

        private static readonly Lazy<LoadedSource> Double = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Double), "Outputs_double"));

        private static readonly Lazy<LoadedSource> Float = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Float), "Outputs_float"));

        public static readonly TheoryData<Precision> Precisions = new() { Precision.Double, Precision.Float };

        [Theory]
        [MemberData(nameof(Precisions))]
        public void FilledEverywhere(Precision precision)
        {
            var x = new[] { 0.5, -1.5, 0.8 };
            Check(precision, "Rhs", new object[] { x, 2.0, new[] { 9.0, 9.0, 9.0 } }, (a, j) =>
            {
                // Columns x₀..x₂, k, result₀..result₂ (contents before: no effect).
                for (var i = 0; i < 3; i++)
                {
                    j[i, i] = -4 * x[i];
                    j[i, 3] = -x[i] * x[i];
                }

                j[0, 2] += Math.Cos(x[2]);
            });
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void ContentsBeforeAreRead(Precision precision)
        {
            var (x, acc) = (new[] { 0.5, 1.5 }, new[] { 2.0, -3.0 });
            Check(precision, "Scale", new object[] { x, acc }, (a, j) =>
            {
                for (var i = 0; i < 2; i++)
                {
                    j[i, i] = 2 * acc[i] * acc[i] * x[i];
                    j[i, 2 + i] = 2 * acc[i] * x[i] * x[i];
                }
            });
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void CallersFillLocalArraysThroughThem(Precision precision)
        {
            Check(precision, "Rk4", new object[] { new[] { 1.2, 0.7 }, 0.1, new double[2] }, closedForm: null);

            // Energy = Σ rᵢxᵢ = −k Σ xᵢ³ + x₀ sin x₂.
            var f = DiffFunction.Of(For, "Everyday.Outputs.Fn_real", "Energy", precision);
            var points = new[] { new object?[] { new[] { 0.5, -1.5, 0.8 }, 2.0 } };
            DerivativeCheck.Gradient(f, points, a =>
            {
                var (v, k) = ((double[])a[0]!, (double)a[1]!);
                return new[] { -3 * k * v[0] * v[0] + Math.Sin(v[2]), -3 * k * v[1] * v[1], -3 * k * v[2] * v[2] + v[0] * Math.Cos(v[2]), -v.Sum(e => e * e * e) };
            });
        }

        [Fact]
        public void TheOutputMustNotBeAnInputAndItsDerivativeMustFit()
        {
            var type = Double.Value.GetType(SourceTemplate.Instantiate("Everyday.Outputs.Fn_real", Precision.Double));
            var x = new[] { 0.5, 1.5 };
            var shared = Assert.ThrowsAny<ArgumentException>(() => Reflect.Invoke(type, "ScaleJacobian", x, x, new double[2, 4]));
            Assert.Equal("acc", shared.ParamName);
            var shape = Assert.ThrowsAny<ArgumentException>(() => Reflect.Invoke(type, "ScaleReverse", x, new double[2], new double[2], new double[3]));
            Assert.Equal("dAcc", shape.ParamName);
        }

        [Theory]
        [InlineData("void F(double[] x, double[] a, double[] b) { a[0] = x[0]; b[0] = x[0]; }", "GG0002", "a void method may fill one output array")]
        [InlineData("double F(double[] x, double[] a) { a[0] = x[0]; return x[0]; }", "GG0004", "an element of the parameter 'a'")]
        [InlineData("void F(double[] x, [NoDerivative] double[] a) { a[0] = x[0]; }", "GG0002", "fill an array parameter")]
        [InlineData("double F(double[] x) { G(x, x); return x[0]; } [Differentiable] static void G(double[] x, double[] y) { y[0] = x[0]; }", "GG0004", "the parameter 'x' through 'G'")]
        public void WhatIsNotFollowedIsAnError(string methods, string id, string message)
        {
            var diagnostics = GeneratorHarness.Analyze(SourceTemplate.Header + "public static partial class Bad { [Differentiable] static " + methods + " }");
            Assert.Contains(diagnostics, d => d.Id == id && d.GetMessage().Contains(message));
        }

        private static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        /// <summary>
        /// F's FJacobian, FForward and FReverse at <paramref name="raw"/> (doubles; the last array is the output) against
        /// central differences of the double method's value (FValue: the output's contents after) and a closed form.
        /// </summary>
        private static void Check(Precision precision, string name, object[] raw, Action<object[], double[,]>? closedForm)
        {
            var type = For(precision).Value.GetType(SourceTemplate.Instantiate("Everyday.Outputs.Fn_real", precision));
            var truthType = Double.Value.GetType(SourceTemplate.Instantiate("Everyday.Outputs.Fn_real", Precision.Double));
            var tolerance = precision == Precision.Double ? 1e-7 : 2e-3;
            var flat = Flatten(raw);
            double[] Value(double[] at) => ((double[])Reflect.Invoke(truthType, name + "Value", Unflatten(raw, at, typeof(double))).Result!).ToArray();

            var value = Value(flat);
            var (m, n) = (value.Length, flat.Length);
            var truth = new double[m, n];
            for (var j = 0; j < n; j++)
            {
                var step = 1e-6 * Math.Max(1, Math.Abs(flat[j]));
                var (plus, minus) = (flat.ToArray(), flat.ToArray());
                plus[j] += step;
                minus[j] -= step;
                var (up, down) = (Value(plus), Value(minus));
                for (var i = 0; i < m; i++)
                {
                    truth[i, j] = (up[i] - down[i]) / (2 * step);
                }
            }

            if (closedForm is not null)
            {
                var exact = new double[m, n];
                closedForm(raw, exact);
                AssertClose(exact, truth, 1e-6, "finite differences against the closed form");
            }

            var real = precision == Precision.Double ? typeof(double) : typeof(float);

            // FJacobian fills the output as the method does, and leaves the other inputs as they were.
            var args = Unflatten(raw, flat, real);
            var inputs = Flatten(args.Take(args.Length - 1).ToArray());
            var jacobian = Array.CreateInstance(real, m, n);
            Reflect.CallInPlace(Method(type, name + "Jacobian"), null, args.Append(jacobian).ToArray());
            AssertClose(truth, ToDoubles(jacobian, m, n), tolerance, "FJacobian");
            AssertClose(Row(value), Row(Flatten(new[] { args[^1] })), tolerance, "FJacobian's output");
            AssertClose(Row(inputs), Row(Flatten(args.Take(args.Length - 1).ToArray())), 0, "FJacobian's inputs");

            var random = new Random(DerivativeCheck.StableSeed(name, 7));
            var direction = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
            var seed = Enumerable.Range(0, m).Select(_ => random.NextDouble() - 0.5).ToArray();

            // FForward: the output's tangent holds the direction's part for the contents before, then J·v.
            args = Unflatten(raw, flat, real);
            var tangents = Unflatten(raw, direction, real);
            Reflect.CallInPlace(Method(type, name + "Forward"), null, args.Concat(tangents).ToArray());
            AssertClose(Row(Multiply(truth, direction, transpose: false)), Row(Flatten(new[] { tangents[^1] })), tolerance, "FForward's tangent");
            AssertClose(Row(value), Row(Flatten(new[] { args[^1] })), tolerance, "FForward's output");

            // FReverse: the output's adjoint holds the seed, then its part of wᵀJ; the other adjoints add theirs.
            args = Unflatten(raw, flat, real);
            var all = args.Concat(Unflatten(raw, new double[n - m].Concat(seed).ToArray(), real)).ToArray();
            Reflect.CallInPlace(Method(type, name + "Reverse"), null, all);
            var adjoints = all.Skip(args.Length).ToArray();
            AssertClose(Row(Multiply(truth, seed, transpose: true)), Row(Flatten(adjoints)), tolerance, "FReverse's adjoints");
            AssertClose(Row(value), Row(Flatten(new[] { args[^1] })), tolerance, "FReverse's output");
        }

        private static MethodInfo Method(Type type, string name) => Reflect.TryFindMethod(type, name) ?? throw new InvalidOperationException($"{type.Name}.{name} was not generated.");

        private static double[] Flatten(object?[] values) =>
            values.SelectMany(v => v is Array a ? a.Cast<object>().Select(Convert.ToDouble) : new[] { Convert.ToDouble(v) }).ToArray();

        /// <summary>Arguments shaped like <paramref name="raw"/> (scalars and arrays), of <paramref name="real"/>, holding <paramref name="flat"/>.</summary>
        private static object[] Unflatten(object[] raw, double[] flat, Type real)
        {
            var at = 0;
            return raw.Select(r =>
            {
                if (r is double[] array)
                {
                    var made = Array.CreateInstance(real, array.Length);
                    for (var i = 0; i < array.Length; i++)
                    {
                        made.SetValue(Convert.ChangeType(flat[at++], real), i);
                    }

                    return (object)made;
                }

                return Convert.ChangeType(flat[at++], real);
            }).ToArray();
        }

        private static double[] Multiply(double[,] j, double[] v, bool transpose) =>
            Enumerable.Range(0, j.GetLength(transpose ? 1 : 0))
                .Select(i => Enumerable.Range(0, v.Length).Sum(k => (transpose ? j[k, i] : j[i, k]) * v[k]))
                .ToArray();

        private static double[,] ToDoubles(Array a, int m, int n)
        {
            var r = new double[m, n];
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    r[i, j] = Convert.ToDouble(a.GetValue(i, j));
                }
            }

            return r;
        }

        private static double[,] Row(double[] v)
        {
            var r = new double[1, v.Length];
            for (var j = 0; j < v.Length; j++)
            {
                r[0, j] = v[j];
            }

            return r;
        }

        private static void AssertClose(double[,] expected, double[,] actual, double tolerance, string what)
        {
            Assert.Equal(expected.GetLength(0), actual.GetLength(0));
            Assert.Equal(expected.GetLength(1), actual.GetLength(1));
            for (var i = 0; i < expected.GetLength(0); i++)
            {
                for (var j = 0; j < expected.GetLength(1); j++)
                {
                    var bound = tolerance * Math.Max(1, Math.Abs(expected[i, j]));
                    Assert.True(Math.Abs(expected[i, j] - actual[i, j]) <= bound, $"{what}[{i}, {j}]: expected {expected[i, j]}, got {actual[i, j]}");
                }
            }
        }
    }
}
