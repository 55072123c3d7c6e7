using System;
using System.Linq;
using System.Reflection;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.Everyday
{
    /// <summary>
    /// Patterns and the smaller everyday constructs: <c>is</c> patterns (relational, constant, NaN, not/and/or), switch
    /// expressions (guards, an arm that throws, no catch-all), switch statements on a real with pattern labels,
    /// floating-point <c>%</c> (∂a = 1, ∂b = −trunc(a/b)) and <c>Convert.ToDouble</c>/<c>ToSingle</c>. Checked against
    /// closed forms, finite differences, forward/reverse agreement and Hessians, in double and float.
    /// </summary>
    public sealed class PatternTests
    {
        private const string Template = @"
namespace Everyday.Patterns
{
    public static partial class Pat_real
    {
        // Piecewise: x² for x in (0, 1], 2x − 1 above, −x·y at or below 0; y's weight by a pattern on it.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Piecewise(real x, real y)
        {
            real f = x is > 0r and <= 1r ? x * x : x is > 1r ? 2r * x - 1r : -x * y;
            if (y is real.NaN or < -10r)
                return f;
            return y is not (>= 0r and < 2r) ? f + 3r * y : f + y * y;
        }

        // A switch expression with a guard and an arm that throws, on a real subject computed once.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Tariff(real x, int band) => (x * 2r) switch
        {
            < 0r => throw new ArgumentOutOfRangeException(nameof(x)),
            < 1r when band == 0 => x * x,
            < 1r => x * x * x,
            >= 1r and < 4r => MathR.Sqrt(x) + band,
            _ => MathR.Log(x) * x,
        };

        // A switch expression on an int with no catch-all: C# throws SwitchExpressionException for other values.
        [Differentiable]
        public static real ByMode(real x, int mode) => mode switch
        {
            0 => MathR.Sin(x),
            1 or 2 => MathR.Cos(x) * mode,
        };

        // A switch statement on a real with pattern labels.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Stepped(real x, real y)
        {
            real r;
            switch (x)
            {
                case < -1r:
                    r = -x * y;
                    break;
                case >= -1r and < 1r when y > 0r:
                    r = x * x * y;
                    break;
                case 5r:
                    r = 0r;
                    break;
                default:
                    r = x + y * y;
                    break;
            }

            return r;
        }

        // Floating-point remainder: a wrapped phase, and % with both operands varying.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Wrapped(real a, real b)
        {
            real phase = (a * 3r) % (2r * 3.14159r);
            real r = a % b;
            r %= 0.75r;
            return MathR.Sin(phase) + r * b;
        }

        // Convert.ToDouble / Convert.ToSingle of numbers.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Converted(real x, int n) => (real)(Convert.ToDouble(x) * Convert.ToDouble(n)) + Convert.ToSingle(n) * x * x;

        // An int computed from a real by a plain helper: piecewise constant, zero derivative (a GG0006 warning).
        private static int FastFloor(real f) => f >= 0 ? (int)f : (int)f - 1;

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Lattice(real x)
        {
            int i = FastFloor(x);
            real t = x - i;
            return t * t * (3r - 2r * t) + i;
        }

        // Assignments inside conditions and indexers: while (--i > 0), if ((y = ...) > 0), do ... while (++k < 3), a[p++].
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Counting(real x, int n)
        {
            real s = 0r;
            int i = n;
            while (--i > 0)
                s += x * i;
            real y;
            if ((y = MathR.Sin(x)) > 0r)
                s += y * y;
            int k = 0;
            do
            {
                s *= 1r + 0.1r * x;
            }
            while (++k < 3);
            var a = new real[4];
            int p = 0;
            a[p++] = x;
            a[p++] = x * x;
            for (int j = 0; (j += 1) < 3;)
                s += a[j - 1] * j;
            return s + a[0] * a[1];
        }

        // A loop condition that needs statements first (a tuple-valued call's element): they run on every pass.
        [Differentiable]
        public static (real A, real B) Pair(real v) => (v * v, MathR.Sin(v));

        [Differentiable]
        public static real LoopOnCalls(real x)
        {
            real s = 0r;
            int k = 0;
            while (Pair(x + s).A > s && k < 5)
            {
                s += 0.5r * x + Pair(s).B;
                k++;
            }

            return s;
        }

        // 'in' parameters: inputs (generated methods take them by value), called with and without 'in'.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real InParameters(in real x, in real y) => x * x * y + Cube(in x) + Cube(y);

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Cube(in real v) => v * v * v;

        // A real narrowed to float: derivative 1 through the conversion (checked against the closed form; finite
        // differences of a double method would see float's rounding).
        [Differentiable]
        public static real Narrowed(real x) => (real)Convert.ToSingle(x) * x;
    }
}
";

        private static readonly Lazy<LoadedSource> Double = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Double), "Patterns_double"));

        private static readonly Lazy<LoadedSource> Float = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Float), "Patterns_float"));

        private static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        private static DiffFunction Fn(Precision precision, string method) => DiffFunction.Of(For, "Everyday.Patterns.Pat_real", method, precision);

        public static readonly TheoryData<Precision> Precisions = new() { Precision.Double, Precision.Float };

        [Theory]
        [MemberData(nameof(Precisions))]
        public void IsPatterns(Precision precision)
        {
            var points = new[] { (0.5, 1.5), (1.5, -3.0), (-0.7, 0.4), (0.3, -20.0), (2.5, 2.5) };
            var f = Fn(precision, "Piecewise");
            DerivativeCheck.GradientOfScalars(f, points.Select(p => new object?[] { p.Item1, p.Item2 }), a =>
            {
                var (x, y) = (a[0], a[1]);
                double[] df = x > 0 && x <= 1 ? new[] { 2 * x, 0.0 } : x > 1 ? new[] { 2.0, 0.0 } : new[] { -y, -x };
                return y < -10 ? df : y < 0 || y >= 2 ? new[] { df[0], df[1] + 3 } : new[] { df[0], df[1] + 2 * y };
            });
            DerivativeCheck.Hessian(f, points.Select(p => new object?[] { p.Item1, p.Item2 }));
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void SwitchExpressionWithGuardsAndThrow(Precision precision)
        {
            var f = Fn(precision, "Tariff");
            var points = new[] { (0.2, 0), (0.3, 1), (1.0, 2), (3.0, 1) };
            DerivativeCheck.Gradient(f, points.Select(p => new object?[] { p.Item1, p.Item2 }), args =>
            {
                var (x, band) = ((double)args[0]!, (int)args[1]!);
                return new[] { 2 * x < 1 ? (band == 0 ? 2 * x : 3 * x * x) : 2 * x < 4 ? 0.5 / Math.Sqrt(x) : Math.Log(x) + 1 };
            });
            DerivativeCheck.Hessian(f, points.Select(p => new object?[] { p.Item1, p.Item2 }));
            AssertEveryMethodThrows<ArgumentOutOfRangeException>("Tariff", -1.0, 0);
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void SwitchExpressionWithoutCatchAll(Precision precision)
        {
            var f = Fn(precision, "ByMode");
            DerivativeCheck.Gradient(f, new[] { new object?[] { 0.7, 0 }, new object?[] { 0.7, 2 } }, args =>
                new[] { (int)args[1]! == 0 ? Math.Cos(0.7) : -Math.Sin(0.7) * (int)args[1]! });
            AssertEveryMethodThrows<System.Runtime.CompilerServices.SwitchExpressionException>("ByMode", 0.7, 3);
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void SwitchStatementOnARealWithPatterns(Precision precision)
        {
            var f = Fn(precision, "Stepped");
            var points = new[] { (-2.0, 1.5), (0.5, 2.0), (0.5, -2.0), (5.0, 1.0), (3.0, 0.5) };
            DerivativeCheck.GradientOfScalars(f, points.Select(p => new object?[] { p.Item1, p.Item2 }), a =>
            {
                var (x, y) = (a[0], a[1]);
                return x < -1 ? new[] { -y, -x } : x < 1 && y > 0 ? new[] { 2 * x * y, x * x } : x == 5 ? new[] { 0.0, 0.0 } : new[] { 1, 2 * y };
            }, finiteDifferences: false);
            DerivativeCheck.GradientOfScalars(f, points.Where(p => p.Item1 != 5).Select(p => new object?[] { p.Item1, p.Item2 }));
            DerivativeCheck.Hessian(f, points.Where(p => p.Item1 != 5).Select(p => new object?[] { p.Item1, p.Item2 }));
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void FloatingPointRemainder(Precision precision)
        {
            var f = Fn(precision, "Wrapped");
            var points = new[] { (2.3, 0.9), (-1.7, 0.6), (4.1, -1.3) };
            DerivativeCheck.GradientOfScalars(f, points.Select(p => new object?[] { p.Item1, p.Item2 }), a =>
            {
                var (x, b) = (a[0], a[1]);
                var phase = x * 3 % (2 * 3.14159);
                var q = x % b;
                var r = q % 0.75;
                // r = (a − trunc(a/b)·b) − trunc(q/0.75)·0.75: ∂r/∂a = 1, ∂r/∂b = −trunc(a/b).
                return new[] { 3 * Math.Cos(phase) + b, r - Math.Truncate(x / b) * b };
            });
            DerivativeCheck.Hessian(f, points.Select(p => new object?[] { p.Item1, p.Item2 }));
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void ConvertToDoubleAndSingle(Precision precision)
        {
            var f = Fn(precision, "Converted");
            DerivativeCheck.Gradient(f, new[] { new object?[] { 0.7, 3 }, new object?[] { -1.2, -2 } }, args =>
                new[] { (int)args[1]! * (1 + 2 * (double)args[0]!) });
            DerivativeCheck.Hessian(f, new[] { new object?[] { 0.7, 3 } });
            DerivativeCheck.GradientOfScalars(Fn(precision, "Narrowed"), new[] { new object?[] { 0.7 } }, a => new[] { 2 * (double)(float)a[0] },
                Tolerance.Float, finiteDifferences: false);
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void IntegerHelperOfAReal(Precision precision)
        {
            var f = Fn(precision, "Lattice");
            var points = new[] { 0.3, 2.6, -1.2 }.Select(x => new object?[] { x });
            DerivativeCheck.GradientOfScalars(f, points, a =>
            {
                var t = a[0] - Math.Floor(a[0]);
                return new[] { 6 * t * (1 - t) };
            });
            DerivativeCheck.Hessian(f, points);
            Assert.Contains(GeneratorHarness.Analyze(For(precision).Value.Run.InputCompilation), d => d.Id == "GG0006" && d.GetMessage().Contains("FastFloor"));
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void AssignmentsInConditionsAndIndexers(Precision precision)
        {
            var f = Fn(precision, "Counting");
            var points = new[] { new object?[] { 0.6, 4 }, new object?[] { -0.8, 3 } };
            DerivativeCheck.Gradient(f, points, args =>
            {
                // s = x·Σ_{i=1}^{n−1} i (+ sin²x when sin x > 0), times (1 + 0.1x)³, plus a₀ + 2a₁ = x + 2x², plus x·x².
                var (x, n) = ((double)args[0]!, (int)args[1]!);
                var sum = n * (n - 1) / 2.0;
                var s0 = x * sum + (Math.Sin(x) > 0 ? Math.Sin(x) * Math.Sin(x) : 0);
                var ds0 = sum + (Math.Sin(x) > 0 ? 2 * Math.Sin(x) * Math.Cos(x) : 0);
                var g = Math.Pow(1 + 0.1 * x, 3);
                var dg = 0.3 * Math.Pow(1 + 0.1 * x, 2);
                return new[] { ds0 * g + s0 * dg + 1 + 4 * x + 3 * x * x };
            });
            DerivativeCheck.Hessian(f, points);
            var loop = Fn(precision, "LoopOnCalls");
            DerivativeCheck.GradientOfScalars(loop, new[] { new object?[] { 0.7 }, new object?[] { 0.4 } });
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void InParameters(Precision precision)
        {
            var f = Fn(precision, "InParameters");
            var points = new[] { new object?[] { 0.6, -1.1 }, new object?[] { -0.3, 0.8 } };
            DerivativeCheck.GradientOfScalars(f, points, a => new[] { 2 * a[0] * a[1] + 3 * a[0] * a[0], a[0] * a[0] + 3 * a[1] * a[1] });
            DerivativeCheck.Hessian(f, points);
        }

        private static void AssertEveryMethodThrows<TException>(string method, double x, int n)
        {
            var type = Double.Value.GetType("Everyday.Patterns.Pat_double");
            foreach (var kind in new[] { string.Empty, "Gradient", "Forward", "Reverse" })
            {
                var target = type.GetMethod(method + kind, BindingFlags.Public | BindingFlags.Static)!;
                var args = new object?[] { x, n, 1.0, 0.0 }.Take(target.GetParameters().Length).ToArray();
                var thrown = Assert.ThrowsAny<Exception>(() => Reflect.Call(target, null, args));
                Assert.True(thrown is TException, $"{method}{kind}: {thrown.GetType().Name}: {thrown.Message}");
            }
        }
    }
}
