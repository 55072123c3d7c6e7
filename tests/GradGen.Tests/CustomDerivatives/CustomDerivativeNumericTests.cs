using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.Matrices;
using static GradGen.Tests.Infrastructure.TestValues;
using Src = GradGen.Tests.CustomDerivatives.CustomDerivativeNumericSource;

namespace GradGen.Tests.CustomDerivatives
{
    /// <summary>
    /// User-written derivatives ([DerivativeOf]) called from [Differentiable] code (sources in
    /// <see cref="CustomDerivativeNumericSource"/>): every generated derivative (FForward, FGradient, FReverse, FJacobian,
    /// FHessian, FHessianVectorProduct) against closed-form calculus, central finite differences of the primal and
    /// forward/reverse agreement (<see cref="DerivativeCheck"/>).
    /// </summary>
    public partial class CustomDerivativeNumericTests
    {
        // ----- helpers ----------------------------------------------------------------------------------------------------

        private static LoadedSource S(string name) => Src.Load(name);

        /// <summary>A method of a loaded source (static, or instance on <paramref name="target"/>).</summary>
        private static DiffFunction Fn(string source, string type, string method, object? target = null)
        {
            var s = S(source);
            return new DiffFunction(s, s.GetType(type), method, target);
        }

        private static double D(object? a) => Convert.ToDouble(a, CultureInfo.InvariantCulture);

        private static double[,] Row1(params double[] g) => M(g);

        private static void Exact(List<string> errors, string what, double expected, double actual)
        {
            if (!expected.Equals(actual))
            {
                errors.Add($"{what}: expected exactly {expected:R}, got {actual:R}");
            }
        }

        private static void Report(string label, List<string> errors, LoadedSource source)
        {
            if (errors.Count > 0)
            {
                Assert.Fail($"{label}: {errors.Count} mismatches\n  " + string.Join("\n  ", errors) + "\n\n" + source.Describe());
            }
        }

        // Test-side truths, written independently of the sources.
        private static double Sigmoid(double u) => u >= 0 ? 1 / (1 + Math.Exp(-u)) : Math.Exp(u) / (1 + Math.Exp(u));

        private static double Softplus(double u) => Math.Max(u, 0) + Math.Log(1 + Math.Exp(-Math.Abs(u)));

        /// <summary>A hyper-dual number: value, two first-order parts and the mixed second-order part.</summary>
        private readonly struct Dual2
        {
            public Dual2(double v, double a, double b, double ab)
            {
                V = v;
                A = a;
                B = b;
                AB = ab;
            }

            public double V { get; }

            public double A { get; }

            public double B { get; }

            public double AB { get; }

            public static Dual2 operator +(Dual2 p, Dual2 q) => new Dual2(p.V + q.V, p.A + q.A, p.B + q.B, p.AB + q.AB);

            public static Dual2 operator *(Dual2 p, Dual2 q) =>
                new Dual2(p.V * q.V, p.A * q.V + p.V * q.A, p.B * q.V + p.V * q.B, p.AB * q.V + p.A * q.B + p.B * q.A + p.V * q.AB);

            public static Dual2 operator *(double c, Dual2 q) => new Dual2(c * q.V, c * q.A, c * q.B, c * q.AB);

            public static Dual2 operator -(Dual2 p, Dual2 q) => p + (-1.0 * q);

            public static Dual2 operator -(Dual2 p) => -1.0 * p;

            public static Dual2 operator /(Dual2 p, Dual2 q) => p * Apply(q, 1 / q.V, -1 / (q.V * q.V), 2 / (q.V * q.V * q.V));

            public static Dual2 Constant(double c) => new Dual2(c, 0, 0, 0);

            /// <summary>f(u) for f with value <paramref name="f"/>, first derivative <paramref name="f1"/> and second <paramref name="f2"/> at u.V.</summary>
            public static Dual2 Apply(Dual2 u, double f, double f1, double f2) =>
                new Dual2(f, f1 * u.A, f1 * u.B, f2 * u.A * u.B + f1 * u.AB);

            public static Dual2 Softplus(Dual2 u)
            {
                double s = Sigmoid(u.V);
                return Apply(u, CustomDerivativeNumericTests.Softplus(u.V), s, s * (1 - s));
            }

            public static Dual2 Exp(Dual2 u)
            {
                double e = Math.Exp(u.V);
                return Apply(u, e, e, e);
            }

            public static Dual2 Log(Dual2 u) => Apply(u, Math.Log(u.V), 1 / u.V, -1 / (u.V * u.V));

            public static Dual2 Sin(Dual2 u) => Apply(u, Math.Sin(u.V), Math.Cos(u.V), -Math.Sin(u.V));
        }

