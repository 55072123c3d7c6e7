using System;
using System.Collections.Generic;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.Matrices;
using static GradGen.Tests.Infrastructure.TestValues;
using Src = GradGen.Tests.CustomDerivatives.CustomDerivativeNumericSource;

namespace GradGen.Tests.CustomDerivatives
{
    /// <summary>
    /// More shapes and call sites for user-written derivatives: an array-valued target, matrix and span parameters, a
    /// two-parameter ReverseTangent under branches and loops, float and instance Hessians, the generated FReverseTangent,
    /// nesting, single-kind callers, array elements as arguments and targets in nested types.
    /// </summary>
    public partial class CustomDerivativeNumericTests
    {
        // =====================================================================================================================
        // Shapes
        // =====================================================================================================================

        [Fact]
        public void Shapes_ArrayValuedTarget_ScalarCaller() =>
            DerivativeCheck.Jacobian(Fn("Shapes", Src.ShapesType, "WeightedSquares"), Points(P(Vec(41, 1)), P(Vec(42, 4))),
                a => Row1(((double[])a[0]!).Select((x, i) => 2 * (i + 1) * x).ToArray()));

        [Fact]
        public void Shapes_ArrayValuedTarget_ArrayValuedCaller() =>
            DerivativeCheck.Jacobian(Fn("Shapes", Src.ShapesType, "Squares"), Points(P(Vec(43, 1), 0.75), P(Vec(44, 3), -1.5)),
                a =>
                {
                    var x = (double[])a[0]!;
                    int n = x.Length;
                    double cc = D(a[1]);
                    return Build(n, n + 1, (i, k) => k == n ? x[i] * x[i] : i == k ? 2 * cc * x[i] : 0);
                });

        [Fact]
        public void Shapes_MatrixParameter() =>
            DerivativeCheck.Jacobian(Fn("Shapes", Src.ShapesType, "Diagonal"), Points(P(Mat(45, 2, 2), 1.25), P(Mat(46, 2, 3), -0.5)),
                a =>
                {
                    var m = (double[,])a[0]!;
                    int rows = m.GetLength(0), cols = m.GetLength(1);
                    double ss = D(a[1]);
                    var g = new double[rows * cols + 1];
                    for (int i = 0; i < Math.Min(rows, cols); i++)
                    {
                        g[i * cols + i] = 2 * ss * m[i, i];
                        g[rows * cols] += m[i, i] * m[i, i];
                    }

                    return Row1(g);
                });

        [Fact]
        public void Shapes_SpanParameter_ArrayPassed() =>
            DerivativeCheck.Jacobian(Fn("Shapes", Src.ShapesType, "SpanOfArray"), Points(P(Vec(47, 1)), P(Vec(48, 4))),
                a =>
                {
                    var x = (double[])a[0]!;
                    double sum = x.Sum(v => v * v);
                    return Row1(x.Select((v, k) => 2 * v * x[0] + (k == 0 ? sum : 0)).ToArray());
                });

        [Fact]
        public void Shapes_SpanParameter_SpanPassed() =>
            DerivativeCheck.Jacobian(Fn("Shapes", Src.ShapesType, "SpanOfSpan"), Points(P(Vec(49, 3)), P(Vec(50, 1))),
                a => Row1(((double[])a[0]!).Select((v, k) => v + (k == 0 ? 1 : 0)).ToArray()));

        // =====================================================================================================================
        // Second order: a two-parameter ReverseTangent, branches and loops, float, instance, FReverseTangent
        // =====================================================================================================================

        private static Dual2 LogAdd(Dual2 a, Dual2 b)
        {
            var m = a.V >= b.V ? a : b;
            return m + Dual2.Log(Dual2.Exp(a - m) + Dual2.Exp(b - m));
        }

        private static Dual2 NestedTruth(Dual2 x, Dual2 y) =>
            LogAdd(x * y, LogAdd(x, y)) + Dual2.Sin(x) * LogAdd(y, Dual2.Constant(0.5));

