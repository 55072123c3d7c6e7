using System;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.Everyday
{
    /// <summary>
    /// Jagged array parameters (<c>double[][]</c>, rows of any lengths): FGradient against a closed form and central
    /// finite differences of the method (rows indexed, taken into locals, or by foreach), FForward along a random direction against FGradient, FReverse adding into the
    /// derivative's rows, the derivative's shape checked, FJacobian (by rows and by columns) against the gradient and a
    /// closed form, FHessian against central differences of the gradient, in double and float; what is not followed is an error.
    /// </summary>
    public sealed class JaggedArrayTests
    {
        private const string Template = @"
namespace Everyday.Jagged
{
    public static partial class Fn_real
    {
        // Σᵢ tanh(Σⱼ wᵢⱼ xⱼ)·wᵢ₀ + |wᵢ|: rows taken into locals (and by foreach), indexed in place, their lengths and the row count read.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian | DerivativeKinds.Hessian)]
        public static real Layer(real[][] w, real[] x)
        {
            real loss = 0r;
            for (int i = 0; i < w.Length; i++)
            {
                var row = w[i];
                real z = 0r;
                for (int j = 0; j < row.Length; j++)
                {
                    z += row[j] * x[j];
                }

                loss += MathR.Tanh(z) * w[i][0] + w[i].Length;
            }

            return loss;
        }

        // The same over the rows by foreach, leaving early on a bound no test point reaches.
        [Differentiable]
        public static real Rows(real[][] w, real[] x)
        {
            real loss = 0r;
            foreach (var row in w)
            {
                real z = 0r;
                for (int j = 0; j < row.Length; j++)
                {
                    z += row[j] * x[j];
                }

                if (z > 100r)
                {
                    break;
                }

                loss += MathR.Tanh(z) * row[0] + row.Length;
            }

            return loss;
        }

        // A row chosen by a computed index inside a branch of ?: (a fuzzer finding: it read row 0).
        [Differentiable]
        public static real Chosen(real[][] w, int n, real x) => x < 0.5r ? w[n % w.Length][0] * x : (w[(n + 1) % w.Length][0] < 0.5r ? x : 0.5r);

        // Each element times s and sin(element)·(its row's first), then s²: more outputs than inputs, a Jacobian by columns.
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static real[] Spread(real[][] w, real s)
        {
            int n = 0;
            foreach (var row in w)
                n += row.Length;
            var r = new real[2 * n + 1];
            int k = 0;
            for (int i = 0; i < w.Length; i++)
            {
                for (int j = 0; j < w[i].Length; j++)
                {
                    r[k++] = w[i][j] * s;
                    r[k++] = MathR.Sin(w[i][j]) * w[i][0];
                }
            }

            r[k] = s * s;
            return r;
        }
    }
}
";

        private static readonly Lazy<LoadedSource> Double = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Double), "Jagged_double"));

        private static readonly Lazy<LoadedSource> Float = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Float), "Jagged_float"));

        public static readonly TheoryData<Precision> Precisions = new() { Precision.Double, Precision.Float };

        private static readonly double[][] W = { new[] { 0.5, -0.3 }, new[] { 0.2, 0.7, -1.1 }, new[] { 0.9 } };

        private static readonly double[] X = { 1.0, -2.0, 0.5 };

        public static readonly TheoryData<string, Precision> Methods = new()
        {
            { "Layer", Precision.Double }, { "Layer", Precision.Float }, { "Rows", Precision.Double }, { "Rows", Precision.Float },
        };

        [Theory]
        [MemberData(nameof(Methods))]
        public void RowsOfAnyLength(string method, Precision precision)
        {
            var type = (precision == Precision.Double ? Double : Float).Value.GetType(SourceTemplate.Instantiate("Everyday.Jagged.Fn_real", precision));
            var truthType = Double.Value.GetType(SourceTemplate.Instantiate("Everyday.Jagged.Fn_real", Precision.Double));
            var tolerance = precision == Precision.Double ? 1e-8 : 2e-3;

            // Closed form: ∂/∂wᵢⱼ = (1 − tanh²zᵢ) xⱼ wᵢ₀ (+ tanh zᵢ when j = 0), ∂/∂xⱼ = Σᵢ (1 − tanh²zᵢ) wᵢⱼ wᵢ₀.
            var exactW = W.Select(row => new double[row.Length]).ToArray();
            var exactX = new double[X.Length];
            for (var i = 0; i < W.Length; i++)
            {
                var t = Math.Tanh(W[i].Select((wij, j) => wij * X[j]).Sum());
                for (var j = 0; j < W[i].Length; j++)
                {
                    exactW[i][j] = (1 - t * t) * X[j] * W[i][0] + (j == 0 ? t : 0);
                    exactX[j] += (1 - t * t) * W[i][j] * W[i][0];
                }
            }

            var exact = exactW.SelectMany(r => r).Concat(exactX).ToArray();
            var flat = W.SelectMany(r => r).Concat(X).ToArray();
            var differences = Enumerable.Range(0, flat.Length).Select(k =>
            {
                var step = 1e-6;
                double At(double delta)
                {
                    var moved = flat.ToArray();
                    moved[k] += delta;
                    return Convert.ToDouble(Reflect.Invoke(truthType, method, Rows(moved, typeof(double)), Tail(moved, typeof(double))).Result);
                }

                return (At(step) - At(-step)) / (2 * step);
            }).ToArray();
            AssertClose(exact, differences, 1e-6, "finite differences");

            var real = precision == Precision.Double ? typeof(double) : typeof(float);

            // FGradient overwrites the derivative rows, whatever they held.
            var dW = Rows(Enumerable.Repeat(DiffFunction.Garbage, flat.Length).ToArray(), real);
            var dX = Tail(Enumerable.Repeat(DiffFunction.Garbage, flat.Length).ToArray(), real);
            var w = Rows(flat, real);
            Reflect.Invoke(type, method + "Gradient", w, Tail(flat, real), dW, dX);
            AssertClose(exact, Flat(dW, dX), tolerance, "FGradient");
            AssertClose(Flat(Rows(flat, real), Array.CreateInstance(real, 0)), Flat(w, Array.CreateInstance(real, 0)), 0, "w unchanged");

            // FReverse adds seed × gradient into what the rows held.
            var ones = Enumerable.Repeat(1.0, flat.Length).ToArray();
            dW = Rows(ones, real);
            dX = Tail(ones, real);
            var args = new object?[] { Rows(flat, real), Tail(flat, real), Convert.ChangeType(0.5, real), dW, dX };
            Reflect.CallInPlace(Reflect.TryFindMethod(type, method + "Reverse")!, null, args);
            AssertClose(exact.Select(e => 1 + 0.5 * e).ToArray(), Flat(dW, dX), tolerance, "FReverse");

            // FForward along a random direction: the gradient's dot product with it.
            var random = new Random(11);
            var direction = flat.Select(_ => random.NextDouble() - 0.5).ToArray();
            var forward = Reflect.Invoke(type, method + "Forward", Rows(flat, real), Tail(flat, real), Rows(direction, real), Tail(direction, real)).Result;
            Assert.Equal(exact.Zip(direction, (e, d) => e * d).Sum(), Reflect.ReadPair(forward).Tangent, tolerance);
        }

        [Fact]
        public void ADerivativeOfAnotherShapeIsRefused()
        {
            var type = Double.Value.GetType(SourceTemplate.Instantiate("Everyday.Jagged.Fn_real", Precision.Double));
            var ragged = new[] { new double[2], new double[2], new double[1] };
            var error = Assert.ThrowsAny<ArgumentException>(() => Reflect.Invoke(type, "LayerGradient", W, X, ragged, new double[3]));
            Assert.Equal("dW", error.ParamName);
        }

        [Theory]
        [InlineData("double F(double[][] w) => G(w); [Differentiable] static double G(double[][] w) => w[0][0];", "GG0005", "given to a [Differentiable] method")]
        [InlineData("double F(double[][] w) => Plain(w[0]); static double Plain(double[] r) => r[0];", "GG0005", "other than indexed")]
        [InlineData("double F(double[][] w) { var row = w[0]; return Plain(row); } static double Plain(double[] r) => r[0];", "GG0005", "the row 'row'")]
        [InlineData("double F(double[][] w) { w[0][0] = 1; return w[0][0]; }", "GG0004", "array element")]
        [InlineData("double F(double[][][] w) => w[0][0][0];", "GG0002", "arrays of arrays")]
        public void WhatIsNotFollowedIsAnError(string methods, string id, string message)
        {
            var diagnostics = GeneratorHarness.Analyze(SourceTemplate.Header + "public static partial class Bad { [Differentiable] static " + methods + " }");
            Assert.Contains(diagnostics, d => d.Id == id && d.GetMessage().Contains(message));
        }

        [Theory]
        [InlineData(2, -1.1)]
        [InlineData(4, 0.3)]
        [InlineData(1, 0.8)]
        [InlineData(0, 0.9)]
        public void RowChosenByAComputedIndexInABranchOfAConditional(int n, double x)
        {
            // x < 0.5: w[n mod 3][0]·x, so ∂/∂x = that element and ∂/∂w[n mod 3][0] = x; else x or 0.5 by w[n + 1 mod 3][0].
            var type = Double.Value.GetType(SourceTemplate.Instantiate("Everyday.Jagged.Fn_real", Precision.Double));
            var w = new[] { new[] { 0.608 }, new[] { -0.561, 0.366, -0.07 }, new[] { 0.43, 0.884 } };
            var dW = w.Select(row => new double[row.Length]).ToArray();
            var (value, outs) = Reflect.Invoke(type, "ChosenGradient", w, n, x, dW, null);
            var row = n % 3;
            var (expected, dx) = x < 0.5 ? (w[row][0] * x, w[row][0]) : w[(n + 1) % 3][0] < 0.5 ? (x, 1.0) : (0.5, 0.0);
            Assert.Equal(expected, (double)value!, 12);
            Assert.Equal(dx, (double)outs[4]!, 12);
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(x < 0.5 && i == row ? x : 0.0, dW[i][0], 12);
            }
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void JacobianAndHessianOverTheElementsRowAfterRow(Precision precision)
        {
            var type = (precision == Precision.Double ? Double : Float).Value.GetType(SourceTemplate.Instantiate("Everyday.Jagged.Fn_real", precision));
            var truth = Double.Value.GetType(SourceTemplate.Instantiate("Everyday.Jagged.Fn_real", Precision.Double));
            var real = precision == Precision.Double ? typeof(double) : typeof(float);
            var tolerance = precision == Precision.Double ? 1e-7 : 2e-3;
            var flat = W.SelectMany(r => r).Concat(X).ToArray();
            var n = flat.Length;

            // The gradient in double, from FGradient (checked against its closed form above).
            double[] Gradient(double[] at)
            {
                var (dW, dX) = (Rows(new double[n], typeof(double)), Tail(new double[n], typeof(double)));
                Reflect.Invoke(truth, "LayerGradient", Rows(at, typeof(double)), Tail(at, typeof(double)), dW, dX);
                return Flat(dW, dX);
            }

            // Layer's Jacobian is its gradient as one row; its Hessian, central differences of the gradient.
            var jacobian = Array.CreateInstance(real, 1, n);
            Reflect.Invoke(type, "LayerJacobian", Rows(flat, real), Tail(flat, real), jacobian);
            AssertClose(Gradient(flat), Enumerable.Range(0, n).Select(c => Convert.ToDouble(jacobian.GetValue(0, c))).ToArray(), tolerance, "LayerJacobian");

            var hessian = Array.CreateInstance(real, n, n);
            Reflect.Invoke(type, "LayerHessian", Rows(flat, real), Tail(flat, real), hessian);
            for (var c = 0; c < n; c++)
            {
                var (plus, minus) = (flat.ToArray(), flat.ToArray());
                plus[c] += 1e-5;
                minus[c] -= 1e-5;
                var column = Gradient(plus).Zip(Gradient(minus), (a, b) => (a - b) / 2e-5).ToArray();
                AssertClose(column, Enumerable.Range(0, n).Select(r => Convert.ToDouble(hessian.GetValue(r, c))).ToArray(), precision == Precision.Double ? 1e-6 : 2e-3, $"LayerHessian column {c}");
            }

            var wrong = Assert.ThrowsAny<ArgumentException>(() => Reflect.Invoke(type, "LayerHessian", Rows(flat, real), Tail(flat, real), Array.CreateInstance(real, n - 1, n - 1)));
            Assert.Equal("hessian", wrong.ParamName);

            // Spread: ∂(wₖ s)/∂wₖ = s, ∂/∂s = wₖ; ∂(sin wₖ · wᵢ₀)/∂wₖ = cos wₖ · wᵢ₀, ∂/∂wᵢ₀ += sin wₖ; ∂s²/∂s = 2s.
            const double S = 0.8;
            var elements = W.Sum(r => r.Length);
            var exact = new double[2 * elements + 1, elements + 1];
            for (int i = 0, k = 0, first = 0; i < W.Length; first += W[i].Length, i++)
            {
                for (var j = 0; j < W[i].Length; j++, k++)
                {
                    exact[2 * k, k] = S;
                    exact[2 * k, elements] = W[i][j];
                    exact[2 * k + 1, k] += Math.Cos(W[i][j]) * W[i][0];
                    exact[2 * k + 1, first] += Math.Sin(W[i][j]);
                }
            }

            exact[2 * elements, elements] = 2 * S;
            var spread = Array.CreateInstance(real, 2 * elements + 1, elements + 1);
            Reflect.Invoke(type, "SpreadJacobian", Rows(flat, real), Convert.ChangeType(S, real), spread);
            for (var r = 0; r <= 2 * elements; r++)
            {
                AssertClose(Enumerable.Range(0, elements + 1).Select(c => exact[r, c]).ToArray(), Enumerable.Range(0, elements + 1).Select(c => Convert.ToDouble(spread.GetValue(r, c))).ToArray(), tolerance, $"SpreadJacobian row {r}");
            }
        }

        /// <summary>The first 6 of <paramref name="flat"/> as rows shaped like W.</summary>
        private static Array Rows(double[] flat, Type real)
        {
            var rows = Array.CreateInstance(real.MakeArrayType(), W.Length);
            var at = 0;
            for (var i = 0; i < W.Length; i++)
            {
                var row = Array.CreateInstance(real, W[i].Length);
                for (var j = 0; j < W[i].Length; j++)
                {
                    row.SetValue(Convert.ChangeType(flat[at++], real), j);
                }

                rows.SetValue(row, i);
            }

            return rows;
        }

        /// <summary>The rest of <paramref name="flat"/> after W's elements, as x.</summary>
        private static Array Tail(double[] flat, Type real)
        {
            var tail = flat.Skip(W.Sum(r => r.Length)).ToArray();
            var array = Array.CreateInstance(real, tail.Length);
            for (var i = 0; i < tail.Length; i++)
            {
                array.SetValue(Convert.ChangeType(tail[i], real), i);
            }

            return array;
        }

        private static double[] Flat(Array rows, Array tail) =>
            rows.Cast<Array>().SelectMany(r => r.Cast<object>()).Concat(tail.Cast<object>()).Select(Convert.ToDouble).ToArray();

        private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (var k = 0; k < expected.Length; k++)
            {
                Assert.True(Math.Abs(expected[k] - actual[k]) <= tolerance * Math.Max(1, Math.Abs(expected[k])), $"{what}[{k}]: expected {expected[k]}, got {actual[k]}");
            }
        }
    }
}
