using System;
using System.Linq;
using System.Text.RegularExpressions;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.TestValues;

namespace GradGen.Tests.Arrays
{
    /// <summary>
    /// Test sources "InliningArrays_double" / "InliningArrays_float": inlined callees (CallInlining) with array and span
    /// parameters and array results: a log-sum-exp over a scratch row filled in a loop and passed to the callee once per
    /// row (the GMM pattern, with the scratch declared by type and by <c>var</c>), an array-valued callee unrolled in a
    /// loop, an element of an array-valued call, a scalar callee's result stored into a local array, arrays and spans
    /// given to span parameters, a foreach callee in the caller's loop, a matrix parameter, a callee with a stackalloc
    /// buffer (outside loops), and a [NoDerivative] array parameter given a variable (not inlined). Compiled once per
    /// precision.
    /// </summary>
    public static class InliningArraySource
    {
        public const string Template = @"
namespace Arrays.Inlining
{
    public static partial class InlArr_real
    {
        // log Σᵢ<count exp vᵢ, shifted by the maximum
        [Differentiable]
        public static real LogSumExp(real[] v, int count)
        {
            real mx = v[0];
            for (int i = 1; i < count; i++)
                mx = MathR.Max(mx, v[i]);
            real semx = 0r;
            for (int i = 0; i < count; i++)
                semx += MathR.Exp(v[i] - mx);
            return MathR.Log(semx) + mx;
        }

        // Σᵣ lse(xᵣ ⊙ w + b) − m·lse(b), xᵣ the rows of the m × k flat array x: a scratch row filled, then passed, per row
        [Differentiable]
        public static real RowsLogSumExp(real[] w, real[] b, [NoDerivative] real[] x, int m)
        {
            int k = w.Length;
            real[] row = new real[k];
            real s = 0r;
            for (int r = 0; r < m; r++)
            {
                for (int j = 0; j < k; j++)
                    row[j] = x[r * k + j] * w[j] + b[j];
                s += LogSumExp(row, k);
            }

            return s - m * LogSumExp(b, k);
        }

        // the same, the scratch row declared with var (a nullable array local) and allocated in the loop
        [Differentiable]
        public static real RowsLogSumExpVar(real[] w, real[] b, [NoDerivative] real[] x, int m)
        {
            int k = w.Length;
            real s = 0r;
            for (int r = 0; r < m; r++)
            {
                var row = new real[k];
                for (int j = 0; j < k; j++)
                    row[j] = x[r * k + j] * w[j] + b[j];
                s += LogSumExp(row, k);
            }

            return s - m * LogSumExp(b, k);
        }

        // next[i] = tanh(w[i]·h[i] + ½h[(i + 1) mod n])
        [Differentiable]
        public static real[] Step(real[] h, real[] w)
        {
            real[] next = new real[h.Length];
            for (int i = 0; i < h.Length; i++)
                next[i] = MathR.Tanh(w[i] * h[i] + 0.5r * h[(i + 1) % h.Length]);
            return next;
        }

        // ‖Stepᵗ(h0)‖², t = max(steps, 1): an array-valued callee in a loop, its result the next argument
        [Differentiable]
        public static real Unrolled(real[] h0, real[] w, int steps)
        {
            real[] h = Step(h0, w);
            for (int t = 1; t < steps; t++)
                h = Step(h, w);
            real s = 0r;
            for (int i = 0; i < h.Length; i++)
                s += h[i] * h[i];
            return s;
        }

        // Step(h0, w)[0]·Step(h0, w)[n − 1]: elements of array-valued calls
        [Differentiable]
        public static real StepElements(real[] h0, real[] w) => Step(h0, w)[0] * Step(h0, w)[h0.Length - 1];

        // c·x² + x + c, by Horner, assigning a local
        [Differentiable]
        public static real Poly(real x, real c)
        {
            real r = c;
            r = r * x + 1r;
            r = r * x + c;
            return r;
        }

