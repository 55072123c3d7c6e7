using System;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.TestValues;

namespace GradGen.Tests.Numerics
{
    /// <summary>
    /// Test sources "Calls_double" / "Calls_float": [Differentiable] methods calling other [Differentiable] methods: static in the same
    /// type, in another partial type in another namespace, in nested types, a method split over two partial
    /// declarations, instance methods of the same object (fields, properties and constants read are constants),
    /// and chains of calls three deep; for double and float.
    /// </summary>
    public static class CallSource
    {
        public const string Template = @"
namespace Numerics.Calls.Lib
{
    public static partial class Poly_real
    {
        [Differentiable] public static real Square(real x) => x * x;

        [Differentiable] public static real Affine(real x, real y, int k) => k * x + Square(y);

        [Differentiable] internal static real Scaled(real x, [NoDerivative] real s) => s * x * x;
    }
}

namespace Numerics.Calls.App
{
    using Numerics.Calls.Lib;

    public static partial class Chain_real
    {
        // f3(x) = x·sin x
        [Differentiable] public static real Level3(real x) => MathR.Sin(x) * x;

        // f2(x, y) = f3(xy) + y
        [Differentiable] public static real Level2(real x, real y) => Level3(x * y) + y;

        // f1(x, y) = f2(x, y)·f2(y, x): a method calling a method calling a method
        [Differentiable] public static real Level1(real x, real y) => Level2(x, y) * Level2(y, x);

        // (x − y)² + 3x + y², through another namespace
        [Differentiable] public static real CrossNamespace(real x, real y) => Poly_real.Square(x - y) + Poly_real.Affine(x, y, 3);

        // 2.5·x²: a constant for the callee's [NoDerivative] parameter
        [Differentiable] public static real ConstantToNoDerivative(real x) => Poly_real.Scaled(x, 2.5r);

        // a = f3(f3(x)); f = a + a²
        [Differentiable]
        public static real ResultReused(real x)
        {
            real a = Level3(x);
            a = Level3(a);
            return a + Poly_real.Square(a);
        }

        // s ← f3(s)/2 + x, n times
        [Differentiable]
        public static real CallInLoop(real x, int n)
        {
            real s = x;
            for (int i = 0; i < n; i++)
                s = Level3(s) * 0.5r + x;
            return s;
        }

        // 3x³ through a nested type
        [Differentiable] public static real CallsNested(real x) => Outer_real.Inner_real.Cube(x) + Outer_real.Twice(x);

        [Differentiable] private static real PrivateHelper(real x) => x * 3r;

        // 3x²
        [Differentiable] public static real CallsPrivate(real x) => PrivateHelper(x * x);
    }

    // A second declaration of the same partial type.
    public static partial class Chain_real
    {
        // 2·f3(x)
        [Differentiable] public static real SecondPart(real x) => Level3(x) * 2r;
    }

    public static partial class Outer_real
    {
        // 2x³
        [Differentiable] public static real Twice(real x) => 2r * Inner_real.Cube(x);

        public static partial class Inner_real
        {
            [Differentiable] public static real Cube(real x) => x * x * x;

            // Twice (of the containing type) + Cube = 3x³
            [Differentiable] public static real UsesOuter(real x) => Twice(x) + Cube(x);
        }
    }

    public partial class Model_real
    {
        public real Scale = 3r;

        public real Offset { get; set; } = 0.5r;

        private const real K = 2r;

        // G = S·x²
        [Differentiable] public real G(real x) => Scale * x * x;

        // F = G + x
        [Differentiable] public real F(real x) => G(x) + x;

        // H = G·O + K·x
        [Differentiable] public real H(real x) => G(x) * Offset + K * x;

        // Deep = H(F(x)·y) − G(y)
        [Differentiable] public real Deep(real x, real y) => H(F(x) * y) - this.G(y);

        // instance calling static
        [Differentiable] public real MixedStaticInstance(real x) => F(x) * Chain_real.Level3(x);

        public Model_real? Next;

        // Next.G(x) + x = S'·x² + x, S' the next model's scale: a call on a nullable field (generated code must say Next!)
        [Differentiable] public real OnNext(real x) => Next!.G(x) + x;
    }
}
";

