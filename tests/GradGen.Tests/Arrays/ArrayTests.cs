using System;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.Matrices;
using static GradGen.Tests.Infrastructure.TestValues;

namespace GradGen.Tests.Arrays
{
    /// <summary>
    /// Gradients of functions of arrays, spans and matrices (issue 3) against closed forms from matrix calculus, central
    /// finite differences and forward/reverse agreement (see <see cref="DerivativeCheck"/>), for double and float.
    /// </summary>
    public abstract class ArrayTests : PrecisionTestBase
    {
        protected ArrayTests(Precision precision)
            : base(ArraySource.For, precision)
        {
        }

        protected static double[,] Outer(double[] a, double[] b) => Build(a.Length, b.Length, (i, j) => a[i] * b[j]);

        protected static double[] Flat(params object[] parts) => DiffFunction.Flatten(parts);

        private void Check(string type, string method, object?[][] points, Func<object?[], double[]>? closedForm) =>
            DerivativeCheck.Gradient(Fn(type, method), points, closedForm);

        // ----- vectors --------------------------------------------------------------------------------------------

        [Fact]
        public void LinearFormWithConstantCoefficients() => Check(ArraySource.VecType, "DotConst",
            Points(P(Vec(1, 4), Vec(2, 4)), P(Vec(3, 7), Vec(4, 7)), P(new[] { 2.0 }, new[] { -0.5 })),
            a => (double[])a[0]!); // ∇ₓ(aᵀx) = a

        [Fact]
        public void LinearFormBothDifferentiable() => Check(ArraySource.VecType, "Dot",
            Points(P(Vec(5, 4), Vec(6, 4)), P(Vec(7, 6), Vec(8, 6)), P(new double[0], new double[0])),
            a => Flat(a[1]!, a[0]!)); // ∇ₐ = x, ∇ₓ = a

        [Fact]
        public void ReadOnlySpanWithForeach() => Check(ArraySource.VecType, "SpanSum",
            Points(P(Vec(9, 5), 0.75), P(Vec(10, 3), -1.25)),
            a =>
            {
                var v = (double[])a[0]!;
                double c = (double)a[1]!;
                return Flat(v.Select(e => 2 * e + c).ToArray(), v.Sum()); // ∂/∂v = 2v + c, ∂/∂c = Σv
            });

        [Fact]
        public void ForeachOverArrayAndLength() => Check(ArraySource.VecType, "ForeachCubes",
            Points(P(Vec(11, 5)), P(Vec(12, 2))),
            a =>
            {
                var x = (double[])a[0]!;
                return x.Select(e => 3 * e * e / x.Length).ToArray();
            });

        [Fact]
        public void IntIndexArrayWithRepeats() => Check(ArraySource.VecType, "Gather",
            Points(P(Vec(13, 5), new[] { 0, 3, 3, 1, 3 }), P(Vec(14, 4), new int[0])),
            a =>
            {
                var x = (double[])a[0]!;
                var idx = (int[])a[1]!;
                return x.Select((e, i) => 2 * e * idx.Count(k => k == i)).ToArray();
            });

        [Fact]
        public void ArrayPassedToCalleeWithNoDerivativeArray() => Check(ArraySource.VecType, "CallsDotConst",
            Points(P(Vec(15, 4), Vec(16, 4)), P(Vec(17, 3, 0.5), Vec(18, 3, 0.5))),
            a =>
            {
                double[] c = (double[])a[0]!, x = (double[])a[1]!;
                double d = Dot(c, x);
                return c.Select(e => (3 + 2 * d) * e).ToArray(); // (3 + 2aᵀx)·a
            });

