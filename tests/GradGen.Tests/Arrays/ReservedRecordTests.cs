using System;
using System.Linq;
using System.Text.RegularExpressions;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.Arrays
{
    /// <summary>
    /// A counted loop that records values at its own level reserves room for them before it (<c>tape.Reserve</c>) and
    /// records them with plain stores into that room (through a cursor, see TapeCursorTests); real values and integers apart, each only when nothing nested in
    /// the loop records into the same buffer, and only when the trip count cannot change in the loop. Checked against finite
    /// differences and forward/reverse agreement, in double and float, with enough records that the tape grows while
    /// the loops run.
    /// </summary>
    public sealed class ReservedRecordTests
    {
        private const string Template = @"
namespace Arrays.Reserved
{
    public static partial class Rec_real
    {
        // p ← sin(p)·xᵢ + xᵢ: the old p is recorded once per iteration
        [Differentiable]
        public static real Recurrence(real[] x, real p0)
        {
            real p = p0;
            for (int i = 0; i < x.Length; i++)
                p = MathR.Sin(p) * x[i] + x[i];
            return p;
        }

        // a record in each branch, and the branch taken
        [Differentiable]
        public static real Branches(real[] x)
        {
            real p = 1r;
            for (int i = x.Length - 1; i >= 0; i--)
            {
                if (x[i] > 0r)
                    p = MathR.Cos(p) * x[i];
                else
                    p = MathR.Sin(p + x[i]);
            }
            return p;
        }

        // s is recorded per outer iteration and t per inner one: the outer loop reserves for both
        [Differentiable]
        public static real Nested(real[] x, int k)
        {
            real s = 0r;
            real t = 0.5r;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < x.Length; i++)
                    t = MathR.Sin(t + x[i]);
                s = MathR.Sin(s) + t * x[j % x.Length];
            }
            return s;
        }

        // like a mixture's: per pass, per component a scratch vector overwritten whole, then a running maximum over
        // k − 1 components: the pass loop reserves for all of them at once (the maximum's loop runs no time for k ≤ 1)
        [Differentiable]
        public static real Mixture(real[] x, real[] m, int k)
        {
            int d = x.Length;
            real[] u = new real[d];
            real[] e = new real[k];
            real s = 0r;
            for (int p = 0; p < 3; p++)
            {
                for (int j = 0; j < k; j++)
                {
                    for (int i = 0; i < d; i++)
                        u[i] = MathR.Sin(x[i] * (p + 1)) - m[j * d + i];
                    real q = 0r;
                    for (int i = 0; i < d; i++)
                        q += u[i] * u[i];
                    e[j] = -q;
                }
                real best = 0r;
                if (k > 0)
                    best = e[0];
                for (int j = 1; j < k; j++)
                    best = MathR.Max(best, e[j]);
                s = MathR.Sin(s) + best * x[p % d];
            }
            return s;
        }

        // the inner trip count changes with the outer counter: the inner loop reserves its own room each time
        [Differentiable]
        public static real Triangular(real[] x)
        {
            real t = 0.3r;
            for (int i = 0; i < x.Length; i++)
            {
                for (int j = i; j < x.Length; j++)
                    t = MathR.Sin(t + x[j] * (i + 1));
            }
            return t;
        }

        // the scratch array exists only when the loop runs: the reservation reads its length only then
        [Differentiable]
        public static real Lazy(real[] x, int passes)
        {
            real[] u = passes > 0 ? new real[x.Length] : null!;
            real s = 0r;
            for (int p = 0; p < passes; p++)
            {
                for (int i = 0; i < x.Length; i++)
                    u[i] = MathR.Sin(x[i] + s);
                for (int i = 0; i < x.Length; i++)
                    s += u[i] * x[i];
            }
            return s;
        }

        // a nested loop only in a branch, its count divided by k: nothing of it is counted before the branch is taken
        [Differentiable]
        public static real Guarded(real[] x, int n, int k)
        {
            real s = 0.5r;
            for (int p = 0; p < n; p++)
            {
                if (k != 0)
                    for (int j = 0; j < x.Length / k; j++)
                        s = MathR.Sin(s + x[j]);
            }
            return s;
        }

        // a count divided by k, read before a loop that may not run: the reservation is made only when it runs
        [Differentiable]
        public static real Divided(real[] x, int n, int m, int k)
        {
            real s = 0.5r;
            for (int p = 0; p < n; p++)
                for (int j = 0; j < m / k; j++)
                    s = MathR.Sin(s + x[0] * j);
            return s;
        }

        // the bound is an element the loop changes through another variable: its trip count is not known before it
        [Differentiable]
        public static real AliasedBound(real[] x)
        {
            int[] n = new int[1];
            n[0] = 3;
            int[] m = n;
            real p = x[0];
            for (int i = 0; i < m[0]; i++)
            {
                if (i == 0)
                    n[0] = 90;
                p = MathR.Sin(p) * x[0] + p * x[1];
            }
            return p;
        }

        // a long overwritten in the loop is recorded (as an object: no overload of Push takes a long)
        [Differentiable]
        public static real LongState(real[] x)
        {
            long k = 1;
            real s = 0r;
            for (int i = 0; i < x.Length; i++)
            {
                k = k * 3 % 7;
                s += x[i] * k;
            }
            return s;
        }

        // a loop that may leave early: lowered to a while loop with a flag, which records as before
        [Differentiable]
        public static real EarlyExit(real[] x, real limit)
        {
            real p = 1r;
            for (int i = 0; i < x.Length; i++)
            {
                if (p > limit)
                    break;
                p = p * MathR.Exp(x[i]);
            }
            return p;
        }
    }
}
";

        private static readonly Lazy<LoadedSource> Double = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Double), "ReservedRecords_double"));

        private static readonly Lazy<LoadedSource> Float = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Float), "ReservedRecords_float"));

        private static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        private static DiffFunction Fn(Precision precision, string method) => DiffFunction.Of(For, "Arrays.Reserved.Rec_real", method, precision);

        /// <summary>Values in [−0.9, 0.9], more of them than the tape's first buffer holds.</summary>
        private static double[] Values(int seed, int n) => TestValues.Uniform(seed, n, 0.9);

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void OneRecordPerIteration(Precision precision) => DerivativeCheck.Gradient(Fn(precision, "Recurrence"),
            new[] { new object?[] { Values(1, 150), 0.3 }, new object?[] { Values(2, 3), -0.7 }, new object?[] { Array.Empty<double>(), 0.4 } });

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void RecordsInBranches(Precision precision) => DerivativeCheck.Gradient(Fn(precision, "Branches"),
            new[] { new object?[] { Values(3, 120) }, new object?[] { Values(4, 5) } });

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void NestedRecords(Precision precision) => DerivativeCheck.Gradient(Fn(precision, "Nested"),
            new[] { new object?[] { Values(5, 12), 40 }, new object?[] { Values(6, 3), 0 } });

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void LoopThatMayLeaveEarly(Precision precision) => DerivativeCheck.Gradient(Fn(precision, "EarlyExit"),
            new[] { new object?[] { Values(7, 100).Select(v => Math.Abs(v)).ToArray(), 50.0 }, new object?[] { Values(8, 6), 1e9 } });

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void BoundChangedThroughAnAlias(Precision precision) => DerivativeCheck.Gradient(Fn(precision, "AliasedBound"),
            new[] { new object?[] { new[] { 0.4, 0.9 } }, new object?[] { new[] { -0.3, 0.7 } } });

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void LongRecorded(Precision precision) => DerivativeCheck.Gradient(Fn(precision, "LongState"),
            new[] { new object?[] { Values(9, 10) } },
            args =>
            {
                // ∂s/∂xᵢ = kᵢ with kᵢ = 3ⁱ⁺¹ mod 7
                long k = 1;
                return ((double[])args[0]!).Select(_ => (double)(k = k * 3 % 7)).ToArray();
            });

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void NestReservedAtTheOuterLoop(Precision precision) => DerivativeCheck.Gradient(Fn(precision, "Mixture"),
            new[]
            {
                new object?[] { Values(20, 4), Values(21, 48), 12 },
                new object?[] { Values(22, 2), Values(23, 2), 1 },
                new object?[] { Values(24, 3), Array.Empty<double>(), 0 },
            });

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void InnerTripCountOfTheOuterCounter(Precision precision) => DerivativeCheck.Gradient(Fn(precision, "Triangular"),
            new[] { new object?[] { Values(25, 20) }, new object?[] { Values(26, 1) }, new object?[] { Array.Empty<double>() } });

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void ArrayMadeOnlyWhenTheLoopRuns(Precision precision) => DerivativeCheck.Gradient(Fn(precision, "Lazy"),
            new[] { new object?[] { Values(27, 5), 3 }, new object?[] { Values(28, 4), 0 } });

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void CountsEvaluatedOnlyWhereTheProgramWould(Precision precision)
        {
            DerivativeCheck.Gradient(Fn(precision, "Guarded"),
                new[] { new object?[] { Values(29, 6), 3, 2 }, new object?[] { Values(30, 4), 2, 0 } });
            DerivativeCheck.Gradient(Fn(precision, "Divided"),
                new[] { new object?[] { Values(31, 2), 3, 7, 2 }, new object?[] { Values(32, 2), 0, 7, 0 } });
        }

        [Fact]
        public void WhereRoomIsReserved()
        {
            var recurrence = Reverse("Recurrence");
            // sin p and the old p, per iteration
            Assert.Contains("tape.Reserve(x.Length, 2, 0);", recurrence);
            Assert.Contains("tape_reals[tape_realTop] = ", recurrence);
            Assert.DoesNotContain("tape.Push(", recurrence);

            // cos p and p in one branch, p in the other, and the branch taken: room for the larger branch
            var branches = Reverse("Branches");
            Assert.Contains("tape.Reserve(x.Length, 2, 1);", branches);
            Assert.Contains("tape_ints[tape_intTop] = 1;", branches);

            // the outer loop reserves for its record of s and for the inner loop's of t (none when x is empty), once
            var nested = Reverse("Nested");
            Assert.Contains("tape.Reserve(k, (x.Length > 0 ? x.Length : 0) + 1, 0);", nested);
            Assert.Single(Regex.Matches(nested, @"tape\.Reserve\("));
            Assert.DoesNotContain("tape.Push(", nested);

            // one reservation for the pass loop: e and u whole, best, its branch and its running maximum, and s
            var mixture = Reverse("Mixture");
            Assert.Contains("tape.Reserve(3, e.Length + (k > 0 ? k * u.Length : 0) + 1 + (k - 1 > 0 ? k - 1 : 0) + 1, 1);", mixture);
            Assert.Single(Regex.Matches(mixture, @"tape\.Reserve\("));
            Assert.Contains("tape_realTop = global::GradGen.Runtime.Tape.PushAllAt(tape_reals, tape_realTop, u);", mixture);
            Assert.Contains("tape_realTop = global::GradGen.Runtime.Tape.PushAllAt(tape_reals, tape_realTop, e);", mixture);
            Assert.DoesNotMatch(@"tape\.Push(All)?\(", mixture);

            Assert.Contains("tape.Reserve(x.Length - i, 1, 0);", Reverse("Triangular"));
            Assert.Matches(@"if \(passes > 0\)\s*\{\s*tape\.Reserve\(passes, ", Reverse("Lazy"));

            Assert.DoesNotContain("Reserve", Reverse("EarlyExit"));
            Assert.DoesNotContain("Reserve", Reverse("AliasedBound"));
        }

        private static string Reverse(string method) => Double.Value.Run.GeneratedMethod(method, "Reverse");
    }
}