        /// <summary>The source compiled for one precision.</summary>
        public static string Text(Precision precision) => SourceTemplate.One(Template, precision);

        public static readonly Lazy<LoadedSource> Double = new Lazy<LoadedSource>(() =>
            GeneratorHarness.CompileAndLoad(Text(Precision.Double), "Calls_double"));

        public static readonly Lazy<LoadedSource> Float = new Lazy<LoadedSource>(() =>
            GeneratorHarness.CompileAndLoad(Text(Precision.Float), "Calls_float"));

        public static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        public const string ChainType = "Numerics.Calls.App.Chain_real";
        public const string OuterType = "Numerics.Calls.App.Outer_real";
        public const string InnerType = "Numerics.Calls.App.Outer_real+Inner_real";
        public const string ModelType = "Numerics.Calls.App.Model_real";
    }

    public abstract class CallTests : PrecisionTestBase
    {
        protected CallTests(Precision precision)
            : base(CallSource.For, precision)
        {
        }

        private static double F3(double x) => x * Math.Sin(x);

        private static double DF3(double x) => Math.Sin(x) + x * Math.Cos(x);

        private void Check(string type, string method, object?[][] points, Func<double[], double[]>? closedForm) =>
            DerivativeCheck.GradientOfScalars(Fn(type, method), points, closedForm);

        [Fact]
        public void StaticCallee() => Check(CallSource.ChainType, "Level3",
            Points(P(0.7), P(-2.1)),
            a => new[] { DF3(a[0]) });

        [Fact]
        public void StaticCalleeWithProductArgument() => Check(CallSource.ChainType, "Level2",
            Points(P(0.7, -1.3), P(1.5, 0.4)),
            a => new[] { a[1] * DF3(a[0] * a[1]), a[0] * DF3(a[0] * a[1]) + 1 });

        [Fact]
        public void MethodCallingMethodCallingMethod() => Check(CallSource.ChainType, "Level1",
            Points(P(0.7, -1.3), P(1.5, 0.4)),
            a =>
            {
                double x = a[0], y = a[1], d = DF3(x * y);
                double p = F3(x * y) + y, q = F3(x * y) + x;
                return new[] { y * d * q + p * (y * d + 1), (x * d + 1) * q + p * x * d };
            });

        [Fact]
        public void CalleeInAnotherNamespace() => Check(CallSource.ChainType, "CrossNamespace",
            Points(P(0.7, -1.3), P(2.0, 0.5)),
            a => new[] { 2 * (a[0] - a[1]) + 3, -2 * (a[0] - a[1]) + 2 * a[1] });

        [Fact]
        public void ConstantForCalleeNoDerivativeParameter() => Check(CallSource.ChainType, "ConstantToNoDerivative",
            Points(P(0.7), P(-1.5)),
            a => new[] { 5 * a[0] });

        [Fact]
        public void CallResultStoredAndReused() => Check(CallSource.ChainType, "ResultReused",
            Points(P(0.7), P(-1.1)),
            a =>
            {
                double x = a[0], a1 = F3(x), a2 = F3(a1);
                return new[] { (1 + 2 * a2) * DF3(a1) * DF3(x) };
            });

        [Fact]
        public void CallInsideLoop() => Check(CallSource.ChainType, "CallInLoop",
            Points(P(0.7, 4), P(-0.9, 6), P(0.3, 0)),
            a =>
            {
                double x = a[0], s = x, ds = 1;
                for (int i = 0; i < (int)a[1]; i++)
                {
                    ds = 0.5 * DF3(s) * ds + 1;
                    s = 0.5 * F3(s) + x;
                }

                return new[] { ds };
            });

        [Fact]
        public void NestedTypeCallee() => Check(CallSource.ChainType, "CallsNested",
            Points(P(0.7), P(-1.3)),
            a => new[] { 9 * a[0] * a[0] });

        [Fact]
        public void PrivateCallee() => Check(CallSource.ChainType, "CallsPrivate",
            Points(P(0.7), P(-1.3)),
            a => new[] { 6 * a[0] });

        [Fact]
        public void MethodInSecondPartialDeclaration() => Check(CallSource.ChainType, "SecondPart",
            Points(P(0.7), P(-1.3)),
            a => new[] { 2 * DF3(a[0]) });

