using System.Threading.Tasks;
using GradGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace GradGen.CodeFixes.Tests
{
    /// <summary>
    /// Each code fix through the Roslyn test framework (Microsoft.CodeAnalysis.CSharp.CodeFix.Testing): the analyzer's
    /// diagnostics are exactly the marked spans (<c>{|GG0001:…|}</c>) before, the fixed code is exactly what is written
    /// after (with the diagnostics left there marked too), it compiles, and fixing all occurrences (FixAll, where a fix
    /// offers it) gives the same.
    /// </summary>
    public sealed class CodeFixTests
    {
        /// <summary>GG0001 names each type that is not partial, at the attribute; one fix makes them all partial.</summary>
        [Fact]
        public Task MakePartial_AddsPartialToTheTypeAndEveryContainingType() => new Test<MakePartialCodeFix>
        {
            TestCode = @"using GradGen;
namespace Demo
{
    public static class Outer
    {
        /// <summary>Inner.</summary>
        internal class Inner
        {
            [Differentiable]
            public static double F(double x) => x * x;
        }
    }
}",
            ExpectedDiagnostics =
            {
                DiagnosticResult.CompilerError("GG0001").WithSpan(9, 14, 9, 28).WithArguments("Inner", "F"),
                DiagnosticResult.CompilerError("GG0001").WithSpan(9, 14, 9, 28).WithArguments("Outer", "F"),
            },
            NumberOfIncrementalIterations = 1,
            NumberOfFixAllIterations = 1,
            FixedCode = @"using GradGen;
namespace Demo
{
    public static partial class Outer
    {
        /// <summary>Inner.</summary>
        internal partial class Inner
        {
            [Differentiable]
            public static double F(double x) => x * x;
        }
    }
}",
        }.RunAsync();

        [Fact]
        public Task MakePartial_TypeWithoutModifiersKeepsItsIndentation() => Verify<MakePartialCodeFix>(@"using GradGen;
    class Model
    {
        [{|GG0001:Differentiable|}]
        public static double F(double x) => x * x;
    }", @"using GradGen;
    partial class Model
    {
        [Differentiable]
        public static double F(double x) => x * x;
    }");

        [Fact]
        public Task MakePartial_FixAllMakesEveryTypePartial() => new Test<MakePartialCodeFix>
        {
            TestCode = @"using GradGen;
class A
{
    [{|GG0001:Differentiable|}]
    public static double F(double x) => x * x;
}
class B
{
    [{|GG0001:Differentiable|}]
    public static double G(double x) => x * x * x;
}",
            FixedCode = @"using GradGen;
partial class A
{
    [Differentiable]
    public static double F(double x) => x * x;
}
partial class B
{
    [Differentiable]
    public static double G(double x) => x * x * x;
}",
            NumberOfFixAllIterations = 1,
        }.RunAsync();

        [Fact]
        public Task NoDerivative_MarksTheParameterTheCallDependsOn() => Verify<NoDerivativeCodeFix>(@"using GradGen;
public static partial class Model
{
    private static double Opaque(double v) => v;

    [Differentiable]
    public static double F(double x, double c)
    {
        double scaled = 2 * c;
        return x * {|GG0003:Opaque(scaled)|};
    }
}", @"using GradGen;
public static partial class Model
{
    private static double Opaque(double v) => v;

    [Differentiable]
    public static double F(double x, [NoDerivative] double c)
    {
        double scaled = 2 * c;
        return x * Opaque(scaled);
    }
}");

        [Fact]
        public async Task NoDerivative_OffersEveryParameterTheArgumentDependsOn()
        {
            const string source = @"using GradGen;
public static partial class Model
{
    private static double Opaque(double v) => v;

    [Differentiable]
    public static double F(double x, double c, [NoDerivative] double k, double unused)
    {
        double s = 0;
        for (int i = 0; i < 3; i++) { s += x * c + k; }
        return {|GG0003:Opaque(s)|};
    }
}";
            // One fix per parameter the argument depends on, in order: x (the first), then c (the second); k is
            // [NoDerivative] already and unused is not read.
            const string marksC = @"using GradGen;
public static partial class Model
{
    private static double Opaque(double v) => v;

    [Differentiable]
    public static double F(double x, [NoDerivative] double c, [NoDerivative] double k, double unused)
    {
        double s = 0;
        for (int i = 0; i < 3; i++) { s += x * c + k; }
        return {|GG0003:Opaque(s)|};
    }
}";
            // One fix applied: the argument still depends on the other parameter, so GG0003 stays.
            await new Test<NoDerivativeCodeFix> { TestCode = source, FixedCode = marksC, CodeActionIndex = 1, NumberOfIncrementalIterations = 1, FixedState = { MarkupHandling = MarkupMode.Allow } }.RunAsync();

            // The first fix, applied while the diagnostic stays: x, then c.
            await new Test<NoDerivativeCodeFix>
            {
                TestCode = source,
                FixedCode = marksC.Replace("F(double x,", "F([NoDerivative] double x,").Replace("{|GG0003:Opaque(s)|}", "Opaque(s)"),
                CodeActionIndex = 0,
                NumberOfIncrementalIterations = 2,
            }.RunAsync();
        }

        [Fact]
        public Task NoDerivative_FixesAnIntegerConversionWarning() => Verify<NoDerivativeCodeFix>(@"using GradGen;
public static partial class Model
{
    [Differentiable]
    public static double F(double x, double position)
    {
        int cell = {|GG0006:(int)position|};
        return x * cell;
    }
}", @"using GradGen;
public static partial class Model
{
    [Differentiable]
    public static double F(double x, [NoDerivative] double position)
    {
        int cell = (int)position;
        return x * cell;
    }
}");

        [Fact]
        public Task NoDerivative_MarksAParameterOfATypeGradGenDoesNotDifferentiate() => Verify<NoDerivativeCodeFix>(@"using GradGen;
public sealed class Settings { public readonly double Scale = 2; }
public static partial class C
{
    [Differentiable]
    public static double F(double x, {|GG0019:Settings s|}) => s.Scale * x * x;
}", @"using GradGen;
public sealed class Settings { public readonly double Scale = 2; }
public static partial class C
{
    [Differentiable]
    public static double F(double x, [NoDerivative] Settings s) => s.Scale * x * x;
}");

        [Fact]
        public Task NoDerivative_IsWrittenQualifiedWithoutUsingGradGen() => Verify<NoDerivativeCodeFix>(@"public static partial class Model
{
    private static double Opaque(double v) => v;

    [GradGen.Differentiable]
    public static double F(double x, double c) => x * {|GG0003:Opaque(c)|};
}", @"public static partial class Model
{
    private static double Opaque(double v) => v;

    [GradGen.Differentiable]
    public static double F(double x, [GradGen.NoDerivative] double c) => x * Opaque(c);
}");

        [Fact]
        public Task Differentiable_MarksTheCalleeInTheSameFile() => Verify<DifferentiableCalleeCodeFix>(@"using GradGen;
public static partial class Model
{
    /// <summary>Square.</summary>
    public static double Square(double v) => v * v;

    [Differentiable]
    public static double F(double x) => 3 * {|GG0003:Square(x)|};
}", @"using GradGen;
public static partial class Model
{
    /// <summary>Square.</summary>
    [Differentiable]
    public static double Square(double v) => v * v;

    [Differentiable]
    public static double F(double x) => 3 * Square(x);
}");

        [Fact]
        public Task Differentiable_MarksTheCalleeInAnotherFile() => new Test<DifferentiableCalleeCodeFix>
        {
            TestState =
            {
                Sources =
                {
                    @"using GradGen;
public static partial class Model
{
    [Differentiable]
    public static double F(double x) => 3 * {|GG0003:Helpers.Cube(x)|};
}",
                    @"public static partial class Helpers
{
    public static double Cube(double v) => v * v * v;
}",
                },
            },
            FixedState =
            {
                Sources =
                {
                    @"using GradGen;
public static partial class Model
{
    [Differentiable]
    public static double F(double x) => 3 * Helpers.Cube(x);
}",
                    @"public static partial class Helpers
{
    [GradGen.Differentiable]
    public static double Cube(double v) => v * v * v;
}",
                },
            },
        }.RunAsync();

        [Fact]
        public Task Differentiable_IsNotOfferedForMethodsWithoutSource() => NotOffered<DifferentiableCalleeCodeFix>(@"using GradGen;
public static partial class Model
{
    [Differentiable]
    public static double F(double x) => {|GG0003:System.Math.BitDecrement(x)|};
}");

        [Fact]
        public Task DerivativeOfStub_AddsForwardAndReverseNextToTheCallee() => new Test<DerivativeOfStubCodeFix>
        {
            TestCode = @"using System;
using GradGen;
public static partial class Model
{
    public static double Softplus(double v) => Math.Log(1 + Math.Exp(v));

    [Differentiable]
    public static double F(double x) => 3 * {|GG0003:Softplus(x)|};
}",
            FixedCode = @"using System;
using GradGen;
public static partial class Model
{
    public static double Softplus(double v) => Math.Log(1 + Math.Exp(v));
    [DerivativeOf(nameof(Softplus))]
    public static (double Value, double Tangent) SoftplusForward(double v, double dV) => throw new NotImplementedException();
    [DerivativeOf(nameof(Softplus))]
    public static double SoftplusReverse(double v, double seed, ref double dV) => throw new NotImplementedException();

    [Differentiable]
    public static double F(double x) => 3 * Softplus(x);
}",
        }.RunAsync();

        [Fact]
        public Task DerivativeOfStub_KeepsAnInstanceCalleesAccessibilityAndArrayParameters() => new Test<DerivativeOfStubCodeFix>
        {
            TestState =
            {
                Sources =
                {
                    @"using GradGen;
public partial class Model
{
    private readonly Helpers helpers = new Helpers();

    [Differentiable(Kinds = DerivativeKinds.Reverse)]
    public double F(double[] x, int n) => {|GG0003:helpers.Norm(x, n)|};
}",
                    @"public class Helpers
{
    internal double Norm(double[] values, int count) => 0;
}",
                },
            },
            FixedState =
            {
                Sources =
                {
                    @"using GradGen;
public partial class Model
{
    private readonly Helpers helpers = new Helpers();

    [Differentiable(Kinds = DerivativeKinds.Reverse)]
    public double F(double[] x, int n) => helpers.Norm(x, n);
}",
                    @"public class Helpers
{
    internal double Norm(double[] values, int count) => 0;
    [GradGen.DerivativeOf(nameof(Norm))]
    internal double NormReverse(double[] values, int count, double seed, System.Span<double> dValues) => throw new System.NotImplementedException();
}",
                },
            },
        }.RunAsync();

        [Fact]
        public Task DerivativeOfStub_AddsOnlyTheMissingKind() => new Test<DerivativeOfStubCodeFix>
        {
            TestCode = @"using System;
using GradGen;
public static partial class Model
{
    public static double Cube(double v) => v * v * v;

    [DerivativeOf(nameof(Cube))]
    public static double CubeReverse(double v, double seed, ref double dV) { dV += 3 * v * v * seed; return Cube(v); }

    [Differentiable]
    public static double F(double x) => {|GG0017:Cube(x)|};
}",
            FixedCode = @"using System;
using GradGen;
public static partial class Model
{
    public static double Cube(double v) => v * v * v;
    [DerivativeOf(nameof(Cube))]
    public static (double Value, double Tangent) CubeForward(double v, double dV) => throw new NotImplementedException();

    [DerivativeOf(nameof(Cube))]
    public static double CubeReverse(double v, double seed, ref double dV) { dV += 3 * v * v * seed; return Cube(v); }

    [Differentiable]
    public static double F(double x) => Cube(x);
}",
        }.RunAsync();

        [Fact]
        public Task DerivativeOfStub_IsNotOfferedForMethodsWithoutSource() => NotOffered<DerivativeOfStubCodeFix>(@"using GradGen;
public static partial class Model
{
    [Differentiable]
    public static double F(double x) => {|GG0003:System.Math.BitDecrement(x)|};
}");

        // ----- harness ----------------------------------------------------------------------------------------------

        /// <summary>The analyzer and one code fix, compiled against .NET 8's reference assemblies and GradGen's attributes.</summary>
        private sealed class Test<TCodeFix> : CSharpCodeFixTest<DifferentiableAnalyzer, TCodeFix, DefaultVerifier>
            where TCodeFix : CodeFixProvider, new()
        {
            public Test()
            {
                ReferenceAssemblies = ReferenceAssemblies.Net.Net80;
                TestState.AdditionalReferences.Add(typeof(DifferentiableAttribute).Assembly);
            }
        }

        /// <summary>The one fix offered for the marked diagnostic turns <paramref name="source"/> into <paramref name="fixedSource"/>.</summary>
        private static Task Verify<TCodeFix>(string source, string fixedSource)
            where TCodeFix : CodeFixProvider, new() =>
            new Test<TCodeFix> { TestCode = source, FixedCode = fixedSource }.RunAsync();

        /// <summary>No fix is offered for the marked diagnostic: the code stays as it is.</summary>
        private static Task NotOffered<TCodeFix>(string source)
            where TCodeFix : CodeFixProvider, new() =>
            new Test<TCodeFix> { TestCode = source, FixedCode = source }.RunAsync();
    }
}