        private static Dual2 BranchesTruth(Dual2 x, Dual2 y)
        {
            if (x.V > 0)
            {
                return LogAdd(x, y) * x;
            }

            var s = Dual2.Constant(0);
            for (int i = 0; i < 3; i++)
            {
                s = s + LogAdd(s, x * y);
            }

            return s;
        }

        [Fact]
        public void Second_TwoParameterReverseTangent_Nested()
        {
            var f = Fn("Second", Src.SecondType, "Nested");
            DerivativeCheck.Jacobian(f, Points(
                    P(0.3, -0.7),
                    P(1.5, 0.4),
                    P(-1.2, 2.0)), a => Row1(ByDuals(z => NestedTruth(z[0], z[1]), new[] { D(a[0]), D(a[1]) }).Gradient));
            DerivativeCheck.Hessian(f, Points(
                    P(0.3, -0.7),
                    P(1.5, 0.4),
                    P(-1.2, 2.0)), a => ByDuals(z => NestedTruth(z[0], z[1]), new[] { D(a[0]), D(a[1]) }).Hessian);
        }

        [Fact]
        public void Second_TwoParameterReverseTangent_BranchesAndLoop()
        {
            var f = Fn("Second", Src.SecondType, "Branches");
            DerivativeCheck.Jacobian(f, Points(
                    P(0.6, -0.7),
                    P(2.0, 1.5),
                    P(-0.8, 0.9),
                    P(-1.5, -1.1)), a => Row1(ByDuals(z => BranchesTruth(z[0], z[1]), new[] { D(a[0]), D(a[1]) }).Gradient));
            DerivativeCheck.Hessian(f, Points(
                    P(0.6, -0.7),
                    P(2.0, 1.5),
                    P(-0.8, 0.9),
                    P(-1.5, -1.1)), a => ByDuals(z => BranchesTruth(z[0], z[1]), new[] { D(a[0]), D(a[1]) }).Hessian);
        }

        [Fact]
        public void Second_ArrayValuedCaller_Jacobian() =>
            DerivativeCheck.Jacobian(Fn("Second", Src.SecondType, "Pairwise"), Points(P(Vec(51, 1, 2.0)), P(Vec(52, 2, 2.0)), P(Vec(53, 4, 2.0))),
                a =>
                {
                    var x = (double[])a[0]!;
                    int n = x.Length;
                    var j = new double[n, n];
                    for (int i = 0; i < n; i++)
                    {
                        double u = x[i], w = x[(i + 1) % x.Length], m = Math.Max(u, w);
                        double l = m + Math.Log(Math.Exp(u - m) + Math.Exp(w - m));
                        j[i, i] += Math.Exp(u - l);
                        j[i, (i + 1) % n] += Math.Exp(w - l);
                    }

                    return j;
                });

        [Fact]
        public void Second_FloatHessianThroughReverseTangent() =>
            DerivativeCheck.Hessian(Fn("Second", Src.SecondFloatType, "H"), Points(P(0.3, -0.7), P(1.5, 2.0), P(-2.0, 0.25)),
                a => SoftplusHHessian(D(a[0]), D(a[1])),
                closedFormTolerance: new Tolerance(1e-4, 1e-4));

