using System;
using System.Threading.Tasks;
using GradGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;
using static GradGen.Tests.Infrastructure.DiagnosticSource;
using static GradGen.Tests.Infrastructure.MarkupVerifier;

namespace GradGen.Tests.CustomDerivatives
{
    /// <summary>
    /// Diagnostics of user-written derivatives ([DerivativeOf]): GG0014 (names no method), GG0015 (not a derivative's
    /// signature), GG0016 (cannot be used), GG0017 (the call needs a kind that is missing), GG0003 with the stubs the
    /// code fix adds, and GG0005 for a Hessian through a vector-valued callee. Each positive test has near-identical
    /// negative tests. Each source marks its expected diagnostics (<c>{|GG0016:DerivativeOf(nameof(Sq))|}</c>), and
    /// <see cref="MarkupVerifier"/> runs the generator too: the output compilation has no error at all, a valid method
    /// next to the bad code (<c>Diag.Fine.Good</c>) is generated, and a method blocked by a missing derivative gets no file.
    /// </summary>
    public sealed class CustomDerivativeDiagnosticTests
    {
        /// <summary>Descriptors.StubsProperty (the generator's Descriptors are internal).</summary>
        private const string StubsProperty = "DerivativeOfStubs";

        private const string NotImplemented = " => throw new global::System.NotImplementedException();";

        private static string Stubs(Diagnostic d)
        {
            Assert.True(d.Properties.TryGetValue(StubsProperty, out var stubs) && stubs is not null,
                $"{d.Id} has no '{StubsProperty}' property: {d.GetMessage()}");
            return stubs!;
        }

        private static string UseFile(VerifiedSource v) => v.Run.GeneratedSources["Diag.T.Use.g.cs"];

        // ----------------------------------------------------------------------------------------------------------
        // GG0014: [DerivativeOf] names no method
        // ----------------------------------------------------------------------------------------------------------

        private const string Square = @"
        public static double Sq(double v) => v * v;";

