using System;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.Matrices;
using static GradGen.Tests.Infrastructure.TestValues;

namespace GradGen.Tests.VectorValued
{
    /// <summary>
    /// FJacobian (see <see cref="JacobianSource"/>) against closed-form Jacobians, central finite differences, FForward
    /// columns, FReverse rows and the dot-product test (<see cref="DerivativeCheck.Jacobian"/>), in both regimes (n ≤ m: forward
    /// columns; m &lt; n: reverse rows; chosen at run time when a size is dynamic), and its argument checks.
    /// </summary>
    public abstract class JacobianTests : PrecisionTestBase
    {
        protected JacobianTests(Precision precision)
            : base(JacobianSource.For, precision)
        {
        }

        private DiffFunction J(string method) => Fn(JacobianSource.JacType, method);

        private void Check(string method, object?[][] points, Func<object?[], double[,]> closedForm) =>
            DerivativeCheck.Jacobian(J(method), points, closedForm);

        private static double D(object? a) => Convert.ToDouble(a, System.Globalization.CultureInfo.InvariantCulture);

        private static double[,] SphericalJ(double r, double t, double p)
        {
            double st = Math.Sin(t), ct = Math.Cos(t), sp = Math.Sin(p), cp = Math.Cos(p);
            return M(
                new[] { st * cp, r * ct * cp, -r * st * sp },
                new[] { st * sp, r * ct * sp, r * st * cp },
                new[] { ct, -r * st, 0 });
        }

        private static double[,] ExpandJ(double[] x)
        {
            int n = x.Length;
            var j = new double[2 * n, n];
            for (int i = 0; i < n; i++)
            {
                j[i, i] = 2 * x[i];
                j[n + i, i] += Math.Cos(x[i]) * x[(i + 1) % n];
                j[n + i, (i + 1) % n] += Math.Sin(x[i]);
            }

            return j;
        }

        private static double[] ExpandValue(double[] x)
        {
            int n = x.Length;
            var r = new double[2 * n];
            for (int i = 0; i < n; i++)
            {
                r[i] = x[i] * x[i];
                r[n + i] = Math.Sin(x[i]) * x[(i + 1) % n];
            }

            return r;
        }

        private static double[,] PairwiseJ(double[] x)
        {
            int m = Math.Max(0, x.Length - 1);
            return Build(m, x.Length, (i, j) => j == i ? x[i + 1] : j == i + 1 ? x[i] : 0);
        }

        // ----- the issue's closed forms --------------------------------------------------------------------------------

        [Fact]
        public void SquarePlusSine() => Check("SquarePlusSine",
            Points(P(0.7, -1.3), P(-2.1, 0.4), P(0.0, 0.0)),
            a => M(new[] { 2 * D(a[0]), 1.0 }, new[] { Math.Cos(D(a[0])), 0.0 }));

