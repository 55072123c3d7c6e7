using System;
using System.Collections.Concurrent;
using System.Linq;
using GradGen.Generator.Model;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.Regression
{
    /// <summary>
    /// Every optional pass can be switched off (the MSBuild property GradGenDisabledOptimizations) to bisect a wrong
    /// derivative: with each one off in turn, and all off, the generated code changes where that pass works and the
    /// derivatives still agree with closed forms, finite differences and each other. The source exercises every pass:
    /// an inlined callee, Math values reused, reserved records, tape cursors, loop locals, adjoint resets, a recursion
    /// reversed split and a difference computed again rather than recorded.
    /// </summary>
    public sealed class OptimizationSwitchTests
    {
        private const string Template = @"
namespace Passes
{
    public static partial class Pass_real
    {
        // small and of the same type: inlined into its callers' derivatives
        [Differentiable(Kinds = DerivativeKinds.Reverse | DerivativeKinds.Forward | DerivativeKinds.Hessian)]
        public static real Sq(real v) => v * v;

        // a running maximum and exp(xᵢ − a) recorded per iteration in reserved room, through cursors
        [Differentiable(Kinds = DerivativeKinds.Reverse | DerivativeKinds.Forward | DerivativeKinds.Hessian)]
        public static real Lse(real[] x)
        {
            real a = x[0];
            for (int i = 1; i < x.Length; i++)
                a = MathR.Max(a, x[i]);
            real s = 0r;
            for (int i = 0; i < x.Length; i++)
                s += MathR.Exp(x[i] - a);
            return MathR.Log(s) + a;
        }

        // a rotation whose derivative reuses cos θ and sin θ, an inlined callee, a loop-carried sum
        [Differentiable(Kinds = DerivativeKinds.Reverse | DerivativeKinds.Forward | DerivativeKinds.Hessian)]
        public static real Rotated(real[] p, real theta)
        {
            real c = MathR.Cos(theta);
            real s = MathR.Sin(theta);
            real sum = 0r;
            for (int i = 0; i + 1 < p.Length; i += 2)
            {
                real u = c * p[i] - s * p[i + 1];
                real w = s * p[i] + c * p[i + 1];
                sum += Sq(u) * MathR.Exp(0.1r * w) + w;
            }
            return sum;
        }

        // Σ (aᵢ − bᵢ)³: each difference computed again in the backward sweep rather than recorded
        [Differentiable(Kinds = DerivativeKinds.Reverse | DerivativeKinds.Forward | DerivativeKinds.Hessian)]
        public static real Cubes(real[] a, real[] b)
        {
            real s = 0r;
            for (int i = 0; i < a.Length; i++)
            {
                real d = a[i] - b[i];
                s += d * d * d;
            }
            return s;
        }

        // a recursion, never inlined: its calls reversed split (the callee's Record, then its Backward)
        [Differentiable(Kinds = DerivativeKinds.Reverse | DerivativeKinds.Forward | DerivativeKinds.Hessian)]
        public static real Horner(real[] c, real x, int k)
        {
            if (k == c.Length - 1)
                return c[k];
            return c[k] + x * Horner(c, x, k + 1);
        }
    }
}
";

        private static readonly ConcurrentDictionary<string, Lazy<LoadedSource>> Sources = new();

        /// <summary>The template compiled with <paramref name="disabled"/> switched off ("" for none).</summary>
        private static LoadedSource With(string disabled) => Sources.GetOrAdd(disabled, d => new Lazy<LoadedSource>(() =>
            GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Double), "Passes_" + (d.Length == 0 ? "all" : d), disabledOptimizations: d))).Value;

        public static TheoryData<string> Switches()
        {
            var data = new TheoryData<string>();
            foreach (Optimizations o in Enum.GetValues(typeof(Optimizations)))
            {
                if (o is not (Optimizations.None or Optimizations.All))
                {
                    data.Add(o.ToString());
                }
            }

            data.Add(string.Join(";", Enum.GetNames(typeof(Optimizations))));
            return data;
        }

        private static double[] Values(int seed, int n) => TestValues.Uniform(seed, n, 0.9);

        [Theory]
        [MemberData(nameof(Switches))]
        public void WithAPassOff_TheCodeChangesAndTheDerivativesStayExact(string disabled)
        {
            var on = With(string.Empty);
            var off = With(disabled);
            Assert.NotEqual(
                string.Concat(on.Run.GeneratedSources.OrderBy(p => p.Key).Select(p => p.Value)),
                string.Concat(off.Run.GeneratedSources.OrderBy(p => p.Key).Select(p => p.Value)));

            DiffFunction Fn(string method) => new(off, off.GetType("Passes.Pass_double"), method);
            DerivativeCheck.Gradient(Fn("Lse"), new[] { new object?[] { Values(1, 150) }, new object?[] { Values(2, 3) } }, args =>
            {
                var x = (double[])args[0]!;
                var e = x.Select(v => Math.Exp(v - x.Max())).ToArray();
                return e.Select(v => v / e.Sum()).ToArray();
            });
            DerivativeCheck.Gradient(Fn("Cubes"), new[] { new object?[] { Values(8, 5), Values(9, 5) } }, args =>
            {
                var (a, b) = ((double[])args[0]!, (double[])args[1]!);
                var g = a.Select((ai, i) => 3 * (ai - b[i]) * (ai - b[i])).ToArray();
                return g.Concat(g.Select(v => -v)).ToArray();
            });
            DerivativeCheck.Gradient(Fn("Rotated"), new[] { new object?[] { Values(3, 8), 0.7 }, new object?[] { Values(4, 2), -1.1 } });

            // p(x) = Σ cⱼ xʲ: ∂p/∂cⱼ = xʲ, ∂p/∂x = Σ j cⱼ xʲ⁻¹.
            DerivativeCheck.Gradient(Fn("Horner"), new[] { new object?[] { Values(6, 6), 0.8, 0 }, new object?[] { Values(7, 1), -1.3, 0 } }, args =>
            {
                var (c, t) = ((double[])args[0]!, (double)args[1]!);
                return c.Select((_, j) => Math.Pow(t, j)).Append(c.Select((cj, j) => j * cj * Math.Pow(t, j - 1)).Sum()).ToArray();
            });

            // The Hessian of log Σ exp: diag(p) − p pᵀ.
            var x = Values(5, 20);
            var hessian = new double[x.Length, x.Length];
            off.GetType("Passes.Pass_double").GetMethod("LseHessian")!.Invoke(null, new object[] { x, hessian });
            var p = x.Select(v => Math.Exp(v - x.Max())).ToArray();
            p = p.Select(v => v / p.Sum()).ToArray();
            for (int i = 0; i < x.Length; i++)
            {
                for (int j = 0; j < x.Length; j++)
                {
                    Assert.Equal((i == j ? p[i] : 0.0) - p[i] * p[j], hessian[i, j], 12);
                }
            }
        }

        [Fact]
        public void EachSwitch_TurnsOffWhatItNames()
        {
            string Reverse(string disabled, string method) => With(disabled).Run.GeneratedFrom(method, "Reverse");
            Assert.Contains("tape_realTop", Reverse(string.Empty, "Lse"));
            Assert.DoesNotContain("tape_realTop", Reverse("TapeCursors", "Lse"));
            Assert.Contains("Reserve(", Reverse(string.Empty, "Lse"));
            Assert.DoesNotContain("Reserve(", Reverse("ReservedRecords", "Lse"));
            Assert.DoesNotContain("SqReverse(", Reverse(string.Empty, "Rotated"));
            Assert.Contains("__SqBackward(", Reverse("Inlining", "Rotated"));
            Assert.Contains("SqReverse(", Reverse("Inlining;SplitReversal", "Rotated"));
            Assert.True(Reverse("ValueReuse", "Rotated").Split("Math.Sin(").Length > Reverse(string.Empty, "Rotated").Split("Math.Sin(").Length);
            Assert.Contains("computed again", Reverse(string.Empty, "Cubes"));
            Assert.DoesNotContain("computed again", Reverse("Recomputation", "Cubes"));
            Assert.Contains("__HornerBackward(", Reverse(string.Empty, "Horner"));
            Assert.DoesNotContain("__Horner", Reverse("SplitReversal", "Horner"));

            // Unknown names are ignored; names are case-insensitive and may be separated by commas.
            Assert.Equal(Reverse(string.Empty, "Lse"), Reverse("NoSuchPass", "Lse"));
            Assert.Equal(Optimizations.All & ~(Optimizations.TapeCursors | Optimizations.ReservedRecords), OptimizationSettings.Enabled("tapecursors, reservedrecords"));
        }
    }
}
