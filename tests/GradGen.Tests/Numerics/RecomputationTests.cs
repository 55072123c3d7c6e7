using System;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.TestValues;

namespace GradGen.Tests.Numerics
{
    /// <summary>
    /// Test sources "Recompute_double" / "Recompute_float" (and the same with <c>Recomputation</c> switched off): values a
    /// loop body assigns from a few operations on values that stay put, which the backward sweep computes again instead
    /// of recording: a difference per element, k-means' distance terms (reading an enclosing loop's counter), a chain of
    /// two, a vector result, a callee reversed split; and the cases that must keep their records: a value read after its
    /// loop, an operand changed later in the iteration, an array written in the loop, a while loop's index stepped after
    /// the value.
    /// </summary>
    public static class RecomputeSource
    {
        public const string Template = @"
namespace Numerics.Recompute
{
    public static partial class Rc_real
    {
        // Σ (aᵢ − bᵢ)³: the difference is computed again backward.
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

        // GradBench's k-means cost: the difference reads the centroid loop's counter; the running minimum keeps its records.
        [Differentiable(Kinds = DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Kmeans([NoDerivative] real[] points, real[] centroids, int n, int k, int d)
        {
            real cost = 0r;
            for (int i = 0; i < n; i++)
            {
                real closest = real.PositiveInfinity;
                for (int j = 0; j < k; j++)
                {
                    real distance = 0r;
                    for (int t = 0; t < d; t++)
                    {
                        real difference = points[i * d + t] - centroids[j * d + t];
                        distance += difference * difference;
                    }
                    closest = distance < closest ? distance : closest;
                }
                cost += closest;
            }
            return cost;
        }

        // Two values, the second from the first: both computed again, in order.
        [Differentiable]
        public static real Chain(real[] a, real[] b, real c)
        {
            real s = 0r;
            for (int i = 0; i < a.Length; i++)
            {
                real u = a[i] - c * b[i];
                real v = u * b[i] + c;
                s += v * v * u;
            }
            return s;
        }

        // The inner loop's last difference is read after it: code before the inner loop needs it back, so it is recorded.
        [Differentiable]
        public static real LastRead(real[] a, real[] b, int m)
        {
            real s = 0r;
            real d = 0r;
            for (int r = 0; r < m; r++)
            {
                for (int i = 0; i < a.Length; i++)
                {
                    d = a[i] - b[i] * (r + 1);
                    s += d * d;
                }
                s += d * d * d;
            }
            return s;
        }

        // An operand changed later in the iteration (q), an array the loop writes (w): recorded.
        [Differentiable]
        public static real Changing(real[] a, real q)
        {
            real s = 0r;
            for (int i = 0; i < a.Length; i++)
            {
                real d = a[i] - q;
                q = q * 0.5r + a[i];
                s += d * d * q;
            }
            real[] w = new real[a.Length];
            for (int i = 0; i < a.Length; i++)
            {
                real e = a[i] - w[i] * q;
                w[i] = e * 2r;
                s += e * e;
            }
            return s + w[0];
        }

        // While loops: an index stepped after the value keeps its records; one stepped before does not need them.
        [Differentiable]
        public static real Walk(real[] a, real[] b)
        {
            real s = 0r;
            int i = 0;
            while (i < a.Length)
            {
                real d = a[i] - b[i];
                i++;
                s += d * d * d;
            }
            int j = 0;
            while (j < a.Length)
            {
                j++;
                real e = a[j - 1] * b[j - 1];
                s += e * e;
            }
            return s;
        }

        // A vector result: its Jacobian.
        [Differentiable]
        public static real[] Squares(real[] a, real[] b)
        {
            var r = new real[a.Length];
            for (int i = 0; i < a.Length; i++)
            {
                real d = a[i] - b[i];
                r[i] = d * d * MathR.Sin(d);
            }
            return r;
        }

        // A callee of another type, reversed split, called in a loop.
        [Differentiable]
        public static real Spread(real[] a, real[] b, int m)
        {
            real s = 0r;
            for (int r = 0; r < m; r++)
                s = s * 0.5r + Callee_real.Dist2(a, b) * b[r % b.Length];
            return s;
        }
    }

    public static partial class Callee_real
    {
        [Differentiable]
        public static real Dist2(real[] a, real[] b)
        {
            real s = 0r;
            for (int i = 0; i < a.Length; i++)
            {
                real d = a[i] - b[i];
                s += d * d;
            }
            return s;
        }
    }
}
";