        // Σᵢ pᵢ² with pᵢ = Poly(xᵢ, c) stored in a local array: an array element for the argument
        [Differentiable]
        public static real StoredCalls(real[] x, real c)
        {
            real[] p = new real[x.Length];
            for (int i = 0; i < x.Length; i++)
                p[i] = Poly(x[i], c);
            real s = 0r;
            for (int i = 0; i < p.Length; i++)
                s += p[i] * p[i];
            return s;
        }

        // Σ vᵢ² over a span
        [Differentiable]
        public static real SumSquares(ReadOnlySpan<real> v)
        {
            real s = 0r;
            foreach (var e in v)
                s += e * e;
            return s;
        }

        // Σ (2xᵢ + c)² + Σ xᵢ²: a local array and a parameter array given to a span parameter
        [Differentiable]
        public static real ArraysToSpan(real[] x, real c)
        {
            real[] y = new real[x.Length];
            for (int i = 0; i < x.Length; i++)
                y[i] = 2r * x[i] + c;
            return SumSquares(y) + SumSquares(x);
        }

        // 2·Σ vᵢ²: a span parameter passed on to a span parameter
        [Differentiable] public static real SpanToSpan(ReadOnlySpan<real> v) => 2r * SumSquares(v);

        // Σᵣ ‖(xᵣ, c·xᵣ)‖² over the rows of a scratch pair: a foreach callee run once per iteration of the caller
        [Differentiable]
        public static real ForeachCalleeInLoop(real[] x, real c)
        {
            real[] pair = new real[2];
            real s = 0r;
            for (int r = 0; r < x.Length; r++)
            {
                pair[0] = x[r];
                pair[1] = c * x[r];
                s += SumSquares(pair);
            }

            return s;
        }

        // Σᵢⱼ aᵢⱼ²
        [Differentiable]
        public static real Frobenius(real[,] a)
        {
            real s = 0r;
            for (int i = 0; i < a.GetLength(0); i++)
                for (int j = 0; j < a.GetLength(1); j++)
                    s += a[i, j] * a[i, j];
            return s;
        }

        // c·‖a‖²_F: a matrix parameter passed on
        [Differentiable] public static real MatrixCallee(real[,] a, real c) => Frobenius(a) * c;

        // log Σ exp vᵢ through a stackalloc scratch buffer
        [Differentiable]
        public static real LseStack(ReadOnlySpan<real> v)
        {
            Span<real> e = stackalloc real[v.Length];
            real s = 0r;
            for (int i = 0; i < v.Length; i++)
            {
                e[i] = MathR.Exp(v[i]);
                s += e[i];
            }

            return MathR.Log(s);
        }

        // 2·lse(x) + lse(x)²: a callee with a stackalloc buffer, inlined (outside loops) twice.
        [Differentiable] public static real StackallocCallee(real[] x) => 2r * LseStack(x) + LseStack(x) * LseStack(x);

        // Σᵣ lse(row r of x, k wide): the stackalloc callee in a loop is called, not inlined (inlined, its buffer would be
        // made on every iteration; the generated code once did not even compile)
        [Differentiable]
        public static real StackallocCalleeInLoop(real[] x, int m, int k)
        {
            real[] row = new real[k];
            real s = 0r;
            for (int r = 0; r < m; r++)
            {
                for (int j = 0; j < k; j++)
                    row[j] = x[r * k + j];
                s += LseStack(row);
            }

            return s;
        }

        // lse(2x) + 2x₀ with the caller's own stackalloc buffer passed on
        [Differentiable]
        public static real StackallocBuffers(real[] x)
        {
            Span<real> b = stackalloc real[x.Length];
            for (int i = 0; i < x.Length; i++)
                b[i] = 2r * x[i];
            return LseStack(b) + b[0];
        }

        // aᵀx with a constant
        [Differentiable]
        public static real DotConst([NoDerivative] real[] a, real[] x)
        {
            real s = 0r;
            for (int i = 0; i < x.Length; i++)
                s += a[i] * x[i];
            return s;
        }

        // 3d + d², d = aᵀx: a variable for the callee's [NoDerivative] array (not inlined)
        [Differentiable]
        public static real CallsDotConst([NoDerivative] real[] a, real[] x)
        {
            real d = DotConst(a, x);
            return 3r * d + d * d;
        }
    }
}
";

