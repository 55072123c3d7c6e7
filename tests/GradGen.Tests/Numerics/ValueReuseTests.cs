using System;
using System.Linq;
using System.Text.RegularExpressions;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.TestValues;

namespace GradGen.Tests.Numerics
{
    /// <summary>
    /// Test sources "ValueReuse_double" / "ValueReuse_float": derivative code that reads a Math function value the
    /// forward code already holds (cos θ for the partial of sin θ) instead of computing it again, and the cases where it
    /// must not (a value computed in a loop, a local written twice, an argument that changes later, the other branch).
    /// Every case is checked against its closed form, finite differences and forward/reverse agreement; the
    /// structural tests count the function calls in the generated code.
    /// </summary>
    public static class ValueReuseSource
    {
        public const string Template = @"
namespace Numerics.Reuse
{
    public static partial class Rot_real
    {
        // A rotation of (x, y) by t, then a quadratic: f = u + v², u = x cos t − y sin t, v = x sin t + y cos t.
        [Differentiable]
        public static real Rotate(real t, real x, real y)
        {
            real c = MathR.Cos(t);
            real s = MathR.Sin(t);
            real u = x * c - y * s;
            real v = x * s + y * c;
            return u + v * v;
        }

        // The values come from one branch only: f = cos t · sin t · x for t > 0, sin t · x otherwise.
        [Differentiable]
        public static real Branches(real t, real x)
        {
            real r;
            if (t > 0r)
            {
                real c = MathR.Cos(t);
                real s = MathR.Sin(t);
                r = c * s * x;
            }
            else
            {
                real s = MathR.Sin(t);
                r = s * x;
            }

            return r + MathR.Sin(t);
        }

        // Computed in a loop: f = Σᵢ₌₁..n cos(i t)·sin(i t)·x.
        [Differentiable]
        public static real InLoop(real t, real x, int n)
        {
            real acc = 0r;
            for (int i = 1; i <= n; i++)
            {
                real c = MathR.Cos(t * i);
                real s = MathR.Sin(t * i);
                acc += c * s * x;
            }

            return acc;
        }

        // c is written twice: f = 2 cos t + sin t · x.
        [Differentiable]
        public static real WrittenTwice(real t, real x)
        {
            real c = MathR.Cos(t);
            c = c * 2r;
            real s = MathR.Sin(t);
            return c + s * x;
        }

        // The argument changes after the values: f = cos(2t)·sin(2t) + w, w = 2t + x.
        [Differentiable]
        public static real ArgumentChanges(real t, real x)
        {
            real w = t * 2r;
            real c = MathR.Cos(w);
            real s = MathR.Sin(w);
            real p = c * s;
            w = w + x;
            return p + w;
        }

        // A loop's partial reads a value assigned after the loop: f = n·cos t·x + sin² t.
        [Differentiable]
        public static real LoopBeforeValue(real t, real x, int n)
        {
            real acc = 0r;
            for (int i = 0; i < n; i++)
                acc += MathR.Cos(t) * x;
            real s = MathR.Sin(t);
            return acc + s * s;
        }

        // sinh and cosh: f = sinh(t)·x + cosh(t).
        [Differentiable]
        public static real Hyperbolic(real t, real x)
        {
            real ch = MathR.Cosh(t);
            real sh = MathR.Sinh(t);
            return sh * x + ch;
        }
    }
}
";

