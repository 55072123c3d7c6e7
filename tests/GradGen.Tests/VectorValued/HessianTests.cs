using System;
using System.Collections.Generic;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.Matrices;
using static GradGen.Tests.Infrastructure.TestValues;

namespace GradGen.Tests.VectorValued
{
    /// <summary>
    /// FHessian and FHessianVectorProduct (see <see cref="HessianSource"/>) against closed-form Hessians, finite
    /// differences of the generated gradient, symmetry and H·v (<see cref="DerivativeCheck.Hessian"/>); Newton's method
    /// and Taylor expansions built on them; FReverseTangent's contract; argument checks.
    /// </summary>
    public abstract class HessianTests : PrecisionTestBase
    {
        protected HessianTests(Precision precision)
            : base(HessianSource.For, precision)
        {
        }

        private DiffFunction H(string method) => Fn(HessianSource.HessType, method);

        private void Check(string method, object?[][] points, Func<object?[], double[,]>? closedForm) =>
            DerivativeCheck.Hessian(H(method), points, closedForm);

        private static double D(object? a) => Convert.ToDouble(a, System.Globalization.CultureInfo.InvariantCulture);

        private static double[,] Sym(double a, double b, double c) => M(new[] { a, b }, new[] { b, c });

        private static double[,] InnerH(double a, double b) =>
            Sym(-Math.Sin(a) * b * b, 2 * b * Math.Cos(a), 2 * Math.Sin(a));

        // ----- the closed forms --------------------------------------------------------------------------------