        public static string Text(Precision precision) => SourceTemplate.One(Template, precision);

        public static readonly Lazy<LoadedSource> Double = new Lazy<LoadedSource>(() =>
            GeneratorHarness.CompileAndLoad(Text(Precision.Double), "InliningArrays_double"));

        public static readonly Lazy<LoadedSource> Float = new Lazy<LoadedSource>(() =>
            GeneratorHarness.CompileAndLoad(Text(Precision.Float), "InliningArrays_float"));

        public static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        public const string Type = "Arrays.Inlining.InlArr_real";
    }

    /// <summary>
    /// Gradients through inlined callees with array parameters and results (see <see cref="InliningArraySource"/>)
    /// against closed forms, central finite differences and forward/reverse agreement (<see cref="DerivativeCheck"/>).
    /// </summary>
    public abstract class InliningArrayTests : PrecisionTestBase
    {
        protected InliningArrayTests(Precision precision)
            : base(InliningArraySource.For, precision)
        {
        }

        private void Check(string method, object?[][] points, Func<object?[], double[]>? closedForm) =>
            DerivativeCheck.Gradient(Fn(InliningArraySource.Type, method), points, closedForm);

        private static double[] Softmax(double[] z)
        {
            double mx = z.Max();
            var e = z.Select(v => Math.Exp(v - mx)).ToArray();
            double sum = e.Sum();
            return e.Select(v => v / sum).ToArray();
        }

        // ----- log-sum-exp per row (the GMM pattern) ---------------------------------------------------------------------

        /// <summary>∇_w = Σᵣ softmax(zᵣ) ⊙ xᵣ, ∇_b = Σᵣ softmax(zᵣ) − m·softmax(b), zᵣ = xᵣ ⊙ w + b.</summary>
        private static double[] RowsLogSumExpGradient(object?[] a)
        {
            double[] w = (double[])a[0]!, b = (double[])a[1]!, x = (double[])a[2]!;
            int m = (int)a[3]!, k = w.Length;
            var gw = new double[k];
            var gb = new double[k];
            for (int r = 0; r < m; r++)
            {
                var p = Softmax(Enumerable.Range(0, k).Select(j => x[r * k + j] * w[j] + b[j]).ToArray());
                for (int j = 0; j < k; j++)
                {
                    gw[j] += p[j] * x[r * k + j];
                    gb[j] += p[j];
                }
            }

            var pb = Softmax(b);
            return gw.Concat(gb.Select((g, j) => g - m * pb[j])).ToArray();
        }

        [Theory]
        [InlineData("RowsLogSumExp")]
        [InlineData("RowsLogSumExpVar")]
        public void LogSumExpOfEachRowThroughScratchArray(string method) => Check(method,
            Points(
                P(Vec(1, 3), Vec(2, 3), Vec(3, 12), 4),
                P(Vec(4, 5), Vec(5, 5), Vec(6, 10), 2),
                P(Vec(7, 2), Vec(8, 2), Vec(9, 2), 1),
                P(Vec(10, 3), Vec(11, 3), new double[0], 0)),
            RowsLogSumExpGradient);

        [Fact]
        public void LogSumExpCallee() => Check("LogSumExp",
            Points(P(Vec(12, 4), 4), P(Vec(13, 5), 3)),
            a =>
            {
                var v = (double[])a[0]!;
                int count = (int)a[1]!;
                var p = Softmax(v.Take(count).ToArray());
                return v.Select((_, i) => i < count ? p[i] : 0).ToArray();
            });

        // ----- array-valued callees --------------------------------------------------------------------------------------------

        /// <summary>Step and its directional derivative along (dh, dw).</summary>
        private static (double[] Next, double[] Dot) Step(double[] h, double[] w, double[] dh, double[] dw)
        {
            int n = h.Length;
            var next = new double[n];
            var dot = new double[n];
            for (int i = 0; i < n; i++)
            {
                next[i] = Math.Tanh(w[i] * h[i] + 0.5 * h[(i + 1) % n]);
                dot[i] = (1 - next[i] * next[i]) * (dw[i] * h[i] + w[i] * dh[i] + 0.5 * dh[(i + 1) % n]);
            }

            return (next, dot);
        }