        /// <summary>Gradient and Hessian of <paramref name="f"/> at <paramref name="x"/> by hyper-dual numbers.</summary>
        private static (double[] Gradient, double[,] Hessian) ByDuals(Func<Dual2[], Dual2> f, double[] x)
        {
            int n = x.Length;
            var g = new double[n];
            var h = new double[n, n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    var args = Enumerable.Range(0, n).Select(k => new Dual2(x[k], k == i ? 1 : 0, k == j ? 1 : 0, 0)).ToArray();
                    var r = f(args);
                    h[i, j] = r.AB;
                    g[i] = r.A;
                }
            }

            return (g, h);
        }

        // t = softplus(s·y); acc += t²; s = t/2 + x; n times; acc + s
        private static Dual2 LoopTruth(Dual2 x, Dual2 y, int n)
        {
            var s = x;
            var acc = new Dual2(0, 0, 0, 0);
            for (int i = 0; i < n; i++)
            {
                var t = Dual2.Softplus(s * y);
                acc = acc + t * t;
                s = 0.5 * t + x;
            }

            return acc + s;
        }

        // =====================================================================================================================
        // 1. Numerically stable softplus in the same type: F(x, y) = softplus(xy) + y²
        // =====================================================================================================================

        private static double[] SoftplusFGradient(double x, double y)
        {
            double s = Sigmoid(x * y);
            return new[] { s * y, s * x + 2 * y };
        }

        [Fact]
        public void Softplus_Gradient_MatchesClosedFormFiniteDifferencesAndForward() =>
            DerivativeCheck.GradientOfScalars(Fn("Softplus", Src.SoftplusType, "F"), Points(
                    P(0.3, -0.7),
                    P(1.5, 2.0),
                    P(-2.0, 0.25),
                    P(0.0, 0.0),
                    P(3.0, -1.2),
                    P(-4.5, -3.0)),
                a => SoftplusFGradient(a[0], a[1]));

        [Fact]
        public void Softplus_Jacobian_RowIsTheGradient() =>
            DerivativeCheck.Jacobian(Fn("Softplus", Src.SoftplusType, "F"), Points(P(0.3, -0.7), P(1.5, 2.0), P(-2.0, 0.25), P(2.5, 1.5)),
                a => Row1(SoftplusFGradient(D(a[0]), D(a[1]))));

        [Fact]
        public void Softplus_ForwardAlongRandomDirections_IsGradientDotDirection()
        {
            var f = Fn("Softplus", Src.SoftplusType, "F");
            var random = new Random(20240611);
            var errors = new List<string>();
            var tol = Tolerance.ExactDouble;
            foreach (var (x, y) in new[] { (0.3, -0.7), (1.5, 2.0), (-2.0, 0.25), (4.0, 3.0) })
            {
                var g = SoftplusFGradient(x, y);
                for (int trial = 0; trial < 5; trial++)
                {
                    var v = new[] { random.NextDouble() * 4 - 2, random.NextDouble() * 4 - 2 };
                    var (values, tangents) = f.Forward(new object?[] { x, y }, v);
                    double value = values[0], tangent = tangents[0];
                    double expected = g[0] * v[0] + g[1] * v[1];
                    if (!tol.Scaled(Math.Abs(g[0] * v[0]) + Math.Abs(g[1] * v[1])).Close(expected, tangent))
                    {
                        errors.Add($"F({x}, {y}) along ({v[0]:R}, {v[1]:R}): tangent {tangent:R}, expected {expected:R}");
                    }

                    if (!new Tolerance(1e-14, 1e-14).Close(Softplus(x * y) + y * y, value))
                    {
                        errors.Add($"F({x}, {y}): FForward value {value:R}, expected {Softplus(x * y) + y * y:R}");
                    }
                }
            }

            Report("Act.FForward", errors, f.Source);
        }