        [Fact]
        public void ArraysPassedToDifferentiableCallee() => Check(ArraySource.VecType, "CallsDot",
            Points(P(Vec(19, 4), Vec(20, 4)), P(Vec(21, 3), Vec(22, 3))),
            a =>
            {
                double[] c = (double[])a[0]!, x = (double[])a[1]!;
                double ax = Dot(c, x), xx = Dot(x, x);
                // ∇ₐ = x·xᵀx, ∇ₓ = a·xᵀx + 2x·aᵀx
                return Flat(x.Select(e => e * xx).ToArray(), c.Zip(x, (ci, xi) => ci * xx + 2 * xi * ax).ToArray());
            });

        [Fact]
        public void SpanPassedToSpanParameterOfCallee() => Check(ArraySource.VecType, "SpanToSpanCallee",
            Points(P(Vec(75, 4), 0.5), P(Vec(76, 2), -2.0)),
            a =>
            {
                var v = (double[])a[0]!;
                double c = (double)a[1]!;
                return Flat(v.Select(e => 2 * (2 * e + c)).ToArray(), 2 * v.Sum());
            });

        /// <summary>Known generator bug: the implicit array-to-ReadOnlySpan conversion at the call is reported as GG0005.</summary>
        [Fact]
        public void ArrayPassedToSpanParameterOfCallee() => Check(ArraySource.VecType, "ArrayToSpanCallee",
            Points(P(Vec(77, 4), 0.5)),
            a =>
            {
                var v = (double[])a[0]!;
                double c = (double)a[1]!;
                return Flat(v.Select(e => 2 * e + c).ToArray(), v.Sum());
            });

        [Fact]
        public void ForeachOverLocalArray() => Check(ArraySource.VecType, "ForeachLocal",
            Points(P(Vec(78, 4)), P(Vec(79, 1))),
            a => ((double[])a[0]!).Select(e => 8 * e).ToArray()); // Σ(2xᵢ)² → 8x

        // ----- matrices -------------------------------------------------------------------------------------------

        [Fact]
        public void QuadraticForm() => Check(ArraySource.MatType, "Quad",
            Points(P(Vec(23, 3), Mat(24, 3, 3)), P(Vec(25, 4), Mat(26, 4, 4))),
            a =>
            {
                var x = (double[])a[0]!;
                var A = (double[,])a[1]!;
                var g = MatVec(A, x).Zip(MatVec(Transpose(A), x), (p, q) => p + q).ToArray(); // (A + Aᵀ)x
                return Flat(g, Outer(x, x)); // ∂/∂A = xxᵀ
            });

        [Fact]
        public void BilinearForm() => Check(ArraySource.MatType, "Bilinear",
            Points(P(Vec(27, 2), Mat(28, 2, 3), Vec(29, 3)), P(Vec(30, 4), Mat(31, 4, 2), Vec(32, 2))),
            a =>
            {
                var x = (double[])a[0]!;
                var A = (double[,])a[1]!;
                var y = (double[])a[2]!;
                return Flat(MatVec(A, y), Outer(x, y), MatVec(Transpose(A), x)); // ∇ₓ = Ay, ∂A = xyᵀ, ∇ᵧ = Aᵀx
            });

        [Fact]
        public void SandwichGradientIsOuterProduct() => Check(ArraySource.MatType, "Sandwich",
            Points(P(Vec(33, 3), Mat(34, 3, 2), Vec(35, 2)), P(Vec(36, 2), Mat(37, 2, 4), Vec(38, 4))),
            a => Flat(Outer((double[])a[0]!, (double[])a[2]!))); // ∂(aᵀXb)/∂X = abᵀ

        /// <summary>Uses X.GetLength(d) on the differentiable matrix (known generator bug: reported as GG0003).</summary>
        [Fact]
        public void TraceOfGramThroughLocalMatrix() => Check(ArraySource.MatType, "TraceGram",
            Points(P(Mat(39, 3, 2)), P(Mat(40, 2, 4))),
            a =>
            {
                var X = (double[,])a[0]!;
                return Flat(Build(X.GetLength(0), X.GetLength(1), (i, j) => 2 * X[i, j])); // ∇tr(XᵀX) = 2X
            });