        [Fact]
        public void QuadraticPair() => Check("Quadratic",
            Points(P(0.7, -1.3), P(-2.1, 0.4)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]);
                return M(new[] { 2 * x + 3 * y, 3 * x }, new[] { 2.0, 1.0 });
            });

        [Fact]
        public void MatrixTimesVectorWithNoDerivativeMatrixIsExactlyTheMatrix()
        {
            // 4 × 2 (forward columns) and 2 × 5 (reverse rows), chosen at run time.
            var tall = Mat(21, 4, 2);
            var wide = Mat(22, 2, 5);
            DerivativeCheck.Jacobian(J("MatVecNoDerivative"), Points(P(tall, Vec(23, 2)), P(wide, Vec(24, 5)), P(Mat(25, 3, 3), Vec(26, 3))),
                a => (double[,])((double[,])a[0]!).Clone(), exact: true);
        }

        [Fact]
        public void MatrixFieldTimesVectorIsExactlyTheField()
        {
            var a0 = M(new[] { 1.5, -2 }, new[] { 0.5, 3 }, new[] { -1, 0.25 });
            DerivativeCheck.Jacobian(J("MatVecField"), Points(P(Vec(27, 2)), P(new[] { 0.0, 0.0 })), _ => a0, exact: true);
        }

        [Fact]
        public void MatrixTimesVectorBothDifferentiable() => Check("MatVecBoth",
            Points(P(Mat(28, 3, 2), Vec(29, 2)), P(Mat(30, 1, 4), Vec(31, 4))),
            a =>
            {
                var A = (double[,])a[0]!;
                var x = (double[])a[1]!;
                int m = A.GetLength(0), n = x.Length;
                return Build(m, m * n + n, (i, col) =>
                    col < m * n ? (col / n == i ? x[col % n] : 0) : A[i, col - m * n]);
            });

        [Fact]
        public void SphericalToCartesian() => Check("Spherical",
            Points(P(1.5, 0.7, -2.1), P(0.5, 2.9, 0.3), P(2.0, 0.0, 1.0)),
            a => SphericalJ(D(a[0]), D(a[1]), D(a[2])));

        // ----- both regimes -----------------------------------------------------------------------------------------------

        [Fact]
        public void TwoInputsThreeOutputs() => Check("TwoToThree",
            Points(P(0.7, -1.3), P(-2.1, 0.4)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]), c = Math.Cos(x * y);
                return M(new[] { y, x }, new[] { Math.Exp(x), 1 }, new[] { y * c, x * c });
            });

        [Fact]
        public void ThreeInputsTwoOutputs() => Check("ThreeToTwo",
            Points(P(0.7, -1.3, 2.2), P(-2.1, 0.4, -0.5)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]), z = D(a[2]);
                return M(new[] { y * z, x * z, x * y }, new[] { 1, 2 * y, -Math.Sin(z) });
            });

        [Fact]
        public void ArrayInputWithMoreOutputs() => Check("Expand",
            Points(P(Vec(32, 3)), P(Vec(33, 1)), P(Vec(34, 5))),
            a => ExpandJ((double[])a[0]!));

        [Fact]
        public void ArrayInputWithFewerOutputs() => Check("Pairwise",
            Points(P(Vec(35, 4)), P(Vec(36, 2)), P(Vec(37, 1))),
            a => PairwiseJ((double[])a[0]!));

        [Fact]
        public void ArrayValuedJacobianCallees() => Check("ComposeArrays",
            Points(P(Vec(38, 3)), P(Vec(39, 2))),
            a =>
            {
                var x = (double[])a[0]!;
                return MatMul(PairwiseJ(ExpandValue(x)), ExpandJ(x));
            });

        [Fact]
        public void MatrixInput() => Check("RowSums",
            Points(P(Mat(40, 2, 3)), P(Mat(41, 3, 1))),
            a =>
            {
                var m = (double[,])a[0]!;
                int rows = m.GetLength(0), cols = m.GetLength(1);
                return Build(rows, rows * cols, (i, k) => k / cols == i ? 2 * m[i, k % cols] : 0);
            });

        [Fact]
        public void TupleOfArrayRegimeChosenAtRunTime() => Check("Moments",
            Points(P(Vec(42, 1)), P(Vec(43, 2)), P(Vec(44, 3)), P(Vec(45, 6))),
            a =>
            {
                var x = (double[])a[0]!;
                return Build(2, x.Length, (i, j) => i == 0 ? Math.Cos(x[j]) : 2 * x[j]);
            });

        [Fact]
        public void SevenOutputsOfAnArray() => Check("SevenOfArray",
            Points(P(Vec(56, 8)), P(Vec(57, 3)), P(Vec(58, 7))),
            a =>
            {
                var x = (double[])a[0]!;
                return Build(7, x.Length, (k, j) => Math.Pow(x[j], k));
            });

        [Fact]
        public void MatrixInputWithMoreOutputs() => Check("MatrixExpand",
            Points(P(Mat(59, 2, 3)), P(Mat(60, 1, 1))),
            a =>
            {
                var z = DiffFunction.Flatten(new object[] { a[0]! });
                int count = z.Length;
                var j = new double[3 * count, count];
                for (int k = 0; k < count; k++)
                {
                    j[k, k] = 2 * z[k];
                    j[count + k, k] = Math.Cos(z[k]);
                    j[2 * count + k, k] += z[0];
                    j[2 * count + k, 0] += z[k];
                }

                return j;
            });

        [Fact]
        public void ScalarArrayAndMatrixInputsWithMoreOutputs() => Check("MixedInputs",
            Points(P(0.75, Vec(61, 2), Mat(62, 2, 2)), P(-1.25, new double[0], Mat(63, 1, 3))),
            a =>
            {
                var z = DiffFunction.Flatten(new[] { a[0], a[1], a[2] });
                int n = z.Length;
                double s = z[0];
                var j = new double[2 * n, n];
                j[0, 0] = 2 * s;
                j[n, 0] = 2 * s;
                for (int k = 1; k < n; k++)
                {
                    j[k, k] = 2 * z[k];
                    j[n + k, k] = s;
                    j[n + k, 0] = z[k];
                }

                return j;
            });

        [Fact]
        public void ScalarArrayAndMatrixInputsWithFewerOutputs() => Check("MixedInputsPair",
            Points(P(0.75, Vec(64, 2), Mat(65, 2, 3)), P(-1.25, Vec(66, 1), Mat(67, 1, 1))),
            a =>
            {
                double s = D(a[0]);
                var v = (double[])a[1]!;
                var m = (double[,])a[2]!;
                int rows = m.GetLength(0), cols = m.GetLength(1), off = 1 + v.Length, n = off + m.Length;
                var j = new double[2, n];
                j[0, 0] = v.Sum();
                j[1, 0] = 2 * s * m[0, 0];
                for (int i = 0; i < v.Length; i++)
                {
                    j[0, 1 + i] = s;
                }

                j[1, 1] += m[rows - 1, cols - 1];
                for (int i = 0; i < rows; i++)
                {
                    for (int c = 0; c < cols; c++)
                    {
                        j[0, off + i * cols + c] = i + 1;
                    }
                }

                j[1, off] += s * s;
                j[1, off + rows * cols - 1] += v[0];
                return j;
            });

        [Fact]
        public void TrajectoryOfTupleValuedSteps() => Check("Trajectory",
            Points(P(0.7, -1.3, 4), P(1.2, 0.4, 1), P(0.3, 0.2, 0)),
            a =>
            {
                double q = D(a[0]), p = D(a[1]), h = IsFloat ? (double)0.1f : 0.1;
                int n = (int)D(a[2]);
                var result = new double[2 * n, 2];
                var j = M(new[] { 1.0, 0.0 }, new[] { 0.0, 1.0 });
                for (int i = 0; i < n; i++)
                {
                    j = MatMul(M(new[] { 1, h }, new[] { -h * Math.Cos(q), 1 }), j);
                    (q, p) = (q + h * p, p - h * Math.Sin(q));
                    for (int c = 0; c < 2; c++)
                    {
                        result[2 * i, c] = j[0, c];
                        result[2 * i + 1, c] = j[1, c];
                    }
                }

                return result;
            });

        [Fact]
        public void TupleOfMatrix() => Check("TraceDet",
            Points(P(Mat(46, 2, 2)), P(M(new[] { 1.0, 2 }, new[] { 3.0, 4 }))),
            a =>
            {
                var m = (double[,])a[0]!;
                return M(new[] { 1.0, 0, 0, 1 }, new[] { m[1, 1], -m[1, 0], -m[0, 1], m[0, 0] });
            });

        [Fact]
        public void ScalarResultJacobianIsTheGradient()
        {
            var f = J("Scalar");
            DerivativeCheck.Jacobian(f, Points(P(0.7, Vec(47, 3)), P(-1.2, new double[0])),
                a =>
                {
                    double x = D(a[0]);
                    var v = (double[])a[1]!;
                    return M(new[] { v.Sum(e => e * e) + Math.Cos(x) }.Concat(v.Select(e => 2 * x * e)).ToArray());
                });

            // Jacobian kind implies Reverse: the scalar method has FGradient too, and its result is the Jacobian's row.
            var args = f.Arguments(P(0.7, Vec(47, 3)));
            var (value, jacobian) = f.Jacobian(args, 1);
            var (gv, gradient) = f.Gradient(args);
            Assert.Equal(value[0], gv);
            Assert.Equal(gradient, Row(jacobian, 0));
        }

        [Fact]
        public void CallsToJacobianKindMethods() => Check("Compose",
            Points(P(0.7, -0.3), P(-1.1, 0.9)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]);
                double u = x * x + y, v = Math.Sin(x);
                var jz = M(new[] { 2 * x, 1 }, new[] { Math.Cos(x), 0 }, new[] { 1.0, 0 });
                var js = MatMul(SphericalJ(u, v, x), jz);
                double sx = u * Math.Sin(v) * Math.Cos(x);
                return M(
                    new[] { v * js[0, 0] + sx * Math.Cos(x), v * js[0, 1] },
                    new[] { js[1, 0] + 2 * x, js[1, 1] + 1 },
                    new[] { js[2, 0], js[2, 1] });
            });

        [Fact]
        public void PassThroughAndNoDerivativeParameters() => Check("WithPassive",
            Points(P(0.7, 3, 1.5, -1.3), P(-2.1, -2, 0.25, 0.4)),
            a =>
            {
                double x = D(a[0]), k = D(a[1]), c = D(a[2]), y = D(a[3]);
                return M(new[] { k, 2 * c * y }, new[] { y * c, x * c });
            });

        [Fact]
        public void LoopWithBranch() => Check("Cumulative",
            Points(P(Vec(48, 5)), P(new[] { 0.5, 1.25, -0.75, 2.0 }), P(Vec(49, 1))),
            a =>
            {
                var x = (double[])a[0]!;
                int n = x.Length;
                var j = new double[n, n];
                var r = x[0];
                var g = new double[n];
                g[0] = 1;
                for (int k = 0; k < n; k++)
                {
                    j[0, k] = g[k];
                }

                for (int i = 1; i < n; i++)
                {
                    if (x[i] > 0)
                    {
                        for (int k = 0; k < n; k++)
                        {
                            g[k] *= x[i];
                        }

                        g[i] += r;
                        r *= x[i];
                    }
                    else
                    {
                        g[i] += 1;
                        r += x[i];
                    }

                    for (int k = 0; k < n; k++)
                    {
                        j[i, k] = g[k];
                    }
                }

                return j;
            });

        // ----- kinds and signatures --------------------------------------------------------------------------------------

        [Fact]
        public void JacobianKindImpliesForwardAndReverse()
        {
            var type = Type(JacobianSource.JacType);
            string real = SourceTemplate.TypeKeyword(Precision);
            foreach (var m in new[] { "SquarePlusSine", "Expand", "Moments", "Scalar" })
            {
                Assert.NotNull(Reflect.TryFindMethod(type, m + "Forward"));
                Assert.NotNull(Reflect.TryFindMethod(type, m + "Reverse"));
                Assert.NotNull(Reflect.TryFindMethod(type, m + "Jacobian"));
                Assert.Null(Reflect.TryFindMethod(type, m + "Hessian"));
            }

            Assert.NotNull(Reflect.TryFindMethod(type, "ForwardOnlyForward"));
            Assert.Null(Reflect.TryFindMethod(type, "ForwardOnlyReverse"));
            Assert.Null(Reflect.TryFindMethod(type, "ForwardOnlyJacobian"));

            Signatures.Assert(type, "SquarePlusSineJacobian",
                $"public static ({real} A, {real} B) SquarePlusSineJacobian({real} x, {real} y, {(IsFloat ? "Single" : "Double")}[,] jacobian)");
            Signatures.Assert(type, "WithPassiveJacobian",
                $"public static ({real}, {real}) WithPassiveJacobian({real} x, int k, {real} c, {real} y, {(IsFloat ? "Single" : "Double")}[,] jacobian)");
        }

        // ----- shape errors ---------------------------------------------------------------------------------------------

        private void AssertRejected(DiffFunction f, object?[] args, int rows, int cols)
        {
            var matrix = f.NewMatrix("Jacobian", rows, cols);
            var ex = Assert.ThrowsAny<ArgumentException>(() => f.Invoke("Jacobian", args.Append(matrix).ToArray()));
            Assert.Equal("jacobian", ex.ParamName);
            Assert.All(matrix.Cast<object>(), e => Assert.Equal(DiffFunction.Garbage, Reflect.ToDouble(e)));
        }

        [Fact]
        public void WrongJacobianShapeIsRejected()
        {
            var f = J("SquarePlusSine");
            var args = f.Arguments(P(0.7, -1.3));
            AssertRejected(f, args, 2, 3);
            AssertRejected(f, args, 3, 2);
            AssertRejected(f, args, 1, 2);
            AssertRejected(f, args, 0, 0);
            var ex = Assert.ThrowsAny<ArgumentException>(() => f.Invoke("Jacobian", args.Append(null).ToArray()));
            Assert.Equal("jacobian", ex.ParamName);

            var matVec = J("MatVecNoDerivative");
            var mv = matVec.Arguments(P(Mat(50, 3, 2), Vec(51, 2)));
            AssertRejected(matVec, mv, 2, 2);
            AssertRejected(matVec, mv, 3, 3);
            AssertRejected(matVec, mv, 2, 3);

            var moments = J("Moments");
            var mo = moments.Arguments(P(Vec(52, 4)));
            AssertRejected(moments, mo, 2, 5);
            AssertRejected(moments, mo, 4, 2);

            var rows = J("RowSums");
            var rs = rows.Arguments(P(Mat(53, 2, 3)));
            AssertRejected(rows, rs, 2, 3);
            ex = Assert.ThrowsAny<ArgumentException>(() => rows.Invoke("Jacobian", rs.Append(null).ToArray()));
            Assert.Equal("jacobian", ex.ParamName);
        }

        [Fact]
        public void EmptyResultHasAnEmptyJacobian()
        {
            var f = J("Pairwise");
            var args = f.Arguments(P(new[] { 0.5 }));
            var (value, jacobian) = f.Jacobian(args, 0);
            Assert.Empty(value);
            Assert.Equal(0, jacobian.GetLength(0));
            Assert.Equal(1, jacobian.GetLength(1));
        }

        [Fact]
        public void RepeatedCallsGiveTheSameJacobian()
        {
            // The buffers FJacobian borrows must come back clean: interleave the two regimes and other methods.
            var expand = J("Expand");
            var pairwise = J("Pairwise");
            var x = expand.Arguments(P(Vec(54, 4)));
            var y = pairwise.Arguments(P(Vec(55, 4)));
            var (_, first) = expand.Jacobian(x, 8);
            var (_, firstRows) = pairwise.Jacobian(y, 3);
            for (int t = 0; t < 3; t++)
            {
                Assert.Equal(first, expand.Jacobian(x, 8).Jacobian);
                Assert.Equal(firstRows, pairwise.Jacobian(y, 3).Jacobian);
            }
        }
    }

    public sealed class JacobianTests_Double : JacobianTests
    {
        public JacobianTests_Double()
            : base(Precision.Double)
        {
        }

        [Fact]
        public void FloatAndDoubleInputsGiveADoubleJacobian()
        {
            var source = JacobianSource.Double.Value;
            var f = new DiffFunction(source, source.GetType(JacobianSource.MixedType), "Mixed");
            Assert.Equal(typeof(double[,]), f.MatrixParameterType("Jacobian"));
            DerivativeCheck.Jacobian(f, Points(P(0.75, -1.25), P(-2.0, 0.5)),
                a =>
                {
                    double x = (double)a[0]!, y = (double)a[1]!;
                    return M(new[] { y, x }, new[] { 2 * x, 0 });
                });
        }
    }

    public sealed class JacobianTests_Float : JacobianTests
    {
        public JacobianTests_Float()
            : base(Precision.Float)
        {
        }
    }
}