        /// <summary>
        /// Far out (x·y = ±800) the naive log(1 + e^t) and its derivative e^t/(1 + e^t) overflow; the user's stable
        /// derivative gives σ = 1 (or 0), so every mode must give exactly (σy, σx + 2y) and a finite value.
        /// </summary>
        [Theory]
        [InlineData(40.0, 20.0)]
        [InlineData(20.0, 40.0)]
        [InlineData(800.0, 1.0)]
        [InlineData(-40.0, -20.0)]
        [InlineData(40.0, -20.0)]
        [InlineData(-800.0, 1.0)]
        public void Softplus_FarOut_ExactInEveryMode(double x, double y)
        {
            var f = Fn("Softplus", Src.SoftplusType, "F");
            double sigma = x * y > 0 ? 1 : 0;
            var expected = new[] { sigma * y, sigma * x + 2 * y };
            double value = Math.Max(x * y, 0) + y * y;
            var args = f.Arguments(P(x, y));
            var errors = new List<string>();

            Exact(errors, "primal", value, f.Value(args)[0]);
            var (gv, g) = f.Gradient(args);
            Exact(errors, "FGradient value", value, gv);
            for (int k = 0; k < 2; k++)
            {
                Exact(errors, $"FGradient[{k}]", expected[k], g[k]);
                var e = new double[2];
                e[k] = 1;
                var (fv, t) = f.Forward(args, e);
                Exact(errors, $"FForward(e{k}) value", value, fv[0]);
                Exact(errors, $"FForward(e{k}) tangent", expected[k], t[0]);
            }

            var (rv, adj) = f.Reverse(args, new[] { 2.0 }, new[] { 0.5, -0.25 });
            Exact(errors, "FReverse value", value, rv[0]);
            Exact(errors, "FReverse dX", 0.5 + 2 * expected[0], adj[0]);
            Exact(errors, "FReverse dY", -0.25 + 2 * expected[1], adj[1]);

            var (jv, j) = f.Jacobian(args, 1);
            Exact(errors, "FJacobian value", value, jv[0]);
            Exact(errors, "FJacobian[0, 0]", expected[0], j[0, 0]);
            Exact(errors, "FJacobian[0, 1]", expected[1], j[0, 1]);
            Report($"Act.F({x}, {y})", errors, f.Source);
        }

        /// <summary>A straight-through estimator: the derivative the user declares (1), not the true one (0), is what every mode uses.</summary>
        [Fact]
        public void UserDerivativeIsTheOneUsed_StraightThroughEstimator() =>
            DerivativeCheck.GradientOfScalars(Fn("Softplus", Src.SoftplusType, "Ste"), Points(P(0.3, -0.7), P(1.13, 2.5), P(-2.4, 0.75)),
                a => new[] { a[1], Math.Round(a[0] * 4) / 4 },
                finiteDifferences: false);

        // =====================================================================================================================
        // 7. Hessian through the user's ReverseTangent: H(x, y) = softplus(xy) + x²
        // =====================================================================================================================

        private static double[,] SoftplusHHessian(double x, double y)
        {
            double s = Sigmoid(x * y), ds = s * (1 - s);
            return M(new[] { ds * y * y + 2, ds * x * y + s }, new[] { ds * x * y + s, ds * x * x });
        }

        [Fact]
        public void SoftplusHessian_MatchesClosedFormSymmetryFiniteDifferencesAndHv() =>
            DerivativeCheck.Hessian(Fn("Softplus", Src.SoftplusType, "H"), Points(P(0.3, -0.7), P(1.5, 2.0), P(-2.0, 0.25), P(0.0, 0.0), P(-1.25, 1.75)),
                a => SoftplusHHessian(D(a[0]), D(a[1])));

        [Fact]
        public void SoftplusHessianKinds_FirstOrderStillCorrect() =>
            DerivativeCheck.Jacobian(Fn("Softplus", Src.SoftplusType, "H"), Points(P(0.3, -0.7), P(-2.0, 0.25)),
                a =>
                {
                    double u = D(a[0]), w = D(a[1]), s = Sigmoid(u * w);
                    return Row1(s * w + 2 * u, s * u);
                });

        [Fact]
        public void SoftplusHessianVectorProduct_IsClosedFormHessianTimesV()
        {
            var f = Fn("Softplus", Src.SoftplusType, "H");
            var random = new Random(77);
            var errors = new List<string>();
            foreach (var (x, y) in new[] { (0.3, -0.7), (1.5, 2.0), (-2.0, 0.25) })
            {
                var h = SoftplusHHessian(x, y);
                for (int trial = 0; trial < 4; trial++)
                {
                    var v = new[] { random.NextDouble() * 4 - 2, random.NextDouble() * 4 - 2 };
                    var (value, hv) = f.HessianVectorProduct(f.Arguments(P(x, y)), v);
                    var expected = MatVec(h, v);
                    for (int i = 0; i < 2; i++)
                    {
                        if (!Tolerance.ExactDouble.Scaled(MaxAbs(h) * MaxAbs(v)).Close(expected[i], hv[i]))
                        {
                            errors.Add($"H({x}, {y}) v = {Show(v)}: (Hv)[{i}] = {hv[i]:R}, expected {expected[i]:R}");
                        }
                    }

                    if (!new Tolerance(1e-14, 1e-14).Close(Softplus(x * y) + x * x, value))
                    {
                        errors.Add($"H({x}, {y}): FHessianVectorProduct value {value:R}");
                    }
                }
            }

            Report("Act.HHessianVectorProduct", errors, f.Source);
        }

