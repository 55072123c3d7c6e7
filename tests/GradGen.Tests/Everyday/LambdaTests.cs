using System;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.Everyday
{
    /// <summary>
    /// Lambdas, local functions and LINQ in differentiable code, inlined where they run: checked against closed forms,
    /// finite differences, forward/reverse agreement and Hessians, in double and float.
    /// </summary>
    public sealed class LambdaTests
    {
        private const string Template = @"
using System.Linq;

namespace Everyday.Lambdas
{
    // A helper object made in the body: a density whose parameters are constant, with a [Differentiable] method.
    public sealed partial class Gauss_real
    {
        private readonly real mean;
        private readonly real sigma;

        public Gauss_real(real mean, real sigma)
        {
            this.mean = mean;
            this.sigma = sigma;
        }

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public real Density(real x)
        {
            real z = (x - mean) / sigma;
            return MathR.Exp(-0.5r * z * z) / sigma;
        }
    }

    public static partial class Fn_real
    {
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Mixture(real x)
        {
            var a = new Gauss_real(0r, 1r);
            var b = new Gauss_real(1r, 2r);
            return 0.3r * a.Density(x) + 0.7r * b.Density(x * x);
        }

        // Local functions: expression and block bodies, capturing a parameter and a local, declared after use, nested,
        // one that writes a captured local.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Locals(real x, real y)
        {
            real scale = 2r;
            real total = Sq(x) + Cube(y) * scale;
            Bump(x * y);
            Bump(y);
            return total + Sq(Sq(y) - x);

            real Sq(real v) => v * v;

            real Cube(real v)
            {
                real w = v * v;
                w *= v + scale - 2r;
                return w;
            }

            void Bump(real v) => total += MathR.Sin(v);
        }

        // Delegate locals: a lambda capturing a parameter, a method group, one lambda calling another.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Delegates(real x, real y)
        {
            Func<real, real> f = t => t * t * y;
            Func<real, real, real> g = (a, b) => MathR.Exp(a) * f(b);
            Func<real, real> h = Soft;
            return f(x) + g(x, y) + h(x - y);
        }

        // Guard clauses in a local function; a plain helper taking a Func (an easing combinator), given a method and a
        // lambda, inlined with them bound; a params array summed by LINQ with a lambda (Rastrigin, as Math.NET writes it).
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Guards(real x, real y)
        {
            return Piece(x) + InOut(y, Soft) + InOut(x, t => t * t * t) + Rastrigin(x, y);

            real Piece(real v)
            {
                if (v < -1r)
                    return -v;
                real w = v * v;
                if (v > 1r)
                {
                    return 2r * v - 1r;
                }

                return (w + 1r) / 2r;
            }
        }

        private static real InOut(real value, Func<real, real> function)
        {
            if (value < 0.5r)
                return 0.5r * function(value * 2r);

            return 1r - 0.5r * function(2r - value * 2r);
        }

        // Plain helpers with ref and out parameters, inlined with the caller's variables as those parameters.
        private static void ClampBelow(ref real v, real floor)
        {
            if (v < floor)
                v = floor;
        }

        private static bool Split(real v, out real whole, out real fraction)
        {
            whole = MathR.Floor(v);
            fraction = v - whole;
            return fraction > 0.5r;
        }

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Refs(real x, real y)
        {
            ClampBelow(ref x, 0.1r);
            bool up = Split(y, out real w, out var f);
            return x * x * f + (up ? w : 2r * w) + f * f;
        }

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Rastrigin(params real[] x) => x.Sum(xi => xi * xi - 10r * MathR.Cos(2r * 3.14159r * xi)) + 10r * x.Length;

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Soft(real v) => MathR.Log(1r + MathR.Exp(v));

        // LINQ over arrays: Sum, Sum(selector), Average, Max and Min with selectors, Count, Where, Select(...).ToArray(), Zip,
        // Range, Aggregate, a method group.
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static real Queries(real[] x, real[] w)
        {
            real s = x.Sum() + x.Sum(t => t * t) * 0.5r + w.Average();
            real hi = x.Max(t => MathR.Sin(t) * w[0]);
            real lo = x.Min();
            int n = x.Where(t => t > 0r).Count();
            real positive = x.Where(t => t > 0r).Sum(t => t * w[1]);
            real[] squares = x.Select(t => t * t).ToArray();
            real dot = x.Zip(w, (a, b) => a * b).Sum();
            real series = Enumerable.Range(1, 3).Select(k => MathR.Pow(x[0], k) / k).Sum();
            real product = w.Aggregate(1.0r, (acc, v) => acc * (1r + v));
            real soft = x.Select(Soft).Sum();
            foreach (var v in new[] { x[0], 2r * x[1] })
                s += v * v;
            return s + hi - lo * n + positive + squares[1] + dot + series + product + soft + x.Select((t, i) => t * i).Sum();
        }
    }
}
";

        private static readonly Lazy<LoadedSource> Double = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Double), "Lambdas_double"));

        private static readonly Lazy<LoadedSource> Float = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Float), "Lambdas_float"));

        private static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        private static DiffFunction Fn(Precision precision, string method) => DiffFunction.Of(For, "Everyday.Lambdas.Fn_real", method, precision);

        public static readonly TheoryData<Precision> Precisions = new() { Precision.Double, Precision.Float };

        [Theory]
        [MemberData(nameof(Precisions))]
        public void LocalFunctions(Precision precision)
        {
            // total = x² + 2y³ + sin(xy) + sin(y), plus (y² − x)².
            var f = Fn(precision, "Locals");
            var points = new[] { new object?[] { 0.7, -0.4 }, new object?[] { -1.1, 0.9 } };
            DerivativeCheck.GradientOfScalars(f, points, a =>
            {
                var (x, y) = (a[0], a[1]);
                var r = y * y - x;
                return new[] { 2 * x + y * Math.Cos(x * y) - 2 * r, 6 * y * y + x * Math.Cos(x * y) + Math.Cos(y) + 4 * y * r };
            });
            DerivativeCheck.Hessian(f, points);
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void DelegateLocals(Precision precision)
        {
            // x²y + eˣ·y³ + softplus(x − y).
            var f = Fn(precision, "Delegates");
            var points = new[] { new object?[] { 0.7, -0.4 }, new object?[] { -1.1, 0.9 } };
            DerivativeCheck.GradientOfScalars(f, points, a =>
            {
                var (x, y) = (a[0], a[1]);
                var sigma = 1 / (1 + Math.Exp(-(x - y)));
                return new[] { 2 * x * y + Math.Exp(x) * y * y * y + sigma, x * x + 3 * Math.Exp(x) * y * y - sigma };
            });
            DerivativeCheck.Hessian(f, points);
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void GuardClausesHelpersWithDelegatesAndParams(Precision precision)
        {
            var f = Fn(precision, "Guards");
            var points = new[] { new object?[] { 0.3, 0.2 }, new object?[] { -1.6, 0.8 }, new object?[] { 1.4, 0.45 } };
            DerivativeCheck.GradientOfScalars(f, points, a =>
            {
                var (x, y) = (a[0], a[1]);
                double Soft(double v) => 1 / (1 + Math.Exp(-v));
                double InOut(double v, Func<double, double> d) => v < 0.5 ? d(2 * v) : d(2 - 2 * v);
                double piece = x < -1 ? -1 : x > 1 ? 2 : x;
                double rastrigin(double v) => 2 * v + 10 * 2 * 3.14159 * Math.Sin(2 * 3.14159 * v);
                return new[] { piece + InOut(x, t => 3 * t * t) + rastrigin(x), InOut(y, Soft) + rastrigin(y) };
            });
            DerivativeCheck.Hessian(f, points);
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void RefAndOutArgumentsOfPlainHelpers(Precision precision)
        {
            // x' = max(x, 0.1), f = y − ⌊y⌋: x'²f + (w or 2w) + f².
            var f = Fn(precision, "Refs");
            var points = new[] { new object?[] { 0.7, 2.3 }, new object?[] { -0.5, 1.8 }, new object?[] { 1.2, -0.4 } };
            DerivativeCheck.GradientOfScalars(f, points, a =>
            {
                var (x, y) = (a[0], a[1]);
                var clamped = Math.Max(x, 0.1);
                var frac = y - Math.Floor(y);
                return new[] { x > 0.1 ? 2 * x * frac : 0, clamped * clamped + 2 * frac };
            });
            DerivativeCheck.Hessian(f, points);
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void HelperObjectMadeInTheBody(Precision precision)
        {
            // 0.3·e^(−x²/2) + 0.35·e^(−(x² − 1)²/8).
            var f = Fn(precision, "Mixture");
            var points = new[] { new object?[] { 0.4 }, new object?[] { -1.3 } };
            DerivativeCheck.GradientOfScalars(f, points, a =>
            {
                var x = a[0];
                var u = x * x - 1;
                return new[] { -0.3 * x * Math.Exp(-x * x / 2) - 0.35 * Math.Exp(-u * u / 8) * u * x / 2 };
            });
            DerivativeCheck.Hessian(f, points);
        }

        [Fact]
        public void ADerivativeFlowingIntoAConstructorIsGG0003()
        {
            var diagnostics = GeneratorHarness.Analyze(SourceTemplate.One(Template, Precision.Double, @"
namespace Everyday.Lambdas
{
    public static partial class Bad
    {
        [Differentiable]
        public static double F(double x) => new Gauss_double(x, 1).Density(2.0);
    }
}"));
            Assert.Contains(diagnostics, d => d.Id == "GG0003" && d.GetMessage().Contains("Gauss_double..ctor"));
        }

        [Theory]
        [MemberData(nameof(Precisions))]
        public void LinqQueries(Precision precision)
        {
            var f = Fn(precision, "Queries");
            var points = new[]
            {
                new object?[] { new[] { 0.5, -1.2, 0.8, 1.9 }, new[] { 0.3, -0.7, 1.1, 0.4 } },
                new object?[] { new[] { -0.2, 0.6, -1.5, 0.25 }, new[] { 1.2, 0.5, -0.3, 0.9 } },
            };
            DerivativeCheck.Gradient(f, points);
            DerivativeCheck.Hessian(f, points.Take(1));
        }
    }
}
