using System;
using System.Linq;
using System.Text.RegularExpressions;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.Matrices;
using static GradGen.Tests.Infrastructure.TestValues;

namespace GradGen.Tests.VectorValued
{
    /// <summary>
    /// Test sources "InliningVectors_double" / "InliningVectors_float": inlined callees (CallInlining) in vector-valued
    /// and second-order code: a tuple-valued call returned directly and deconstructed into its own arguments in a loop,
    /// an array-valued caller of an array-valued callee, and FHessian / FHessianVectorProduct through inlined Hessian-kind
    /// callees (one that assigns its parameters, one in a loop over array elements), next to the same callee in another
    /// type, which is called (FReverseTangent) rather than inlined.
    /// </summary>
    public static class InliningVectorSource
    {
        public const string Template = @"
namespace VectorValued.Inlining
{
    public static partial class InlVec_real
    {
        // ----- tuples --------------------------------------------------------------------------------------------------------

        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real X, real Y) Polar(real r, real t) => (r * MathR.Cos(t), r * MathR.Sin(t));

        // Polar(2r, t + 1), returned directly
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real, real) ReturnsCall(real r, real t) => Polar(2r * r, t + 1r);

        // (a, b) rotated by t
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real, real) Rotate(real a, real b, real t) => (a * MathR.Cos(t) - b * MathR.Sin(t), a * MathR.Sin(t) + b * MathR.Cos(t));

        // (x, y) rotated n times by t: a tuple-valued callee in a loop, deconstructed into the variables it is given
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (real, real) RotateRepeatedly(real x, real y, real t, int n)
        {
            real a = x, b = y;
            for (int i = 0; i < n; i++)
                (a, b) = Rotate(a, b, t);
            return (a, b);
        }

        // ----- arrays --------------------------------------------------------------------------------------------------------

        // c·v
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static real[] Scale(real[] v, real c)
        {
            real[] r = new real[v.Length];
            for (int i = 0; i < v.Length; i++)
                r[i] = v[i] * c;
            return r;
        }

        // c³·v: an array-valued callee into a local, then returned directly
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static real[] ScaleTwice(real[] v, real c)
        {
            real[] u = Scale(v, c);
            return Scale(u, c * c);
        }

        // ----- Hessians ------------------------------------------------------------------------------------------------------

        // (a + b)²·b, assigning both parameters: a ← a + b, b ← a·b, a·b
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real Shifted(real a, real b)
        {
            a = a + b;
            b = a * b;
            return a * b;
        }

        // (x + y²)²·y²
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real HessianThroughCallee(real x, real y) => Shifted(x, y * y);

        // the same through the callee of another type (called, not inlined)
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real HessianThroughOtherType(real x, real y) => Elsewhere_real.Shifted(x, y * y);

        // c·Σᵢ Shifted(xᵢ, xᵢ₊₁): an inlined Hessian-kind callee in a loop over array elements
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real HessianCalleeInLoop(real[] x, real c)
        {
            real s = 0r;
            for (int i = 0; i + 1 < x.Length; i++)
                s += Shifted(x[i], x[i + 1]);
            return s * c;
        }

        // Σᵢ<₃ (a > i ? a² : sin a): a branch in a loop (its choices recorded on the tape)
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real Piecewise(real a)
        {
            real s = 0r;
            for (int i = 0; i < 3; i++)
            {
                if (a > i)
                    s += a * a;
                else
                    s += MathR.Sin(a);
            }

            return s;
        }

        // Σⱼ Piecewise(xⱼ)·xⱼ₊₁ + c²·x₀
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real HessianThroughBranchyCallee(real[] x, real c)
        {
            real s = 0r;
            for (int j = 0; j + 1 < x.Length; j++)
                s += Piecewise(x[j]) * x[j + 1];
            return s + c * c * x[0];
        }

        // Σᵢ<ₙ xⁱ⁺¹/(i + 1)
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real Series(real x, int n)
        {
            real s = 0r;
            real p = 1r;
            for (int i = 0; i < n; i++)
            {
                p = p * x;
                s += p / (i + 1);
            }

            return s;
        }