        [Fact]
        public void OuterTypeCallingNestedType() => Check(CallSource.OuterType, "Twice",
            Points(P(0.7), P(-1.3)),
            a => new[] { 6 * a[0] * a[0] });

        [Fact]
        public void NestedTypeCallingOuterType() => Check(CallSource.InnerType, "UsesOuter",
            Points(P(0.7), P(-1.3)),
            a => new[] { 9 * a[0] * a[0] });

        [Fact]
        public void InstanceMethodReadingFieldAsConstant() => Check(CallSource.ModelType, "G",
            Points(P(0.7), P(-1.3)),
            a => new[] { 2 * 3 * a[0] });

        [Fact]
        public void InstanceMethodCallingInstanceMethod() => Check(CallSource.ModelType, "F",
            Points(P(0.7), P(-1.3)),
            a => new[] { 2 * 3 * a[0] + 1 });

        [Fact]
        public void InstanceMethodsThreeDeep()
        {
            foreach (var (scale, offset) in new[] { (3.0, 0.5), (1.25, -0.75) })
            {
                var f = Fn(CallSource.ModelType, "Deep", type => CreateModel(type, scale, offset));
                DerivativeCheck.GradientOfScalars(f, Points(P(0.7, -1.3), P(0.4, 0.9)), a =>
                {
                    double x = a[0], y = a[1];
                    double fx = scale * x * x + x, dfx = 2 * scale * x + 1;
                    double u = fx * y, dh = 2 * scale * u * offset + 2;
                    return new[] { dh * dfx * y, dh * fx - 2 * scale * y };
                });
            }
        }

        [Fact]
        public void InstanceFieldValueIsReadAtRunTime()
        {
            var f = Fn(CallSource.ModelType, "H", type => CreateModel(type, 1.25, -0.75));
            DerivativeCheck.GradientOfScalars(f, Points(P(0.7), P(-1.3)), a => new[] { 2 * 1.25 * a[0] * -0.75 + 2 });
        }

        [Fact]
        public void CallOnNullableField()
        {
            var f = Fn(CallSource.ModelType, "OnNext", type =>
            {
                var model = CreateModel(type, 3.0, 0.5);
                type.GetField("Next")!.SetValue(model, CreateModel(type, 1.75, 0.5));
                return model;
            });
            DerivativeCheck.GradientOfScalars(f, Points(P(0.7), P(-1.3)), a => new[] { 2 * 1.75 * a[0] + 1 });
        }

        [Fact]
        public void InstanceMethodCallingStaticMethod() => Check(CallSource.ModelType, "MixedStaticInstance",
            Points(P(0.7), P(-1.3)),
            a =>
            {
                double x = a[0], f = 3 * x * x + x, df = 6 * x + 1;
                return new[] { df * F3(x) + f * DF3(x) };
            });

        [Fact]
        public void InstanceMethodsStayInstanceMethods()
        {
            var type = Source.GetType(TypeName(CallSource.ModelType));
            string t = SourceTemplate.TypeKeyword(Precision);
            Signatures.Assert(type, "DeepForward", $"public ({t} Value, {t} Tangent) DeepForward({t} x, {t} y, {t} dX, {t} dY)");
            Signatures.Assert(type, "DeepGradient", $"public {t} DeepGradient({t} x, {t} y, out {t} dX, out {t} dY)");
            Signatures.Assert(type, "DeepReverse", $"public {t} DeepReverse({t} x, {t} y, {t} seed, ref {t} dX, ref {t} dY)");
        }

        private static object CreateModel(Type type, double scale, double offset)
        {
            var model = Activator.CreateInstance(type)!;
            var fieldType = type.GetField("Scale")!.FieldType;
            type.GetField("Scale")!.SetValue(model, Reflect.ConvertArgument(scale, fieldType));
            type.GetProperty("Offset")!.SetValue(model, Reflect.ConvertArgument(offset, fieldType));
            return model;
        }
    }

    public sealed class CallTests_Double : CallTests
    {
        public CallTests_Double()
            : base(Precision.Double)
        {
        }
    }

    public sealed class CallTests_Float : CallTests
    {
        public CallTests_Float()
            : base(Precision.Float)
        {
        }
    }
}
