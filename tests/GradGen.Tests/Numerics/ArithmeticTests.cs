using System;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.TestValues;

namespace GradGen.Tests.Numerics
{
    /// <summary>
    /// Test sources "Arithmetic_double" / "Arithmetic_float": operators, compound assignment, ++/--, locals, ?:, if/else, early return,
    /// pass-through and [NoDerivative] parameters, accessibility; one compilation per precision. The double one also
    /// holds the mixed-precision class (<see cref="MixedPrecisionTests"/>) and the contract's example (<see cref="ContractTests"/>).
    /// </summary>
    public static class ArithmeticSource
    {
        public const string Template = @"
namespace Numerics.Arithmetic
{
    public static partial class Arith_real
    {
        // The contract's example: f = x² + 3xy.
        [Differentiable]
        public static real Example(real x, real y) => x * x + 3 * x * y;

        // f = (x² − y²) / (1.5 + x²) + x − 2y
        [Differentiable]
        public static real Operators(real x, real y) => (x - y) * (x + y) / (1.5r + x * x) - -x + (-y) * 2;

        // f = −x² + x
        [Differentiable]
        public static real UnaryMinus(real x) => -(-x * -x) + +x;

        // a = ((x + y)·x − 2y) / y = x²/y + x − 2
        [Differentiable]
        public static real Compound(real x, real y)
        {
            real a = x;
            a += y;
            a *= x;
            a -= 2r * y;
            a /= y;
            return a;
        }

        // a = x² + 1 after the statements; f = x³ + x
        [Differentiable]
        public static real IncrementDecrement(real x)
        {
            real a = x * x;
            a++;
            a++;
            a--;
            ++a;
            --a;
            return a * x;
        }

        // b = x², c = (x + 2)·x, d = 2, a = x + 1 at the end: f = 2x² + 3x + 3
        [Differentiable]
        public static real IncrementInExpression(real x)
        {
            real a = x;
            real b = a++ * x;
            real c = ++a * x;
            real d = a-- - x;
            return b + c + a + d;
        }

        // t overwritten four times: f = 2x − 2x²(y + 1)²/y
        [Differentiable]
        public static real Reassignment(real x, real y)
        {
            real t = x * y;
            t = t + x;
            t = t * t;
            t = t / y;
            t = x - t;
            return t * 2r;
        }

        [Differentiable]
        public static real Conditional(real x, real y) => x > y ? x * x * y : y * y - x;

        [Differentiable]
        public static real IfElseChain(real x)
        {
            real r;
            if (x < -1r)
                r = -x * x;
            else if (x < 1r)
            {
                r = x * x * x;
            }
            else
                r = 2r * x + 1r;
            return r * 3r;
        }

        [Differentiable]
        public static real EarlyReturn(real x, real y)
        {
            if (x < 0r)
                return y * y;
            real z = x * y;
            if (z > 10r)
            {
                return z;
            }
            return z * z;
        }

        // x³ + x² − 2x
        [Differentiable]
        public static real ExpressionBodied(real x) => x * (x - 1r) * (x + 2r);

        // int and bool parameters pass through
        [Differentiable]
        public static real PassThrough(real x, int n, bool square)
        {
            real r = x * n;
            if (square)
                r = r * r;
            return r;
        }

        // int and bool locals computed from active values carry no derivative
        [Differentiable]
        public static real IntAndBoolLocals(real x, int n)
        {
            int k = n * 2;
            bool big = x > 1r;
            real r = x;
            r = r * k;
            if (big)
                r = r + x * x;
            return r;
        }

        // y gets no derivative parameter: FGradient(x, y, out dX)
        [Differentiable]
        public static real NoDerivativeParameter(real x, [NoDerivative] real y) => x * x * y + y;

        // FGradient(scale, x, y, out dX, out dY)
        [Differentiable]
        public static real NoDerivativeFirst([NoDerivative] real scale, real x, real y) => scale * x * y;

        [Differentiable]
        internal static real InternalCube(real x) => x * x * x;

        [Differentiable]
        private static real PrivateSquare(real x) => x * x;
    }
}
";

        public const string Mixed = @"
namespace Numerics.Arithmetic
{
    public static partial class Mixed
    {
        // f = a²b² + ab + sin a, with float rounding on the way
        [Differentiable]
        public static double FloatParamDoubleResult(float a, double b)
        {
            float t = a * a;
            double u = t * b;
            float back = (float)(u + a);
            return back * b + Math.Sin(a);
        }