        [Theory]
        [InlineData("\"Nope\"", "'Diag.T' has no method 'Nope'")]
        [InlineData("\"sq\"", "'Diag.T' has no method 'sq'")]
        [InlineData("\"\"", "'Diag.T' has no method ''")]
        [InlineData("typeof(Fine), nameof(T.Sq)", "'Diag.Fine' has no method 'Sq'")]
        [InlineData("typeof(Fine), \"Sq\"", "'Diag.Fine' has no method 'Sq'")]
        public async Task GG0014_NamedTypeHasNoSuchMethod(string arguments, string message)
        {
            var v = await VerifyAsync(Source(Square + $@"
        [{{|GG0014:DerivativeOf({arguments})|}}]
        internal static (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);"));
            v.AssertMessage("GG0014", message, "nameof", "typeof");
        }

        [Fact]
        public async Task GG0014_MethodOfAnotherTypeNamedWithoutTypeof()
        {
            var v = await VerifyAsync(Source(@"
        [{|GG0014:DerivativeOf(""Softplus"")|}]
        internal static (double Value, double Tangent) SoftplusForward(double x, double dX) => (Activations.Softplus(x), dX / (1 + Math.Exp(-x)));", extraTypes: @"
    public static class Activations
    {
        public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));
    }"));
            v.AssertMessage("GG0014", "'Diag.T' has no method 'Softplus'");
        }

        [Fact]
        public async Task GG0014_NameOfAPropertyIsNoMethod()
        {
            var v = await VerifyAsync(Source(@"
        public static double Scale => 2.0;
        [{|GG0014:DerivativeOf(nameof(Scale))|}]
        internal static (double Value, double Tangent) ScaleForward(double x, double dX) => (x, dX);"));
            v.AssertMessage("GG0014", "'Diag.T' has no method 'Scale'");
        }

        [Fact]
        public async Task GG0014_OnlyTheBadAttributeOfTwoIsReported()
        {
            // AllowMultiple: one good attribute and one that names nothing on the same method.
            var v = await VerifyAsync(Source(Square + @"
        public static double Sq2(double v) => v * v;
        [DerivativeOf(nameof(Sq))]
        [{|GG0014:DerivativeOf(""Sq3"")|}]
        internal static (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);"));
            v.AssertMessage("GG0014", "'Diag.T' has no method 'Sq3'");
        }

        [Theory]
        [InlineData("nameof(Sq)")]
        [InlineData("\"Sq\"")]
        [InlineData("typeof(T), nameof(T.Sq)")]
        public Task GG0014_Negative_SameTypeMethod(string arguments) => VerifyAsync(Source(Square + $@"
        [DerivativeOf({arguments})]
        internal static (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);
        [DerivativeOf({arguments})]
        internal static double SqReverse(double v, double seed, ref double dV) {{ dV += 2 * v * seed; return v * v; }}
        [Differentiable] public static double Use(double x) => Sq(3 * x) + x;"));

        [Fact]
        public async Task GG0014_Negative_MethodOfAnotherTypeWithTypeof()
        {
            var v = await VerifyAsync(Source(@"
        [DerivativeOf(typeof(Activations), nameof(Activations.Softplus))]
        internal static (double Value, double Tangent) SoftplusForward(double x, double dX) => (Activations.Softplus(x), dX / (1 + Math.Exp(-x)));
        [DerivativeOf(typeof(Activations), nameof(Activations.Softplus))]
        internal static double SoftplusReverse(double x, double seed, ref double dX) { dX += seed / (1 + Math.Exp(-x)); return Activations.Softplus(x); }
        [Differentiable] public static double Use(double x) => Activations.Softplus(2 * x);", extraTypes: @"
    public static class Activations
    {
        public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));
    }"));
            Assert.Contains("SoftplusForward(", UseFile(v));
            Assert.Contains("SoftplusReverse(", UseFile(v));
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0015: not a derivative's signature
        // ----------------------------------------------------------------------------------------------------------

        private const string Cube = @"
        public static double Cube(double v) => v * v * v;";

        [Theory]
        [InlineData("double CubeReverse(double v, double seed) => 3 * v * v * seed;", "CubeReverse")]
        [InlineData("double CubeReverse(double v, double seed, double dV) => v;", "CubeReverse")]
        [InlineData("double CubeReverse(double v, double seed, out double dV) { dV = 3 * v * v * seed; return v * v * v; }", "CubeReverse")]
        [InlineData("double CubeReverse(double v, ref double dV, double seed) { dV += seed; return v; }", "CubeReverse")]
        [InlineData("float CubeReverse(double v, double seed, ref double dV) => 0f;", "CubeReverse")]
        [InlineData("double CubeForward(double v, double dV) => 3 * v * v * dV;", "CubeForward")]
        [InlineData("(double Value, double Tangent) CubeForward(double v) => (v, v);", "CubeForward")]
        [InlineData("(float Value, float Tangent) CubeForward(double v, double dV) => (0f, 0f);", "CubeForward")]
        [InlineData("(double Value, double Tangent, double Extra) CubeForward(double v, double dV) => (v, v, v);", "CubeForward")]
        [InlineData("(double Value, double Tangent) CubeForward(float v, float dV) => (v, v);", "CubeForward")]
        [InlineData("(double Value, double Tangent) CubeForward(double v, double dV, double extra) => (v, v);", "CubeForward")]
        [InlineData("double CubeReverseTangent(double v, double seed, ref double dV, double vV, ref double hvV) => v;", "CubeReverseTangent")]
        public async Task GG0015_ScalarTargetWrongSignature(string declaration, string name)
        {
            var v = await VerifyAsync(Source(Cube + $@"
        [{{|GG0015:DerivativeOf(nameof(Cube))|}}]
        internal static {declaration}"));
            v.AssertMessage("GG0015",
                $"'{name}' does not have the signature of a derivative of 'T.Cube'",
                $"'(double Value, double Tangent) {name}(double v, double dV)' (Forward) or 'double {name}(double v, double seed, ref double dV)' (Reverse)");
        }

        [Fact]
        public async Task GG0015_BriefExample_MessageSpellsOutBothSignatures()
        {
            var v = await VerifyAsync(Source(@"
        public static double A(double x) => x * x;
        [{|GG0015:DerivativeOf(nameof(A))|}]
        public static double B(double x) => 2 * x;"));
            Assert.Equal("'B' does not have the signature of a derivative of 'T.A': declare it as '(double Value, double Tangent) B(double x, double dX)' (Forward) or 'double B(double x, double seed, ref double dX)' (Reverse)", v.Single("GG0015").GetMessage());
        }

        [Fact]
        public async Task GG0015_ArrayTangentMustBeReadOnlySpan()
        {
            var v = await VerifyAsync(Source(@"
        public static double Dot(double[] xs, int n, double k) { var s = 0.0; for (var i = 0; i < n; i++) s += xs[i] * k; return s; }
        [{|GG0015:DerivativeOf(nameof(Dot))|}]
        internal static (double Value, double Tangent) DotForward(double[] xs, int n, double k, double[] dXs, double dK) => (0, 0);"));
            v.AssertMessage("GG0015",
                "'(double Value, double Tangent) DotForward(double[] xs, int n, double k, global::System.ReadOnlySpan<double> dXs, double dK)' (Forward)",
                "'double DotForward(double[] xs, int n, double k, double seed, global::System.Span<double> dXs, ref double dK)' (Reverse)");
        }

        [Fact]
        public async Task GG0015_TangentForANoDerivativeParameter()
        {
            var v = await VerifyAsync(Source(@"
        public static double Scaled(double x, [NoDerivative] double k) => k * x;
        [{|GG0015:DerivativeOf(nameof(Scaled))|}]
        internal static (double Value, double Tangent) ScaledForward(double x, double k, double dX, double dK) => (k * x, k * dX);"));
            v.AssertMessage("GG0015", "'(double Value, double Tangent) ScaledForward(double x, double k, double dX)' (Forward)");
        }

        [Fact]
        public async Task GG0015_TangentForAnIntegerParameter()
        {
            var v = await VerifyAsync(Source(@"
        public static double PowN(double x, int n) => Math.Pow(x, n);
        [{|GG0015:DerivativeOf(nameof(PowN))|}]
        internal static (double Value, double Tangent) PowNForward(double x, int n, double dX, int dN) => (0, 0);"));
            v.AssertMessage("GG0015", "'(double Value, double Tangent) PowNForward(double x, int n, double dX)' (Forward)");
        }

        [Fact]
        public async Task GG0015_NoReverseTangentOfAVectorValuedMethod()
        {
            // The ReverseTangent shape, with the tuple seed: vector-valued methods have no Hessian, so no such kind.
            var v = await VerifyAsync(Source(@"
        public static (double, double) Pair(double x) => (x * x, 3 * x);
        [{|GG0015:DerivativeOf(nameof(Pair))|}]
        internal static (double, double) PairReverseTangent(double x, (double, double) seed, ref double dX, double vX, (double, double) vSeed, ref double hvX) => (x, x);"));
            v.AssertMessage("GG0015",
                "'PairReverseTangent' does not have the signature of a derivative of 'T.Pair'",
                "PairReverseTangent(double x, (double, double) seed, ref double dX)' (Reverse)");
        }

        [Theory]
        [InlineData("(double Value, double Tangent) CubeForward(double v, double dV) => (v * v * v, 3 * v * v * dV);")]
        [InlineData("(double, double) CubeForward(double v, double dV) => (v * v * v, 3 * v * v * dV);")]
        [InlineData("(double P, double Q) Whatever(double a, double b) => (a * a * a, 3 * a * a * b);")]
        [InlineData("double CubeReverse(double v, double seed, ref double dV) { dV += 3 * v * v * seed; return v * v * v; }")]
        [InlineData("double CubeReverseTangent(double v, double seed, ref double dV, double vV, double vSeed, ref double hvV) { dV += 3 * v * v * seed; hvV += 6 * v * vV * seed + 3 * v * v * vSeed; return v * v * v; }")]
        public Task GG0015_Negative_ScalarTargetRightSignature(string declaration) => VerifyAsync(Source(Cube + $@"
        [DerivativeOf(nameof(Cube))]
        internal static {declaration}"));

        [Fact]
        public Task GG0015_Negative_ArrayAndPassThroughParameters() => VerifyAsync(Source(@"
        public static double Dot(double[] xs, int n, double k) { var s = 0.0; for (var i = 0; i < n; i++) s += xs[i] * k; return s; }
        [DerivativeOf(nameof(Dot))]
        internal static (double Value, double Tangent) DotForward(double[] xs, int n, double k, ReadOnlySpan<double> dXs, double dK) => (0, 0);
        [DerivativeOf(nameof(Dot))]
        internal static double DotReverse(double[] xs, int n, double k, double seed, Span<double> dXs, ref double dK) => 0;
        public static double Scaled(double x, [NoDerivative] double k) => k * x;
        [DerivativeOf(nameof(Scaled))]
        internal static (double Value, double Tangent) ScaledForward(double x, double k, double dX) => (k * x, k * dX);
        [DerivativeOf(nameof(Scaled))]
        internal static double ScaledReverse(double x, double k, double seed, ref double dX) { dX += k * seed; return k * x; }"));

        [Fact]
        public Task GG0015_Negative_VectorValuedAndFloatTargets() => VerifyAsync(Source(@"
        public static (double A, double B) Pair(double x, double y) => (x * y, x);
        [DerivativeOf(nameof(Pair))]
        internal static ((double, double) Value, (double, double) Tangent) PairForward(double x, double y, double dX, double dY) => ((x * y, x), (dX * y + x * dY, dX));
        [DerivativeOf(nameof(Pair))]
        internal static (double, double) PairReverse(double x, double y, (double, double) seed, ref double dX, ref double dY) { dX += seed.Item1 * y + seed.Item2; dY += seed.Item1 * x; return (x * y, x); }
        public static float Half(float x) => x / 2;
        [DerivativeOf(nameof(Half))]
        internal static (float Value, float Tangent) HalfForward(float x, float dX) => (x / 2, dX / 2);
        public static double[] Twice(double[] xs) { var r = new double[xs.Length]; for (var i = 0; i < xs.Length; i++) r[i] = 2 * xs[i]; return r; }
        [DerivativeOf(nameof(Twice))]
        internal static double[] TwiceReverse(double[] xs, ReadOnlySpan<double> seed, Span<double> dXs) { for (var i = 0; i < xs.Length; i++) dXs[i] += 2 * seed[i]; return Twice(xs); }"));

        [Fact]
        public async Task GG0015_Negative_MatchesTheRightOverload()
        {
            var v = await VerifyAsync(Source(@"
        public static double Sq(double v) => v * v;
        public static float Sq(float v) => v * v;
        [DerivativeOf(nameof(Sq))]
        internal static (float Value, float Tangent) SqForwardF(float v, float dV) => (v * v, 2 * v * dV);
        [DerivativeOf(nameof(Sq))]
        internal static double SqReverseD(double v, double seed, ref double dV) { dV += 2 * v * seed; return v * v; }
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static float UseF(float x) => Sq(x) + x;
        [Differentiable(Kinds = DerivativeKinds.Reverse)] public static double UseD(double x) => Sq(x) + x;"));
            Assert.Contains("SqForwardF(", v.Run.GeneratedSources["Diag.T.UseF.g.cs"]);
            Assert.Contains("SqReverseD(", v.Run.GeneratedSources["Diag.T.UseD.g.cs"]);
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0016: cannot be used
        // ----------------------------------------------------------------------------------------------------------

        [Fact]
        public async Task GG0016_TargetIsDifferentiable()
        {
            var v = await VerifyAsync(Source(@"
        [Differentiable] public static double Sq(double v) => v * v;
        [{|GG0016:DerivativeOf(nameof(Sq))|}]
        internal static (double Value, double Tangent) MySqForward(double v, double dV) => (v * v, 2 * v * dV);"));
            v.AssertMessage("GG0016", "'MySqForward' cannot be used as a derivative of 'T.Sq'", "'Sq' is [Differentiable], so its derivatives are generated");
        }

        [Theory]
        [InlineData("double G<U>(double x) => x;", "G", "it is generic")]
        [InlineData("double G(ref double x) => x;", "G", "it has a ref, out, in or params parameter")]
        [InlineData("double G(in double x) => x;", "G", "it has a ref, out, in or params parameter")]
        [InlineData("double G(double x, out double y) { y = x; return x; }", "G", "it has a ref, out, in or params parameter")]
        [InlineData("double G(double x, params double[] rest) => x;", "G", "it has a ref, out, in or params parameter")]
        [InlineData("int G(double x) => (int)x;", "G", "it returns 'int', not double or float")]
        [InlineData("void G(double x) { }", "G", "it returns 'void', not double or float")]
        [InlineData("decimal G(double x) => 0m;", "G", "it returns 'decimal', not double or float")]
        [InlineData("double G(int n) => n;", "G", "it has no double or float parameter, array of them, or tuple or struct of them, to differentiate with respect to")]
        [InlineData("double G(string s) => s.Length;", "G", "it has no double or float parameter")]
        public async Task GG0016_TargetCannotHaveDerivatives(string target, string name, string reason)
        {
            var v = await VerifyAsync(Source($@"
        public static {target}
        [{{|GG0016:DerivativeOf(nameof({name}))|}}]
        internal static (double Value, double Tangent) GForward(double x, double dX) => (x, dX);"));
            v.AssertMessage("GG0016", "'GForward' cannot be used as a derivative of 'T.G'", reason);
        }

        [Fact]
        public async Task GG0016_TargetInAGenericType()
        {
            var v = await VerifyAsync(Source(@"
        [{|GG0016:DerivativeOf(typeof(Box<double>), nameof(Box<double>.Get))|}]
        internal static (double Value, double Tangent) GetForward(double x, double dX) => (x, dX);", extraTypes: @"
    public static class Box<U>
    {
        public static double Get(double x) => x;
    }"));
            v.AssertMessage("GG0016", "'GetForward' cannot be used as a derivative of 'Box.Get'", "it is generic");
        }

        [Fact]
        public async Task GG0016_StaticTargetInstanceDerivative()
        {
            var v = await VerifyAsync(Source(@"
        public static double Sq(double v) => v * v;
        [{|GG0016:DerivativeOf(nameof(Sq))|}]
        public (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);", typeHeader: "public partial class T"));
            v.AssertMessage("GG0016", "'Sq' is static, so its derivative must be static too");
        }

        [Fact]
        public async Task GG0016_InstanceTargetStaticDerivative()
        {
            var v = await VerifyAsync(Source(@"
        private readonly double k = 2;
        public double Scale(double x) => k * x;
        [{|GG0016:DerivativeOf(nameof(Scale))|}]
        public static (double Value, double Tangent) ScaleForward(double x, double dX) => (x, dX);", typeHeader: "public partial class T"));
            v.AssertMessage("GG0016", "'Scale' is an instance method, so its derivative must be an instance method of 'T' too");
        }

        [Theory]
        [InlineData("public static")]
        [InlineData("public")]
        public async Task GG0016_InstanceTargetDerivativeInAnotherType(string modifiers)
        {
            var v = await VerifyAsync(Source(@"
        private readonly double k = 2;
        public double Scale(double x) => k * x;", extraTypes: @"
    public class Helpers
    {
        [{|GG0016:DerivativeOf(typeof(T), nameof(T.Scale))|}]
        " + modifiers + @" (double Value, double Tangent) ScaleForward(double x, double dX) => (x, dX);
    }", typeHeader: "public partial class T"));
            v.AssertMessage("GG0016", "'Scale' is an instance method, so its derivative must be an instance method of 'T' too");
        }

        [Theory]
        [InlineData("public", "private", "make it internal or more")]
        [InlineData("public", "private protected", "make it internal or more")]
        [InlineData("public", "protected", "make it internal or more")]
        [InlineData("internal", "private", "make it internal or more")]
        [InlineData("protected internal", "protected", "make it internal or more")]
        [InlineData("protected", "private", "make it protected or more")]
        [InlineData("protected", "private protected", "make it protected or more")]
        [InlineData("private protected", "private", "make it private protected or more")]
        public async Task GG0016_SameTypeDerivativeLessAccessibleThanTarget(string targetAccess, string derivativeAccess, string reason)
        {
            var v = await VerifyAsync(Source($@"
        {targetAccess} static double Sq(double v) => v * v;
        [{{|GG0016:DerivativeOf(nameof(Sq))|}}]
        {derivativeAccess} static (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);", typeHeader: "public partial class T"));
            v.AssertMessage("GG0016", "it is less accessible than 'Sq'", reason);
        }

        [Theory]
        [InlineData("public", "public")]
        [InlineData("public", "internal")]
        [InlineData("public", "protected internal")]
        [InlineData("internal", "internal")]
        [InlineData("protected internal", "internal")]
        [InlineData("protected", "protected")]
        [InlineData("protected", "internal")]
        [InlineData("private protected", "private protected")]
        [InlineData("private", "private")]
        public Task GG0016_Negative_SameTypeDerivativeAccessibleEnough(string targetAccess, string derivativeAccess) => VerifyAsync(Source($@"
        {targetAccess} static double Sq(double v) => v * v;
        [DerivativeOf(nameof(Sq))]
        {derivativeAccess} static (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);
        [DerivativeOf(nameof(Sq))]
        {derivativeAccess} static double SqReverse(double v, double seed, ref double dV) {{ dV += 2 * v * seed; return v * v; }}
        [Differentiable] public static double Use(double x) => Sq(x) + x;", typeHeader: "public partial class T"));

        [Theory]
        [InlineData("public static class Helpers", "private static")]
        [InlineData("public class Helpers", "private protected static")]
        [InlineData("public class Helpers", "protected static")]
        [InlineData("public static class Outer { private static class Helpers", "public static", "}")]
        [InlineData("public class Outer { protected static class Helpers", "internal static", "}")]
        [InlineData("public class Outer { private protected static class Helpers", "public static", "}")]
        [InlineData("internal class Outer { private class Mid { public static class Helpers", "public static", "} }")]
        public async Task GG0016_OtherTypeDerivativeNotCallableFromTheWholeAssembly(string typeHeader, string modifiers, string closing = "")
        {
            var v = await VerifyAsync(Source(Square, extraTypes: $@"
    {typeHeader}
    {{
        [{{|GG0016:DerivativeOf(typeof(T), nameof(T.Sq))|}}]
        {modifiers} (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);
    }}{closing}"));
            v.AssertMessage("GG0016",
                "'SqForward' cannot be used as a derivative of 'T.Sq'",
                "it cannot be called from everywhere in the assembly; make it and its type internal or public");
        }

        [Theory]
        [InlineData("public static class Helpers", "public static")]
        [InlineData("internal static class Helpers", "public static")]
        [InlineData("public static class Helpers", "internal static")]
        [InlineData("public class Helpers", "protected internal static")]
        [InlineData("public static class Outer { internal static class Helpers", "public static", "}")]
        [InlineData("public class Outer { protected internal static class Helpers", "internal static", "}")]
        [InlineData("public readonly struct Helpers", "internal static")]
        public async Task GG0016_Negative_OtherTypeDerivativeCallableFromTheWholeAssembly(string typeHeader, string modifiers, string closing = "")
        {
            var v = await VerifyAsync(Source(Square + @"
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Use(double x) => Sq(x) + x;", extraTypes: $@"
    {typeHeader}
    {{
        [DerivativeOf(typeof(T), nameof(T.Sq))]
        {modifiers} (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);
    }}{closing}"));
            Assert.Contains(".Helpers.SqForward(", UseFile(v));
        }

        [Fact]
        public async Task GG0016_GenericDerivativeMethod()
        {
            var v = await VerifyAsync(Source(Square + @"
        [{|GG0016:DerivativeOf(nameof(Sq))|}]
        internal static (double Value, double Tangent) SqForward<U>(double v, double dV) => (v * v, 2 * v * dV);"));
            v.AssertMessage("GG0016",
                "'SqForward' cannot be used as a derivative of 'T.Sq'",
                "it is generic, or in a generic type; write it for double or float in a non-generic type");
        }

        [Fact]
        public async Task GG0016_DerivativeInAGenericType()
        {
            var v = await VerifyAsync(Source(Square, extraTypes: @"
    internal static class Helpers<U>
    {
        [{|GG0016:DerivativeOf(typeof(T), nameof(T.Sq))|}]
        internal static (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);
    }"));
            v.AssertMessage("GG0016", "it is generic, or in a generic type");
        }

        [Fact]
        public async Task GG0016_SecondDerivativeOfTheSameKind_ReportedOnTheOneThatSortsLater()
        {
            // Keys M:Diag.T.SqForwardA(...) < M:Diag.T.SqForwardB(...): A is used, whatever the order in the source.
            var v = await VerifyAsync(Source(Square + @"
        [{|GG0016:DerivativeOf(nameof(Sq))|}]
        internal static (double Value, double Tangent) SqForwardB(double v, double dV) => (v * v, 2 * v * dV);
        [DerivativeOf(nameof(Sq))]
        internal static (double Value, double Tangent) SqForwardA(double v, double dV) => (v * v, 2 * v * dV);
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Use(double x) => Sq(x) + x;"));
            v.AssertMessage("GG0016", "'SqForwardB' cannot be used as a derivative of 'T.Sq'", "'SqForwardA' already is its Forward derivative; remove one of them");
            // The generator uses the same one.
            Assert.Contains("SqForwardA(", UseFile(v));
            Assert.DoesNotContain("SqForwardB(", UseFile(v));
        }

        [Fact]
        public async Task GG0016_SecondReverseInAnotherType_ReportedOnTheOneThatSortsLater()
        {
            // M:Diag.Helpers.SqGrad(...) sorts before M:Diag.T.SqReverse(...): the one in T is the second.
            var v = await VerifyAsync(Source(Square + @"
        [{|GG0016:DerivativeOf(nameof(Sq))|}]
        internal static double SqReverse(double v, double seed, ref double dV) { dV += 2 * v * seed; return v * v; }
        [Differentiable(Kinds = DerivativeKinds.Reverse)] public static double Use(double x) => Sq(x) + x;", extraTypes: @"
    internal static class Helpers
    {
        [DerivativeOf(typeof(T), nameof(T.Sq))]
        internal static double SqGrad(double v, double seed, ref double dV) { dV += 2 * v * seed; return v * v; }
    }"));
            v.AssertMessage("GG0016", "'SqReverse' cannot be used as a derivative of 'T.Sq'", "'SqGrad' already is its Reverse derivative; remove one of them");
            Assert.Contains("Helpers.SqGrad(", UseFile(v));
        }

        [Fact]
        public Task GG0016_Negative_OneDerivativeOfEachKind() => VerifyAsync(Source(Cube + @"
        [DerivativeOf(nameof(Cube))]
        internal static (double Value, double Tangent) CubeForward(double v, double dV) => (v * v * v, 3 * v * v * dV);
        [DerivativeOf(nameof(Cube))]
        internal static double CubeReverse(double v, double seed, ref double dV) { dV += 3 * v * v * seed; return v * v * v; }
        [DerivativeOf(nameof(Cube))]
        internal static double CubeReverseTangent(double v, double seed, ref double dV, double vV, double vSeed, ref double hvV) { dV += 3 * v * v * seed; hvV += 6 * v * vV * seed + 3 * v * v * vSeed; return v * v * v; }
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Use(double x, double y) => Cube(x * y) + y;"));

        [Fact]
        public Task GG0016_Negative_InstanceTargetInstanceDerivative() => VerifyAsync(Source(@"
        private readonly double k = 2;
        public double Scale(double x) => k * x;
        [DerivativeOf(nameof(Scale))]
        internal (double Value, double Tangent) ScaleForward(double x, double dX) => (k * x, k * dX);
        [DerivativeOf(nameof(Scale))]
        public double ScaleReverse(double x, double seed, ref double dX) { dX += k * seed; return k * x; }
        [Differentiable] public double Use(double x) => Scale(x * x);", typeHeader: "public partial class T"));

        [Fact]
        public Task GG0016_InvalidDerivativeIsNotUsed_CallReportsGG0003() => VerifyAsync(Source(Square + @"
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Use(double x) => {|GG0003:Sq(x)|} + x;", extraTypes: @"
    public static class Helpers
    {
        [{|GG0016:DerivativeOf(typeof(T), nameof(T.Sq))|}]
        private static (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);
    }"));

        // ----------------------------------------------------------------------------------------------------------
        // GG0003: a derivative flows into a method with none
        // ----------------------------------------------------------------------------------------------------------

        private const string PrivateSquare = @"
        private static double Sq(double v) => v * v;";

        private const string SqForwardStub = "[global::GradGen.DerivativeOf(nameof(Sq))]\nprivate static (double Value, double Tangent) SqForward(double v, double dV)" + NotImplemented;
        private const string SqReverseStub = "[global::GradGen.DerivativeOf(nameof(Sq))]\nprivate static double SqReverse(double v, double seed, ref double dV)" + NotImplemented;
        private const string SqReverseTangentStub = "[global::GradGen.DerivativeOf(nameof(Sq))]\nprivate static double SqReverseTangent(double v, double seed, ref double dV, double vV, double vSeed, ref double hvV)" + NotImplemented;

        [Theory]
        [InlineData("[Differentiable]", SqForwardStub + "\n" + SqReverseStub)]
        [InlineData("[Differentiable(Kinds = DerivativeKinds.Forward)]", SqForwardStub)]
        [InlineData("[Differentiable(Kinds = DerivativeKinds.Reverse)]", SqReverseStub)]
        [InlineData("[Differentiable(Kinds = DerivativeKinds.Jacobian)]", SqForwardStub + "\n" + SqReverseStub)]
        [InlineData("[Differentiable(Kinds = DerivativeKinds.Hessian)]", SqForwardStub + "\n" + SqReverseStub + "\n" + SqReverseTangentStub)]
        public async Task GG0003_CalleeWithoutDerivatives_StubsForTheKindsTheCallerNeeds(string attribute, string stubs)
        {
            var v = await VerifyAsync(Source(PrivateSquare + $@"
        {attribute} public static double Bad(double x, double y) => {{|GG0003:Sq(x * y)|}} + y;"));
            var d = v.AssertMessage("GG0003", "A derivative flows into 'T.Sq', which has none", "[DerivativeOf]");
            Assert.Equal(stubs, Stubs(d));
        }

        [Fact]
        public async Task GG0003_InstanceCallee_StubsAreInstanceMethods()
        {
            var v = await VerifyAsync(Source(@"
        private readonly double k = 2;
        public double Scale(double x) => k * x;
        [Differentiable] public double Bad(double x) => {|GG0003:Scale(x)|} * x;", typeHeader: "public partial class T"));
            Assert.Equal(
                "[global::GradGen.DerivativeOf(nameof(Scale))]\npublic (double Value, double Tangent) ScaleForward(double x, double dX)" + NotImplemented
                + "\n[global::GradGen.DerivativeOf(nameof(Scale))]\npublic double ScaleReverse(double x, double seed, ref double dX)" + NotImplemented,
                Stubs(v.AssertMessage("GG0003", "'T.Scale'")));
        }

        [Fact]
        public async Task GG0003_VectorValuedCalleeInAHessian_NoReverseTangentStub()
        {
            var v = await VerifyAsync(Source(@"
        internal static (double, double) Pair(double a) => (a * a, 3 * a);
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Bad(double x) => {|GG0003:Pair(x)|}.Item1 * x;"));
            Assert.Equal(
                "[global::GradGen.DerivativeOf(nameof(Pair))]\ninternal static ((double, double) Value, (double, double) Tangent) PairForward(double a, double dA)" + NotImplemented
                + "\n[global::GradGen.DerivativeOf(nameof(Pair))]\ninternal static (double, double) PairReverse(double a, (double, double) seed, ref double dA)" + NotImplemented,
                Stubs(v.AssertMessage("GG0003", "'T.Pair'")));
        }

        [Fact]
        public async Task GG0003_ArrayCallee_StubsUseSpans()
        {
            var v = await VerifyAsync(Source(@"
        internal static double Total(double[] xs) { var s = 0.0; foreach (var v in xs) s += v; return s; }
        [Differentiable(Kinds = DerivativeKinds.Reverse)] public static double Bad(double[] xs) => {|GG0003:Total(xs)|} * 2;"));
            Assert.Equal(
                "[global::GradGen.DerivativeOf(nameof(Total))]\ninternal static double TotalReverse(double[] xs, double seed, global::System.Span<double> dXs)" + NotImplemented,
                Stubs(v.AssertMessage("GG0003", "'T.Total'")));
        }

        [Theory]
        [InlineData("static string Text(double v) => v.ToString();", "{|GG0003:Text(x)|}.Length * x", "'T.Text'")]
        [InlineData("static double Id<U>(double v) => v;", "{|GG0003:Id<int>(x)|} * x", "'T.Id'")]
        [InlineData("static decimal Money(double v) => (decimal)v;", "(double){|GG0003:Money(x)|}", "'T.Money'")]
        public async Task GG0003_CalleeThatCannotHaveDerivatives_NoStubs(string callee, string use, string name)
        {
            var v = await VerifyAsync(Source($@"
        {callee}
        [Differentiable] public static double Bad(double x) => {use};"));
            var d = v.AssertMessage("GG0003", name);
            Assert.False(d.Properties.TryGetValue(StubsProperty, out var stubs) && !string.IsNullOrEmpty(stubs),
                $"{name} cannot have [DerivativeOf] derivatives, yet GG0003 offers stubs:\n{stubs}");
        }

        [Theory]
        [InlineData("Sq(2.0) * x")]
        [InlineData("Sq(n) * x")]
        [InlineData("Sq(k) * x")]
        [InlineData("x * Sq(y)")]
        public Task GG0003_Negative_NoDerivativeFlowsIntoTheCall(string body) => VerifyAsync(Source(PrivateSquare + $@"
        [Differentiable] public static double Use(double x, [NoDerivative] double y, int n) {{ const double k = 3; return {body}; }}"));

        [Fact]
        public Task GG0003_Negative_CallAsAStatement() => VerifyAsync(Source(@"
        private static double Log(double v) { Console.WriteLine(v); return v; }
        [Differentiable] public static double Use(double x) { Log(x); return x * x; }"));

        // ----------------------------------------------------------------------------------------------------------
        // GG0017: the call needs a user-written derivative of a kind that is missing
        // ----------------------------------------------------------------------------------------------------------

        private const string Softplus = @"
        public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));
        private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));";

        private const string SoftplusForward = @"
        [DerivativeOf(nameof(Softplus))]
        public static (double Value, double Tangent) SoftplusForward(double x, double dX) => (Softplus(x), Sigmoid(x) * dX);";

        private const string SoftplusReverse = @"
        [DerivativeOf(nameof(Softplus))]
        public static double SoftplusReverse(double x, double seed, ref double dX) { dX += seed * Sigmoid(x); return Softplus(x); }";

        private const string SoftplusReverseTangent = @"
        [DerivativeOf(nameof(Softplus))]
        public static double SoftplusReverseTangent(double x, double seed, ref double dX, double vX, double vSeed, ref double hvX)
        {
            var s = Sigmoid(x);
            dX += seed * s;
            hvX += vSeed * s + seed * s * (1 - s) * vX;
            return Softplus(x);
        }";

        private const string SoftplusForwardSignature = "(double Value, double Tangent) SoftplusForward(double x, double dX)";
        private const string SoftplusReverseSignature = "double SoftplusReverse(double x, double seed, ref double dX)";
        private const string SoftplusReverseTangentSignature = "double SoftplusReverseTangent(double x, double seed, ref double dX, double vX, double vSeed, ref double hvX)";

        private static string SoftplusStub(string signature) =>
            "[global::GradGen.DerivativeOf(nameof(Softplus))]\npublic static " + signature + NotImplemented;

        [Theory]
        [InlineData(SoftplusReverse, "[Differentiable]", "Forward", SoftplusForwardSignature)]
        [InlineData(SoftplusReverse, "[Differentiable(Kinds = DerivativeKinds.Forward)]", "Forward", SoftplusForwardSignature)]
        [InlineData(SoftplusForward, "[Differentiable]", "Reverse", SoftplusReverseSignature)]
        [InlineData(SoftplusForward, "[Differentiable(Kinds = DerivativeKinds.Reverse)]", "Reverse", SoftplusReverseSignature)]
        [InlineData(SoftplusForward, "[Differentiable(Kinds = DerivativeKinds.Jacobian)]", "Reverse", SoftplusReverseSignature)]
        [InlineData(SoftplusForward + SoftplusReverse, "[Differentiable(Kinds = DerivativeKinds.Hessian)]", "ReverseTangent", SoftplusReverseTangentSignature)]
        [InlineData(SoftplusForward + SoftplusReverseTangent, "[Differentiable(Kinds = DerivativeKinds.Hessian)]", "Reverse", SoftplusReverseSignature)]
        public async Task GG0017_CalleeLacksTheKindTheCallerNeeds(string derivatives, string attribute, string kind, string signature)
        {
            var v = await VerifyAsync(Source(Softplus + derivatives + $@"
        {attribute} public static double Bad(double x) => {{|GG0017:Softplus(2 * x)|}} * x;
        {attribute} public static double Outer(double x) => {{|GG0013:Bad(x)|}} + 1;"));
            var d = v.AssertMessage("GG0017",
                $"'T.Softplus' has [DerivativeOf] derivatives but no {kind} one, which this call needs: add a [DerivativeOf] method '{signature}'");
            Assert.Equal(SoftplusStub(signature), Stubs(d));
        }

        [Fact]
        public async Task GG0017_SeveralKindsMissing_MessageNamesTheFirst_StubsHaveAll()
        {
            var v = await VerifyAsync(Source(Softplus + SoftplusReverse + @"
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Bad(double x) => {|GG0017:Softplus(2 * x)|} * x;"));
            var d = v.AssertMessage("GG0017", $"no Forward one, which this call needs: add a [DerivativeOf] method '{SoftplusForwardSignature}'");
            Assert.Equal(SoftplusStub(SoftplusForwardSignature) + "\n" + SoftplusStub(SoftplusReverseTangentSignature), Stubs(d));
        }

        [Fact]
        public Task GG0017_ReportedOnEachCallThatNeedsIt() => VerifyAsync(Source(Softplus + SoftplusReverse + @"
        [Differentiable] public static double Bad(double a, double b) => {|GG0017:Softplus(a)|} + Softplus(2.0) * {|GG0017:Softplus(b)|};"));

        [Theory]
        [InlineData(SoftplusForward, "[Differentiable(Kinds = DerivativeKinds.Forward)]")]
        [InlineData(SoftplusReverse, "[Differentiable(Kinds = DerivativeKinds.Reverse)]")]
        [InlineData(SoftplusForward + SoftplusReverse, "[Differentiable]")]
        [InlineData(SoftplusForward + SoftplusReverse, "[Differentiable(Kinds = DerivativeKinds.Jacobian)]")]
        [InlineData(SoftplusForward + SoftplusReverse + SoftplusReverseTangent, "[Differentiable(Kinds = DerivativeKinds.Hessian)]")]
        [InlineData(SoftplusForward + SoftplusReverse + SoftplusReverseTangent, "[Differentiable(Kinds = DerivativeKinds.Hessian | DerivativeKinds.Jacobian)]")]
        public Task GG0017_Negative_CalleeHasEveryKindTheCallerNeeds(string derivatives, string attribute) => VerifyAsync(Source(Softplus + derivatives + $@"
        {attribute} public static double Use(double x) => Softplus(2 * x) * x;
        {attribute} public static double Outer(double x) => Use(x) + 1;"));

        [Fact]
        public Task GG0017_Negative_NoDerivativeFlowsIntoTheCall() => VerifyAsync(Source(Softplus + SoftplusReverse + @"
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Use(double x, int n) => Softplus(n + 0.5) * x * x;"));

        // ----------------------------------------------------------------------------------------------------------
        // GG0005: a Hessian through a vector-valued callee
        // ----------------------------------------------------------------------------------------------------------

        [Fact]
        public async Task GG0005_HessianThroughAVectorValuedCustomCallee()
        {
            var v = await VerifyAsync(Source(@"
        public static (double, double) Pair(double x) => (x * x, 3 * x);
        [DerivativeOf(nameof(Pair))]
        internal static ((double, double) Value, (double, double) Tangent) PairForward(double x, double dX) => ((x * x, 3 * x), (2 * x * dX, 3 * dX));
        [DerivativeOf(nameof(Pair))]
        internal static (double, double) PairReverse(double x, (double, double) seed, ref double dX) { dX += 2 * x * seed.Item1 + 3 * seed.Item2; return (x * x, 3 * x); }
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Bad(double x) => {|GG0005:Pair(x)|}.Item1 * x;
        [Differentiable] public static double Fine2(double x) => Pair(x).Item1 * x;"));
            v.AssertMessage("GG0005", "a Hessian through the vector-valued 'T.Pair'");
            Assert.Single(FilesOf(v.Run, "T", "Fine2"));
        }

        [Fact]
        public async Task GG0005_HessianThroughAVectorValuedDifferentiableCallee()
        {
            var v = await VerifyAsync(Source(@"
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)] public static (double, double) Pair(double x) => (x * x, 3 * x);
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Bad(double x) => {|GG0005:Pair(x)|}.Item1 * x;"));
            v.AssertMessage("GG0005", "a Hessian through the vector-valued 'T.Pair'");
        }

        // ----------------------------------------------------------------------------------------------------------
        // How derivatives are found: overloads, extension methods, attribute spellings, local functions
        // ----------------------------------------------------------------------------------------------------------

        [Fact]
        public async Task GG0003_OnlyAnotherOverloadHasDerivatives()
        {
            // The derivative is of Sq(float); the call is of Sq(double), which has none: GG0003, not GG0017.
            var v = await VerifyAsync(Source(@"
        private static double Sq(double v) => v * v;
        private static float Sq(float v) => v * v;
        [DerivativeOf(nameof(Sq))]
        private static (float Value, float Tangent) SqForward(float v, float dV) => (v * v, 2 * v * dV);
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Bad(double x) => {|GG0003:Sq(x)|} * x;
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static float Use(float x) => Sq(x) * x;"));
            Assert.Equal(SqForwardStub, Stubs(v.AssertMessage("GG0003", "'T.Sq'")));
            Assert.Single(FilesOf(v.Run, "T", "Use"));
        }

        [Fact]
        public async Task GG0016_Negative_ExtensionMethodTargetCalledAsExtension()
        {
            var v = await VerifyAsync(Source(@"
        [Differentiable] public static double Use(double x) => x.Softplus() * x;", extraTypes: @"
    public static class Ext
    {
        public static double Softplus(this double x) => Math.Log(1 + Math.Exp(x));
        [DerivativeOf(nameof(Softplus))]
        public static (double Value, double Tangent) SoftplusForward(double x, double dX) => (x.Softplus(), dX / (1 + Math.Exp(-x)));
        [DerivativeOf(nameof(Softplus))]
        public static double SoftplusReverse(double x, double seed, ref double dX) { dX += seed / (1 + Math.Exp(-x)); return x.Softplus(); }
    }"));
            Assert.Contains("SoftplusForward(", UseFile(v));
        }

        [Theory]
        [InlineData("DerivativeOf", "")]
        [InlineData("DerivativeOfAttribute", "")]
        [InlineData("GradGen.DerivativeOf", "")]
        [InlineData("global::GradGen.DerivativeOfAttribute", "")]
        [InlineData("DOf", "using DOf = GradGen.DerivativeOfAttribute;\n")]
        public async Task GG0016_Negative_AttributeSpellings(string attribute, string usingAlias)
        {
            var v = await VerifyAsync(usingAlias + Source(Square + $@"
        [{attribute}(nameof(Sq))]
        internal static (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Use(double x) => Sq(x) + x;"));
            Assert.Contains("SqForward(", UseFile(v));
        }

        /// <summary>A [DerivativeOf] local function is never used: GG0016 on its attribute, and the call has no derivative.</summary>
        [Fact]
        public Task GG0016_LocalFunctionCannotBeADerivative() => VerifyAsync(Source(PrivateSquare + @"
        public static double Host(double x)
        {
            [{|GG0016:DerivativeOf(nameof(Sq))|}]
            static (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);
            return SqForward(x, 1).Tangent;
        }
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Use(double x) => {|GG0003:Sq(x)|} * x;"));

        [Fact]
        public async Task GG0015_Negative_PartialMethodDerivative()
        {
            var v = await VerifyAsync(Source(Square + @"
        [DerivativeOf(nameof(Sq))]
        internal static partial (double Value, double Tangent) SqForward(double v, double dV);
        internal static partial (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Use(double x) => Sq(x) * x;"));
            Assert.Contains("SqForward(", UseFile(v));
        }

        [Fact]
        public async Task GG0015_PartialMethodDerivative_ReportedOnce()
        {
            var v = await VerifyAsync(Source(Square + @"
        [{|GG0015:DerivativeOf(nameof(Sq))|}]
        internal static partial double SqForward(double v, double dV);
        internal static partial double SqForward(double v, double dV) => 2 * v * dV;"));
            v.AssertMessage("GG0015", "'SqForward' does not have the signature of a derivative of 'T.Sq'");
        }

        /// <summary>Generated code cannot call an explicit interface implementation by name.</summary>
        [Fact]
        public Task GG0016_ExplicitInterfaceImplementationIsNoCallableDerivative() => VerifyAsync(Source(@"
        private readonly double k = 2;
        private double Scale(double x) => k * x;
        [{|GG0016:DerivativeOf(nameof(Scale))|}]
        (double Value, double Tangent) IFoo.ScaleForward(double x, double dX) => (k * x, k * dX);
        [Differentiable(Kinds = DerivativeKinds.Forward)] public double Use(double x) => {|GG0003:Scale(x * x)|};", extraTypes: @"
    public interface IFoo
    {
        (double Value, double Tangent) ScaleForward(double x, double dX);
    }", typeHeader: "public partial class T : IFoo"));

        /// <summary>An accessor cannot be called by name for a derivative: GG0016 on its attribute, as for a local function.</summary>
        [Fact]
        public Task GG0016_DerivativeOfOnAnAccessor() => VerifyAsync(Source(@"
        private readonly double k = 2;
        public double Scale(double x) => k * x;
        public (double Value, double Tangent) this[double v, double dV] { [{|GG0016:DerivativeOf(nameof(Scale))|}] get => (k * v, k * dV); }
        [Differentiable(Kinds = DerivativeKinds.Forward)] public double Use(double x) => {|GG0003:Scale(x * x)|};", typeHeader: "public partial class T"));

        // ----------------------------------------------------------------------------------------------------------
        // Generator: what is blocked, and what adding the derivative unblocks
        // ----------------------------------------------------------------------------------------------------------

        /// <summary>Loss calls Softplus, Outer calls Loss; Unrelated calls neither.</summary>
        private static string Chain(string softplusCall, string lossCall) => $@"
        [Differentiable] public static double Loss(double x) => {softplusCall};
        [Differentiable] public static double Outer(double x) => {lossCall} * x;
        [Differentiable] public static double Unrelated(double x) => x * x;";

        [Fact]
        public async Task Generator_MissingDerivativeBlocksTheMethodAndItsCallers_AddingItUnblocksThem()
        {
            // The analyzer says why: GG0017 at the call; GG0013 at Outer's call of Loss.
            var missing = await VerifyAsync(Source(Softplus + SoftplusReverse + Chain("{|GG0017:Softplus(2 * x)|}", "{|GG0013:Loss(x)|}")));
            Assert.Empty(FilesOf(missing.Run, "T", "Loss"));
            Assert.Empty(FilesOf(missing.Run, "T", "Outer"));
            Assert.Single(FilesOf(missing.Run, "T", "Unrelated"));

            var complete = await VerifyAsync(Source(Softplus + SoftplusForward + SoftplusReverse + Chain("Softplus(2 * x)", "Loss(x)")));
            var loss = complete.Run.GeneratedSources["Diag.T.Loss.g.cs"];
            Assert.Contains("SoftplusForward(", loss);
            Assert.Contains("SoftplusReverse(", loss);

            // d/dx Softplus(2x) = 2 sigmoid(2x).
            var (result, _) = Reflect.Invoke(complete.Assembly.GetType("Diag.T")!, "LossForward", 0.3, 1.0);
            var (value, tangent) = Reflect.ReadPair(result);
            Assert.Equal(Math.Log(1 + Math.Exp(0.6)), value, 12);
            Assert.Equal(2 / (1 + Math.Exp(-0.6)), tangent, 12);
        }

        [Fact]
        public async Task Generator_MissingReverseTangentBlocksOnlyTheHessianCaller()
        {
            var v = await VerifyAsync(Source(Softplus + SoftplusForward + SoftplusReverse + @"
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Curved(double x) => {|GG0017:Softplus(x)|} * x;
        [Differentiable] public static double Flat(double x) => Softplus(x) * x;
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double CallsCurved(double x) => {|GG0013:Curved(x)|} + x;"));
            v.AssertMessage("GG0017", "ReverseTangent");
            Assert.Empty(FilesOf(v.Run, "T", "Curved"));
            Assert.Empty(FilesOf(v.Run, "T", "CallsCurved"));
            Assert.Single(FilesOf(v.Run, "T", "Flat"));
        }

        [Fact]
        public async Task Generator_DerivativesInAnotherFile()
        {
            var v = await VerifyAsync(Source(Softplus + @"
        [Differentiable] public static double Use(double x) => Softplus(x) * x;"), moreFiles: new[] { @"using System;
using GradGen;

namespace Diag
{
    internal static class SoftplusDerivatives
    {
        [DerivativeOf(typeof(T), nameof(T.Softplus))]
        internal static (double Value, double Tangent) Forward(double x, double dX) => (T.Softplus(x), dX / (1 + Math.Exp(-x)));
        [DerivativeOf(typeof(T), nameof(T.Softplus))]
        internal static double Reverse(double x, double seed, ref double dX) { dX += seed / (1 + Math.Exp(-x)); return T.Softplus(x); }
    }
}
" });
            Assert.Contains("SoftplusDerivatives.Forward(", UseFile(v));
            Assert.Contains("SoftplusDerivatives.Reverse(", UseFile(v));
        }

        [Fact]
        public async Task Generator_DerivativeOfAMathMethodGradGenDoesNotKnow()
        {
            // Math.BitIncrement is no intrinsic: without a derivative it is GG0003, with one it is used.
            const string use = @"
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Use(double x) => {0} * x;";
            var without = await VerifyAsync(Source(string.Format(use, "{|GG0003:Math.BitIncrement(x)|}")));
            without.AssertMessage("GG0003", "'Math.BitIncrement'");
            Assert.Empty(FilesOf(without.Run, "T", "Use"));

            var with = await VerifyAsync(Source(string.Format(use, "Math.BitIncrement(x)"), extraTypes: @"
    internal static class MathDerivatives
    {
        [DerivativeOf(typeof(Math), nameof(Math.BitIncrement))]
        internal static (double Value, double Tangent) BitIncrementForward(double x, double dX) => (Math.BitIncrement(x), dX);
    }"));
            Assert.Contains("MathDerivatives.BitIncrementForward(", UseFile(with));
        }
    }
}