        [Fact]
        public void InnerProductWithGramMatrix() => Check(ArraySource.MatType, "GramInner",
            Points(P(Mat(41, 2, 2), Mat(42, 3, 2)), P(Mat(43, 3, 3), Mat(44, 4, 3))),
            a =>
            {
                var W = (double[,])a[0]!;
                var R = (double[,])a[1]!;
                var sym = Build(W.GetLength(0), W.GetLength(1), (i, j) => W[i, j] + W[j, i]);
                return Flat(MatMul(R, sym)); // ∂⟨W, RᵀR⟩/∂R = R(W + Wᵀ)
            });

        [Fact]
        public void LeastSquaresResidualInLocalArray() => Check(ArraySource.MatType, "LeastSquares",
            Points(P(Vec(45, 3), Mat(46, 5, 3), Vec(47, 5)), P(Vec(48, 2), Mat(49, 4, 2), Vec(50, 4))),
            a =>
            {
                var theta = (double[])a[0]!;
                var Phi = (double[,])a[1]!;
                var y = (double[])a[2]!;
                var r = y.Zip(MatVec(Phi, theta), (p, q) => p - q).ToArray();
                return MatVec(Transpose(Phi), r).Select(e => -2 * e).ToArray(); // −2Φᵀ(y − Φθ)
            });

        [Fact]
        public void KMeansCentroidGradient() => Check(ArraySource.MatType, "KMeans",
            Points(
                P(Mat(51, 3, 2), Mat(52, 6, 2), new[] { 0, 2, 0, 1, 2, 2 }),
                P(Mat(53, 3, 3), Mat(54, 4, 3), new[] { 1, 1, 0, 1 })), // cluster 2 is empty: zero gradient
            a =>
            {
                var mu = (double[,])a[0]!;
                var data = (double[,])a[1]!;
                var assign = (int[])a[2]!;
                var g = new double[mu.GetLength(0), mu.GetLength(1)];
                for (int n = 0; n < assign.Length; n++)
                {
                    for (int k = 0; k < mu.GetLength(1); k++)
                    {
                        g[assign[n], k] += -2 * (data[n, k] - mu[assign[n], k]); // Σₙ rₙⱼ(−2)(xₙ − μⱼ)
                    }
                }

                return Flat(g);
            });

        [Fact]
        public void RecurrentLoopWithBufferPerStep() => Check(ArraySource.MatType, "Recurrent",
            Points(P(Vec(55, 4), Vec(56, 4), 5), P(Vec(57, 3, 0.8), Vec(58, 3), 1), P(Vec(59, 2), Vec(60, 2), 0)),
            closedForm: null);

        [Fact]
        public void RecurrentLoopReallocatingState() => Check(ArraySource.MatType, "RecurrentRealloc",
            Points(P(Vec(55, 4), Vec(56, 4), 5), P(Vec(57, 3, 0.8), Vec(58, 3), 1), P(Vec(59, 2), Vec(60, 2), 0)),
            closedForm: null);

        /// <summary>Known generator bug: a local array declared with <c>var</c> (type <c>double[]?</c> in a nullable context) gets no derivative.</summary>
        [Fact]
        public void LocalArrayDeclaredWithVar() => Check(ArraySource.MatType, "LeastSquaresVar",
            Points(P(Vec(45, 3), Mat(46, 5, 3), Vec(47, 5))),
            a =>
            {
                var theta = (double[])a[0]!;
                var Phi = (double[,])a[1]!;
                var y = (double[])a[2]!;
                var r = y.Zip(MatVec(Phi, theta), (p, q) => p - q).ToArray();
                return MatVec(Transpose(Phi), r).Select(e => -2 * e).ToArray();
            });

        [Fact]
        public void LocalArrayOverwrittenInPlaceInLoop() => Check(ArraySource.MatType, "InPlace",
            Points(P(Vec(80, 3), Vec(81, 3), 4), P(Vec(82, 2), Vec(83, 2), 1)),
            closedForm: null);