        public static readonly Lazy<LoadedSource> Double = new Lazy<LoadedSource>(() =>
            GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Double), "ValueReuse_double"));

        public static readonly Lazy<LoadedSource> Float = new Lazy<LoadedSource>(() =>
            GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Float), "ValueReuse_float"));

        public static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        public const string RotType = "Numerics.Reuse.Rot_real";
    }

    public abstract class ValueReuseTests : PrecisionTestBase
    {
        protected ValueReuseTests(Precision precision)
            : base(ValueReuseSource.For, precision)
        {
        }

        private void Check(string method, object?[][] points, Func<double[], double[]> closedForm) =>
            DerivativeCheck.GradientOfScalars(Fn(ValueReuseSource.RotType, method), points, closedForm);

        [Fact]
        public void Rotation() => Check("Rotate",
            Points(P(0.7, 1.2, -0.4), P(-2.1, 0.3, 0.9)),
            a =>
            {
                double t = a[0], x = a[1], y = a[2], c = Math.Cos(t), s = Math.Sin(t), v = x * s + y * c;
                // ∂u/∂t = −x s − y c = −v, ∂v/∂t = x c − y s = u
                double u = x * c - y * s;
                return new[] { -v + 2 * v * u, c + 2 * v * s, -s + 2 * v * c };
            });

        [Fact]
        public void BranchValues() => Check("Branches",
            Points(P(0.7, 1.3), P(-0.6, 0.8)),
            a =>
            {
                double t = a[0], x = a[1];
                return t > 0
                    ? new[] { Math.Cos(2 * t) * x + Math.Cos(t), Math.Cos(t) * Math.Sin(t) }
                    : new[] { Math.Cos(t) * x + Math.Cos(t), Math.Sin(t) };
            });

        [Fact]
        public void ValuesInALoop() => Check("InLoop",
            Points(P(0.4, 1.1, 3), P(-0.9, 0.5, 1), P(0.3, 2.0, 0)),
            a =>
            {
                double t = a[0], x = a[1], dt = 0, dx = 0;
                for (int i = 1; i <= (int)a[2]; i++)
                {
                    // cos·sin = sin(2it)/2
                    dt += i * Math.Cos(2 * i * t) * x;
                    dx += 0.5 * Math.Sin(2 * i * t);
                }

                return new[] { dt, dx };
            });

        [Fact]
        public void LocalWrittenTwice() => Check("WrittenTwice",
            Points(P(0.7, 1.3), P(-1.6, -0.2)),
            a => new[] { -2 * Math.Sin(a[0]) + Math.Cos(a[0]) * a[1], Math.Sin(a[0]) });

        [Fact]
        public void ArgumentChangingLater() => Check("ArgumentChanges",
            Points(P(0.7, 1.3), P(-1.1, 0.4)),
            a => new[] { 2 * Math.Cos(4 * a[0]) + 2, 1.0 });

        [Fact]
        public void HyperbolicPair() => Check("Hyperbolic",
            Points(P(0.7, 1.3), P(-1.1, 0.4)),
            a => new[] { Math.Cosh(a[0]) * a[1] + Math.Sinh(a[0]), Math.Sinh(a[0]) });

        [Fact]
        public void LoopReadingALaterValue() => Check("LoopBeforeValue",
            Points(P(0.7, 1.3, 3), P(-1.1, 0.4, 0), P(2.0, -0.6, 1)),
            a => new[] { -a[2] * Math.Sin(a[0]) * a[1] + 2 * Math.Sin(a[0]) * Math.Cos(a[0]), a[2] * Math.Cos(a[0]) });

        /// <summary>The body of one generated method (Forward or Reverse) of <paramref name="method"/>.</summary>
        private string Generated(string method, string derivative)
        {
            var file = Source.Run.GeneratedSources.Single(p => p.Key.EndsWith("." + method + ".g.cs", StringComparison.Ordinal)).Value;
            var start = file.IndexOf(" " + method + derivative + "(", StringComparison.Ordinal);
            Assert.True(start >= 0, $"No {method}{derivative} in\n{file}");
            var end = file.IndexOf("\n        }\n", start, StringComparison.Ordinal);
            return file.Substring(start, end - start);
        }

        private int Calls(string method, string derivative, string function) =>
            Regex.Matches(Generated(method, derivative), @"\.Math" + (IsFloat ? "F" : "") + @"\." + function + @"\(").Count;

        [Fact]
        public void RotationReadsCosineForTheSinePartial()
        {
            // Reverse: cos t and sin t once each, in the primal: sin's partial reads c, and cos's reads s, assigned
            // after it (the backward sweep runs after both). Forward: both partials come after c, and sin's reads it;
            // cos's comes before s is assigned and calls Sin.
            Assert.Equal(1, Calls("Rotate", "Reverse", "Cos"));
            Assert.Equal(1, Calls("Rotate", "Reverse", "Sin"));
            Assert.Equal(1, Calls("Rotate", "Forward", "Cos"));
            Assert.Equal(2, Calls("Rotate", "Forward", "Sin"));
            Assert.Equal(1, Calls("Hyperbolic", "Reverse", "Cosh"));

            // The loop's partial of cos t reads s, never recorded: assigned once, its value is final.
            Assert.Equal(1, Calls("LoopBeforeValue", "Reverse", "Sin"));
            Assert.DoesNotContain("s_saved", Generated("LoopBeforeValue", "Reverse"));
        }

        [Fact]
        public void NoReuseOfLoopValuesRewrittenLocalsOrChangedArguments()
        {
            Assert.Equal(2, Calls("InLoop", "Reverse", "Cos"));
            Assert.Equal(2, Calls("WrittenTwice", "Reverse", "Cos"));
            Assert.Equal(2, Calls("ArgumentChanges", "Reverse", "Cos"));
        }

        [Fact]
        public void NoReuseAcrossBranches()
        {
            // cos t: the then-branch's, and the partials of the else-branch's sin t and of the final one, which stand
            // outside the then-branch. sin t: the three of the primal only; the partial of the then-branch's c reads a
            // sine of its own branch or of the method's last statement.
            Assert.Equal(3, Calls("Branches", "Reverse", "Cos"));
            Assert.Equal(3, Calls("Branches", "Reverse", "Sin"));
        }
    }

    public sealed class ValueReuseTests_Double : ValueReuseTests
    {
        public ValueReuseTests_Double()
            : base(Precision.Double)
        {
        }
    }

    public sealed class ValueReuseTests_Float : ValueReuseTests
    {
        public ValueReuseTests_Float()
            : base(Precision.Float)
        {
        }
    }
}