        [Fact]
        public void Second_InstanceHessianThroughInstanceReverseTangent()
        {
            var source = S("Second");
            var type = source.GetType(Src.SecondInstanceType);
            var target = Activator.CreateInstance(type)!;
            type.GetField("K")!.SetValue(target, 1.75);
            const double K = 1.75;
            var points = new[] { (0.3, -0.7), (1.1, 0.4), (-0.6, 1.3) };

            DerivativeCheck.GradientOfScalars(Fn("Second", Src.SecondInstanceType, "H", target), points.Select(p => new object?[] { p.Item1, p.Item2 }),
                a =>
                {
                    double e = K * Math.Exp(a[0] * a[1]);
                    return new[] { e * a[1], e * a[0] + 1 };
                });

            var errors = new List<string>();
            foreach (var (x, y) in points)
            {
                double e = K * Math.Exp(x * y);
                var expected = M(new[] { e * y * y, e * (1 + x * y) }, new[] { e * (1 + x * y), e * x * x });
                var (value, args) = Reflect.InvokeInstance(target, "HHessian", x, y, new double[2, 2]);
                var h = (double[,])args[2]!;
                if (!new Tolerance(1e-14, 1e-14).Close(e + y, D(value)))
                {
                    errors.Add($"HHessian({x}, {y}) value {D(value):R}, expected {e + y:R}");
                }

                for (int i = 0; i < 2; i++)
                {
                    for (int k = 0; k < 2; k++)
                    {
                        if (!Tolerance.ExactDouble.Scaled(MaxAbs(expected)).Close(expected[i, k], h[i, k]))
                        {
                            errors.Add($"HHessian({x}, {y})[{i}, {k}] = {h[i, k]:R}, expected {expected[i, k]:R}");
                        }
                    }
                }

                var v = new[] { 0.75, -1.25 };
                var (_, hvArgs) = Reflect.InvokeInstance(target, "HHessianVectorProduct", x, y, v[0], v[1], null, null);
                var hv = MatVec(expected, v);
                for (int i = 0; i < 2; i++)
                {
                    if (!Tolerance.ExactDouble.Scaled(MaxAbs(expected)).Close(hv[i], D(hvArgs[4 + i])))
                    {
                        errors.Add($"HHessianVectorProduct({x}, {y}, {Show(v)})[{i}] = {D(hvArgs[4 + i]):R}, expected {hv[i]:R}");
                    }
                }
            }

            Report("Growth.H", errors, source);
        }

        /// <summary>
        /// The generated FReverseTangent of a caller (forward mode applied to FReverse) through the user's
        /// ReverseTangent: d += seed·∇f and hv += seed·H·v + vSeed·∇f, against the closed forms.
        /// </summary>
        [Theory]
        [InlineData(0.3, -0.7)]
        [InlineData(-2.0, 0.25)]
        public void GeneratedReverseTangent_ThroughUserReverseTangent(double x, double y)
        {
            var f = Fn("Softplus", Src.SoftplusType, "H");
            double s = Sigmoid(x * y);
            var g = new[] { s * y + 2 * x, s * x };
            var h = SoftplusHHessian(x, y);
            double seed = 1.5, vSeed = -0.75;
            var d0 = new[] { 0.25, -0.5 };
            var v = new[] { 0.5, 1.25 };
            var hv0 = new[] { -1.0, 0.125 };
            var all = new object?[] { x, y, seed, d0[0], d0[1], v[0], v[1], vSeed, hv0[0], hv0[1] };
            double value = D(f.Invoke("ReverseTangent", all));
            var errors = new List<string>();
            var tol = Tolerance.ExactDouble.Scaled(4);
            if (!new Tolerance(1e-14, 1e-14).Close(Softplus(x * y) + x * x, value))
            {
                errors.Add($"value {value:R}");
            }

            var hvExpected = MatVec(h, v);
            for (int i = 0; i < 2; i++)
            {
                double d = D(all[3 + i]), hv = D(all[8 + i]);
                double dExpected = d0[i] + seed * g[i];
                double hvTruth = hv0[i] + seed * hvExpected[i] + vSeed * g[i];
                if (!tol.Close(dExpected, d))
                {
                    errors.Add($"d[{i}] = {d:R}, expected {dExpected:R}");
                }

                if (!tol.Close(hvTruth, hv))
                {
                    errors.Add($"hv[{i}] = {hv:R}, expected {hvTruth:R}");
                }
            }

            Report($"Act.HReverseTangent({x}, {y})", errors, f.Source);
        }

        // =====================================================================================================================
        // Call sites
        // =====================================================================================================================

