using System;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.Arrays
{
    /// <summary>
    /// A backward loop reads an element whose index the loop does not change (x[i] in a loop over j) once, into a
    /// local, before the loop; only when the loop runs, since its index may then be invalid. Checked against closed
    /// forms, finite differences and forward/reverse agreement, in double and float.
    /// </summary>
    public sealed class InvariantReadTests
    {
        private const string Template = @"
namespace Arrays.Invariant
{
    public static partial class Tri_real
    {
        // Σ_{i<j} x_i·w_j·x_j: x[i] is read in the loop over j
        [Differentiable]
        public static real Triangle(real[] x, real[] w)
        {
            real s = 0r;
            for (int i = 0; i < x.Length; i++)
                for (int j = i + 1; j < x.Length; j++)
                    s += x[i] * w[j] * x[j];
            return s;
        }

        // x[k]·Σ_{j<m} y_j: with m = 0 the loop does not run and x[k] is never read, even out of range
        [Differentiable]
        public static real Guarded(real[] x, real[] y, int k, int m)
        {
            real s = 0r;
            for (int j = 0; j < m; j++)
                s += x[k] * y[j];
            return s + y[0];
        }
    }
}
";

        private static readonly Lazy<LoadedSource> Double = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Double), "InvariantReads_double"));

        private static readonly Lazy<LoadedSource> Float = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Float), "InvariantReads_float"));

        private static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        private static DiffFunction Fn(Precision precision, string method) => DiffFunction.Of(For, "Arrays.Invariant.Tri_real", method, precision);

        private static readonly double[] X = { 0.5, -1.25, 0.75, 1.5 };
        private static readonly double[] W = { 0.25, 2.0, -0.5, 1.25 };

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void TriangleOfProducts(Precision precision) => DerivativeCheck.Gradient(Fn(precision, "Triangle"),
            new[] { new object?[] { X, W }, new object?[] { X.Take(1).ToArray(), W.Take(1).ToArray() } },
            args =>
            {
                var x = (double[])args[0]!;
                var w = (double[])args[1]!;
                int n = x.Length;
                // ∂/∂x_k = Σ_{j>k} w_j x_j + w_k Σ_{i<k} x_i; ∂/∂w_j = x_j Σ_{i<j} x_i
                var dx = Enumerable.Range(0, n).Select(k => Enumerable.Range(k + 1, n - k - 1).Sum(j => w[j] * x[j]) + w[k] * x.Take(k).Sum());
                var dw = Enumerable.Range(0, n).Select(j => x[j] * x.Take(j).Sum());
                return dx.Concat(dw).ToArray();
            });

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void ReadOnlyWhenTheLoopRuns(Precision precision) => DerivativeCheck.Gradient(Fn(precision, "Guarded"),
            new[] { new object?[] { X, W, 2, 3 }, new object?[] { X, W, 99, 0 } },
            args =>
            {
                var x = (double[])args[0]!;
                var y = (double[])args[1]!;
                int k = (int)args[2]!, m = (int)args[3]!;
                var dx = x.Select((_, i) => m > 0 && i == k ? y.Take(m).Sum() : 0.0);
                var dy = y.Select((_, j) => (j < m ? x[k] : 0.0) + (j == 0 ? 1.0 : 0.0));
                return dx.Concat(dy).ToArray();
            });

        [Fact]
        public void TheInvariantElementIsReadOnceBeforeTheLoop()
        {
            var text = Double.Value.Run.GeneratedSources.Single(p => p.Key.EndsWith(".Triangle.g.cs", StringComparison.Ordinal)).Value;
            var reverse = text.Substring(text.IndexOf(" TriangleReverse(", StringComparison.Ordinal));
            Assert.Contains("x_read = x[i];", reverse);
            Assert.Contains("x_read * g1", reverse);
        }
    }
}