        // Series(xy, 3) + x·sin(Series(y, 2)): an inlined callee with a loop, twice, one inside a Math call
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real HessianThroughLoopCallee(real x, real y) => Series(x * y, 3) + x * MathR.Sin(Series(y, 2));
    }

    public static partial class Elsewhere_real
    {
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static real Shifted(real a, real b)
        {
            a = a + b;
            b = a * b;
            return a * b;
        }
    }
}
";

        public static string Text(Precision precision) => SourceTemplate.One(Template, precision);

        public static readonly Lazy<LoadedSource> Double = new Lazy<LoadedSource>(() => GeneratorHarness.CompileAndLoad(Text(Precision.Double), "InliningVectors_double"));

        public static readonly Lazy<LoadedSource> Float = new Lazy<LoadedSource>(() => GeneratorHarness.CompileAndLoad(Text(Precision.Float), "InliningVectors_float"));

        public static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        public const string Type = "VectorValued.Inlining.InlVec_real";
    }

    /// <summary>
    /// Jacobians (<see cref="DerivativeCheck.Jacobian"/>) and Hessians (<see cref="DerivativeCheck.Hessian"/>) through
    /// inlined callees (see <see cref="InliningVectorSource"/>) against closed forms and finite differences, for double
    /// and float.
    /// </summary>
    public abstract class InliningVectorTests : PrecisionTestBase
    {
        protected InliningVectorTests(Precision precision)
            : base(InliningVectorSource.For, precision)
        {
        }

        private DiffFunction F(string method) => Fn(InliningVectorSource.Type, method);

        private static double D(object? a) => Convert.ToDouble(a, System.Globalization.CultureInfo.InvariantCulture);

        // ----- tuples ------------------------------------------------------------------------------------------------------

        [Fact]
        public void TupleValuedCallReturnedDirectly() => DerivativeCheck.Jacobian(F("ReturnsCall"),
            Points(P(1.5, 0.7), P(0.5, -2.0)),
            a =>
            {
                double r = D(a[0]), t = D(a[1]) + 1;
                return M(new[] { 2 * Math.Cos(t), -2 * r * Math.Sin(t) }, new[] { 2 * Math.Sin(t), 2 * r * Math.Cos(t) });
            });

        [Fact]
        public void TupleValuedCalleeInLoopDeconstructedIntoItsArguments() => DerivativeCheck.Jacobian(F("RotateRepeatedly"),
            Points(P(1.5, 0.7, 0.3, 4), P(-0.5, 2.0, -1.1, 1), P(0.25, -0.75, 0.6, 0)),
            a =>
            {
                double x = D(a[0]), y = D(a[1]), t = D(a[2]);
                int n = (int)D(a[3]);
                double c = Math.Cos(n * t), s = Math.Sin(n * t);
                return M(new[] { c, -s, -n * (x * s + y * c) }, new[] { s, c, n * (x * c - y * s) });
            });

        // ----- arrays --------------------------------------------------------------------------------------------------------

        [Fact]
        public void ArrayValuedCalleeOfArrayValuedCaller() => DerivativeCheck.Jacobian(F("ScaleTwice"),
            Points(P(Vec(1, 4), 0.75), P(Vec(2, 1), -1.25), P(new double[0], 0.5)),
            a =>
            {
                var v = (double[])a[0]!;
                double c = D(a[1]);
                int n = v.Length;
                return Build(n, n + 1, (i, j) => j < n ? (i == j ? c * c * c : 0) : 3 * c * c * v[i]);
            });

        // ----- Hessians --------------------------------------------------------------------------------------------------------

        /// <summary>The Hessian of (a + b²)²·b² over (a, b), from calculus (u = a + b²).</summary>
        private static double[,] ShiftedSquareH(double a, double b)
        {
            double u = a + b * b;
            return M(
                new[] { 2 * b * b, 4 * b * b * b + 4 * u * b },
                new[] { 4 * b * b * b + 4 * u * b, 8 * b * b * b * b + 20 * u * b * b + 2 * u * u });
        }

        /// <summary>The Hessian of (a + b)²·b over (a, b), from calculus.</summary>
        private static double[,] ShiftedH(double a, double b) => M(
            new[] { 2 * b, 2 * a + 4 * b },
            new[] { 2 * a + 4 * b, 4 * a + 6 * b });

        [Theory]
        [InlineData("HessianThroughCallee")]
        [InlineData("HessianThroughOtherType")]
        public void HessianThroughCalleeAssigningItsParameters(string method) => DerivativeCheck.Hessian(F(method),
            Points(P(0.7, -0.4), P(-1.3, 0.9), P(0.0, 0.0)),
            a => ShiftedSquareH(D(a[0]), D(a[1])));

        [Fact]
        public void HessianThroughCalleeInLoopOverArrayElements() => DerivativeCheck.Hessian(F("HessianCalleeInLoop"),
            Points(P(Vec(3, 4), 0.75), P(Vec(4, 2), -1.5), P(Vec(5, 1), 2.0)),
            a =>
            {
                // f = c·S(x), S = Σᵢ T(xᵢ, xᵢ₊₁), T(a, b) = (a + b)²·b; the last row and column are c's
                var x = (double[])a[0]!;
                double w = D(a[1]);
                int n = x.Length;
                var h = new double[n + 1, n + 1];
                for (int i = 0; i + 1 < n; i++)
                {
                    double p = x[i], q = x[i + 1];
                    var hi = ShiftedH(p, q);
                    for (int r = 0; r < 2; r++)
                    {
                        for (int c = 0; c < 2; c++)
                        {
                            h[i + r, i + c] += w * hi[r, c];
                        }
                    }

                    double ta = 2 * (p + q) * q, tb = 2 * (p + q) * q + (p + q) * (p + q);
                    h[i, n] += ta;
                    h[n, i] += ta;
                    h[i + 1, n] += tb;
                    h[n, i + 1] += tb;
                }

                return h;
            });

        [Fact]
        public void HessianThroughCalleeWithBranchInLoop() => DerivativeCheck.Hessian(F("HessianThroughBranchyCallee"),
            Points(P(new[] { 0.5, 1.5, 2.5, -0.75 }, 0.75), P(new[] { -1.25, 0.25 }, -1.5), P(new[] { 1.25 }, 0.5)),
            a =>
            {
                var x = (double[])a[0]!;
                double w = D(a[1]);
                int n = x.Length;
                var h = new double[n + 1, n + 1];

                // c²·x₀: the last row and column are c's
                h[n, n] = 2 * x[0];
                h[0, n] = h[n, 0] = 2 * w;
                for (int j = 0; j + 1 < n; j++)
                {
                    // g(a) = Σᵢ<₃ (a > i ? a² : sin a)
                    double v = x[j], g1 = 0, g2 = 0;
                    for (int i = 0; i < 3; i++)
                    {
                        g1 += v > i ? 2 * v : Math.Cos(v);
                        g2 += v > i ? 2 : -Math.Sin(v);
                    }

                    h[j, j] += g2 * x[j + 1];
                    h[j, j + 1] += g1;
                    h[j + 1, j] += g1;
                }

                return h;
            });

        [Fact]
        public void HessianThroughCalleeWithLoop() => DerivativeCheck.Hessian(F("HessianThroughLoopCallee"),
            Points(P(0.7, -0.4), P(-1.3, 0.9), P(0.4, 1.1)),
            a =>
            {
                // f = g(xy) + x·sin h(y), g(u) = u + u²/2 + u³/3, h(y) = y + y²/2
                double x = D(a[0]), y = D(a[1]), u = x * y;
                double g1 = 1 + u + u * u, g2 = 1 + 2 * u;
                double h = y + y * y / 2, h1 = 1 + y, h2 = 1;
                double fxx = y * y * g2;
                double fxy = g1 + u * g2 + Math.Cos(h) * h1;
                double fyy = x * x * g2 + x * (Math.Cos(h) * h2 - Math.Sin(h) * h1 * h1);
                return M(new[] { fxx, fxy }, new[] { fxy, fyy });
            });

        // ----- what was inlined ---------------------------------------------------------------------------------------------------

        private static bool CallsGenerated(string text, string callee) =>
            Regex.IsMatch(text, @"(?<![A-Za-z0-9_])" + Regex.Escape(callee) + @"(Forward|Reverse|ReverseTangent)\(");

        [Theory]
        [InlineData("ReturnsCall", "Polar", true)]
        [InlineData("RotateRepeatedly", "Rotate", true)]
        [InlineData("ScaleTwice", "Scale", true)]
        [InlineData("HessianThroughCallee", "Shifted", true)]
        [InlineData("HessianCalleeInLoop", "Shifted", true)]
        [InlineData("HessianThroughLoopCallee", "Series", true)]
        [InlineData("HessianThroughBranchyCallee", "Piecewise", true)]
        [InlineData("HessianThroughOtherType", "Shifted", false)]
        public void InlinedUnlessInAnotherType(string caller, string callee, bool inlined)
        {
            var key = TypeName(InliningVectorSource.Type) + "." + caller + ".g.cs";
            var text = Source.Run.GeneratedSources[key];
            Assert.True(inlined != CallsGenerated(text, callee), $"{caller} {(inlined ? "calls" : "does not call")} {callee}'s generated methods:\n{text}");
        }

        [Fact]
        public void NotInlinedHessianCalleeIsCalledThroughReverseTangent()
        {
            var text = Source.Run.GeneratedSources[TypeName(InliningVectorSource.Type) + ".HessianThroughOtherType.g.cs"];
            Assert.Contains("ShiftedReverseTangent(", text);
            var inlined = Source.Run.GeneratedSources[TypeName(InliningVectorSource.Type) + ".HessianThroughCallee.g.cs"];
            Assert.DoesNotContain("ShiftedReverseTangent(", inlined);
        }
    }

    public sealed class InliningVectorTests_Double : InliningVectorTests
    {
        public InliningVectorTests_Double()
            : base(Precision.Double)
        {
        }
    }

    public sealed class InliningVectorTests_Float : InliningVectorTests
    {
        public InliningVectorTests_Float()
            : base(Precision.Float)
        {
        }
    }
}