        [Fact]
        public void Calls_ResultAsArgumentOfAnotherCall() =>
            DerivativeCheck.GradientOfScalars(Fn("Calls", Src.CallsType, "Nested"), Points(P(0.4), P(-1.3), P(2.2)),
                a => ByDuals(z => Dual2.Softplus(Dual2.Softplus(z[0])) * Dual2.Exp(Dual2.Softplus(-z[0])), new[] { a[0] }).Gradient);

        [Fact]
        public void Calls_InBothBranchesOfAConditional() =>
            DerivativeCheck.GradientOfScalars(Fn("Calls", Src.CallsType, "Cond"), Points(P(1.5, 0.4), P(-0.5, 0.7)),
                a => a[0] > a[1]
                    ? new[] { Sigmoid(a[0] - a[1]), -Sigmoid(a[0] - a[1]) }
                    : new[] { -2 * Sigmoid(a[1] - a[0]), 2 * Sigmoid(a[1] - a[0]) });

        [Fact]
        public void Calls_ForwardOnlyAndReverseOnlyCallers()
        {
            var type = S("Calls").GetType(Src.CallsType);
            var errors = new List<string>();
            foreach (double x in new[] { 0.4, -1.3, 250.0 })
            {
                double expected = 3 * Sigmoid(3 * x);
                var (pair, _) = Reflect.Invoke(type, "OnlyForwardForward", x, 1.0);
                var (value, tangent) = Reflect.ReadPair(pair);
                if (!Tolerance.ExactDouble.Close(expected, tangent) || !new Tolerance(1e-14, 1e-14).Close(Softplus(3 * x), value))
                {
                    errors.Add($"OnlyForwardForward({x}, 1) = ({value:R}, {tangent:R}), expected ({Softplus(3 * x):R}, {expected:R})");
                }

                var (gv, args) = Reflect.Invoke(type, "OnlyReverseGradient", x, null);
                if (!Tolerance.ExactDouble.Close(expected, D(args[1])) || !new Tolerance(1e-14, 1e-14).Close(Softplus(3 * x), D(gv)))
                {
                    errors.Add($"OnlyReverseGradient({x}) = ({D(gv):R}, {D(args[1]):R}), expected ({Softplus(3 * x):R}, {expected:R})");
                }
            }

            foreach (var name in new[] { "OnlyForwardReverse", "OnlyForwardGradient", "OnlyReverseForward" })
            {
                if (Reflect.TryFindMethod(type, name) != null)
                {
                    errors.Add($"{name} was generated, though its kind was not asked for");
                }
            }

            Report("A.OnlyForward / A.OnlyReverse", errors, S("Calls"));
        }

        [Fact]
        public void Calls_ArrayElementsAsArguments() =>
            DerivativeCheck.Jacobian(Fn("Calls", Src.CallsType, "Elementwise"), Points(P(Vec(54, 1, 2.0)), P(Vec(55, 5, 2.0))),
                a => Row1(((double[])a[0]!).Select(v => Sigmoid(v) * v + Softplus(v)).ToArray()));

        [Fact]
        public void Calls_InactiveAndActiveCallOfTheSameTarget() =>
            DerivativeCheck.GradientOfScalars(Fn("Calls", Src.CallsType, "ConstantArgument"), Points(P(0.4, 1.5), P(-1.3, -0.25)),
                a => new[] { Softplus(a[1]) + Sigmoid(a[0]) });

        [Fact]
        public void Calls_FromANestedTypeAndToATargetInANestedType()
        {
            DerivativeCheck.GradientOfScalars(Fn("Calls", Src.CallsInnerType, "G"), Points(P(0.4), P(-1.7)),
                a => new[] { Sigmoid(a[0]) * a[0] + Softplus(a[0]) });
            DerivativeCheck.GradientOfScalars(Fn("Calls", Src.CallsOtherType, "G"), Points(P(0.4), P(-1.7)),
                a => new[] { 3 * a[0] * a[0] + Sigmoid(a[0]) });
        }
    }
}