        private static Lazy<LoadedSource> Load(Precision precision, bool on) => new(() => GeneratorHarness.CompileAndLoad(
            SourceTemplate.One(Template, precision), "Recompute_" + precision.ToString().ToLowerInvariant() + (on ? string.Empty : "_off"),
            disabledOptimizations: on ? null : "Recomputation"));

        public static readonly Lazy<LoadedSource> Double = Load(Precision.Double, on: true);

        public static readonly Lazy<LoadedSource> Float = Load(Precision.Float, on: true);

        public static readonly Lazy<LoadedSource> DoubleOff = Load(Precision.Double, on: false);

        public static readonly Lazy<LoadedSource> FloatOff = Load(Precision.Float, on: false);

        public static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        public static Lazy<LoadedSource> Off(Precision precision) => precision == Precision.Double ? DoubleOff : FloatOff;

        public const string Rc = "Numerics.Recompute.Rc_real";
    }

    public abstract class RecomputationTests : PrecisionTestBase
    {
        protected RecomputationTests(Precision precision)
            : base(RecomputeSource.For, precision)
        {
        }

        private int Recomputed(string method) => Source.Run.GeneratedMethod(method, "Reverse").Split("// computed again, not recorded").Length - 1;

        [Fact]
        public void CheapValuesAreComputedAgain_OthersKeepTheirRecords()
        {
            Assert.Equal(1, Recomputed("Cubes"));
            Assert.Equal(1, Recomputed("Kmeans"));
            Assert.Equal(1, Recomputed("Squares"));
            Assert.Equal(1, Recomputed("Dist2"));
            var chain = Source.Run.GeneratedMethod("Chain", "Reverse");
            Assert.Matches(@"computed again, not recorded\s+u\w* = [^;]+;\s+v\w* = ", chain);
            Assert.DoesNotContain("Push", chain);
            Assert.Equal(0, Recomputed("LastRead"));
            Assert.Equal(0, Recomputed("Changing"));

            // Walk: the second while loop's value only.
            var walk = Source.Run.GeneratedMethod("Walk", "Reverse");
            Assert.Equal(1, Recomputed("Walk"));
            Assert.Matches(@"computed again, not recorded\s+e\w* = ", walk);

            // Nothing of Cubes goes on the tape any more; k-means records only the distance and the running minimum.
            Assert.DoesNotContain("tape", Source.Run.GeneratedMethod("Cubes", "Reverse"));
            Assert.Contains("k * 2", Source.Run.GeneratedMethod("Kmeans", "Reverse"));
        }

        [Fact]
        public void Cubes_ClosedForm() =>
            DerivativeCheck.Gradient(Fn(RecomputeSource.Rc, "Cubes"), new[]
            {
                new object?[] { Uniform(1, 7, 1.0), Uniform(2, 7, 1.0) },
                new object?[] { Uniform(3, 1, 1.0), Uniform(4, 1, 1.0) },
                new object?[] { new double[0], new double[0] },
            }, args =>
            {
                var (a, b) = ((double[])args[0]!, (double[])args[1]!);
                var g = a.Select((ai, i) => 3 * (ai - b[i]) * (ai - b[i])).ToArray();
                return g.Concat(g.Select(v => -v)).ToArray();
            });

        [Fact]
        public void Cubes_Hessian() =>
            DerivativeCheck.Hessian(Fn(RecomputeSource.Rc, "Cubes"), new[] { new object?[] { Uniform(5, 4, 1.0), Uniform(6, 4, 1.0) } });