        // f = x·y + √x·eʸ, computed in float
        [Differentiable]
        public static float DoubleParamFloatResult(float x, double y) => (float)(x * y) + MathF.Sqrt(x) * (float)Math.Exp(y);

        // ≈ x³ through a float intermediate
        [Differentiable]
        public static double ThroughFloat(double x)
        {
            float f = (float)x;
            double back = f;
            return back * back * x;
        }

        // float arithmetic with double literals and Math (double) functions cast back
        [Differentiable]
        public static float FloatWithDoubleMath(float x)
        {
            float s = (float)Math.Sin(x);
            s *= (float)(2.0 * x);
            return s + (float)Math.Pow(x, 2.0);
        }
    }
}
";

        /// <summary>Exactly the contract's example.</summary>
        public const string Contract = @"
namespace Contract
{
    public static partial class Model
    {
        [Differentiable] public static double F(double x, double y) => x * x + 3 * x * y;
    }
}
";

        /// <summary>The source compiled for one precision (the double one also holds the non-template code).</summary>
        public static string Text(Precision precision) =>
            SourceTemplate.One(Template, precision, precision == Precision.Double ? Mixed + Contract : string.Empty);

        public static readonly Lazy<LoadedSource> Double = new Lazy<LoadedSource>(() =>
            GeneratorHarness.CompileAndLoad(Text(Precision.Double), "Arithmetic_double"));

        public static readonly Lazy<LoadedSource> Float = new Lazy<LoadedSource>(() =>
            GeneratorHarness.CompileAndLoad(Text(Precision.Float), "Arithmetic_float"));

        public static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        public const string ArithType = "Numerics.Arithmetic.Arith_real";
    }

    public abstract class ArithmeticTests : PrecisionTestBase
    {
        protected ArithmeticTests(Precision precision)
            : base(ArithmeticSource.For, precision)
        {
        }

        private void Check(string method, object?[][] points, Func<double[], double[]>? closedForm) =>
            DerivativeCheck.GradientOfScalars(Fn(ArithmeticSource.ArithType, method), points, closedForm);

        [Fact]
        public void Example() => Check("Example",
            Points(P(0.7, -1.3), P(-2.0, 0.25), P(3.5, 4.0)),
            a => new[] { 2 * a[0] + 3 * a[1], 3 * a[0] });

        [Fact]
        public void Operators() => Check("Operators",
            Points(P(0.7, -1.3), P(-2.0, 0.25), P(1.5, 3.0)),
            a =>
            {
                double x = a[0], y = a[1], u = x * x - y * y, w = 1.5 + x * x;
                return new[] { (2 * x * w - u * 2 * x) / (w * w) + 1, -2 * y / w - 2 };
            });

        [Fact]
        public void UnaryMinus() => Check("UnaryMinus",
            Points(P(0.7), P(-2.5)),
            a => new[] { -2 * a[0] + 1 });

        [Fact]
        public void CompoundAssignment() => Check("Compound",
            Points(P(0.7, -1.3), P(2.0, 0.5), P(-1.5, 3.0)),
            a => new[] { 2 * a[0] / a[1] + 1, -a[0] * a[0] / (a[1] * a[1]) });

        [Fact]
        public void IncrementDecrementStatements() => Check("IncrementDecrement",
            Points(P(0.7), P(-1.6)),
            a => new[] { 3 * a[0] * a[0] + 1 });

        [Fact]
        public void IncrementDecrementInExpressions() => Check("IncrementInExpression",
            Points(P(0.7), P(-1.6)),
            a => new[] { 4 * a[0] + 3 });

        [Fact]
        public void LocalReassignedSeveralTimes() => Check("Reassignment",
            Points(P(0.7, -1.3), P(1.2, 0.4), P(-0.8, 2.5)),
            a =>
            {
                double x = a[0], y = a[1];
                return new[] { 2 - 4 * x * (y + 1) * (y + 1) / y, -2 * x * x * (y * y - 1) / (y * y) };
            });

        [Fact]
        public void ConditionalOperator() => Check("Conditional",
            Points(P(2.0, 1.5), P(1.0, 1.5), P(-0.5, -2.0)),
            a => a[0] > a[1] ? new[] { 2 * a[0] * a[1], a[0] * a[0] } : new[] { -1.0, 2 * a[1] });

        [Fact]
        public void IfElseIfElse() => Check("IfElseChain",
            Points(P(-2.0), P(-0.5), P(0.3), P(2.5)),
            a =>
            {
                double x = a[0];
                return new[] { x < -1 ? -6 * x : x < 1 ? 9 * x * x : 6.0 };
            });