        [Fact]
        public void LocalArrayReferenceReassigned() => Check(ArraySource.MatType, "Alias",
            Points(P(Vec(84, 3, 0.7), Vec(85, 3, 0.7), 3), P(Vec(86, 2, 0.7), Vec(87, 2, 0.7), 1), P(Vec(88, 2), Vec(89, 2), 0)),
            closedForm: null);

        [Fact]
        public void MatrixPowerInLocalMatrixReallocatedEachStep() => Check(ArraySource.MatType, "PowerForm",
            Points(P(Mat(90, 3, 3, 1), Vec(91, 3), 3), P(Mat(92, 2, 2), Vec(93, 2), 1), P(Mat(94, 2, 2), Vec(95, 2), 0)),
            a =>
            {
                var A = (double[,])a[0]!;
                var u = (double[])a[1]!;
                int k = (int)a[2]!;
                // ∂(uᵀAᵏu)/∂A = Σⱼ (Aᵀ)ʲ u uᵀ (Aᵀ)ᵏ⁻¹⁻ʲ
                var g = new double[A.GetLength(0), A.GetLength(1)];
                for (int j = 0; j < k; j++)
                {
                    var left = MatVec(Pow(Transpose(A), j), u);
                    var right = MatVec(Pow(A, k - 1 - j), u);
                    g = Build(g.GetLength(0), g.GetLength(1), (r, c) => g[r, c] + left[r] * right[c]);
                }

                return Flat(g);
            });

        private static double[,] Pow(double[,] A, int k)
        {
            var p = Build(A.GetLength(0), A.GetLength(1), (i, j) => i == j ? 1 : 0);
            for (int i = 0; i < k; i++)
            {
                p = MatMul(A, p);
            }

            return p;
        }

        // ----- contract behaviour, the generated methods called directly -----------------------------------------

        private object? Real(double x) => IsFloat ? (object)(float)x : x;

        private Array RealArray(params double[] v) => IsFloat ? v.Select(e => (float)e).ToArray() : (Array)v.Clone();

        private Array RealMatrix(double[,] m) => IsFloat ? DiffFunction.MapMatrix(m, e => (float)e) : (Array)m.Clone();

        private static Array Filled(Array a, double value)
        {
            var copy = (Array)a.Clone();
            if (copy.Rank == 2)
            {
                for (int i = 0; i < copy.GetLength(0); i++)
                {
                    for (int j = 0; j < copy.GetLength(1); j++)
                    {
                        copy.SetValue(Convert.ChangeType(value, copy.GetType().GetElementType()!), i, j);
                    }
                }
            }
            else
            {
                for (int i = 0; i < copy.Length; i++)
                {
                    copy.SetValue(Convert.ChangeType(value, copy.GetType().GetElementType()!), i);
                }
            }

            return copy;
        }

