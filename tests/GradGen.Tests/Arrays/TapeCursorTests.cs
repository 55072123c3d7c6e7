using System;
using System.Linq;
using System.Text.RegularExpressions;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.Arrays
{
    /// <summary>
    /// A loop whose only tape operations are records in reserved room and takebacks works on the tape's buffers through
    /// local cursors (<c>tape_reals[tape_realTop] = p</c>), giving the counts back after it; a loop with any other use of
    /// the tape keeps the calls. Checked against closed forms, finite differences and forward/reverse agreement, in
    /// double and float, with more records than the tape's first buffers hold, and for second order (the Hessian's
    /// forward-over-reverse sweeps take records back through cursors too).
    /// </summary>
    public sealed class TapeCursorTests
    {
        private const string Template = @"
namespace Arrays.Cursors
{
    public static partial class Cur_real
    {
        // a running maximum and exp(xᵢ − a), each recorded per iteration: both sweeps of both loops through a cursor
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

        // like a mixture's component loop: two scratch vectors recorded whole, a packed index (an int) recorded, a
        // branch decided on active values and a real recorded in one branch: reals and ints through cursors in one nest
        [Differentiable]
        public static real Packed(real[] x, real[] l, int k)
        {
            int d = x.Length;
            real[] u = new real[d];
            real[] v = new real[d];
            real s = 0r;
            int li = 0;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < d; i++)
                    u[i] = x[i] * (j + 1);
                for (int i = 0; i < d; i++)
                    v[i] = u[i] * x[i];
                li = j * (d * (d - 1) / 2);
                for (int i = 0; i < d; i++)
                {
                    for (int m = i + 1; m < d; m++)
                    {
                        v[m] = v[m] + l[li] * u[i];
                        li++;
                    }
                }
                real q = 0r;
                for (int i = 0; i < d; i++)
                {
                    if (v[i] > 0r)
                        q = MathR.Sin(q) + v[i] * v[i];
                    else
                        q = q - v[i];
                }
                s += MathR.Exp(-0.1r * q);
            }
            return s;
        }

        // the loop may leave early, so its records are not reserved: it keeps the tape's calls (the backward sweep
        // only takes records back, through a cursor)
        [Differentiable]
        public static real EarlyExit(real[] x, real limit)
        {
            real p = 1r;
            for (int i = 0; i < x.Length; i++)
            {
                if (p > limit)
                    break;
                p = p * MathR.Exp(0.5r * x[i]) + MathR.Sin(p);
            }
            return p;
        }
    }
}
";

        private static readonly Lazy<LoadedSource> Double = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Double), "TapeCursors_double"));

        private static readonly Lazy<LoadedSource> Float = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Float), "TapeCursors_float"));

        private static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        private static DiffFunction Fn(Precision precision, string method) => DiffFunction.Of(For, "Arrays.Cursors.Cur_real", method, precision);

        /// <summary>Values in [−0.9, 0.9], more of them than the tape's first buffer holds.</summary>
        private static double[] Values(int seed, int n) => TestValues.Uniform(seed, n, 0.9);

        /// <summary>∇ log Σ exp xᵢ = softmax(x).</summary>
        private static double[] Softmax(double[] x)
        {
            var e = x.Select(v => Math.Exp(v - x.Max())).ToArray();
            return e.Select(v => v / e.Sum()).ToArray();
        }

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void RecordsAndTakebacksOfSingleValues(Precision precision) => DerivativeCheck.Gradient(Fn(precision, "Lse"),
            new[] { new object?[] { Values(1, 150) }, new object?[] { Values(2, 3) }, new object?[] { new[] { 0.2 } } },
            args => Softmax((double[])args[0]!));

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void WholeArraysIntegersAndDecisions(Precision precision) => DerivativeCheck.Gradient(Fn(precision, "Packed"),
            new[]
            {
                new object?[] { Values(3, 4), Values(4, 6 * 40), 40 },
                new object?[] { Values(5, 3), Values(6, 3), 1 },
                new object?[] { Values(7, 2), Array.Empty<double>(), 0 },
            });

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void LoopThatKeepsTheCalls(Precision precision) => DerivativeCheck.Gradient(Fn(precision, "EarlyExit"),
            new[] { new object?[] { Values(8, 100), 1e6 }, new object?[] { Values(9, 100).Select(Math.Abs).ToArray(), 3.0 } });

        [Fact]
        public void HessianOverCursorLoops()
        {
            // ∇²LSE = diag(p) − p pᵀ with p = softmax(x)
            var type = Double.Value.GetType("Arrays.Cursors.Cur_double");
            var x = Values(10, 70);
            var hessian = new double[x.Length, x.Length];
            var value = (double)type.GetMethod("LseHessian")!.Invoke(null, new object[] { x, hessian })!;
            var p = Softmax(x);
            Assert.Equal(Math.Log(x.Sum(v => Math.Exp(v - x.Max()))) + x.Max(), value, 12);
            for (int i = 0; i < x.Length; i++)
            {
                for (int j = 0; j < x.Length; j++)
                {
                    Assert.Equal((i == j ? p[i] : 0.0) - p[i] * p[j], hessian[i, j], 12);
                }
            }

            Assert.Matches(@"tape_realTop\w* -= 1;\s*\S+ = tape_reals\w*\[tape_realTop\w*\];", Double.Value.Run.GeneratedFrom("Lse", "ReverseTangent"));
        }

        [Fact]
        public void WhereCursorsAreUsed()
        {
            // every record and takeback of Lse's reverse mode through a cursor, each count given back after its loop
            var lse = Reverse("Lse");
            Assert.DoesNotMatch(@"tape\.(Push\w*|Pop\w*)\(", lse);
            Assert.Equal(4, Regex.Matches(lse, @"tape\.SetRealCount\(tape_realTop\w*\);").Count);
            Assert.Equal(4, Regex.Matches(lse, @"int tape_realTop\w* = tape\.RealCount;").Count);

            // whole arrays, the packed index and the branch taken: the component loop records through both cursors
            var packed = Reverse("Packed");
            Assert.Matches(@"tape_realTop\w* = global::GradGen\.Runtime\.Tape\.PushAllAt\(tape_reals\w*, tape_realTop\w*, u, v\);", packed);
            Assert.Matches(@"tape_realTop\w* = global::GradGen\.Runtime\.Tape\.PopAllAt\(tape_reals\w*, tape_realTop\w*, u, v\);", packed);
            Assert.Matches(@"tape_ints\w*\[tape_intTop\w*\] = li;", packed);
            Assert.Matches(@"if \(tape_ints\w*\[tape_intTop\w*\] != 0\)", packed);
            Assert.DoesNotMatch(@"tape\.(Push\w*|Pop\w*)\(", packed);

            // a record that may grow the tape: the forward loop keeps its calls; the backward one takes back through a cursor
            var early = Reverse("EarlyExit");
            Assert.Contains("tape.Push(", early);
            Assert.Matches(@"= tape_reals\w*\[tape_realTop\w*\];", early);
        }

        /// <summary>The generated Reverse method, up to the next one's documentation.</summary>
        private static string Reverse(string method)
        {
            var text = Double.Value.Run.GeneratedFrom(method, "Reverse");
            var next = text.IndexOf("/// <summary>", StringComparison.Ordinal);
            return next < 0 ? text : text.Substring(0, next);
        }
    }
}