        /// <summary>The gradient over (h0, w) of <paramref name="f"/>, one unit direction at a time (forward-mode chain rule by hand).</summary>
        private static double[] ByDirections(double[] h0, double[] w, Func<double[], double[], double> f)
        {
            int n = h0.Length;
            return Enumerable.Range(0, 2 * n).Select(k =>
            {
                var dh = new double[n];
                var dw = new double[n];
                if (k < n)
                {
                    dh[k] = 1;
                }
                else
                {
                    dw[k - n] = 1;
                }

                return f(dh, dw);
            }).ToArray();
        }

        [Fact]
        public void ArrayValuedCalleeInLoop() => Check("Unrolled",
            Points(P(Vec(14, 4), Vec(15, 4), 3), P(Vec(16, 3), Vec(17, 3), 1), P(Vec(18, 5, 0.8), Vec(19, 5), 5), P(Vec(20, 2), Vec(21, 2), 0)),
            a =>
            {
                double[] h0 = (double[])a[0]!, w = (double[])a[1]!;
                int steps = Math.Max((int)a[2]!, 1);
                return ByDirections(h0, w, (dh0, dw) =>
                {
                    var (h, dh) = Step(h0, w, dh0, dw);
                    for (int t = 1; t < steps; t++)
                    {
                        (h, dh) = Step(h, w, dh, dw);
                    }

                    return h.Select((e, i) => 2 * e * dh[i]).Sum();
                });
            });

        [Fact]
        public void ElementsOfArrayValuedCalls() => Check("StepElements",
            Points(P(Vec(22, 4), Vec(23, 4)), P(Vec(24, 2), Vec(25, 2)), P(Vec(26, 1), Vec(27, 1))),
            a =>
            {
                double[] h0 = (double[])a[0]!, w = (double[])a[1]!;
                int n = h0.Length;
                return ByDirections(h0, w, (dh0, dw) =>
                {
                    var (h, dh) = Step(h0, w, dh0, dw);
                    return dh[0] * h[n - 1] + h[0] * dh[n - 1];
                });
            });

        // ----- scalar callees on array elements ---------------------------------------------------------------------------------

        [Fact]
        public void CalleeResultStoredInLocalArray() => Check("StoredCalls",
            Points(P(Vec(28, 4), 0.75), P(Vec(29, 1), -1.25), P(new double[0], 0.5)),
            a =>
            {
                var x = (double[])a[0]!;
                double c = (double)a[1]!;
                var p = x.Select(e => c * e * e + e + c).ToArray();
                return x.Select((e, i) => 2 * p[i] * (2 * c * e + 1)).Append(x.Select((e, i) => 2 * p[i] * (e * e + 1)).Sum()).ToArray();
            });

        [Fact]
        public void ArraysGivenToSpanParameter() => Check("ArraysToSpan",
            Points(P(Vec(30, 4), 0.5), P(Vec(31, 2), -2.0)),
            a =>
            {
                var x = (double[])a[0]!;
                double c = (double)a[1]!;
                return x.Select(e => 4 * (2 * e + c) + 2 * e).Append(x.Select(e => 2 * (2 * e + c)).Sum()).ToArray();
            });

        [Fact]
        public void SpanGivenToSpanParameter() => Check("SpanToSpan",
            Points(P(Vec(36, 4)), P(Vec(37, 1))),
            a => ((double[])a[0]!).Select(e => 4 * e).ToArray());

        [Fact]
        public void ForeachCalleeInCallerLoop() => Check("ForeachCalleeInLoop",
            Points(P(Vec(38, 4), 0.75), P(Vec(39, 1), -1.5), P(new double[0], 0.5)),
            a =>
            {
                var x = (double[])a[0]!;
                double c = (double)a[1]!;
                return x.Select(e => 2 * e * (1 + c * c)).Append(x.Select(e => 2 * c * e * e).Sum()).ToArray();
            });