        [Fact]
        public void EarlyReturn() => Check("EarlyReturn",
            Points(P(-1.0, 3.0), P(4.0, 5.0), P(1.5, 2.0)),
            a =>
            {
                double x = a[0], y = a[1];
                if (x < 0) return new[] { 0.0, 2 * y };
                if (x * y > 10) return new[] { y, x };
                return new[] { 2 * x * y * y, 2 * x * x * y };
            });

        [Fact]
        public void ExpressionBodiedMember() => Check("ExpressionBodied",
            Points(P(0.7), P(-1.9)),
            a => new[] { 3 * a[0] * a[0] + 2 * a[0] - 2 });

        [Fact]
        public void IntAndBoolParametersPassThrough() => Check("PassThrough",
            Points(P(0.7, 3, false), P(0.7, 3, true), P(-1.25, -2, true)),
            a => new[] { a[2] != 0 ? 2 * a[1] * a[1] * a[0] : a[1] });

        [Fact]
        public void IntAndBoolLocals() => Check("IntAndBoolLocals",
            Points(P(0.7, 3), P(1.5, 2), P(2.5, -1)),
            a => new[] { 2 * a[1] + (a[0] > 1 ? 2 * a[0] : 0) });

        [Fact]
        public void NoDerivativeParameterHasNoDerivative() => Check("NoDerivativeParameter",
            Points(P(0.7, -1.3), P(2.0, 0.5)),
            a => new[] { 2 * a[0] * a[1] });

        [Fact]
        public void NoDerivativeFirstParameter() => Check("NoDerivativeFirst",
            Points(P(2.5, 0.7, -1.3)),
            a => new[] { a[0] * a[2], a[0] * a[1] });

        [Fact]
        public void InternalMethod() => Check("InternalCube",
            Points(P(0.7), P(-1.2)),
            a => new[] { 3 * a[0] * a[0] });

        [Fact]
        public void PrivateMethod() => Check("PrivateSquare",
            Points(P(0.7), P(-1.2)),
            a => new[] { 2 * a[0] });
    }

    public sealed class ArithmeticTests_Double : ArithmeticTests
    {
        public ArithmeticTests_Double()
            : base(Precision.Double)
        {
        }
    }

    public sealed class ArithmeticTests_Float : ArithmeticTests
    {
        public ArithmeticTests_Float()
            : base(Precision.Float)
        {
        }
    }

    /// <summary>float/double mixing with casts (not a template: the mix is the point).</summary>
    public sealed class MixedPrecisionTests : PrecisionTestBase
    {
        private const string MixedType = "Numerics.Arithmetic.Mixed";

        public MixedPrecisionTests()
            : base(ArithmeticSource.For, Precision.Double)
        {
        }

        [Fact]
        public void FloatParameterDoubleResult() => DerivativeCheck.GradientOfScalars(
            Plain(MixedType, "FloatParamDoubleResult"),
            Points(P(0.7f, -1.3), P(-1.5f, 0.25)),
            a =>
            {
                double x = a[0], y = a[1];
                return new[] { 2 * x * y * y + y + Math.Cos(x), 2 * x * x * y + x };
            },
            Tolerance.Float);

        [Fact]
        public void DoubleParameterFloatResult() => DerivativeCheck.GradientOfScalars(
            Plain(MixedType, "DoubleParamFloatResult"),
            Points(P(0.7f, -1.3), P(2.5f, 0.25)),
            a =>
            {
                double x = a[0], y = a[1];
                return new[] { y + Math.Exp(y) / (2 * Math.Sqrt(x)), x + Math.Sqrt(x) * Math.Exp(y) };
            },
            Tolerance.Float);

        [Fact]
        public void DoubleThroughFloatIntermediate() => DerivativeCheck.GradientOfScalars(
            Plain(MixedType, "ThroughFloat", floatArithmetic: true),
            Points(P(0.7), P(-1.3)),
            a => new[] { 3 * a[0] * a[0] },
            Tolerance.Float);

        [Fact]
        public void FloatWithDoubleMath() => DerivativeCheck.GradientOfScalars(
            Plain(MixedType, "FloatWithDoubleMath"),
            Points(P(0.7f), P(-1.3f)),
            a =>
            {
                double x = a[0];
                return new[] { 2 * x * Math.Cos(x) + 2 * Math.Sin(x) + 2 * x };
            },
            Tolerance.Float);
    }
}