        [Fact]
        public void GeneratedSignaturesFollowTheContract()
        {
            string t = SourceTemplate.TypeKeyword(Precision);
            string T = IsFloat ? "Single" : "Double";
            var mat = Source.GetType(SourceTemplate.Instantiate(ArraySource.MatType, Precision));
            var vec = Source.GetType(SourceTemplate.Instantiate(ArraySource.VecType, Precision));
            Signatures.Assert(mat, "QuadForward", $"public static ({t} Value, {t} Tangent) QuadForward({T}[] x, {T}[,] A, ReadOnlySpan<{t}> dX, {T}[,] dA)");
            Signatures.Assert(mat, "QuadGradient", $"public static {t} QuadGradient({T}[] x, {T}[,] A, Span<{t}> dX, {T}[,] dA)");
            Signatures.Assert(mat, "QuadReverse", $"public static {t} QuadReverse({T}[] x, {T}[,] A, {t} seed, Span<{t}> dX, {T}[,] dA)");
            Signatures.Assert(mat, "RecurrentGradient", $"public static {t} RecurrentGradient({T}[] w, {T}[] h0, int steps, Span<{t}> dW, Span<{t}> dH0)");
            Signatures.Assert(mat, "KMeansReverse", $"public static {t} KMeansReverse({T}[,] mu, {T}[,] data, Int32[] assign, {t} seed, {T}[,] dMu)");
            Signatures.Assert(vec, "SpanSumForward", $"public static ({t} Value, {t} Tangent) SpanSumForward(ReadOnlySpan<{t}> v, {t} c, ReadOnlySpan<{t}> dV, {t} dC)");
            Signatures.Assert(vec, "SpanSumGradient", $"public static {t} SpanSumGradient(ReadOnlySpan<{t}> v, {t} c, Span<{t}> dV, out {t} dC)");
            Signatures.Assert(vec, "SpanSumReverse", $"public static {t} SpanSumReverse(ReadOnlySpan<{t}> v, {t} c, {t} seed, Span<{t}> dV, ref {t} dC)");
            Signatures.Assert(vec, "DotConstGradient", $"public static {t} DotConstGradient({T}[] a, {T}[] x, Span<{t}> dX)");
        }

        [Fact]
        public void ReverseAccumulatesTwiceIsDouble()
        {
            var f = Fn(ArraySource.MatType, "Quad");
            var x = RealArray(0.5, -1.25, 2);
            var A = RealMatrix(Mat(61, 3, 3));
            var dX = RealArray(0, 0, 0);
            var dA = RealMatrix(new double[3, 3]);
            var all = new object?[] { x, A, Real(1.0), dX, dA };
            f.Invoke("Reverse", all);
            var once = DiffFunction.Flatten(new object?[] { dX, dA });
            f.Invoke("Reverse", all);
            var twice = DiffFunction.Flatten(new object?[] { dX, dA });
            Assert.Contains(once, v => v != 0);
            for (int k = 0; k < once.Length; k++)
            {
                Assert.True(Math.Abs(twice[k] - 2 * once[k]) <= 1e-6 * Math.Max(1, Math.Abs(once[k])),
                    $"component {k}: once {once[k]}, twice {twice[k]}");
            }
        }

        [Fact]
        public void GradientOverwritesPriorContents()
        {
            var f = Fn(ArraySource.MatType, "Quad");
            var x = RealArray(0.5, -1.25, 2);
            var A = RealMatrix(Mat(62, 3, 3));
            var clean = new object?[] { x, A, RealArray(0, 0, 0), RealMatrix(new double[3, 3]) };
            f.Invoke("Gradient", clean);
            var expected = DiffFunction.Flatten(clean.Skip(2));
            foreach (var garbage in new[] { 12345.0, -7.5, double.NaN })
            {
                var dirty = new object?[] { x, A, Filled(RealArray(0, 0, 0), garbage), Filled(RealMatrix(new double[3, 3]), garbage) };
                f.Invoke("Gradient", dirty);
                Assert.Equal(expected, DiffFunction.Flatten(dirty.Skip(2)));
            }
        }

