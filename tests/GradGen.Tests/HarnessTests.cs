using System;
using System.Linq;
using GradGen.Tests.Infrastructure;
using GradGen.Tests.Numerics;
using Microsoft.CodeAnalysis;
using Xunit;
using static GradGen.Tests.Infrastructure.TestValues;

namespace GradGen.Tests
{
    /// <summary>
    /// The test machinery itself (these pass whatever the generator does), the test sources, and robustness:
    /// the generator and the analyzer never throw, and never leave an error in generated code, even on
    /// mid-edit (broken) sources.
    /// </summary>
    public sealed class HarnessTests
    {
        public static TheoryData<string, Precision> NumericSources()
        {
            var data = new TheoryData<string, Precision>();
            foreach (var name in new[] { "Arithmetic", "ControlFlow", "MathFunctions", "Calls" })
            {
                data.Add(name, Precision.Double);
                data.Add(name, Precision.Float);
            }

            return data;
        }

        private static string NumericSource(string name, Precision precision) => name switch
        {
            "Arithmetic" => ArithmeticSource.Text(precision),
            "ControlFlow" => ControlFlowSource.Text(precision),
            "MathFunctions" => MathFunctionSource.Text(precision),
            "Calls" => CallSource.Text(precision),
            _ => throw new ArgumentException(name),
        };

        /// <summary>A failure here is a bug in a test source, not in the generator.</summary>
        [Theory]
        [MemberData(nameof(NumericSources))]
        public void TestSourcesCompileWithoutTheGenerator(string name, Precision precision)
        {
            string source = NumericSource(name, precision);
            var errors = GeneratorHarness.CreateCompilation(source).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n\n" + GeneratorHarness.WithLineNumbers(source));
        }

        /// <summary>Everything in the numeric test sources is in the contract: the analyzer reports no error there.</summary>
        [Theory]
        [MemberData(nameof(NumericSources))]
        public void AnalyzerReportsNoErrorOnNumericSources(string name, Precision precision)
        {
            var errors = GeneratorHarness.Analyze(NumericSource(name, precision)).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, "Analyzer errors on supported code:\n  " + string.Join("\n  ", errors));
        }

        [Fact]
        public void TemplateInstantiation()
        {
            const string template = "public static partial class T_real { public static real F(real x) => MathR.Sin(x) * 0.5r + 1e-3r + 2; }";
            Assert.Equal(
                "public static partial class T_double { public static double F(double x) => Math.Sin(x) * 0.5 + 1e-3 + 2; }",
                SourceTemplate.Instantiate(template, Precision.Double));
            Assert.Equal(
                "public static partial class T_float { public static float F(float x) => MathF.Sin(x) * 0.5f + 1e-3f + 2; }",
                SourceTemplate.Instantiate(template, Precision.Float));
        }

        [Fact]
        public void LoadAndReflectionHelpers()
        {
            const string source = @"
namespace Plain
{
    public static class Calc
    {
        public static double Split(double x, out double half, ref double acc)
        {
            half = x / 2;
            acc += x;
            return x * x;
        }

        public static (float Value, float Tangent) Pair(float x) => (x, 2 * x);
    }
}";
            var run = GeneratorHarness.Run(source);
            Assert.Empty(run.CompilationErrors);
            var type = run.Load().GetType("Plain.Calc")!;
            var (result, args) = Reflect.Invoke(type, "Split", 3.0, null, 10.0);
            Assert.Equal(9.0, (double)result!);
            Assert.Equal(1.5, (double)args[1]!);
            Assert.Equal(13.0, (double)args[2]!);
            var (value, tangent) = Reflect.ReadPair(Reflect.Invoke(type, "Pair", 1.5).Result);
            Assert.Equal(1.5, value);
            Assert.Equal(3.0, tangent);
        }

