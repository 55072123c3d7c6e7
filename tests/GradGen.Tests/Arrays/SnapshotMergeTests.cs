using System;
using System.Linq;
using System.Text.RegularExpressions;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.Arrays
{
    /// <summary>
    /// Two loops in a row that each overwrite a scratch array the backward sweep needs: the second array is recorded
    /// with the first, before the first loop, and put back with it, when the first loop neither writes it nor reads it
    /// backward (<c>tape.PushAll(u, v)</c>); when the first loop's adjoint reads it, each keeps its own record. Checked
    /// against closed forms, finite differences and forward/reverse agreement, in double and float (float arrays are
    /// recorded one to a call, in the same merged order).
    /// </summary>
    public sealed class SnapshotMergeTests
    {
        private const string Template = @"
namespace Arrays.Snapshots
{
    public static partial class Merge_real
    {
        // Σⱼ exp(−½‖v‖²) with u = x − mⱼ and v = u∘x, both scratch vectors overwritten per component
        [Differentiable]
        public static real TwoScratch(real[] x, real[] m)
        {
            int d = x.Length;
            real[] u = new real[d];
            real[] v = new real[d];
            real s = 0r;
            for (int j = 0; j < m.Length / d; j++)
            {
                for (int i = 0; i < d; i++)
                    u[i] = x[i] - m[j * d + i];
                for (int i = 0; i < d; i++)
                    v[i] = u[i] * x[i];
                real q = 0r;
                for (int i = 0; i < d; i++)
                    q += v[i] * v[i];
                s += MathR.Exp(-0.5r * q);
            }
            return s;
        }

        // the first loop reads the second's array from the previous component: its adjoint needs the old v
        [Differentiable]
        public static real FirstReadsSecond(real[] x, real[] m)
        {
            int d = x.Length;
            real[] u = new real[d];
            real[] v = new real[d];
            for (int i = 0; i < d; i++)
                v[i] = 1r;
            real s = 0r;
            for (int j = 0; j < m.Length / d; j++)
            {
                for (int i = 0; i < d; i++)
                    u[i] = x[i] * v[i];
                for (int i = 0; i < d; i++)
                    v[i] = MathR.Sin(u[i] + m[j * d + i]);
                for (int i = 0; i < d; i++)
                    s += v[i] * u[i];
            }
            return s;
        }
    }
}
";

        private static readonly Lazy<LoadedSource> Double = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Double), "SnapshotMerge_double"));

        private static readonly Lazy<LoadedSource> Float = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Float), "SnapshotMerge_float"));

        private static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        private static DiffFunction Fn(Precision precision, string method) => DiffFunction.Of(For, "Arrays.Snapshots.Merge_real", method, precision);

        private static readonly double[] X = { 0.5, -1.25, 0.75 };
        private static readonly double[] M = { 0.25, 0.5, -0.5, 1.25, -0.75, 0.4, 0.1, -0.2, 0.9 };

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void RecordedTogether(Precision precision) => DerivativeCheck.Gradient(Fn(precision, "TwoScratch"),
            new[] { new object?[] { X, M }, new object?[] { X.Take(1).ToArray(), M.Take(2).ToArray() } },
            args =>
            {
                var x = (double[])args[0]!;
                var m = (double[])args[1]!;
                int d = x.Length, k = m.Length / d;
                // vⱼᵢ = (xᵢ − mⱼᵢ)·xᵢ, eⱼ = exp(−½‖vⱼ‖²): ∂f/∂xᵢ = −Σⱼ eⱼ·vⱼᵢ·(2xᵢ − mⱼᵢ), ∂f/∂mⱼᵢ = eⱼ·vⱼᵢ·xᵢ
                double V(int j, int i) => (x[i] - m[j * d + i]) * x[i];
                double E(int j) => Math.Exp(-0.5 * Enumerable.Range(0, d).Sum(i => V(j, i) * V(j, i)));
                var dx = Enumerable.Range(0, d).Select(i => -Enumerable.Range(0, k).Sum(j => E(j) * V(j, i) * (2 * x[i] - m[j * d + i])));
                var dm = Enumerable.Range(0, k * d).Select(p => E(p / d) * V(p / d, p % d) * x[p % d]);
                return dx.Concat(dm).ToArray();
            });

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void RecordedApartWhenTheFirstLoopNeedsTheOldArray(Precision precision) => DerivativeCheck.Gradient(Fn(precision, "FirstReadsSecond"),
            new[] { new object?[] { X, M }, new object?[] { X.Take(2).ToArray(), M.Take(6).ToArray() } });

        [Fact]
        public void OneCallRecordsAndRestoresBoth()
        {
            // Recorded in the room the component loop reserves (the arrays' lengths and the exp, per component).
            var merged = Reverse("TwoScratch");
            Assert.Contains("tape.Reserve(m.Length / d, u.Length + v.Length + 1, 0);", merged);
            Assert.Matches(WholeRecord("Push", "u, v"), merged);
            Assert.Matches(WholeRecord("Pop", "u, v"), merged);
            Assert.DoesNotMatch(WholeRecord("Push", "v"), merged);

            var apart = Reverse("FirstReadsSecond");
            Assert.Matches(WholeRecord("Push", "u"), apart);
            Assert.Matches(WholeRecord("Push", "v"), apart);
            Assert.DoesNotMatch(WholeRecord("Push", "u, v"), apart);
        }

        private static string Reverse(string method) => Double.Value.Run.GeneratedFrom(method, "Reverse");

        /// <summary>A whole-array record or restore of exactly <paramref name="arrays"/>: through the tape (<c>tape.PushAll(u)</c>) or its cursor (<c>Tape.PushAllAt(tape_reals, tape_realTop, u)</c>).</summary>
        private static string WholeRecord(string direction, string arrays) =>
            $@"(tape\.{direction}All(Reserved)?\(|Tape\.{direction}AllAt\(tape_reals\w*, tape_realTop\w*, ){Regex.Escape(arrays)}\);";
    }
}