        [Fact]
        public void MatrixGivenToMatrixParameter() => Check("MatrixCallee",
            Points(P(Mat(40, 2, 3), 0.75), P(Mat(41, 1, 1), -1.5)),
            a =>
            {
                var m = (double[,])a[0]!;
                double c = (double)a[1]!;
                return m.Cast<double>().Select(e => 2 * c * e).Append(m.Cast<double>().Sum(e => e * e)).ToArray();
            });

        [Fact]
        public void CalleeWithStackallocBuffer() => Check("StackallocCallee",
            Points(P(Vec(42, 4)), P(Vec(43, 1))),
            a =>
            {
                var x = (double[])a[0]!;
                double l = Math.Log(x.Sum(Math.Exp));
                return Softmax(x).Select(p => (2 + 2 * l) * p).ToArray();
            });

        [Fact]
        public void StackallocCalleeCalledInALoop() => Check("StackallocCalleeInLoop",
            Points(P(Vec(46, 6), 2, 3), P(Vec(47, 4), 1, 4), P(Vec(48, 3), 0, 3)),
            a =>
            {
                var x = (double[])a[0]!;
                int m = (int)a[1]!, k = (int)a[2]!;
                var gradient = new double[x.Length];
                for (int r = 0; r < m; r++)
                {
                    var p = Softmax(x.Skip(r * k).Take(k).ToArray());
                    for (int j = 0; j < k; j++)
                        gradient[r * k + j] += p[j];
                }

                return gradient;
            });

        [Fact]
        public void CallerAndCalleeStackallocBuffers() => Check("StackallocBuffers",
            Points(P(Vec(44, 4)), P(Vec(45, 1))),
            a =>
            {
                var x = (double[])a[0]!;
                return Softmax(x.Select(e => 2 * e).ToArray()).Select((p, i) => 2 * p + (i == 0 ? 2 : 0)).ToArray();
            });

        [Fact]
        public void NoDerivativeArrayGivenVariable() => Check("CallsDotConst",
            Points(P(Vec(32, 4), Vec(33, 4)), P(Vec(34, 3, 0.5), Vec(35, 3, 0.5))),
            a =>
            {
                double[] c = (double[])a[0]!, x = (double[])a[1]!;
                double d = c.Zip(x, (p, q) => p * q).Sum();
                return c.Select(e => (3 + 2 * d) * e).ToArray();
            });

        // ----- what was inlined ---------------------------------------------------------------------------------------------------

        private static bool CallsGenerated(string text, string callee) =>
            Regex.IsMatch(text, @"(?<![A-Za-z0-9_])" + Regex.Escape(callee) + @"(Forward|Reverse|ReverseTangent)\(");

        [Theory]
        [InlineData("RowsLogSumExp", "LogSumExp", true)]
        [InlineData("RowsLogSumExpVar", "LogSumExp", true)]
        [InlineData("Unrolled", "Step", true)]
        [InlineData("StepElements", "Step", true)]
        [InlineData("StoredCalls", "Poly", true)]
        [InlineData("ArraysToSpan", "SumSquares", true)]
        [InlineData("SpanToSpan", "SumSquares", true)]
        [InlineData("ForeachCalleeInLoop", "SumSquares", true)]
        [InlineData("MatrixCallee", "Frobenius", true)]
        [InlineData("StackallocCallee", "LseStack", true)]
        [InlineData("StackallocBuffers", "LseStack", true)]
        [InlineData("StackallocCalleeInLoop", "LseStack", false)]
        [InlineData("CallsDotConst", "DotConst", false)]
        public void InlinedUnlessTheRulesForbid(string caller, string callee, bool inlined)
        {
            var key = SourceTemplate.Instantiate(InliningArraySource.Type, Precision) + "." + caller + ".g.cs";
            var text = Source.Run.GeneratedSources[key];
            Assert.True(inlined != CallsGenerated(text, callee), $"{caller} {(inlined ? "calls" : "does not call")} {callee}'s generated methods:\n{text}");
        }
    }

    public sealed class InliningArrayTests_Double : InliningArrayTests
    {
        public InliningArrayTests_Double()
            : base(Precision.Double)
        {
        }
    }

    public sealed class InliningArrayTests_Float : InliningArrayTests
    {
        public InliningArrayTests_Float()
            : base(Precision.Float)
        {
        }
    }
}