        /// <summary>Hand-written "generated" methods: the checker accepts correct ones and catches wrong ones.</summary>
        private const string HandWritten = @"
namespace Hand
{
    public static class H
    {
        public static double F(double x, double y) => x * x * y;
        public static (double Value, double Tangent) FForward(double x, double y, double dX, double dY) => (x * x * y, 2 * x * y * dX + x * x * dY);
        public static double FGradient(double x, double y, out double dX, out double dY) { dX = 2 * x * y; dY = x * x; return x * x * y; }
        public static double FReverse(double x, double y, double seed, ref double dX, ref double dY) { dX += seed * 2 * x * y; dY += seed * x * x; return x * x * y; }

        // FReverse overwrites instead of accumulating.
        public static double G(double x) => x * x;
        public static (double Value, double Tangent) GForward(double x, double dX) => (x * x, 2 * x * dX);
        public static double GGradient(double x, out double dX) { dX = 2 * x; return x * x; }
        public static double GReverse(double x, double seed, ref double dX) { dX = seed * 2 * x; return x * x; }

        // The forward tangent is off by a factor.
        public static double K(double x) => x * x * x;
        public static (double Value, double Tangent) KForward(double x, double dX) => (x * x * x, 2 * x * x * dX);
        public static double KGradient(double x, out double dX) { dX = 3 * x * x; return x * x * x; }
        public static double KReverse(double x, double seed, ref double dX) { dX += seed * 3 * x * x; return x * x * x; }

        // Every mode agrees on a wrong derivative (3x² for x²): only the primal's finite differences can tell.
        public static double W(double x) => x * x;
        public static (double Value, double Tangent) WForward(double x, double dX) => (x * x, 3 * x * x * dX);
        public static double WGradient(double x, out double dX) { dX = 3 * x * x; return x * x; }
        public static double WReverse(double x, double seed, ref double dX) { dX += seed * 3 * x * x; return x * x; }
    }
}";

        [Fact]
        public void DerivativeCheckAcceptsCorrectAndCatchesWrongDerivatives()
        {
            var run = GeneratorHarness.Run(HandWritten);
            var loaded = new LoadedSource("HandWritten", HandWritten, run, run.Load());
            var type = loaded.GetType("Hand.H");
            var points = new[] { new object?[] { 0.7, -1.3 }, new object?[] { 2.0, 0.5 } };

            DerivativeCheck.GradientOfScalars(new DiffFunction(loaded, type, "F"), points, a => new[] { 2 * a[0] * a[1], a[0] * a[0] });

            var wrongClosedForm = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() =>
                DerivativeCheck.GradientOfScalars(new DiffFunction(loaded, type, "F"), points, a => new[] { 2 * a[0] * a[1] + 1e-6, a[0] * a[0] }));
            Assert.Contains("closed form", wrongClosedForm.Message);

            var notAccumulating = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() =>
                DerivativeCheck.GradientOfScalars(new DiffFunction(loaded, type, "G"), new[] { new object?[] { 0.7 } }, a => new[] { 2 * a[0] }));
            Assert.Contains("FReverse", notAccumulating.Message);

            var wrongForward = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() =>
                DerivativeCheck.GradientOfScalars(new DiffFunction(loaded, type, "K"), new[] { new object?[] { 0.7 } }, a => new[] { 3 * a[0] * a[0] }));
            Assert.Contains("FForward", wrongForward.Message);

            var wrongEverywhere = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() =>
                DerivativeCheck.GradientOfScalars(new DiffFunction(loaded, type, "W"), new[] { new object?[] { 0.7 } }));
            Assert.Contains("finite differences", wrongEverywhere.Message);
        }

        /// <summary>
        /// Hand-written methods of an array and a scalar with a tuple result (spans in their derivatives), and of second
        /// order: the checker accepts correct ones and catches wrong ones.
        /// </summary>
        private const string HandWrittenVectorValued = @"
using System;

namespace Hand
{
    public static class Vec
    {
        // P(x, s) = (s·Σx², Σx)
        public static (double A, double B) P(double[] x, double s) => (s * SumSq(x), Sum(x));