        /// <summary>Bilinear(x[2], A[2×3], y[3]): each derivative buffer of a wrong length or shape, in each mode.</summary>
        [Theory]
        [InlineData("Gradient", "dX")]
        [InlineData("Gradient", "dA")]
        [InlineData("Gradient", "dY")]
        [InlineData("Reverse", "dX")]
        [InlineData("Reverse", "dA")]
        [InlineData("Reverse", "dY")]
        [InlineData("Forward", "dX")]
        [InlineData("Forward", "dA")]
        [InlineData("Forward", "dY")]
        public void WrongDerivativeShapeThrowsBeforeAnyWork(string mode, string wrong)
        {
            var f = Fn(ArraySource.MatType, "Bilinear");
            var x = RealArray(0.5, -1.25);
            var A = RealMatrix(Mat(63, 2, 3));
            var y = RealArray(1, 2, -0.5);
            const double sentinel = 3.25;
            var dX = Filled(wrong == "dX" ? RealArray(0, 0, 0) : RealArray(0, 0), sentinel);
            var dA = Filled(RealMatrix(wrong == "dA" ? new double[3, 2] : new double[2, 3]), sentinel); // transposed shape, same length
            var dY = Filled(wrong == "dY" ? RealArray(0, 0) : RealArray(0, 0, 0), sentinel);
            var primal = new object?[] { x, A, y };
            var all = mode == "Reverse"
                ? primal.Append(Real(1.0)).Concat(new object?[] { dX, dA, dY }).ToArray()
                : primal.Concat(new object?[] { dX, dA, dY }).ToArray();
            var ex = Assert.ThrowsAny<ArgumentException>(() => f.Invoke(mode, all));
            Assert.Equal(wrong, ex.ParamName);
            if (mode != "Forward")
            {
                // Nothing written before the check: every buffer still holds the sentinel.
                Assert.All(DiffFunction.Flatten(new object?[] { dX, dA, dY }), v => Assert.Equal(sentinel, v));
            }
        }

        [Fact]
        public void MatrixWithRightLengthButWrongRowCountThrows()
        {
            // 2×3 expected; 1×6 and 6×1 have the right number of elements.
            var f = Fn(ArraySource.MatType, "Bilinear");
            var x = RealArray(0.5, -1.25);
            var A = RealMatrix(Mat(64, 2, 3));
            var y = RealArray(1, 2, -0.5);
            foreach (var shape in new[] { new double[1, 6], new double[6, 1] })
            {
                var ex = Assert.ThrowsAny<ArgumentException>(() =>
                    f.Invoke("Gradient", new object?[] { x, A, y, RealArray(0, 0), RealMatrix(shape), RealArray(0, 0, 0) }));
                Assert.Equal("dA", ex.ParamName);
            }
        }

        [Fact]
        public void InputsAreNeverModified()
        {
            var quad = Fn(ArraySource.MatType, "Quad");
            var ls = Fn(ArraySource.MatType, "LeastSquares");
            var km = Fn(ArraySource.MatType, "KMeans");
            var rec = Fn(ArraySource.MatType, "RecurrentRealloc");
            var span = Fn(ArraySource.VecType, "SpanSum");
            foreach (var (f, raw) in new (DiffFunction, object?[])[]
            {
                (quad, P(Vec(65, 3), Mat(66, 3, 3))),
                (ls, P(Vec(67, 2), Mat(68, 4, 2), Vec(69, 4))),
                (km, P(Mat(70, 2, 2), Mat(71, 3, 2), new[] { 1, 0, 1 })),
                (rec, P(Vec(72, 3), Vec(73, 3), 3)),
                (span, P(Vec(74, 3), 0.5)),
            })
            {
                var args = f.Arguments(raw);
                var copy = args.Select(a => a is Array arr ? arr.Clone() : a).ToArray();
                int n = f.FlatLength(args);
                f.Value(args);
                f.Gradient(args);
                f.Forward(args, Enumerable.Repeat(1.0, n).ToArray());
                f.Reverse(args, new[] { 2.0 }, new double[n], times: 2);
                for (int i = 0; i < args.Length; i++)
                {
                    Assert.True(DiffFunction.SameContent(copy[i], args[i]),
                        $"{f.Label}: argument {f.Parameters[i].Name} modified: {DiffFunction.Format(copy[i])} -> {DiffFunction.Format(args[i])}");
                }
            }
        }
    }

    public sealed class ArrayTests_Double : ArrayTests
    {
        public ArrayTests_Double()
            : base(Precision.Double)
        {
        }
    }

    public sealed class ArrayTests_Float : ArrayTests
    {
        public ArrayTests_Float()
            : base(Precision.Float)
        {
        }
    }
}