        [Fact]
        public void ExpOfProduct() => Check("ExpOfProduct",
            Points(P(0.0, 0.0), P(0.3, -0.5), P(-1.1, 0.7)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]), e = Math.Exp(x * y);
                return Sym(e * y * y, e * (1 + x * y), e * x * x);
            });

        [Fact]
        public void Rosenbrock() => Check("Rosenbrock",
            Points(P(-1.2, 1.0), P(1.0, 1.0), P(0.5, -0.25)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]);
                return Sym(2 - 400 * y + 1200 * x * x, -400 * x, 200);
            });

        [Fact]
        public void QuadraticFormPlusExponential() => Check("QuadraticForm",
            Points(P(Vec(61, 3), Mat(62, 3, 3)), P(Vec(63, 1), Mat(64, 1, 1)), P(Vec(65, 5), Mat(66, 5, 5))),
            a =>
            {
                var x = (double[])a[0]!;
                var b = (double[,])a[1]!;
                var h = Add(b, Transpose(b));
                h[0, 0] += Math.Exp(x[0]);
                return h;
            });

        // ----- arrays, matrices -----------------------------------------------------------------------------------------

        [Fact]
        public void BilinearFormOverMatrixAndVector() => Check("Bilinear",
            Points(P(Mat(67, 2, 2), Vec(68, 2)), P(Mat(69, 3, 3), Vec(70, 3))),
            a =>
            {
                var m = (double[,])a[0]!;
                var v = (double[])a[1]!;
                int n = v.Length, nm = n * n;
                return Build(nm + n, nm + n, (p, q) =>
                {
                    if (p < nm && q < nm)
                    {
                        return 0;
                    }

                    if (p >= nm && q >= nm)
                    {
                        return m[p - nm, q - nm] + m[q - nm, p - nm];
                    }

                    int mi = Math.Min(p, q), k = Math.Max(p, q) - nm, i = mi / n, j = mi % n;
                    return (i == k ? v[j] : 0) + (j == k ? v[i] : 0);
                });
            });

        [Fact]
        public void ScalarAndMatrix() => Check("ScalarAndMatrix",
            Points(P(0.7, Mat(71, 2, 2)), P(-1.5, Mat(72, 2, 3))),
            a =>
            {
                double s = D(a[0]);
                var m = (double[,])a[1]!;
                int cols = m.GetLength(1), n = 1 + m.Length;
                var h = new double[n, n];
                int m00 = 1, m01 = 2, m10 = 1 + cols;
                void Set(int i, int j, double v)
                {
                    h[i, j] = v;
                    h[j, i] = v;
                }

                Set(0, 0, 2 * m[0, 0]);
                Set(0, m00, 2 * s);
                Set(0, m01, m[1, 0]);
                Set(0, m10, m[0, 1]);
                Set(m01, m10, s);
                return h;
            });

        [Fact]
        public void ScratchArraysRecordedTogether() => Check("TwoScratch",
            Points(P(Vec(76, 3, 0.9), Vec(77, 6, 0.9)), P(Vec(78, 2, 0.9), Vec(79, 2, 0.9))),
            closedForm: null);

        [Fact]
        public void NestReservedOnce() => Check("Nest",
            Points(P(Vec(80, 3, 0.9), Vec(81, 6, 0.9)), P(Vec(82, 2, 0.9), Vec(83, 2, 0.9)), P(Vec(84, 1, 0.9), Vec(85, 0, 0.9))),
            closedForm: null);

        [Fact]
        public void ArrayRewrittenInLoops() => Check("Smoothing",
            Points(P(Vec(73, 4, 0.9), 2), P(Vec(74, 3, 0.9), 0), P(Vec(75, 5, 0.9), 3)),
            closedForm: null);

        [Fact]
        public void ScalarOverwrittenInALoopWithABranch() => Check("Recurrence",
            Points(P(0.7, -0.4, 0), P(0.7, -0.4, 4), P(-0.9, 0.6, 7)),
            a =>
            {
                // p, its gradient and its Hessian with respect to (x, y), propagated by hand.
                double x = D(a[0]), y = D(a[1]);
                double p = x;
                double[] g = { 1, 0 };
                var h = new double[2, 2];
                for (int i = 0; i < (int)D(a[2]); i++)
                {
                    if (i % 3 == 2)
                    {
                        // p' = sin(p)·y
                        double s = Math.Sin(p), c = Math.Cos(p);
                        double[] gy = { 0, 1 };
                        var hn = Build(2, 2, (r, q) =>
                            (-s * g[r] * g[q] + c * h[r, q]) * y + c * (g[r] * gy[q] + gy[r] * g[q]));
                        g = new[] { c * g[0] * y, c * g[1] * y + s };
                        h = hn;
                        p = s * y;
                    }
                    else
                    {
                        // p' = p·x + y
                        double[] gx = { 1, 0 };
                        var hn = Build(2, 2, (r, q) => h[r, q] * x + g[r] * gx[q] + gx[r] * g[q]);
                        g = new[] { g[0] * x + p, g[1] * x + 1 };
                        h = hn;
                        p = p * x + y;
                    }
                }

                return h;
            });

        // ----- calls ------------------------------------------------------------------------------------------------------

        [Fact]
        public void HessianKindCallee() => Check("CallsInner",
            Points(P(0.7, -0.4), P(-1.3, 0.9)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]), ia = x * y, ib = x;
                var jz = M(new[] { y, x }, new[] { 1.0, 0 });
                var h = MatMul(Transpose(jz), MatMul(InnerH(ia, ib), jz));
                double ga = Math.Cos(ia) * ib * ib;
                return Add(h, Scale(ga, Sym(0, 1, 0)));
            });

        [Fact]
        public void ProductOfCallsAndNestedArguments() => Check("Outer",
            Points(P(0.7, -0.4), P(-1.3, 0.9)),
            closedForm: null);

        [Fact]
        public void HessianKindCalleeInALoop() => Check("CallsInLoop",
            Points(P(Vec(76, 4)), P(Vec(77, 2)), P(Vec(78, 1))),
            a =>
            {
                var x = (double[])a[0]!;
                var h = new double[x.Length, x.Length];
                for (int i = 0; i + 1 < x.Length; i++)
                {
                    var hi = InnerH(x[i], x[i + 1]);
                    for (int r = 0; r < 2; r++)
                    {
                        for (int c = 0; c < 2; c++)
                        {
                            h[i + r, i + c] += hi[r, c];
                        }
                    }
                }

                return h;
            });

        [Fact]
        public void ArrayHessianKindCallee() => Check("CallsArrayCallee",
            Points(P(Vec(79, 3)), P(Vec(80, 1))),
            a =>
            {
                var x = (double[])a[0]!;
                return Build(x.Length, x.Length, (k, l) =>
                    (k == 0 ? 3 * x[l] * x[l] : 0) + (l == 0 ? 3 * x[k] * x[k] : 0) + (k == l ? 6 * x[0] * x[k] : 0));
            });

        // ----- tuples, branches ---------------------------------------------------------------------------------------------

        [Fact]
        public void TuplesInsideAHessianMethod() => Check("TupleInside",
            Points(P(0.7, -0.4), P(-1.3, 0.9)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]), s = x + y, sn = Math.Sin(s), cs = Math.Cos(s);
                return Add(
                    Sym(2 * y, 2 * x + 2 * y, 2 * x),
                    Sym(2 * y * cs - x * y * sn, sn + (x + y) * cs - x * y * sn, 2 * x * cs - x * y * sn));
            });

        [Fact]
        public void BranchesChooseTheHessian() => Check("Piecewise",
            Points(P(0.9, -0.4), P(-1.3, 0.5)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]), e = Math.Exp(x);
                return x > y ? Sym(2 * y, 2 * x, 0) : Sym(e * y, e, 0);
            });

        // ----- Math functions ---------------------------------------------------------------------------------------------

        private static readonly Dictionary<string, Func<double, double>> SecondDerivatives = new Dictionary<string, Func<double, double>>
        {
            ["GExp"] = Math.Exp,
            ["GLog"] = u => -1 / (u * u),
            ["GSin"] = u => -Math.Sin(u),
            ["GCos"] = u => -Math.Cos(u),
            ["GTan"] = u => 2 * Math.Tan(u) * (1 + Math.Tan(u) * Math.Tan(u)),
            ["GTanh"] = u => -2 * Math.Tanh(u) * (1 - Math.Tanh(u) * Math.Tanh(u)),
            ["GSqrt"] = u => -0.25 * Math.Pow(u, -1.5),
            ["GAtan"] = u => -2 * u / ((1 + u * u) * (1 + u * u)),
            ["GCbrt"] = u => -2.0 / 9 * Math.Pow(u, -5.0 / 3),
            ["GPowConst"] = u => 3.5 * 2.5 * Math.Pow(u, 1.5),
            ["GReciprocal"] = u => 2 / (u * u * u),
        };

        [Theory]
        [InlineData("GExp")]
        [InlineData("GLog")]
        [InlineData("GSin")]
        [InlineData("GCos")]
        [InlineData("GTan")]
        [InlineData("GTanh")]
        [InlineData("GSqrt")]
        [InlineData("GAtan")]
        [InlineData("GCbrt")]
        [InlineData("GPowConst")]
        [InlineData("GReciprocal")]
        public void MathFunctionOfALinearForm(string method) => Check(method,
            Points(P(0.2, 0.5), P(-0.3, 0.8)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]), u = 0.7 * x - 0.4 * y + 1.3, g2 = SecondDerivatives[method](u);
                return Sym(g2 * 0.49, g2 * 0.7 * -0.4, g2 * 0.16);
            });

        private static readonly Dictionary<string, Func<double, double>> SecondDerivativesSmall = new Dictionary<string, Func<double, double>>
        {
            ["GAsin"] = u => u / Math.Pow(1 - u * u, 1.5),
            ["GAcos"] = u => -u / Math.Pow(1 - u * u, 1.5),
            ["GSinh"] = Math.Sinh,
            ["GCosh"] = Math.Cosh,
            ["GLog2"] = u => -1 / (u * u * Math.Log(2)),
            ["GLog10"] = u => -1 / (u * u * Math.Log(10)),
            ["GLogBase"] = u => -1 / (u * u * Math.Log(3)),
        };

        [Theory]
        [InlineData("GAsin")]
        [InlineData("GAcos")]
        [InlineData("GSinh")]
        [InlineData("GCosh")]
        [InlineData("GLog2")]
        [InlineData("GLog10")]
        [InlineData("GLogBase")]
        public void MathFunctionOfASmallLinearForm(string method) => Check(method,
            Points(P(0.2, 0.5), P(-0.3, 0.8)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]), u = 0.3 * x + 0.2 * y + 0.1, g2 = SecondDerivativesSmall[method](u);
                return Sym(g2 * 0.09, g2 * 0.06, g2 * 0.04);
            });

        [Fact]
        public void FusedMultiplyAdd() => Check("Fma",
            Points(P(0.7, -0.4), P(-1.3, 0.9)),
            _ => Sym(2, 1, 0));

        [Fact]
        public void AbsAndMaxAwayFromTheirKinks() => Check("AbsMax",
            Points(P(0.7, -0.4), P(-0.5, 0.9), P(1.2, 0.5)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]);
                double sign = Math.Sign(x * y);
                var h1 = Scale(sign, Sym(2 * y, 2 * x, 0)); // |xy|·x = sign·x²y
                var h2 = x * x > y ? Sym(2 * y * y, 4 * x * y, 2 * x * x) : Sym(0, 0, 6 * y);
                return Add(h1, h2);
            });

        [Fact]
        public void HessianKindCalleeOnANewLocalArray() => Check("CallsWithLocalArray",
            Points(P(Vec(97, 3)), P(Vec(98, 2))),
            a =>
            {
                var x = (double[])a[0]!;
                var h = Build(x.Length, x.Length, (k, l) =>
                    k == l ? 6 * Math.Sin(x[k]) * Math.Cos(x[k]) * Math.Cos(x[k]) - 3 * Math.Pow(Math.Sin(x[k]), 3) : 0);
                h[0, 0] += -Math.Sin(x[0]) * x[1];
                h[0, 1] += Math.Cos(x[0]);
                h[1, 0] += Math.Cos(x[0]);
                return h;
            });

        [Fact]
        public void CalleeOnArrayElementsOverwrittenLater() => Check("TapeStress",
            Points(P(Vec(99, 3, 0.8), 2), P(Vec(100, 1, 0.8), 3)),
            closedForm: null);

        [Fact]
        public void WhileLoopWithContinueAndBreak() => Check("WhileBreak",
            Points(P(0.7, 0.4), P(-0.3, 0.9)),
            closedForm: null);

        [Fact]
        public void CompoundAssignmentsAndConditionalExpression() => Check("Compound",
            Points(P(0.7, 0.4), P(-0.3, 0.9)),
            a =>
            {
                // a = xy/(1 + x²) + (x > y ? xy : y²) − √(x² + 1)
                double x = D(a[0]), y = D(a[1]), q = 1 + x * x, r = Math.Sqrt(x * x + 1);
                // ∂²/∂x² of xy/q = y·(2x³ − 6x)/q³; ∂²/∂x∂y = (1 − x²)/q²; ∂²/∂y² = 0.
                var h = Sym(y * (2 * x * x * x - 6 * x) / (q * q * q), (1 - x * x) / (q * q), 0);
                h = Add(h, x > y ? Sym(0, 1, 0) : Sym(0, 0, 2));
                return Add(h, Sym(-1 / (r * r * r), 0, 0));
            });

        [Fact]
        public void CastsBetweenFloatAndDouble() => Check("CastRoundTrip",
            Points(P(0.7, 0.4), P(-1.3, 0.9)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]), s = Math.Sin(x * y), c = Math.Cos(x * y);
                return Sym(2 * y * c - x * y * y * s, 2 * x * c - x * x * y * s, -x * x * x * s);
            });

        [Fact]
        public void Pow() => Check("Pow",
            Points(P(1.3, 0.7), P(0.6, 2.5)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]), l = Math.Log(x);
                return Sym(y * (y - 1) * Math.Pow(x, y - 2), Math.Pow(x, y - 1) * (1 + y * l), Math.Pow(x, y) * l * l);
            });

        [Fact]
        public void Atan2() => Check("Atan2",
            Points(P(0.8, -0.6), P(-1.1, 0.4)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]), r4 = (x * x + y * y) * (x * x + y * y);
                return Sym(2 * x * y / r4, (y * y - x * x) / r4, -2 * x * y / r4);
            });

        [Fact]
        public void MathFunctionsTogether() => Check("MathMix",
            Points(P(0.8, 1.3), P(-0.6, 0.4)),
            closedForm: null);

        // ----- HVP, FReverseTangent, signatures ---------------------------------------------------------------------------

        [Fact]
        public void HessianVectorProductOverwritesAndEqualsHessianTimesV()
        {
            var f = H("Bilinear");
            var args = f.Arguments(P(Mat(81, 2, 2), Vec(82, 2)));
            var (_, h) = f.Hessian(args);
            var v = Vec(83, 6);
            var first = f.HessianVectorProduct(args, v).Hv;
            var second = f.HessianVectorProduct(args, v).Hv;
            Assert.Equal(first, second);
            var expected = MatVec(h, v);
            for (int i = 0; i < 6; i++)
            {
                Assert.True((IsFloat ? Tolerance.AgreementFloat : Tolerance.ExactDouble).Scaled(10).Close(expected[i], first[i]),
                    $"hv[{i}]: expected {expected[i]}, got {first[i]}");
            }
        }

        [Fact]
        public void ReverseTangentAddsSeedGradientAndItsDirectionalDerivative()
        {
            // FReverseTangent(p, seed, d, v, vSeed, hv): d += seed·∇f and hv += seed·H·v + vSeed·∇f.
            var f = H("QuadraticForm");
            var args = f.Arguments(P(Vec(84, 3), Mat(85, 3, 3)));
            var (_, gradient) = f.Gradient(args);
            var (_, h) = f.Hessian(args);
            var v = Vec(86, 3);
            double seed = 1.5, vSeed = -0.75;
            var d0 = Vec(87, 3);
            var hv0 = Vec(88, 3);
            var d = f.Unflatten(args, d0);
            var vs = f.Unflatten(args, v);
            var hv = f.Unflatten(args, hv0);
            var real = IsFloat ? typeof(float) : typeof(double);
            var all = args.Append(Reflect.ConvertArgument(seed, real)).Concat(d).Concat(vs).Append(Reflect.ConvertArgument(vSeed, real)).Concat(hv).ToArray();
            var value = Reflect.ToDouble(f.Invoke("ReverseTangent", all));
            Assert.Equal(f.Value(args)[0], value, IsFloat ? 4 : 12);
            var dAfter = DiffFunction.Flatten(d);
            var hvAfter = DiffFunction.Flatten(hv);
            var hvExpected = MatVec(h, v);
            var tol = (IsFloat ? Tolerance.AgreementFloat : Tolerance.ExactDouble).Scaled(MaxAbs(h) * 4);
            for (int i = 0; i < 3; i++)
            {
                Assert.True(tol.Close(d0[i] + seed * gradient[i], dAfter[i]), $"d[{i}]: expected {d0[i] + seed * gradient[i]}, got {dAfter[i]}");
                double expected = hv0[i] + seed * hvExpected[i] + vSeed * gradient[i];
                Assert.True(tol.Close(expected, hvAfter[i]), $"hv[{i}]: expected {expected}, got {hvAfter[i]}");
            }
        }

        [Fact]
        public void GeneratedSignatures()
        {
            var type = Type(HessianSource.HessType);
            string real = SourceTemplate.TypeKeyword(Precision);
            string array = IsFloat ? "Single" : "Double";
            GradGen.Tests.Infrastructure.Signatures.Assert(type, "ExpOfProductHessianVectorProduct",
                $"public static {real} ExpOfProductHessianVectorProduct({real} x, {real} y, {real} vX, {real} vY, out {real} hvX, out {real} hvY)");
            GradGen.Tests.Infrastructure.Signatures.Assert(type, "ExpOfProductHessian",
                $"public static {real} ExpOfProductHessian({real} x, {real} y, {array}[,] hessian)");
            GradGen.Tests.Infrastructure.Signatures.Assert(type, "BilinearHessianVectorProduct",
                $"public static {real} BilinearHessianVectorProduct({array}[,] m, {array}[] v, {array}[,] vM, ReadOnlySpan<{real}> vV, {array}[,] hvM, Span<{real}> hvV)");
            GradGen.Tests.Infrastructure.Signatures.Assert(type, "QuadraticFormHessian",
                $"public static {real} QuadraticFormHessian({array}[] x, {array}[,] b, {array}[,] hessian)");

            // Hessian kind implies Forward and Reverse (FGradient included).
            foreach (var m in new[] { "ExpOfProduct", "Bilinear", "Smoothing" })
            {
                Assert.NotNull(Reflect.TryFindMethod(type, m + "Forward"));
                Assert.NotNull(Reflect.TryFindMethod(type, m + "Gradient"));
                Assert.NotNull(Reflect.TryFindMethod(type, m + "Reverse"));
                Assert.Null(Reflect.TryFindMethod(type, m + "Jacobian"));
            }
        }

        // ----- argument errors -----------------------------------------------------------------------------------------

        [Fact]
        public void WrongHessianShapeIsRejected()
        {
            var f = H("QuadraticForm");
            var args = f.Arguments(P(Vec(89, 3), Mat(90, 3, 3)));
            foreach (var (rows, cols) in new[] { (3, 4), (4, 3), (2, 2), (9, 9), (0, 0) })
            {
                var matrix = f.NewMatrix("Hessian", rows, cols);
                var ex = Assert.ThrowsAny<ArgumentException>(() => f.Invoke("Hessian", args.Append(matrix).ToArray()));
                Assert.Equal("hessian", ex.ParamName);
                Assert.All(matrix.Cast<object>(), e => Assert.Equal(DiffFunction.Garbage, Reflect.ToDouble(e)));
            }

            var nullEx = Assert.ThrowsAny<ArgumentException>(() => f.Invoke("Hessian", args.Append(null).ToArray()));
            Assert.Equal("hessian", nullEx.ParamName);

            var scalar = H("ExpOfProduct");
            var sargs = scalar.Arguments(P(0.3, 0.4));
            var sex = Assert.ThrowsAny<ArgumentException>(() => scalar.Invoke("Hessian", sargs.Append(scalar.NewMatrix("Hessian", 1, 2)).ToArray()));
            Assert.Equal("hessian", sex.ParamName);

            var bilinear = H("Bilinear");
            var bargs = bilinear.Arguments(P(Mat(91, 2, 2), Vec(92, 2)));
            var bex = Assert.ThrowsAny<ArgumentException>(() => bilinear.Invoke("Hessian", bargs.Append(bilinear.NewMatrix("Hessian", 4, 4)).ToArray()));
            Assert.Equal("hessian", bex.ParamName);
        }

        [Fact]
        public void WrongDirectionOrProductLengthIsRejected()
        {
            var f = H("QuadraticForm");
            var args = f.Arguments(P(Vec(93, 3), Mat(94, 3, 3)));
            var shortArgs = P(new double[2], null);
            var longArgs = P(new double[4], null);
            object?[] Call(object?[] vShape, object?[] hvShape) =>
                args.Concat(f.Unflatten(vShape, new double[((double[])vShape[0]!).Length]))
                    .Concat(f.Unflatten(hvShape, Enumerable.Repeat(0.5, ((double[])hvShape[0]!).Length).ToArray())).ToArray();

            var all = Call(shortArgs, P(new double[3], null));
            var ex = Assert.ThrowsAny<ArgumentException>(() => f.Invoke("HessianVectorProduct", all));
            Assert.Equal("vX", ex.ParamName);
            all = Call(longArgs, P(new double[3], null));
            ex = Assert.ThrowsAny<ArgumentException>(() => f.Invoke("HessianVectorProduct", all));
            Assert.Equal("vX", ex.ParamName);
            all = Call(P(new double[3], null), shortArgs);
            ex = Assert.ThrowsAny<ArgumentException>(() => f.Invoke("HessianVectorProduct", all));
            Assert.Equal("hvX", ex.ParamName);
            Assert.All(DiffFunction.Flatten(all.Skip(args.Length + 1)), e => Assert.Equal(0.5, e));

            var b = H("Bilinear");
            var bargs = b.Arguments(P(Mat(95, 2, 2), Vec(96, 2)));
            var real = IsFloat ? typeof(float) : typeof(double);
            object M2(int r, int c) => Array.CreateInstance(real, r, c);
            object A(int n) => Array.CreateInstance(real, n);
            var bex = Assert.ThrowsAny<ArgumentException>(() => b.Invoke("HessianVectorProduct", bargs.Concat(new[] { M2(2, 3), A(2), M2(2, 2), A(2) }).ToArray()));
            Assert.Equal("vM", bex.ParamName);
            bex = Assert.ThrowsAny<ArgumentException>(() => b.Invoke("HessianVectorProduct", bargs.Concat(new[] { M2(2, 2), A(2), M2(3, 2), A(2) }).ToArray()));
            Assert.Equal("hvM", bex.ParamName);
            bex = Assert.ThrowsAny<ArgumentException>(() => b.Invoke("HessianVectorProduct", bargs.Concat(new[] { M2(2, 2), A(2), null, A(2) }).ToArray()));
            Assert.Equal("hvM", bex.ParamName);
            bex = Assert.ThrowsAny<ArgumentException>(() => b.Invoke("HessianVectorProduct", bargs.Concat(new[] { M2(2, 2), A(3), M2(2, 2), A(2) }).ToArray()));
            Assert.Equal("vV", bex.ParamName);
            bex = Assert.ThrowsAny<ArgumentException>(() => b.Invoke("HessianVectorProduct", bargs.Concat(new[] { M2(2, 2), A(2), M2(2, 2), A(1) }).ToArray()));
            Assert.Equal("hvV", bex.ParamName);
        }
    }

    public sealed class HessianTests_Double : HessianTests
    {
        public HessianTests_Double()
            : base(Precision.Double)
        {
        }

        private static Type Hess => HessianSource.Double.Value.GetType("VectorValued.Hessians.Hess_double");

        private static (double Value, double Gx, double Gy, double[,] H) Second(string method, double x, double y)
        {
            var (value, args) = Reflect.Invoke(Hess, method + "Gradient", x, y, null, null);
            var h = new double[2, 2];
            var (hv, _) = Reflect.Invoke(Hess, method + "Hessian", x, y, h);
            Assert.Equal((double)value!, (double)hv!);
            return ((double)value!, (double)args[2]!, (double)args[3]!, h);
        }

        [Fact]
        public void NewtonsMethodOnRosenbrockConverges()
        {
            double x = -1.2, y = 1.0;
            int iterations = 0;
            while (iterations < 50)
            {
                var (_, gx, gy, h) = Second("Rosenbrock", x, y);
                double det = h[0, 0] * h[1, 1] - h[0, 1] * h[1, 0];
                double dx = (h[1, 1] * gx - h[0, 1] * gy) / det;
                double dy = (h[0, 0] * gy - h[1, 0] * gx) / det;
                x -= dx;
                y -= dy;
                iterations++;
                if (Math.Abs(dx) + Math.Abs(dy) < 1e-14)
                {
                    break;
                }
            }

            Assert.True(Math.Abs(x - 1) < 1e-8 && Math.Abs(y - 1) < 1e-8, $"Newton ended at ({x:R}, {y:R}) after {iterations} iterations");
            Assert.True(iterations < 50, $"Newton took {iterations} iterations");
            var (value, gxEnd, gyEnd, hEnd) = Second("Rosenbrock", x, y);
            Assert.True(value < 1e-16, $"f = {value}");
            Assert.True(Math.Abs(gxEnd) + Math.Abs(gyEnd) < 1e-7);
            Assert.Equal(802, hEnd[0, 0], 6);
            Assert.Equal(-400, hEnd[0, 1], 6);
            Assert.Equal(200, hEnd[1, 1], 9);
        }

        [Fact]
        public void SecondOrderTaylorOfExpOfProductAtTheOrigin()
        {
            var (f0, gx, gy, h) = Second("ExpOfProduct", 0, 0);
            Assert.Equal(1.0, f0);
            Assert.Equal(0.0, gx);
            Assert.Equal(0.0, gy);
            Assert.Equal(M(new[] { 0.0, 1 }, new[] { 1.0, 0 }), h);

            // T(h) = f0 + g·h + ½hᵀHh = 1 + hx·hy; |e^{hx·hy} − T(h)| = O(|h|³) (here even O(|h|⁴)).
            double previous = double.NaN;
            foreach (double t in new[] { 0.2, 0.1, 0.05, 0.025 })
            {
                double hx = 0.6 * t, hy = -0.8 * t;
                double taylor = f0 + gx * hx + gy * hy + 0.5 * (h[0, 0] * hx * hx + 2 * h[0, 1] * hx * hy + h[1, 1] * hy * hy);
                Assert.Equal(1 + hx * hy, taylor, 15);
                double error = Math.Abs(Math.Exp(hx * hy) - taylor);
                Assert.True(error <= t * t * t, $"t = {t}: error {error} > |h|³ = {t * t * t}");
                if (!double.IsNaN(previous))
                {
                    Assert.True(previous / error > 7.5, $"halving h should divide the error by 8 or more: {previous} -> {error}");
                }

                previous = error;
            }
        }

        [Fact]
        public void SecondOrderTaylorAtAGeneralPointIsThirdOrderAccurate()
        {
            foreach (var method in new[] { "ExpOfProduct", "MathMix", "Outer", "TupleInside" })
            {
                double x0 = 0.6, y0 = 0.9;
                var (f0, gx, gy, h) = Second(method, x0, y0);
                double Error(double t)
                {
                    double hx = 0.6 * t, hy = -0.8 * t;
                    double taylor = f0 + gx * hx + gy * hy + 0.5 * (h[0, 0] * hx * hx + 2 * h[0, 1] * hx * hy + h[1, 1] * hy * hy);
                    var (exact, _) = Reflect.Invoke(Hess, method, x0 + hx, y0 + hy);
                    return Math.Abs((double)exact! - taylor);
                }

                // A wrong Hessian leaves an O(|h|²) error (ratio 4 when halving h); a right one O(|h|³) (ratio 8).
                double e1 = Error(0.02), e2 = Error(0.01), e3 = Error(0.005);
                Assert.True(e1 / e2 > 6.5 && e2 / e3 > 6.5, $"{method}: Taylor errors {e1}, {e2}, {e3} do not fall like |h|³");
            }
        }
    }

    public sealed class HessianTests_Float : HessianTests
    {
        public HessianTests_Float()
            : base(Precision.Float)
        {
        }
    }
}