        public static ((double A, double B) Value, (double A, double B) Tangent) PForward(double[] x, double s, ReadOnlySpan<double> dX, double dS)
        {
            double ta = SumSq(x) * dS, tb = 0;
            for (int i = 0; i < x.Length; i++) { ta += 2 * s * x[i] * dX[i]; tb += dX[i]; }
            return (P(x, s), (ta, tb));
        }

        public static (double A, double B) PReverse(double[] x, double s, (double A, double B) seed, Span<double> dX, ref double dS)
        {
            for (int i = 0; i < x.Length; i++) dX[i] += seed.A * 2 * s * x[i] + seed.B;
            dS += seed.A * SumSq(x);
            return P(x, s);
        }

        public static (double A, double B) PJacobian(double[] x, double s, double[,] jacobian)
        {
            for (int i = 0; i < x.Length; i++) { jacobian[0, i] = 2 * s * x[i]; jacobian[1, i] = 1; }
            jacobian[0, x.Length] = SumSq(x);
            jacobian[1, x.Length] = 0;
            return P(x, s);
        }

        // FReverse overwrites the array's derivative instead of adding to it.
        public static (double A, double B) Q(double[] x, double s) => P(x, s);
        public static ((double A, double B) Value, (double A, double B) Tangent) QForward(double[] x, double s, ReadOnlySpan<double> dX, double dS) => PForward(x, s, dX, dS);
        public static (double A, double B) QReverse(double[] x, double s, (double A, double B) seed, Span<double> dX, ref double dS)
        {
            dX.Clear();
            return PReverse(x, s, seed, dX, ref dS);
        }

        // FJacobian leaves ∂B/∂s unwritten.
        public static (double A, double B) R(double[] x, double s) => P(x, s);
        public static ((double A, double B) Value, (double A, double B) Tangent) RForward(double[] x, double s, ReadOnlySpan<double> dX, double dS) => PForward(x, s, dX, dS);
        public static (double A, double B) RReverse(double[] x, double s, (double A, double B) seed, Span<double> dX, ref double dS) => PReverse(x, s, seed, dX, ref dS);
        public static (double A, double B) RJacobian(double[] x, double s, double[,] jacobian)
        {
            for (int i = 0; i < x.Length; i++) { jacobian[0, i] = 2 * s * x[i]; jacobian[1, i] = 1; }
            jacobian[0, x.Length] = SumSq(x);
            return P(x, s);
        }

        private static double SumSq(double[] x) { double s = 0; foreach (var e in x) s += e * e; return s; }
        private static double Sum(double[] x) { double s = 0; foreach (var e in x) s += e; return s; }
    }

    public static class Second
    {
        // H(x, y) = x²y + y³
        public static double H(double x, double y) => x * x * y + y * y * y;
        public static double HGradient(double x, double y, out double dX, out double dY) { dX = 2 * x * y; dY = x * x + 3 * y * y; return H(x, y); }
        public static double HHessian(double x, double y, double[,] hessian) { hessian[0, 0] = 2 * y; hessian[0, 1] = hessian[1, 0] = 2 * x; hessian[1, 1] = 6 * y; return H(x, y); }
        public static double HHessianVectorProduct(double x, double y, double vX, double vY, out double hvX, out double hvY) { hvX = 2 * y * vX + 2 * x * vY; hvY = 2 * x * vX + 6 * y * vY; return H(x, y); }

