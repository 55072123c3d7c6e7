using System;
using System.Linq;
using System.Text.RegularExpressions;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.Arrays
{
    /// <summary>
    /// An innermost loop of either sweep works on its own copies of the method-wide scalars it assigns (a
    /// packed-storage index it steps, a recorded temporary it restores, an adjoint it resets), copied back after the
    /// loop (LoopLocals). Checked against
    /// closed forms, finite differences and forward/reverse agreement, in double and float, including loops that run
    /// no iteration.
    /// </summary>
    public sealed class CarriedLocalTests
    {
        private const string Template = @"
namespace Arrays.Carried
{
    public static partial class Packed_real
    {
        // ‖(I + L)·v‖² with L strictly lower triangular, packed column by column in p (as ADBench's GMM icf)
        [Differentiable]
        public static real PackedLower(real[] p, real[] v)
        {
            int n = v.Length;
            real[] w = new real[n];
            for (int i = 0; i < n; i++)
                w[i] = v[i];
            int l = 0;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                {
                    w[j] += p[l] * v[i];
                    l++;
                }
            real s = 0r;
            for (int i = 0; i < n; i++)
                s += w[i] * w[i];
            return s;
        }

        // Σ_{i<m} e_i·y_i with e_i = exp(x_i) kept in one scalar the loop overwrites (recorded, restored backward)
        [Differentiable]
        public static real ExpWeighted(real[] x, real[] y, int m)
        {
            real e = 0r;
            real s = 0r;
            for (int i = 0; i < m; i++)
            {
                e = MathR.Exp(x[i]);
                s += e * y[i];
            }
            return s + e;
        }
    }
}
";

        private static readonly Lazy<LoadedSource> Double = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Double), "CarriedLocals_double"));

        private static readonly Lazy<LoadedSource> Float = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Float), "CarriedLocals_float"));

        private static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        private static DiffFunction Fn(Precision precision, string method) => DiffFunction.Of(For, "Arrays.Carried.Packed_real", method, precision);

        private static readonly double[] V = { 0.5, -1.25, 0.75, 1.5 };
        private static readonly double[] P = { 0.25, 2.0, -0.5, 1.25, -0.75, 0.4 };

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void PackedTriangularIndex(Precision precision) => DerivativeCheck.Gradient(Fn(precision, "PackedLower"),
            new[] { new object?[] { P, V }, new object?[] { P.Take(1).ToArray(), V.Take(2).ToArray() }, new object?[] { Array.Empty<double>(), V.Take(1).ToArray() } },
            args =>
            {
                var p = (double[])args[0]!;
                var v = (double[])args[1]!;
                int n = v.Length;
                // M = I + L; f = ‖M·v‖²: ∂f/∂v = 2·Mᵀ·(M·v), ∂f/∂L[j, i] = 2·(M·v)_j·v_i
                var m = new double[n, n];
                var packed = new (int Row, int Column)[p.Length];
                int l = 0;
                for (int i = 0; i < n; i++)
                {
                    m[i, i] = 1;
                    for (int j = i + 1; j < n; j++)
                    {
                        m[j, i] = p[l];
                        packed[l++] = (j, i);
                    }
                }

                var w = Enumerable.Range(0, n).Select(r => Enumerable.Range(0, n).Sum(c => m[r, c] * v[c])).ToArray();
                var dp = packed.Select(e => 2 * w[e.Row] * v[e.Column]);
                var dv = Enumerable.Range(0, n).Select(c => 2 * Enumerable.Range(0, n).Sum(r => m[r, c] * w[r]));
                return dp.Concat(dv).ToArray();
            });

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void RestoredTemporary(Precision precision) => DerivativeCheck.Gradient(Fn(precision, "ExpWeighted"),
            new[] { new object?[] { V, P.Take(4).ToArray(), 3 }, new object?[] { V, P.Take(4).ToArray(), 0 } },
            args =>
            {
                var x = (double[])args[0]!;
                var y = (double[])args[1]!;
                int m = (int)args[2]!;
                // f = Σ_{i<m} exp(x_i)·y_i + exp(x_{m−1}) (the last e; 0 when the loop does not run)
                var dx = x.Select((xi, i) => i < m ? Math.Exp(xi) * (y[i] + (i == m - 1 ? 1 : 0)) : 0.0);
                var dy = y.Select((_, i) => i < m ? Math.Exp(x[i]) : 0.0);
                return dx.Concat(dy).ToArray();
            });

        [Fact]
        public void InnermostLoopsStepTheirOwnCopyOfTheIndex()
        {
            var text = Double.Value.Run.GeneratedSources.Single(p => p.Key.EndsWith(".PackedLower.g.cs", StringComparison.Ordinal)).Value;
            var reverse = Double.Value.Run.GeneratedFrom("PackedLower", "Reverse");

            // Code with loops is compiled straight to optimised code (not the Gradient wrapper, which has none).
            Assert.Matches(@"MethodImplOptions\.AggressiveOptimization\)\]\s+public static \w+ PackedLowerReverse\(", text);
            Assert.DoesNotMatch(@"MethodImplOptions\.AggressiveOptimization\)\]\s+public static \w+ PackedLowerGradient\(", text);
            var split = reverse.IndexOf("// Backward sweep", StringComparison.Ordinal);
            foreach (var (sweep, step) in new[] { (reverse.Substring(0, split), "+ 1"), (reverse.Substring(split), "- 1") })
            {
                var copy = Regex.Match(sweep, @"int (l_loop\w*) = l;");
                Assert.True(copy.Success, sweep);
                var name = copy.Groups[1].Value;
                Assert.Contains($"{name} = {name} {step};", sweep);
                Assert.Contains($"l = {name};", sweep);
            }
        }
    }
}