        [Fact]
        public void Kmeans_GradientAndHessian()
        {
            // 6 points and 3 centroids in 2 dimensions: ∂cost/∂Cⱼ = Σ over the points nearest Cⱼ of 2 (Cⱼ − Pᵢ).
            var points = Uniform(7, 12, 2.0);
            var centroids = Uniform(8, 6, 2.0);
            var args = new object?[] { points, centroids, 6, 3, 2 };
            DerivativeCheck.Gradient(Fn(RecomputeSource.Rc, "Kmeans"), new[] { args }, a =>
            {
                var g = new double[6];
                for (int i = 0; i < 6; i++)
                {
                    int nearest = Enumerable.Range(0, 3).OrderBy(j => Math.Pow(points[2 * i] - centroids[2 * j], 2) + Math.Pow(points[2 * i + 1] - centroids[2 * j + 1], 2)).First();
                    for (int t = 0; t < 2; t++)
                    {
                        g[2 * nearest + t] += 2 * (centroids[2 * nearest + t] - points[2 * i + t]);
                    }
                }

                return g;
            });
            DerivativeCheck.Hessian(Fn(RecomputeSource.Rc, "Kmeans"), new[] { args });
        }

        [Fact]
        public void ChainRefusedWhileAndSplitCallee()
        {
            foreach (var (name, args) in new[]
            {
                ("Chain", new object?[] { Uniform(9, 5, 1.0), Uniform(10, 5, 1.0), 0.7 }),
                ("LastRead", new object?[] { Uniform(11, 4, 1.0), Uniform(12, 4, 1.0), 3 }),
                ("LastRead", new object?[] { Uniform(13, 2, 1.0), Uniform(14, 2, 1.0), 0 }),
                ("Changing", new object?[] { Uniform(15, 5, 0.8), 0.3 }),
                ("Walk", new object?[] { Uniform(16, 5, 1.0), Uniform(17, 5, 1.0) }),
                ("Spread", new object?[] { Uniform(18, 4, 1.0), Uniform(19, 4, 1.0), 3 }),
            })
            {
                DerivativeCheck.Gradient(Fn(RecomputeSource.Rc, name), new[] { args });
            }
        }

        [Fact]
        public void VectorResult_Jacobian() =>
            DerivativeCheck.Jacobian(Fn(RecomputeSource.Rc, "Squares"), new[] { new object?[] { Uniform(20, 4, 1.0), Uniform(21, 4, 1.0) } });

        [Fact]
        public void GradientsAreTheSameBitsAsWithRecords()
        {
            // Computing a value again evaluates the same expression on the same operands: not one bit may differ.
            var off = RecomputeSource.Off(Precision).Value;
            foreach (var (name, args) in new[]
            {
                ("Cubes", new object?[] { Uniform(22, 6, 1.0), Uniform(23, 6, 1.0) }),
                ("Kmeans", new object?[] { Uniform(24, 12, 2.0), Uniform(25, 6, 2.0), 6, 3, 2 }),
                ("Chain", new object?[] { Uniform(26, 5, 1.0), Uniform(27, 5, 1.0), -0.4 }),
                ("Walk", new object?[] { Uniform(28, 5, 1.0), Uniform(29, 5, 1.0) }),
                ("Spread", new object?[] { Uniform(30, 4, 1.0), Uniform(31, 4, 1.0), 2 }),
            })
            {
                var on = Fn(RecomputeSource.Rc, name);
                var without = new DiffFunction(off, off.GetType(TypeName(RecomputeSource.Rc)), name);
                Assert.Equal(without.Gradient(without.Arguments(args)).Gradient, on.Gradient(on.Arguments(args)).Gradient);
            }
        }
    }

    public sealed class RecomputationTestsDouble : RecomputationTests
    {
        public RecomputationTestsDouble()
            : base(Precision.Double)
        {
        }
    }

    public sealed class RecomputationTestsFloat : RecomputationTests
    {
        public RecomputationTestsFloat()
            : base(Precision.Float)
        {
        }
    }
}