        // FHessianVectorProduct drops the mixed term of hvY.
        public static double K(double x, double y) => H(x, y);
        public static double KGradient(double x, double y, out double dX, out double dY) => HGradient(x, y, out dX, out dY);
        public static double KHessian(double x, double y, double[,] hessian) => HHessian(x, y, hessian);
        public static double KHessianVectorProduct(double x, double y, double vX, double vY, out double hvX, out double hvY) { hvX = 2 * y * vX + 2 * x * vY; hvY = 6 * y * vY; return H(x, y); }
    }
}";

        [Fact]
        public void DerivativeCheckCatchesWrongVectorValuedAndSecondOrderDerivatives()
        {
            var run = GeneratorHarness.Run(HandWrittenVectorValued);
            var loaded = new LoadedSource("HandWrittenVectorValued", HandWrittenVectorValued, run, run.Load());
            DiffFunction Fn(string type, string method) => new(loaded, loaded.GetType("Hand." + type), method);

            var points = Points(P(new[] { 0.5, -1.25, 2.0 }, 0.75), P(new double[0], -1.5));
            Func<object?[], double[,]> jacobian = a =>
            {
                var x = (double[])a[0]!;
                double s = (double)a[1]!;
                return Matrices.Build(2, x.Length + 1, (i, k) => k == x.Length ? (i == 0 ? x.Sum(e => e * e) : 0) : (i == 0 ? 2 * s * x[k] : 1));
            };
            DerivativeCheck.Jacobian(Fn("Vec", "P"), points, jacobian);
            Assert.Contains("FReverse once", Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => DerivativeCheck.Jacobian(Fn("Vec", "Q"), points, jacobian)).Message);
            Assert.Contains("FJacobian vs FForward columns", Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => DerivativeCheck.Jacobian(Fn("Vec", "R"), points, jacobian)).Message);

            var hessianPoints = Points(P(0.7, -1.3), P(2.0, 0.5));
            Func<object?[], double[,]> hessian = a =>
            {
                double x = (double)a[0]!, y = (double)a[1]!;
                return Matrices.M(new[] { 2 * y, 2 * x }, new[] { 2 * x, 6 * y });
            };
            DerivativeCheck.Hessian(Fn("Second", "H"), hessianPoints, hessian);
            Assert.Contains("FHessianVectorProduct", Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => DerivativeCheck.Hessian(Fn("Second", "K"), hessianPoints, hessian)).Message);
        }

        [Fact]
        public void FiniteDifferencesAgreeWithCalculus()
        {
            Assert.Equal(Math.Cos(0.7), FiniteDifference.Derivative(Math.Sin, 0.7), 8);
            Assert.Equal(MathF.Cos(0.7f), FiniteDifference.Derivative(MathF.Sin, 0.7f), 3);
            var g = FiniteDifference.Gradient(v => v[0] * v[0] * v[1], new[] { 1.5, -2.0 });
            Assert.Equal(2 * 1.5 * -2.0, g[0], 6);
            Assert.Equal(1.5 * 1.5, g[1], 6);
            Assert.Equal(0.5 * g[0] - 2 * g[1], FiniteDifference.Directional(v => v[0] * v[0] * v[1], new[] { 1.5, -2.0 }, new[] { 0.5, -2.0 }), 6);
            Assert.True(Tolerance.FiniteDifferenceDouble.Close(100.0, 100.0005));
            Assert.False(Tolerance.ExactDouble.Close(1.0, 1.0001));
            Assert.False(Tolerance.ExactDouble.Close(1.0, double.NaN));
        }

        /// <summary>Mid-edit code, code the contract rejects, and odd placements of the attribute.</summary>
        public static TheoryData<string, string> BrokenSources => new TheoryData<string, string>
        {
            { "MissingOperand", "using GradGen; public static partial class A { [Differentiable] public static double F(double x) => x * }" },
            { "UnclosedBody", "using GradGen; public static partial class A { [Differentiable] public static double F(double x) { return x" },
            { "UnfinishedParameterList", "using GradGen; public static partial class A { [Differentiable] public static double F(double x, double" },
            { "UnknownMethod", "using GradGen; public static partial class A { [Differentiable] public static double F(double x) => Unknown(x); }" },
            { "UnknownVariable", "using GradGen; public static partial class A { [Differentiable] public static double F(double x) => x * y; }" },
            { "VoidWithoutName", "using GradGen; public static partial class A { [Differentiable] static void }" },
            { "EmptyBodyNoReturn", "using GradGen; public static partial class A { [Differentiable] public static double F(double x) { } }" },
            { "NotPartialType", "using GradGen; public static class NotPartial { [Differentiable] public static double F(double x) => x * x; }" },
            { "GenericMethod", "using GradGen; public static partial class A { [Differentiable] public static T F<T>(T x) => x; }" },
            { "StringReturn", "using GradGen; public static partial class A { [Differentiable] public static string F(string s) => s; }" },
            { "AsyncMethod", "using GradGen; public static partial class A { [Differentiable] public static async System.Threading.Tasks.Task<double> F(double x) => x; }" },
            { "ConsoleReadLineTimesX", "using GradGen; public static partial class A { [Differentiable] public static double F(double x) => System.Console.ReadLine().Length * x; }" },
            { "UnassignedLocal", "using GradGen; public static partial class A { [Differentiable] public static double F(double x) { double y; return y * x; } }" },
            { "RefParameter", "using GradGen; public static partial class A { [Differentiable] public static double F(ref double x) { x = 2; return x; } }" },
            { "RecursiveCall", "using GradGen; public static partial class A { [Differentiable] public static double F(double x) => F(x) * x; }" },
            { "InfiniteLoopNoReturn", "using GradGen; public static partial class A { [Differentiable] public static double F(double x) { while (true) { } } }" },
            { "AttributeOnProperty", "using GradGen; public static partial class A { [Differentiable] double F => 1; }" },
            { "AttributeOnClass", "using GradGen; [Differentiable] public static partial class A { }" },
            { "ZeroKinds", "using GradGen; public static partial class A { [Differentiable(Kinds = (DerivativeKinds)0)] public static double F(double x) => x; }" },
            { "OverloadsBothDifferentiable", "using GradGen; public static partial class A { [Differentiable] public static double F(double x) => x; [Differentiable] public static double F(double x, double y) => x * y; }" },
            { "UserAlreadyDefinesFGradient", "using GradGen; public static partial class A { [Differentiable] public static double F(double x) => x; public static double FGradient(double x, out double dX) { dX = 0; return x; } }" },
            { "NotPartialContainingType", "using GradGen; namespace N { public partial class Outer { public class NotPartialInner { [Differentiable] public double F(double x) => x; } } }" },
        };

        [Theory]
        [MemberData(nameof(BrokenSources))]
        public void GeneratorNeverThrowsNorEmitsCodeThatFailsToCompile(string name, string source)
        {
            Assert.NotNull(name);
            var run = GeneratorHarness.Run(source);
            var generatedTrees = run.OutputCompilation.SyntaxTrees.Except(run.InputCompilation.SyntaxTrees).ToHashSet();
            var errorsInGenerated = run.CompilationDiagnostics
                .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree != null && generatedTrees.Contains(d.Location.SourceTree))
                .ToList();
            Assert.True(errorsInGenerated.Count == 0, "Errors in generated code:\n  " + string.Join("\n  ", errorsInGenerated) + "\n\n" + run.Describe());

            // Errors the generated code adds to the user's code (e.g. a duplicate member) count as well.
            var inputErrors = run.InputCompilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToHashSet();
            var newErrors = run.CompilationErrors.Select(d => d.ToString()).Where(d => !inputErrors.Contains(d)).ToList();
            Assert.True(newErrors.Count == 0, "The generated code adds errors:\n  " + string.Join("\n  ", newErrors) + "\n\n" + run.Describe());
        }

        [Theory]
        [MemberData(nameof(BrokenSources))]
        public void AnalyzerNeverThrows(string name, string source)
        {
            // Analyze fails the test if the analyzer threw (AD0001 or the exception callback).
            Assert.NotNull(name);
            GeneratorHarness.Analyze(source);
        }
    }
}