        /// <summary>x·y = 800: σ = 1 and σ(1 − σ) = 0, so the Hessian is exactly [[2, 1], [1, 0]] (no NaN from overflow).</summary>
        [Fact]
        public void SoftplusHessian_FarOut_Exact()
        {
            var f = Fn("Softplus", Src.SoftplusType, "H");
            var args = f.Arguments(P(40.0, 20.0));
            var errors = new List<string>();
            var (value, h) = f.Hessian(args);
            Exact(errors, "FHessian value", 800 + 1600.0, value);
            var expected = M(new[] { 2.0, 1.0 }, new[] { 1.0, 0.0 });
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    Exact(errors, $"H[{i}, {j}]", expected[i, j], h[i, j]);
                }
            }

            var (_, hv) = f.HessianVectorProduct(args, new[] { 1.5, -2.0 });
            Exact(errors, "Hv[0]", 2 * 1.5 - 2.0, hv[0]);
            Exact(errors, "Hv[1]", 1.5, hv[1]);
            Report("Act.H(40, 20)", errors, f.Source);
        }

        // =====================================================================================================================
        // 10. A user-derivative callee in a loop, its result reused
        // =====================================================================================================================

        [Fact]
        public void Loop_Gradient_MatchesHyperDualTruthFiniteDifferencesAndForward() =>
            DerivativeCheck.GradientOfScalars(Fn("Softplus", Src.SoftplusType, "Loop"), Points(
                    P(0.4, 0.7, 0),
                    P(0.4, 0.7, 1),
                    P(0.4, 0.7, 3),
                    P(-0.8, 1.3, 6),
                    P(1.1, -0.6, 5)),
                a => ByDuals(z => LoopTruth(z[0], z[1], (int)a[2]), new[] { a[0], a[1] }).Gradient);

        [Fact]
        public void LoopHessian_ThroughReverseTangent_MatchesHyperDualTruth() =>
            DerivativeCheck.Hessian(Fn("Softplus", Src.SoftplusType, "LoopH"), Points(P(0.4, 0.7, 1), P(0.4, 0.7, 3), P(-0.8, 1.3, 6), P(1.1, -0.6, 5)),
                a => ByDuals(z => LoopTruth(z[0], z[1], (int)D(a[2])), new[] { D(a[0]), D(a[1]) }).Hessian);

        [Fact]
        public void LoopHessianKinds_JacobianMatchesHyperDualTruth() =>
            DerivativeCheck.Jacobian(Fn("Softplus", Src.SoftplusType, "LoopH"), Points(P(0.4, 0.7, 3), P(-0.8, 1.3, 6)),
                a => Row1(ByDuals(z => LoopTruth(z[0], z[1], (int)D(a[2])), new[] { D(a[0]), D(a[1]) }).Gradient));

        // =====================================================================================================================
        // 2. A derivative in another type, of a method of a non-partial static class: erf
        // =====================================================================================================================

        private static readonly double TwoOverSqrtPi = 2 / Math.Sqrt(Math.PI);

        /// <summary>Test-side erf by its alternating Maclaurin series (a different series from the source's).</summary>
        private static double Erf(double x)
        {
            double sum = 0, power = x, factorial = 1;
            for (int n = 0; n < 120; n++)
            {
                if (n > 0)
                {
                    power *= -x * x;
                    factorial *= n;
                }

                sum += power / (factorial * (2 * n + 1));
            }

            return TwoOverSqrtPi * sum;
        }

        private static double Phi(double z) => 0.5 * (1 + Erf(z / Math.Sqrt(2)));

        private static double NormalDensity(double z) => Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI);

        /// <summary>The source's erf (plain code, not generated) against reference values, and the test-side erf too.</summary>
        [Fact]
        public void Erf_PrimalSeries_IsAccurate()
        {
            var special = S("Erf").GetType(Src.SpecialType);
            foreach (var (x, erf) in new[] { (0.5, 0.5204998778130465), (1.0, 0.8427007929497149), (2.0, 0.9953222650189527), (3.0, 0.9999779095030014), (-1.5, -0.9661051464753108) })
            {
                double actual = D(Reflect.Invoke(special, "Erf", x).Result);
                Assert.True(Math.Abs(actual - erf) <= 2e-15, $"Special.Erf({x}) = {actual:R}, expected {erf:R}");
                Assert.True(Math.Abs(Erf(x) - erf) <= 1e-13, $"TEST BUG: test-side Erf({x}) = {Erf(x):R}, expected {erf:R}");
            }
        }

        [Fact]
        public void Erf_NormalCdf_MatchesClosedForm() =>
            DerivativeCheck.GradientOfScalars(Fn("Erf", Src.ErfType, "Cdf"), Points(P(0.3, 0.0, 1.0), P(1.7, 0.5, 0.8), P(-1.2, 0.4, 1.5), P(2.0, -0.5, 2.5)),
                a =>
                {
                    double z = (a[0] - a[1]) / a[2], phi = NormalDensity(z);
                    return new[] { phi / a[2], -phi / a[2], -phi * z / a[2] };
                });

        [Fact]
        public void Erf_ThroughADifferentiableCallee_MatchesClosedForm() =>
            DerivativeCheck.GradientOfScalars(Fn("Erf", Src.ErfType, "Weighted"), Points(P(0.3, 0.0, 1.0), P(1.7, 0.5, 0.8), P(-1.2, 0.4, 1.5)),
                a =>
                {
                    double z = (a[0] - a[1]) / a[2], phi = NormalDensity(z), xs = a[0] / a[2];
                    return new[] { Phi(z) + xs * phi, -xs * phi, -xs * phi * z };
                });

        [Fact]
        public void Erf_TwoCallsWithJacobian_MatchClosedForm() =>
            DerivativeCheck.Jacobian(Fn("Erf", Src.ErfType, "Mass"), Points(P(-0.5, 1.0), P(0.25, 2.5), P(-2.0, -1.0), P(0.0, 0.0)),
                a =>
                {
                    double x = D(a[0]), y = D(a[1]);
                    return Row1(-TwoOverSqrtPi * Math.Exp(-x * x), TwoOverSqrtPi * Math.Exp(-y * y));
                });

        // =====================================================================================================================
        // 3. An implicit function: y³ + y = a solved by Newton's method in plain code
        // =====================================================================================================================

        /// <summary>
        /// The real root of y³ + y − a = 0 by Cardano's formula: y = u − 1/(3u) with u = ∛(|a|/2 + √(a²/4 + 1/27)) (the
        /// second cube root written as −1/(3u) to avoid cancellation), and y(−a) = −y(a).
        /// </summary>
        private static double Cardano(double a)
        {
            double b = Math.Abs(a);
            double u = Math.Cbrt(b / 2 + Math.Sqrt(b * b / 4 + 1.0 / 27));
            return Math.Sign(a) * (u - 1 / (3 * u));
        }

        /// <summary>The source's Newton solver (plain code) solves y³ + y = a and agrees with Cardano's formula.</summary>
        [Fact]
        public void Implicit_PrimalSolvesTheCubic()
        {
            var type = S("Implicit").GetType(Src.ImplicitType);
            foreach (double a in new[] { 0.0, 0.5, -0.9, 2.0, -30.0, 1000.0 })
            {
                double y = D(Reflect.Invoke(type, "SolveCubic", a).Result);
                Assert.True(Math.Abs(y * y * y + y - a) <= 1e-13 * Math.Max(1, Math.Abs(a)), $"SolveCubic({a}) = {y:R}: y³ + y = {y * y * y + y:R}");
                Assert.True(Math.Abs(y - Cardano(a)) <= 1e-12 * Math.Max(1, Math.Abs(y)), $"SolveCubic({a}) = {y:R}, Cardano {Cardano(a):R}");
            }
        }

        private static double[] ImplicitGradient(double a, double b)
        {
            double y = Cardano(a * b), dy = 1 / (3 * y * y + 1);
            return new[] { b * dy, a * dy + 1 };
        }

        [Fact]
        public void Implicit_Gradient_MatchesImplicitFunctionTheorem() =>
            DerivativeCheck.GradientOfScalars(Fn("Implicit", Src.ImplicitType, "G"), Points(P(0.5, 1.5), P(-1.2, 0.8), P(3.0, 2.0), P(10.0, 30.0), P(0.0, 0.0)),
                x => ImplicitGradient(x[0], x[1]));

        [Fact]
        public void Implicit_Jacobian_MatchesImplicitFunctionTheorem() =>
            DerivativeCheck.Jacobian(Fn("Implicit", Src.ImplicitType, "G"), Points(P(0.5, 1.5), P(-1.2, 0.8), P(10.0, 30.0)),
                a => Row1(ImplicitGradient(D(a[0]), D(a[1]))));

        // =====================================================================================================================
        // 4. An instance method with instance derivatives, called from an instance [Differentiable] method
        // =====================================================================================================================

        private sealed record MorseParameters(double Depth, double Width, double Rest)
        {
            public double E(double r)
            {
                double e = Math.Exp(-Width * (r - Rest));
                return Depth * (1 - e) * (1 - e);
            }

            public double DE(double r)
            {
                double e = Math.Exp(-Width * (r - Rest));
                return 2 * Depth * Width * e * (1 - e);
            }

            // E(x) + y·E(xy) + E(y)
            public double[] TotalGradient(double x, double y) =>
                new[] { DE(x) + y * y * DE(x * y), E(x * y) + x * y * DE(x * y) + DE(y) };
        }

        private static readonly MorseParameters DefaultMorse = new MorseParameters(1.5, 0.8, 1.2);

        [Fact]
        public void Instance_Gradient_MatchesClosedForm() =>
            DerivativeCheck.GradientOfScalars(Fn("Instance", Src.InstanceType, "Total"), Points(P(1.0, 0.9), P(2.5, 0.6), P(0.3, 1.7), P(1.2, 1.0)),
                a => DefaultMorse.TotalGradient(a[0], a[1]));

        [Fact]
        public void Instance_FieldsAreReadAtRunTime()
        {
            var type = S("Instance").GetType(Src.InstanceType);
            var target = Activator.CreateInstance(type)!;
            var changed = new MorseParameters(0.7, 1.3, 0.4);
            type.GetField("Depth")!.SetValue(target, changed.Depth);
            type.GetField("Width")!.SetValue(target, changed.Width);
            type.GetField("Rest")!.SetValue(target, changed.Rest);
            DerivativeCheck.GradientOfScalars(Fn("Instance", Src.InstanceType, "Total", target), Points(P(1.0, 0.9), P(0.2, 2.1)),
                a => changed.TotalGradient(a[0], a[1]));
        }

        [Fact]
        public void Instance_CalledOnAReceiverParameter_MatchesClosedForm()
        {
            var source = S("Instance");
            var morse = Activator.CreateInstance(source.GetType(Src.InstanceType));
            DerivativeCheck.Jacobian(Fn("Instance", Src.InstanceUserType, "Pair"), Points(P(morse, 2.0, 0.5), P(morse, 0.25, -0.5)),
                a =>
                {
                    double d = DefaultMorse.DE(D(a[1]) - D(a[2]));
                    return Row1(2 * d, -2 * d);
                });
        }

        // =====================================================================================================================
        // 5. An array parameter: log-sum-exp with softmax derivatives
        // =====================================================================================================================

        private static double[] Softmax(double[] z)
        {
            double m = z.Max();
            var e = z.Select(v => Math.Exp(v - m)).ToArray();
            double sum = e.Sum();
            return e.Select(v => v / sum).ToArray();
        }

        [Fact]
        public void Array_Direct_GradientIsSoftmax() =>
            DerivativeCheck.Jacobian(Fn("Arrays", Src.ArrayType, "Direct"), Points(P(Vec(11, 1, 2.0)), P(Vec(12, 3, 2.0)), P(Vec(13, 6, 2.0))),
                a => Row1(Softmax((double[])a[0]!)));

        private static double[] ScaledGradient(double[] x, double c)
        {
            var p = Softmax(x.Select(v => 2 * v).ToArray());
            var g = p.Select(v => 2 * v).Append(x[0]).ToArray();
            g[0] += c;
            return g;
        }

        [Fact]
        public void Array_LocalArrayArgument_GradientIsTwiceSoftmax() =>
            DerivativeCheck.Jacobian(Fn("Arrays", Src.ArrayType, "Scaled"), Points(
                    P(Vec(21, 1, 1.5), 0.5),
                    P(Vec(22, 3, 1.5), -1.25),
                    P(Vec(23, 5, 1.5), 2.0)),
                a => Row1(ScaledGradient((double[])a[0]!, D(a[1]))));

        /// <summary>lse(2x) with 2x = (800, 0, −800): the naive exp overflows, the user's softmax is exactly (1, 0, 0).</summary>
        [Fact]
        public void Array_FarOut_Exact()
        {
            var f = Fn("Arrays", Src.ArrayType, "Scaled");
            var args = f.Arguments(P(new[] { 400.0, 0.0, -400.0 }, 1.5));
            var expected = new[] { 3.5, 0, 0, 400.0 };
            var errors = new List<string>();
            var (value, g) = f.Gradient(args);
            Exact(errors, "FGradient value", 800 + 1.5 * 400, value);
            var (_, j) = f.Jacobian(args, 1);
            for (int k = 0; k < 4; k++)
            {
                Exact(errors, $"FGradient[{k}]", expected[k], g[k]);
                Exact(errors, $"FJacobian[0, {k}]", expected[k], j[0, k]);
                var e = new double[4];
                e[k] = 1;
                Exact(errors, $"FForward(e{k})", expected[k], f.Forward(args, e).Tangent[0]);
            }

            Report("Soft.Scaled far out", errors, f.Source);
        }

        [Fact]
        public void Array_Hessian_ThroughSpanReverseTangent() =>
            DerivativeCheck.Hessian(Fn("Arrays", Src.ArrayType, "Curved"), Points(P(Vec(31, 1, 1.2)), P(Vec(32, 3, 1.2)), P(Vec(33, 4, 1.2))),
                a =>
                {
                    var x = (double[])a[0]!;
                    int n = x.Length;
                    var p = Softmax(x.Select(v => 2 * v).ToArray());
                    var h = Build(n, n, (i, k) => 4 * ((i == k ? p[i] : 0) - p[i] * p[k]));
                    h[0, 0] += 1;
                    return h;
                });

        // =====================================================================================================================
        // 6. A tuple-valued target
        // =====================================================================================================================

        [Fact]
        public void Tuple_JacobianOfTupleCaller() =>
            DerivativeCheck.Jacobian(Fn("Tuples", Src.TupleType, "P"), Points(P(1.5, 0.7), P(0.5, -2.0), P(2.0, 3.0)),
                a =>
                {
                    double rr = D(a[0]), tt = D(a[1]), c = Math.Cos(tt), s = Math.Sin(tt), x = rr * c;
                    return M(new[] { 2 * x * c, -2 * x * rr * s }, new[] { c + s, rr * c - rr * s });
                });

        [Fact]
        public void Tuple_ElementOfCall_MatchesClosedForm() =>
            DerivativeCheck.GradientOfScalars(Fn("Tuples", Src.TupleType, "Px"), Points(P(1.5, 0.7), P(0.5, -2.0), P(-1.0, 4.0)),
                a => new[] { Math.Cos(a[1]) * a[1], -a[0] * Math.Sin(a[1]) * a[1] + a[0] * Math.Cos(a[1]) });

        [Fact]
        public void Tuple_NormSquared_IsRSquared() =>
            DerivativeCheck.GradientOfScalars(Fn("Tuples", Src.TupleType, "Norm2"), Points(P(1.5, 0.7), P(0.5, -2.0)),
                a => new[] { 2 * a[0], 0.0 });

        // =====================================================================================================================
        // 8. float
        // =====================================================================================================================

        [Fact]
        public void Float_Gradient_MatchesClosedForm() =>
            DerivativeCheck.GradientOfScalars(Fn("Float", Src.FloatType, "F"), Points(P(0.3, -0.7), P(1.5, 2.0), P(-2.0, 0.25)),
                a => SoftplusFGradient(a[0], a[1]),
                closedFormTolerance: new Tolerance(1e-4, 1e-4));

        [Fact]
        public void Float_Jacobian_MatchesClosedForm() =>
            DerivativeCheck.Jacobian(Fn("Float", Src.FloatType, "F"), Points(P(0.3, -0.7), P(1.5, 2.0)),
                a => Row1(SoftplusFGradient(D(a[0]), D(a[1]))),
                closedFormTolerance: new Tolerance(1e-4, 1e-4));

        [Fact]
        public void Float_FarOut_Exact()
        {
            var f = Fn("Float", Src.FloatType, "F");
            var args = f.Arguments(P(40.0, 20.0));
            var errors = new List<string>();
            var (value, g) = f.Gradient(args);
            Exact(errors, "FGradient value", 1200, value);
            Exact(errors, "FGradient[0]", 20, g[0]);
            Exact(errors, "FGradient[1]", 80, g[1]);
            var (_, j) = f.Jacobian(args, 1);
            Exact(errors, "FJacobian[0, 0]", 20, j[0, 0]);
            Exact(errors, "FJacobian[0, 1]", 80, j[0, 1]);
            Report("ActF.F(40, 20)", errors, f.Source);
        }

        // =====================================================================================================================
        // 9. [NoDerivative] and int parameters of the target
        // =====================================================================================================================

        private static double Sech2(double x)
        {
            double t = Math.Tanh(x);
            return 1 - t * t;
        }

        [Fact]
        public void NoDerivative_ConstantsForTheTargetsPassiveParameter() =>
            DerivativeCheck.GradientOfScalars(Fn("Passive", Src.PassiveType, "UsesScale"), Points(P(0.3, -0.7), P(1.5, 0.4), P(-0.6, 1.1)),
                a => new[] { 2.5 * a[1] * Sech2(a[0] * a[1]), 2.5 * a[0] * Sech2(a[0] * a[1]) - 0.5 * Sech2(a[1]) });

        [Fact]
        public void NoDerivative_CallersPassiveParameterForTheTargetsPassiveParameter() =>
            DerivativeCheck.GradientOfScalars(Fn("Passive", Src.PassiveType, "ScaleByParameter"), Points(P(0.7, 2.5), P(-1.1, -0.5), P(0.4, 0.0)),
                a => new[] { a[1] * (Math.Tanh(a[0] * a[0]) + 2 * a[0] * a[0] * Sech2(a[0] * a[0])) });

        [Fact]
        public void NoDerivative_IntParameterOfTheTarget() =>
            DerivativeCheck.GradientOfScalars(Fn("Passive", Src.PassiveType, "UsesPowN"), Points(P(0.7, 0.5, 0), P(0.7, 0.5, 1), P(-1.3, 0.4, 4), P(0.2, -0.9, 7)),
                a =>
                {
                    int m = (int)a[2];
                    double d = m == 0 ? 0 : m * Math.Pow(a[0] + a[1], m - 1);
                    return new[] { d, d + 3 * a[1] * a[1] };
                });

        // =====================================================================================================================
        // 11. Calls that carry no derivative need no derivative
        // =====================================================================================================================

        [Fact]
        public void Inactive_NoDiagnostics()
        {
            var diagnostics = GeneratorHarness.Analyze(Src.InactiveText).Where(d => d.Id.StartsWith("GG", StringComparison.Ordinal)).ToList();
            Assert.True(diagnostics.Count == 0, "Unexpected analyzer diagnostics:\n  " + string.Join("\n  ", diagnostics));
            var run = GeneratorHarness.Run(Src.InactiveText);
            Assert.True(run.GeneratorDiagnostics.IsEmpty, "Unexpected generator diagnostics:\n  " + string.Join("\n  ", run.GeneratorDiagnostics));
            var errors = run.CompilationErrors.ToList();
            Assert.True(errors.Count == 0, "The generated code does not compile:\n  " + string.Join("\n  ", errors));
        }

        [Fact]
        public void Inactive_GradientAndHessian()
        {
            DerivativeCheck.GradientOfScalars(Fn("Inactive", Src.InactiveType, "Inactive"), Points(P(0.7, 0), P(-1.3, 2), P(2.0, -3)),
                a => new[] { 10 + 2 * (a[1] * a[1] + 1) * a[0] });
            DerivativeCheck.Hessian(Fn("Inactive", Src.InactiveType, "Inactive"), Points(P(0.7, 0), P(-1.3, 2), P(2.0, -3)),
                a => M(new[] { 2 * (D(a[1]) * D(a[1]) + 1) }));
        }

        [Fact]
        public void Inactive_LocalFromPlainCall() =>
            DerivativeCheck.GradientOfScalars(Fn("Inactive", Src.InactiveType, "InactiveLocal"), Points(P(0.7, -0.4), P(-1.3, 2.0)),
                a => new[] { 5 * Math.Sin(a[1]), 5 * a[0] * Math.Cos(a[1]) });

        // =====================================================================================================================
        // Every source: no GradGen diagnostic, generated code compiles (checked when loading)
        // =====================================================================================================================

        public static IEnumerable<object[]> SourceNames => Src.All.Keys.Select(k => new object[] { k });

        [Theory]
        [MemberData(nameof(SourceNames))]
        public void EverySource_HasNoGradGenDiagnostics(string name)
        {
            var source = S(name);
            var analyzer = GeneratorHarness.Analyze(source.Run.InputCompilation).Where(d => d.Id.StartsWith("GG", StringComparison.Ordinal)).ToList();
            Assert.True(analyzer.Count == 0, $"{name}: unexpected analyzer diagnostics:\n  " + string.Join("\n  ", analyzer));
            Assert.True(source.Run.GeneratorDiagnostics.IsEmpty, $"{name}: unexpected generator diagnostics:\n  " + string.Join("\n  ", source.Run.GeneratorDiagnostics));
        }
    }
}
