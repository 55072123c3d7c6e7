using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using GradGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;
using static GradGen.Tests.Infrastructure.DiagnosticSource;

namespace GradGen.Tests.CustomDerivatives
{
    /// <summary>
    /// Diagnostics of user-written derivatives ([DerivativeOf]): GG0014 (names no method), GG0015 (not a derivative's
    /// signature), GG0016 (cannot be used), GG0017 (the call needs a kind that is missing), GG0003 with the stubs the
    /// code fix adds, and GG0005 for a Hessian through a vector-valued callee. Each positive test has near-identical
    /// negative tests. For every source the generator runs too: the output compilation has no error at all, a valid
    /// method next to the bad code (<c>Diag.Fine.Good</c>) is generated, and a method blocked by a missing derivative
    /// gets no file.
    /// </summary>
    public sealed class CustomDerivativeDiagnosticTests
    {
        /// <summary>Descriptors.StubsProperty (the generator's Descriptors are internal).</summary>
        private const string StubsProperty = "DerivativeOfStubs";

        private const string NotImplemented = " => throw new global::System.NotImplementedException();";

        // ----------------------------------------------------------------------------------------------------------
        // Source building and checks
        // ----------------------------------------------------------------------------------------------------------

        private static bool IsGeneratedFile(GeneratorRun run, Diagnostic d) =>
            d.Location.SourceTree?.FilePath is { } path && run.GeneratedSources.ContainsKey(System.IO.Path.GetFileName(path));

        private static bool IsGenerated(GeneratorRun run, string type, string method) => FilesOf(run, type, method).Count > 0;

        /// <summary>Start of the <paramref name="occurrence"/>-th (0-based) <paramref name="text"/> in the source.</summary>
        private static int IndexOf(string source, string text, int occurrence)
        {
            var index = -1;
            for (var i = 0; i <= occurrence; i++)
            {
                index = source.IndexOf(text, index + 1, StringComparison.Ordinal);
                Assert.True(index >= 0, $"TEST BUG: '{text}' does not occur {occurrence + 1} time(s) in the source.");
            }

            return index;
        }

        /// <summary>The diagnostic is exactly on the <paramref name="occurrence"/>-th <paramref name="text"/> of <paramref name="source"/>.</summary>
        private static void AssertAt(Diagnostic d, string source, string text, int occurrence = 0)
        {
            Assert.Equal(text, SpanText(d));
            Assert.Equal(IndexOf(source, text, occurrence), d.Location.SourceSpan.Start);
        }

        /// <summary>Runs the generator: no error in the output compilation, Diag.Fine.Good generated.</summary>
        private static GeneratorRun RunGenerator(string source, IEnumerable<Diagnostic> analyzer)
        {
            var run = GeneratorHarness.Run(source);
            var errors = run.CompilationErrors.ToList();
            Assert.True(errors.Count == 0, "The output compilation has errors:\n" + string.Join("\n", errors.Select(e => "  " + e)) + "\n\n" + Context(source, analyzer, run));
            Assert.True(IsGenerated(run, "Fine", "Good"), "Diag.Fine.Good (valid) was not generated.\n" + Context(source, analyzer, run));
            return run;
        }

        /// <summary>
        /// The analyzer reports <paramref name="id"/> once, as an error, exactly on <paramref name="at"/> (its
        /// <paramref name="occurrence"/>-th occurrence), with a message containing each of <paramref name="message"/>;
        /// no other GG diagnostic but <paramref name="allowAlso"/>. The generator's output compiles, and none of
        /// <paramref name="notGenerated"/> (methods of Diag.T) has a file.
        /// </summary>
        private static (Diagnostic Diagnostic, GeneratorRun Run) AssertReported(string source, string id, string at, string[] message,
            int occurrence = 0, string[]? allowAlso = null, string[]? notGenerated = null)
        {
            AssertSourceCompiles(source);
            var analyzer = GeneratorHarness.Analyze(source);
            var gradGen = analyzer.Where(IsGradGen).ToList();
            var matches = gradGen.Where(d => d.Id == id).ToList();
            Assert.True(matches.Count == 1, $"Expected exactly one {id}; the analyzer reported:\n" + Context(source, analyzer, null));
            Assert.True(gradGen.All(d => d.Id == id || (allowAlso ?? Array.Empty<string>()).Contains(d.Id)),
                $"Expected only {id}; the analyzer reported:\n" + Context(source, analyzer, null));
            var match = matches[0];
            Assert.Equal(DiagnosticSeverity.Error, match.Severity);
            AssertAt(match, source, at, occurrence);
            foreach (var text in message)
            {
                Assert.True(match.GetMessage().Contains(text, StringComparison.Ordinal), $"The {id} message should contain '{text}': {match.GetMessage()}");
            }

            var run = RunGenerator(source, analyzer);
            foreach (var method in notGenerated ?? Array.Empty<string>())
            {
                Assert.False(IsGenerated(run, "T", method), $"Diag.T.{method} is blocked by {id} but was generated.\n" + Context(source, analyzer, run));
            }

            return (match, run);
        }

        /// <summary>No GG diagnostic at all; every method of Diag.T in <paramref name="generated"/> has a file; the output compiles and loads.</summary>
        private static (GeneratorRun Run, Assembly Assembly) AssertClean(string source, params string[] generated)
        {
            AssertSourceCompiles(source);
            var analyzer = GeneratorHarness.Analyze(source);
            var gradGen = analyzer.Where(IsGradGen).ToList();
            Assert.True(gradGen.Count == 0, "Valid source: expected no GG diagnostic, got:\n" + Context(source, analyzer, null));
            var run = RunGenerator(source, analyzer);
            foreach (var method in generated)
            {
                Assert.True(IsGenerated(run, "T", method), $"Diag.T.{method} is valid but was not generated.\n" + Context(source, analyzer, run));
            }

            return (run, run.Load());
        }

        private static string Stubs(Diagnostic d)
        {
            Assert.True(d.Properties.TryGetValue(StubsProperty, out var stubs) && stubs is not null,
                $"{d.Id} has no '{StubsProperty}' property: {d.GetMessage()}");
            return stubs!;
        }

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
        public void GG0014_NamedTypeHasNoSuchMethod(string arguments, string message)
        {
            var source = Source(Square + $@"
        [DerivativeOf({arguments})]
        internal static (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);");
            AssertReported(source, "GG0014", $"DerivativeOf({arguments})", new[] { message, "nameof", "typeof" });
        }

        [Fact]
        public void GG0014_MethodOfAnotherTypeNamedWithoutTypeof()
        {
            var source = Source(@"
        [DerivativeOf(""Softplus"")]
        internal static (double Value, double Tangent) SoftplusForward(double x, double dX) => (Activations.Softplus(x), dX / (1 + Math.Exp(-x)));", extraTypes: @"
    public static class Activations
    {
        public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));
    }");
            AssertReported(source, "GG0014", "DerivativeOf(\"Softplus\")", new[] { "'Diag.T' has no method 'Softplus'" });
        }

        [Fact]
        public void GG0014_NameOfAPropertyIsNoMethod()
        {
            var source = Source(@"
        public static double Scale => 2.0;
        [DerivativeOf(nameof(Scale))]
        internal static (double Value, double Tangent) ScaleForward(double x, double dX) => (x, dX);");
            AssertReported(source, "GG0014", "DerivativeOf(nameof(Scale))", new[] { "'Diag.T' has no method 'Scale'" });
        }

        [Fact]
        public void GG0014_OnlyTheBadAttributeOfTwoIsReported()
        {
            // AllowMultiple: one good attribute and one that names nothing on the same method.
            var source = Source(Square + @"
        public static double Sq2(double v) => v * v;
        [DerivativeOf(nameof(Sq))]
        [DerivativeOf(""Sq3"")]
        internal static (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);");
            AssertReported(source, "GG0014", "DerivativeOf(\"Sq3\")", new[] { "'Diag.T' has no method 'Sq3'" });
        }

        [Theory]
        [InlineData("nameof(Sq)")]
        [InlineData("\"Sq\"")]
        [InlineData("typeof(T), nameof(T.Sq)")]
        public void GG0014_Negative_SameTypeMethod(string arguments)
        {
            var source = Source(Square + $@"
        [DerivativeOf({arguments})]
        internal static (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);
        [DerivativeOf({arguments})]
        internal static double SqReverse(double v, double seed, ref double dV) {{ dV += 2 * v * seed; return v * v; }}
        [Differentiable] public static double Use(double x) => Sq(3 * x) + x;");
            AssertClean(source, "Use");
        }

        [Fact]
        public void GG0014_Negative_MethodOfAnotherTypeWithTypeof()
        {
            var source = Source(@"
        [DerivativeOf(typeof(Activations), nameof(Activations.Softplus))]
        internal static (double Value, double Tangent) SoftplusForward(double x, double dX) => (Activations.Softplus(x), dX / (1 + Math.Exp(-x)));
        [DerivativeOf(typeof(Activations), nameof(Activations.Softplus))]
        internal static double SoftplusReverse(double x, double seed, ref double dX) { dX += seed / (1 + Math.Exp(-x)); return Activations.Softplus(x); }
        [Differentiable] public static double Use(double x) => Activations.Softplus(2 * x);", extraTypes: @"
    public static class Activations
    {
        public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));
    }");
            var (run, _) = AssertClean(source, "Use");
            Assert.Contains("SoftplusForward(", run.GeneratedSources["Diag.T.Use.g.cs"]);
            Assert.Contains("SoftplusReverse(", run.GeneratedSources["Diag.T.Use.g.cs"]);
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
        public void GG0015_ScalarTargetWrongSignature(string declaration, string name)
        {
            var source = Source(Cube + $@"
        [DerivativeOf(nameof(Cube))]
        internal static {declaration}");
            AssertReported(source, "GG0015", "DerivativeOf(nameof(Cube))", new[]
            {
                $"'{name}' does not have the signature of a derivative of 'T.Cube'",
                $"'(double Value, double Tangent) {name}(double v, double dV)' (Forward) or 'double {name}(double v, double seed, ref double dV)' (Reverse)",
            });
        }

        [Fact]
        public void GG0015_BriefExample_MessageSpellsOutBothSignatures()
        {
            var source = Source(@"
        public static double A(double x) => x * x;
        [DerivativeOf(nameof(A))]
        public static double B(double x) => 2 * x;");
            var (d, _) = AssertReported(source, "GG0015", "DerivativeOf(nameof(A))", new[]
            {
                "'(double Value, double Tangent) B(double x, double dX)' (Forward) or 'double B(double x, double seed, ref double dX)' (Reverse)",
            });
            Assert.Equal("'B' does not have the signature of a derivative of 'T.A': declare it as '(double Value, double Tangent) B(double x, double dX)' (Forward) or 'double B(double x, double seed, ref double dX)' (Reverse)", d.GetMessage());
        }

        [Fact]
        public void GG0015_ArrayTangentMustBeReadOnlySpan()
        {
            var source = Source(@"
        public static double Dot(double[] xs, int n, double k) { var s = 0.0; for (var i = 0; i < n; i++) s += xs[i] * k; return s; }
        [DerivativeOf(nameof(Dot))]
        internal static (double Value, double Tangent) DotForward(double[] xs, int n, double k, double[] dXs, double dK) => (0, 0);");
            AssertReported(source, "GG0015", "DerivativeOf(nameof(Dot))", new[]
            {
                "'(double Value, double Tangent) DotForward(double[] xs, int n, double k, global::System.ReadOnlySpan<double> dXs, double dK)' (Forward)",
                "'double DotForward(double[] xs, int n, double k, double seed, global::System.Span<double> dXs, ref double dK)' (Reverse)",
            });
        }

        [Fact]
        public void GG0015_TangentForANoDerivativeParameter()
        {
            var source = Source(@"
        public static double Scaled(double x, [NoDerivative] double k) => k * x;
        [DerivativeOf(nameof(Scaled))]
        internal static (double Value, double Tangent) ScaledForward(double x, double k, double dX, double dK) => (k * x, k * dX);");
            AssertReported(source, "GG0015", "DerivativeOf(nameof(Scaled))", new[]
            {
                "'(double Value, double Tangent) ScaledForward(double x, double k, double dX)' (Forward)",
            });
        }

        [Fact]
        public void GG0015_TangentForAnIntegerParameter()
        {
            var source = Source(@"
        public static double PowN(double x, int n) => Math.Pow(x, n);
        [DerivativeOf(nameof(PowN))]
        internal static (double Value, double Tangent) PowNForward(double x, int n, double dX, int dN) => (0, 0);");
            AssertReported(source, "GG0015", "DerivativeOf(nameof(PowN))", new[]
            {
                "'(double Value, double Tangent) PowNForward(double x, int n, double dX)' (Forward)",
            });
        }

        [Fact]
        public void GG0015_NoReverseTangentOfAVectorValuedMethod()
        {
            // The ReverseTangent shape, with the tuple seed: vector-valued methods have no Hessian, so no such kind.
            var source = Source(@"
        public static (double, double) Pair(double x) => (x * x, 3 * x);
        [DerivativeOf(nameof(Pair))]
        internal static (double, double) PairReverseTangent(double x, (double, double) seed, ref double dX, double vX, (double, double) vSeed, ref double hvX) => (x, x);");
            AssertReported(source, "GG0015", "DerivativeOf(nameof(Pair))", new[]
            {
                "'PairReverseTangent' does not have the signature of a derivative of 'T.Pair'",
                "PairReverseTangent(double x, (double, double) seed, ref double dX)' (Reverse)",
            });
        }

        [Theory]
        [InlineData("(double Value, double Tangent) CubeForward(double v, double dV) => (v * v * v, 3 * v * v * dV);")]
        [InlineData("(double, double) CubeForward(double v, double dV) => (v * v * v, 3 * v * v * dV);")]
        [InlineData("(double P, double Q) Whatever(double a, double b) => (a * a * a, 3 * a * a * b);")]
        [InlineData("double CubeReverse(double v, double seed, ref double dV) { dV += 3 * v * v * seed; return v * v * v; }")]
        [InlineData("double CubeReverseTangent(double v, double seed, ref double dV, double vV, double vSeed, ref double hvV) { dV += 3 * v * v * seed; hvV += 6 * v * vV * seed + 3 * v * v * vSeed; return v * v * v; }")]
        public void GG0015_Negative_ScalarTargetRightSignature(string declaration)
        {
            var source = Source(Cube + $@"
        [DerivativeOf(nameof(Cube))]
        internal static {declaration}");
            AssertClean(source);
        }

        [Fact]
        public void GG0015_Negative_ArrayAndPassThroughParameters()
        {
            var source = Source(@"
        public static double Dot(double[] xs, int n, double k) { var s = 0.0; for (var i = 0; i < n; i++) s += xs[i] * k; return s; }
        [DerivativeOf(nameof(Dot))]
        internal static (double Value, double Tangent) DotForward(double[] xs, int n, double k, ReadOnlySpan<double> dXs, double dK) => (0, 0);
        [DerivativeOf(nameof(Dot))]
        internal static double DotReverse(double[] xs, int n, double k, double seed, Span<double> dXs, ref double dK) => 0;
        public static double Scaled(double x, [NoDerivative] double k) => k * x;
        [DerivativeOf(nameof(Scaled))]
        internal static (double Value, double Tangent) ScaledForward(double x, double k, double dX) => (k * x, k * dX);
        [DerivativeOf(nameof(Scaled))]
        internal static double ScaledReverse(double x, double k, double seed, ref double dX) { dX += k * seed; return k * x; }");
            AssertClean(source);
        }

        [Fact]
        public void GG0015_Negative_VectorValuedAndFloatTargets()
        {
            var source = Source(@"
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
        internal static double[] TwiceReverse(double[] xs, ReadOnlySpan<double> seed, Span<double> dXs) { for (var i = 0; i < xs.Length; i++) dXs[i] += 2 * seed[i]; return Twice(xs); }");
            AssertClean(source);
        }

        [Fact]
        public void GG0015_Negative_MatchesTheRightOverload()
        {
            var source = Source(@"
        public static double Sq(double v) => v * v;
        public static float Sq(float v) => v * v;
        [DerivativeOf(nameof(Sq))]
        internal static (float Value, float Tangent) SqForwardF(float v, float dV) => (v * v, 2 * v * dV);
        [DerivativeOf(nameof(Sq))]
        internal static double SqReverseD(double v, double seed, ref double dV) { dV += 2 * v * seed; return v * v; }
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static float UseF(float x) => Sq(x) + x;
        [Differentiable(Kinds = DerivativeKinds.Reverse)] public static double UseD(double x) => Sq(x) + x;");
            var (run, _) = AssertClean(source, "UseF", "UseD");
            Assert.Contains("SqForwardF(", run.GeneratedSources["Diag.T.UseF.g.cs"]);
            Assert.Contains("SqReverseD(", run.GeneratedSources["Diag.T.UseD.g.cs"]);
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0016: cannot be used
        // ----------------------------------------------------------------------------------------------------------

        [Fact]
        public void GG0016_TargetIsDifferentiable()
        {
            var source = Source(@"
        [Differentiable] public static double Sq(double v) => v * v;
        [DerivativeOf(nameof(Sq))]
        internal static (double Value, double Tangent) MySqForward(double v, double dV) => (v * v, 2 * v * dV);");
            AssertReported(source, "GG0016", "DerivativeOf(nameof(Sq))", new[]
            {
                "'MySqForward' cannot be used as a derivative of 'T.Sq'",
                "'Sq' is [Differentiable], so its derivatives are generated",
            });
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
        [InlineData("double G(int n) => n;", "G", "it has no double or float parameter, or array of them, to differentiate with respect to")]
        [InlineData("double G(string s) => s.Length;", "G", "it has no double or float parameter")]
        public void GG0016_TargetCannotHaveDerivatives(string target, string name, string reason)
        {
            var source = Source($@"
        public static {target}
        [DerivativeOf(nameof({name}))]
        internal static (double Value, double Tangent) GForward(double x, double dX) => (x, dX);");
            AssertReported(source, "GG0016", $"DerivativeOf(nameof({name}))", new[] { "'GForward' cannot be used as a derivative of 'T.G'", reason });
        }

        [Fact]
        public void GG0016_TargetInAGenericType()
        {
            var source = Source(@"
        [DerivativeOf(typeof(Box<double>), nameof(Box<double>.Get))]
        internal static (double Value, double Tangent) GetForward(double x, double dX) => (x, dX);", extraTypes: @"
    public static class Box<U>
    {
        public static double Get(double x) => x;
    }");
            AssertReported(source, "GG0016", "DerivativeOf(typeof(Box<double>), nameof(Box<double>.Get))", new[] { "'GetForward' cannot be used as a derivative of 'Box.Get'", "it is generic" });
        }

        private const string InstanceType = "public partial class C";

        [Fact]
        public void GG0016_StaticTargetInstanceDerivative()
        {
            var source = Source(@"
        public static double Sq(double v) => v * v;
        [DerivativeOf(nameof(Sq))]
        public (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);", typeHeader: "public partial class T");
            AssertReported(source, "GG0016", "DerivativeOf(nameof(Sq))", new[] { "'Sq' is static, so its derivative must be static too" });
        }

        [Fact]
        public void GG0016_InstanceTargetStaticDerivative()
        {
            var source = Source(@"
        private readonly double k = 2;
        public double Scale(double x) => k * x;
        [DerivativeOf(nameof(Scale))]
        public static (double Value, double Tangent) ScaleForward(double x, double dX) => (x, dX);", typeHeader: "public partial class T");
            AssertReported(source, "GG0016", "DerivativeOf(nameof(Scale))", new[]
            {
                "'Scale' is an instance method, so its derivative must be an instance method of 'T' too",
            });
        }

        [Theory]
        [InlineData("public static")]
        [InlineData("public")]
        public void GG0016_InstanceTargetDerivativeInAnotherType(string modifiers)
        {
            var source = Source(@"
        private readonly double k = 2;
        public double Scale(double x) => k * x;", extraTypes: @"
    public class Helpers
    {
        [DerivativeOf(typeof(T), nameof(T.Scale))]
        " + modifiers + @" (double Value, double Tangent) ScaleForward(double x, double dX) => (x, dX);
    }", typeHeader: "public partial class T");
            AssertReported(source, "GG0016", "DerivativeOf(typeof(T), nameof(T.Scale))", new[]
            {
                "'Scale' is an instance method, so its derivative must be an instance method of 'T' too",
            });
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
        public void GG0016_SameTypeDerivativeLessAccessibleThanTarget(string targetAccess, string derivativeAccess, string reason)
        {
            var source = Source($@"
        {targetAccess} static double Sq(double v) => v * v;
        [DerivativeOf(nameof(Sq))]
        {derivativeAccess} static (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);", typeHeader: "public partial class T");
            AssertReported(source, "GG0016", "DerivativeOf(nameof(Sq))", new[] { "it is less accessible than 'Sq'", reason });
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
        public void GG0016_Negative_SameTypeDerivativeAccessibleEnough(string targetAccess, string derivativeAccess)
        {
            var source = Source($@"
        {targetAccess} static double Sq(double v) => v * v;
        [DerivativeOf(nameof(Sq))]
        {derivativeAccess} static (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);
        [DerivativeOf(nameof(Sq))]
        {derivativeAccess} static double SqReverse(double v, double seed, ref double dV) {{ dV += 2 * v * seed; return v * v; }}
        [Differentiable] public static double Use(double x) => Sq(x) + x;", typeHeader: "public partial class T");
            AssertClean(source, "Use");
        }

        [Theory]
        [InlineData("public static class Helpers", "private static")]
        [InlineData("public class Helpers", "private protected static")]
        [InlineData("public class Helpers", "protected static")]
        [InlineData("public static class Outer { private static class Helpers", "public static", "}")]
        [InlineData("public class Outer { protected static class Helpers", "internal static", "}")]
        [InlineData("public class Outer { private protected static class Helpers", "public static", "}")]
        [InlineData("internal class Outer { private class Mid { public static class Helpers", "public static", "} }")]
        public void GG0016_OtherTypeDerivativeNotCallableFromTheWholeAssembly(string typeHeader, string modifiers, string closing = "")
        {
            var source = Source(Square, extraTypes: $@"
    {typeHeader}
    {{
        [DerivativeOf(typeof(T), nameof(T.Sq))]
        {modifiers} (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);
    }}{closing}");
            AssertReported(source, "GG0016", "DerivativeOf(typeof(T), nameof(T.Sq))", new[]
            {
                "'SqForward' cannot be used as a derivative of 'T.Sq'",
                "it cannot be called from everywhere in the assembly; make it and its type internal or public",
            });
        }

        [Theory]
        [InlineData("public static class Helpers", "public static")]
        [InlineData("internal static class Helpers", "public static")]
        [InlineData("public static class Helpers", "internal static")]
        [InlineData("public class Helpers", "protected internal static")]
        [InlineData("public static class Outer { internal static class Helpers", "public static", "}")]
        [InlineData("public class Outer { protected internal static class Helpers", "internal static", "}")]
        [InlineData("public readonly struct Helpers", "internal static")]
        public void GG0016_Negative_OtherTypeDerivativeCallableFromTheWholeAssembly(string typeHeader, string modifiers, string closing = "")
        {
            var source = Source(Square + @"
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Use(double x) => Sq(x) + x;", extraTypes: $@"
    {typeHeader}
    {{
        [DerivativeOf(typeof(T), nameof(T.Sq))]
        {modifiers} (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);
    }}{closing}");
            var (run, _) = AssertClean(source, "Use");
            Assert.Contains(".Helpers.SqForward(", run.GeneratedSources["Diag.T.Use.g.cs"]);
        }

        [Fact]
        public void GG0016_GenericDerivativeMethod()
        {
            var source = Source(Square + @"
        [DerivativeOf(nameof(Sq))]
        internal static (double Value, double Tangent) SqForward<U>(double v, double dV) => (v * v, 2 * v * dV);");
            AssertReported(source, "GG0016", "DerivativeOf(nameof(Sq))", new[]
            {
                "'SqForward' cannot be used as a derivative of 'T.Sq'",
                "it is generic, or in a generic type; write it for double or float in a non-generic type",
            });
        }

        [Fact]
        public void GG0016_DerivativeInAGenericType()
        {
            var source = Source(Square, extraTypes: @"
    internal static class Helpers<U>
    {
        [DerivativeOf(typeof(T), nameof(T.Sq))]
        internal static (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);
    }");
            AssertReported(source, "GG0016", "DerivativeOf(typeof(T), nameof(T.Sq))", new[] { "it is generic, or in a generic type" });
        }

        [Fact]
        public void GG0016_SecondDerivativeOfTheSameKind_ReportedOnTheOneThatSortsLater()
        {
            // Keys M:Diag.T.SqForwardA(...) < M:Diag.T.SqForwardB(...): A is used, whatever the order in the source.
            var source = Source(Square + @"
        [DerivativeOf(nameof(Sq))]
        internal static (double Value, double Tangent) SqForwardB(double v, double dV) => (v * v, 2 * v * dV);
        [DerivativeOf(nameof(Sq))]
        internal static (double Value, double Tangent) SqForwardA(double v, double dV) => (v * v, 2 * v * dV);
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Use(double x) => Sq(x) + x;");
            var (_, run) = AssertReported(source, "GG0016", "DerivativeOf(nameof(Sq))", new[]
            {
                "'SqForwardB' cannot be used as a derivative of 'T.Sq'",
                "'SqForwardA' already is its Forward derivative; remove one of them",
            });
            // The generator uses the same one.
            Assert.True(IsGenerated(run, "T", "Use"), run.Describe());
            Assert.Contains("SqForwardA(", run.GeneratedSources["Diag.T.Use.g.cs"]);
            Assert.DoesNotContain("SqForwardB(", run.GeneratedSources["Diag.T.Use.g.cs"]);
        }

        [Fact]
        public void GG0016_SecondReverseInAnotherType_ReportedOnTheOneThatSortsLater()
        {
            // M:Diag.Helpers.SqGrad(...) sorts before M:Diag.T.SqReverse(...): the one in T is the second.
            var source = Source(Square + @"
        [DerivativeOf(nameof(Sq))]
        internal static double SqReverse(double v, double seed, ref double dV) { dV += 2 * v * seed; return v * v; }
        [Differentiable(Kinds = DerivativeKinds.Reverse)] public static double Use(double x) => Sq(x) + x;", extraTypes: @"
    internal static class Helpers
    {
        [DerivativeOf(typeof(T), nameof(T.Sq))]
        internal static double SqGrad(double v, double seed, ref double dV) { dV += 2 * v * seed; return v * v; }
    }");
            var (_, run) = AssertReported(source, "GG0016", "DerivativeOf(nameof(Sq))", new[]
            {
                "'SqReverse' cannot be used as a derivative of 'T.Sq'",
                "'SqGrad' already is its Reverse derivative; remove one of them",
            });
            Assert.Contains("Helpers.SqGrad(", run.GeneratedSources["Diag.T.Use.g.cs"]);
        }

        [Fact]
        public void GG0016_Negative_OneDerivativeOfEachKind()
        {
            var source = Source(Cube + @"
        [DerivativeOf(nameof(Cube))]
        internal static (double Value, double Tangent) CubeForward(double v, double dV) => (v * v * v, 3 * v * v * dV);
        [DerivativeOf(nameof(Cube))]
        internal static double CubeReverse(double v, double seed, ref double dV) { dV += 3 * v * v * seed; return v * v * v; }
        [DerivativeOf(nameof(Cube))]
        internal static double CubeReverseTangent(double v, double seed, ref double dV, double vV, double vSeed, ref double hvV) { dV += 3 * v * v * seed; hvV += 6 * v * vV * seed + 3 * v * v * vSeed; return v * v * v; }
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Use(double x, double y) => Cube(x * y) + y;");
            AssertClean(source, "Use");
        }

        [Fact]
        public void GG0016_Negative_InstanceTargetInstanceDerivative()
        {
            var source = Source(@"
        private readonly double k = 2;
        public double Scale(double x) => k * x;
        [DerivativeOf(nameof(Scale))]
        internal (double Value, double Tangent) ScaleForward(double x, double dX) => (k * x, k * dX);
        [DerivativeOf(nameof(Scale))]
        public double ScaleReverse(double x, double seed, ref double dX) { dX += k * seed; return k * x; }
        [Differentiable] public double Use(double x) => Scale(x * x);", typeHeader: "public partial class T");
            AssertClean(source, "Use");
        }

        [Fact]
        public void GG0016_InvalidDerivativeIsNotUsed_CallReportsGG0003()
        {
            var source = Source(Square + @"
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Use(double x) => Sq(x) + x;", extraTypes: @"
    public static class Helpers
    {
        [DerivativeOf(typeof(T), nameof(T.Sq))]
        private static (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);
    }");
            AssertSourceCompiles(source);
            var analyzer = GeneratorHarness.Analyze(source);
            var gradGen = analyzer.Where(IsGradGen).ToList();
            Assert.True(gradGen.Select(d => d.Id).OrderBy(i => i).SequenceEqual(new[] { "GG0003", "GG0016" }), Context(source, analyzer, null));
            AssertAt(gradGen.Single(d => d.Id == "GG0016"), source, "DerivativeOf(typeof(T), nameof(T.Sq))");
            AssertAt(gradGen.Single(d => d.Id == "GG0003"), source, "Sq(x)");
            var run = RunGenerator(source, analyzer);
            Assert.False(IsGenerated(run, "T", "Use"), run.Describe());
        }

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
        public void GG0003_CalleeWithoutDerivatives_StubsForTheKindsTheCallerNeeds(string attribute, string stubs)
        {
            var source = Source(PrivateSquare + $@"
        {attribute} public static double Bad(double x, double y) => Sq(x * y) + y;");
            var (d, _) = AssertReported(source, "GG0003", "Sq(x * y)", new[]
            {
                "A derivative flows into 'T.Sq', which has none",
                "[DerivativeOf]",
            }, notGenerated: new[] { "Bad" });
            Assert.Equal(stubs, Stubs(d));
        }

        [Fact]
        public void GG0003_InstanceCallee_StubsAreInstanceMethods()
        {
            var source = Source(@"
        private readonly double k = 2;
        public double Scale(double x) => k * x;
        [Differentiable] public double Bad(double x) => Scale(x) * x;", typeHeader: "public partial class T");
            var (d, _) = AssertReported(source, "GG0003", "Scale(x)", new[] { "'T.Scale'" }, notGenerated: new[] { "Bad" });
            Assert.Equal(
                "[global::GradGen.DerivativeOf(nameof(Scale))]\npublic (double Value, double Tangent) ScaleForward(double x, double dX)" + NotImplemented
                + "\n[global::GradGen.DerivativeOf(nameof(Scale))]\npublic double ScaleReverse(double x, double seed, ref double dX)" + NotImplemented,
                Stubs(d));
        }

        [Fact]
        public void GG0003_VectorValuedCalleeInAHessian_NoReverseTangentStub()
        {
            var source = Source(@"
        internal static (double, double) Pair(double a) => (a * a, 3 * a);
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Bad(double x) => Pair(x).Item1 * x;");
            var (d, _) = AssertReported(source, "GG0003", "Pair(x)", new[] { "'T.Pair'" }, notGenerated: new[] { "Bad" });
            Assert.Equal(
                "[global::GradGen.DerivativeOf(nameof(Pair))]\ninternal static ((double, double) Value, (double, double) Tangent) PairForward(double a, double dA)" + NotImplemented
                + "\n[global::GradGen.DerivativeOf(nameof(Pair))]\ninternal static (double, double) PairReverse(double a, (double, double) seed, ref double dA)" + NotImplemented,
                Stubs(d));
        }

        [Fact]
        public void GG0003_ArrayCallee_StubsUseSpans()
        {
            var source = Source(@"
        internal static double Total(double[] xs) { var s = 0.0; foreach (var v in xs) s += v; return s; }
        [Differentiable(Kinds = DerivativeKinds.Reverse)] public static double Bad(double[] xs) => Total(xs) * 2;");
            var (d, _) = AssertReported(source, "GG0003", "Total(xs)", new[] { "'T.Total'" }, notGenerated: new[] { "Bad" });
            Assert.Equal(
                "[global::GradGen.DerivativeOf(nameof(Total))]\ninternal static double TotalReverse(double[] xs, double seed, global::System.Span<double> dXs)" + NotImplemented,
                Stubs(d));
        }

        [Theory]
        [InlineData("static int Bucket(double v) => (int)(v * 10);", "Bucket(x) * x", "Bucket(x)", "'T.Bucket'")]
        [InlineData("static double Id<U>(double v) => v;", "Id<int>(x) * x", "Id<int>(x)", "'T.Id'")]
        [InlineData("static decimal Money(double v) => (decimal)v;", "(double)Money(x)", "Money(x)", "'T.Money'")]
        public void GG0003_CalleeThatCannotHaveDerivatives_NoStubs(string callee, string use, string at, string name)
        {
            var source = Source($@"
        {callee}
        [Differentiable] public static double Bad(double x) => {use};");
            var (d, _) = AssertReported(source, "GG0003", at, new[] { name }, notGenerated: new[] { "Bad" });
            Assert.False(d.Properties.TryGetValue(StubsProperty, out var stubs) && !string.IsNullOrEmpty(stubs),
                $"{name} cannot have [DerivativeOf] derivatives, yet GG0003 offers stubs:\n{stubs}");
        }

        [Theory]
        [InlineData("Sq(2.0) * x")]
        [InlineData("Sq(n) * x")]
        [InlineData("Sq(k) * x")]
        [InlineData("x * Sq(y)")]
        public void GG0003_Negative_NoDerivativeFlowsIntoTheCall(string body)
        {
            var source = Source(PrivateSquare + $@"
        [Differentiable] public static double Use(double x, [NoDerivative] double y, int n) {{ const double k = 3; return {body}; }}");
            AssertClean(source, "Use");
        }

        [Fact]
        public void GG0003_Negative_CallAsAStatement()
        {
            var source = Source(@"
        private static double Log(double v) { Console.WriteLine(v); return v; }
        [Differentiable] public static double Use(double x) { Log(x); return x * x; }");
            AssertClean(source, "Use");
        }

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
        public void GG0017_CalleeLacksTheKindTheCallerNeeds(string derivatives, string attribute, string kind, string signature)
        {
            var source = Source(Softplus + derivatives + $@"
        {attribute} public static double Bad(double x) => Softplus(2 * x) * x;
        {attribute} public static double Outer(double x) => Bad(x) + 1;");
            var (d, _) = AssertReported(source, "GG0017", "Softplus(2 * x)", new[]
            {
                $"'T.Softplus' has [DerivativeOf] derivatives but no {kind} one, which this call needs: add a [DerivativeOf] method '{signature}'",
            }, allowAlso: new[] { "GG0013" }, notGenerated: new[] { "Bad", "Outer" });
            Assert.Equal(SoftplusStub(signature), Stubs(d));
        }

        [Fact]
        public void GG0017_SeveralKindsMissing_MessageNamesTheFirst_StubsHaveAll()
        {
            var source = Source(Softplus + SoftplusReverse + @"
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Bad(double x) => Softplus(2 * x) * x;");
            var (d, _) = AssertReported(source, "GG0017", "Softplus(2 * x)", new[]
            {
                $"no Forward one, which this call needs: add a [DerivativeOf] method '{SoftplusForwardSignature}'",
            }, notGenerated: new[] { "Bad" });
            Assert.Equal(SoftplusStub(SoftplusForwardSignature) + "\n" + SoftplusStub(SoftplusReverseTangentSignature), Stubs(d));
        }

        [Fact]
        public void GG0017_ReportedOnEachCallThatNeedsIt()
        {
            var source = Source(Softplus + SoftplusReverse + @"
        [Differentiable] public static double Bad(double a, double b) => Softplus(a) + Softplus(2.0) * Softplus(b);");
            AssertSourceCompiles(source);
            var analyzer = GeneratorHarness.Analyze(source);
            var gradGen = analyzer.Where(IsGradGen).ToList();
            Assert.True(gradGen.Count == 2 && gradGen.All(d => d.Id == "GG0017" && d.Severity == DiagnosticSeverity.Error), Context(source, analyzer, null));
            AssertAt(gradGen[0], source, "Softplus(a)");
            AssertAt(gradGen[1], source, "Softplus(b)");
        }

        [Theory]
        [InlineData(SoftplusForward, "[Differentiable(Kinds = DerivativeKinds.Forward)]")]
        [InlineData(SoftplusReverse, "[Differentiable(Kinds = DerivativeKinds.Reverse)]")]
        [InlineData(SoftplusForward + SoftplusReverse, "[Differentiable]")]
        [InlineData(SoftplusForward + SoftplusReverse, "[Differentiable(Kinds = DerivativeKinds.Jacobian)]")]
        [InlineData(SoftplusForward + SoftplusReverse + SoftplusReverseTangent, "[Differentiable(Kinds = DerivativeKinds.Hessian)]")]
        [InlineData(SoftplusForward + SoftplusReverse + SoftplusReverseTangent, "[Differentiable(Kinds = DerivativeKinds.Hessian | DerivativeKinds.Jacobian)]")]
        public void GG0017_Negative_CalleeHasEveryKindTheCallerNeeds(string derivatives, string attribute)
        {
            var source = Source(Softplus + derivatives + $@"
        {attribute} public static double Use(double x) => Softplus(2 * x) * x;
        {attribute} public static double Outer(double x) => Use(x) + 1;");
            AssertClean(source, "Use", "Outer");
        }

        [Fact]
        public void GG0017_Negative_NoDerivativeFlowsIntoTheCall()
        {
            var source = Source(Softplus + SoftplusReverse + @"
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Use(double x, int n) => Softplus(n + 0.5) * x * x;");
            AssertClean(source, "Use");
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0005: a Hessian through a vector-valued callee
        // ----------------------------------------------------------------------------------------------------------

        [Fact]
        public void GG0005_HessianThroughAVectorValuedCustomCallee()
        {
            var source = Source(@"
        public static (double, double) Pair(double x) => (x * x, 3 * x);
        [DerivativeOf(nameof(Pair))]
        internal static ((double, double) Value, (double, double) Tangent) PairForward(double x, double dX) => ((x * x, 3 * x), (2 * x * dX, 3 * dX));
        [DerivativeOf(nameof(Pair))]
        internal static (double, double) PairReverse(double x, (double, double) seed, ref double dX) { dX += 2 * x * seed.Item1 + 3 * seed.Item2; return (x * x, 3 * x); }
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Bad(double x) => Pair(x).Item1 * x;
        [Differentiable] public static double Fine2(double x) => Pair(x).Item1 * x;");
            var (_, run) = AssertReported(source, "GG0005", "Pair(x)", new[] { "a Hessian through the vector-valued 'T.Pair'" }, notGenerated: new[] { "Bad" });
            Assert.True(IsGenerated(run, "T", "Fine2"), run.Describe());
        }

        [Fact]
        public void GG0005_HessianThroughAVectorValuedDifferentiableCallee()
        {
            var source = Source(@"
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)] public static (double, double) Pair(double x) => (x * x, 3 * x);
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Bad(double x) => Pair(x).Item1 * x;");
            AssertReported(source, "GG0005", "Pair(x)", new[] { "a Hessian through the vector-valued 'T.Pair'" }, notGenerated: new[] { "Bad" });
        }

        // ----------------------------------------------------------------------------------------------------------
        // How derivatives are found: overloads, extension methods, attribute spellings, local functions
        // ----------------------------------------------------------------------------------------------------------

        [Fact]
        public void GG0003_OnlyAnotherOverloadHasDerivatives()
        {
            // The derivative is of Sq(float); the call is of Sq(double), which has none: GG0003, not GG0017.
            var source = Source(@"
        private static double Sq(double v) => v * v;
        private static float Sq(float v) => v * v;
        [DerivativeOf(nameof(Sq))]
        private static (float Value, float Tangent) SqForward(float v, float dV) => (v * v, 2 * v * dV);
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Bad(double x) => Sq(x) * x;
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static float Use(float x) => Sq(x) * x;");
            var (d, run) = AssertReported(source, "GG0003", "Sq(x)", new[] { "'T.Sq'" }, notGenerated: new[] { "Bad" });
            Assert.Equal(SqForwardStub, Stubs(d));
            Assert.True(IsGenerated(run, "T", "Use"), run.Describe());
        }

        [Fact]
        public void GG0016_Negative_ExtensionMethodTargetCalledAsExtension()
        {
            var source = Source(@"
        [Differentiable] public static double Use(double x) => x.Softplus() * x;", extraTypes: @"
    public static class Ext
    {
        public static double Softplus(this double x) => Math.Log(1 + Math.Exp(x));
        [DerivativeOf(nameof(Softplus))]
        public static (double Value, double Tangent) SoftplusForward(double x, double dX) => (x.Softplus(), dX / (1 + Math.Exp(-x)));
        [DerivativeOf(nameof(Softplus))]
        public static double SoftplusReverse(double x, double seed, ref double dX) { dX += seed / (1 + Math.Exp(-x)); return x.Softplus(); }
    }");
            var (run, _) = AssertClean(source, "Use");
            Assert.Contains("SoftplusForward(", run.GeneratedSources["Diag.T.Use.g.cs"]);
        }

        [Theory]
        [InlineData("DerivativeOf", "")]
        [InlineData("DerivativeOfAttribute", "")]
        [InlineData("GradGen.DerivativeOf", "")]
        [InlineData("global::GradGen.DerivativeOfAttribute", "")]
        [InlineData("DOf", "using DOf = GradGen.DerivativeOfAttribute;\n")]
        public void GG0016_Negative_AttributeSpellings(string attribute, string usingAlias)
        {
            var source = usingAlias + Source(Square + $@"
        [{attribute}(nameof(Sq))]
        internal static (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Use(double x) => Sq(x) + x;");
            var (run, _) = AssertClean(source, "Use");
            Assert.Contains("SqForward(", run.GeneratedSources["Diag.T.Use.g.cs"]);
        }

        [Fact]
        public void GG0016_LocalFunctionCannotBeADerivative()
        {
            var source = Source(PrivateSquare + @"
        public static double Host(double x)
        {
            [DerivativeOf(nameof(Sq))]
            static (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);
            return SqForward(x, 1).Tangent;
        }
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Use(double x) => Sq(x) * x;");
            AssertSourceCompiles(source);
            var analyzer = GeneratorHarness.Analyze(source);
            Assert.True(analyzer.Any(d => d.Id == "GG0016" && SpanText(d) == "DerivativeOf(nameof(Sq))"),
                "A [DerivativeOf] local function is never used: expected GG0016 on its attribute.\n" + Context(source, analyzer, null));
        }

        [Fact]
        public void GG0015_Negative_PartialMethodDerivative()
        {
            var source = Source(Square + @"
        [DerivativeOf(nameof(Sq))]
        internal static partial (double Value, double Tangent) SqForward(double v, double dV);
        internal static partial (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Use(double x) => Sq(x) * x;");
            var (run, _) = AssertClean(source, "Use");
            Assert.Contains("SqForward(", run.GeneratedSources["Diag.T.Use.g.cs"]);
        }

        [Fact]
        public void GG0015_PartialMethodDerivative_ReportedOnce()
        {
            var source = Source(Square + @"
        [DerivativeOf(nameof(Sq))]
        internal static partial double SqForward(double v, double dV);
        internal static partial double SqForward(double v, double dV) => 2 * v * dV;");
            AssertReported(source, "GG0015", "DerivativeOf(nameof(Sq))", new[] { "'SqForward' does not have the signature of a derivative of 'T.Sq'" });
        }

        [Fact]
        public void GG0016_ExplicitInterfaceImplementationIsNoCallableDerivative()
        {
            var source = Source(@"
        private readonly double k = 2;
        private double Scale(double x) => k * x;
        [DerivativeOf(nameof(Scale))]
        (double Value, double Tangent) IFoo.ScaleForward(double x, double dX) => (k * x, k * dX);
        [Differentiable(Kinds = DerivativeKinds.Forward)] public double Use(double x) => Scale(x * x);", extraTypes: @"
    public interface IFoo
    {
        (double Value, double Tangent) ScaleForward(double x, double dX);
    }", typeHeader: "public partial class T : IFoo");
            AssertSourceCompiles(source);
            var analyzer = GeneratorHarness.Analyze(source);
            var run = GeneratorHarness.Run(source);
            Assert.True(!run.CompilationErrors.Any(), "The generated code does not compile:\n" + Context(source, analyzer, run));
            Assert.True(analyzer.Any(d => d.Id == "GG0016" && SpanText(d) == "DerivativeOf(nameof(Scale))"),
                "Expected GG0016: generated code cannot call an explicit interface implementation by name.\n" + Context(source, analyzer, run));
        }

        [Fact]
        public void AnalyzerAndGeneratorAgree_DerivativeOfOnAnAccessor()
        {
            var source = Source(@"
        private readonly double k = 2;
        public double Scale(double x) => k * x;
        public (double Value, double Tangent) this[double v, double dV] { [DerivativeOf(nameof(Scale))] get => (k * v, k * dV); }
        [Differentiable(Kinds = DerivativeKinds.Forward)] public double Use(double x) => Scale(x * x);", typeHeader: "public partial class T");
            AssertSourceCompiles(source);
            var analyzer = GeneratorHarness.Analyze(source);
            var run = RunGenerator(source, analyzer);
            var errors = analyzer.Where(d => IsGradGen(d) && d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(IsGenerated(run, "T", "Use") == (errors.Count == 0),
                $"The analyzer reports {errors.Count} error(s) but Use was {(IsGenerated(run, "T", "Use") ? "" : "not ")}generated.\n" + Context(source, analyzer, run));
        }

        // ----------------------------------------------------------------------------------------------------------
        // Generator: what is blocked, and what adding the derivative unblocks
        // ----------------------------------------------------------------------------------------------------------

        [Fact]
        public void Generator_MissingDerivativeBlocksTheMethodAndItsCallers_AddingItUnblocksThem()
        {
            const string chain = @"
        [Differentiable] public static double Loss(double x) => Softplus(2 * x);
        [Differentiable] public static double Outer(double x) => Loss(x) * x;
        [Differentiable] public static double Unrelated(double x) => x * x;";
            var missing = Source(Softplus + SoftplusReverse + chain);
            var analyzer = GeneratorHarness.Analyze(missing);
            var run = RunGenerator(missing, analyzer);
            Assert.False(IsGenerated(run, "T", "Loss"), run.Describe());
            Assert.False(IsGenerated(run, "T", "Outer"), run.Describe());
            Assert.True(IsGenerated(run, "T", "Unrelated"), run.Describe());
            Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
            // The analyzer says why: GG0017 at the call; GG0013 at Outer's call of Loss.
            Assert.True(analyzer.Where(IsGradGen).Select(d => (d.Id, SpanText(d))).OrderBy(p => p.Id)
                .SequenceEqual(new[] { ("GG0013", "Loss(x)"), ("GG0017", "Softplus(2 * x)") }), Context(missing, analyzer, run));

            var complete = Source(Softplus + SoftplusForward + SoftplusReverse + chain);
            var (fixedRun, assembly) = AssertClean(complete, "Loss", "Outer", "Unrelated");
            Assert.Contains("SoftplusForward(", fixedRun.GeneratedSources["Diag.T.Loss.g.cs"]);
            Assert.Contains("SoftplusReverse(", fixedRun.GeneratedSources["Diag.T.Loss.g.cs"]);

            // d/dx Softplus(2x) = 2 sigmoid(2x).
            var type = assembly.GetType("Diag.T")!;
            var (result, _) = Reflect.Invoke(type, "LossForward", 0.3, 1.0);
            var (value, tangent) = Reflect.ReadPair(result);
            Assert.Equal(Math.Log(1 + Math.Exp(0.6)), value, 12);
            Assert.Equal(2 / (1 + Math.Exp(-0.6)), tangent, 12);
        }

        [Fact]
        public void Generator_MissingReverseTangentBlocksOnlyTheHessianCaller()
        {
            var source = Source(Softplus + SoftplusForward + SoftplusReverse + @"
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Curved(double x) => Softplus(x) * x;
        [Differentiable] public static double Flat(double x) => Softplus(x) * x;
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double CallsCurved(double x) => Curved(x) + x;");
            var analyzer = GeneratorHarness.Analyze(source);
            var run = RunGenerator(source, analyzer);
            Assert.False(IsGenerated(run, "T", "Curved"), run.Describe());
            Assert.False(IsGenerated(run, "T", "CallsCurved"), run.Describe());
            Assert.True(IsGenerated(run, "T", "Flat"), run.Describe());
            Assert.Contains(analyzer, d => d.Id == "GG0017" && SpanText(d) == "Softplus(x)" && d.GetMessage().Contains("ReverseTangent", StringComparison.Ordinal));
        }

        [Fact]
        public void Generator_DerivativesInAnotherFile()
        {
            var main = Source(Softplus + @"
        [Differentiable] public static double Use(double x) => Softplus(x) * x;");
            const string derivatives = @"using System;
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
";
            var compilation = GeneratorHarness.CreateCompilation(new[] { ("Source.cs", main), ("Derivatives.cs", derivatives) });
            var analyzer = GeneratorHarness.Analyze(compilation);
            Assert.True(!analyzer.Any(IsGradGen), Show(analyzer));
            var run = GeneratorHarness.Run(compilation);
            Assert.Empty(run.CompilationErrors);
            Assert.Contains("SoftplusDerivatives.Forward(", run.GeneratedSources["Diag.T.Use.g.cs"]);
            Assert.Contains("SoftplusDerivatives.Reverse(", run.GeneratedSources["Diag.T.Use.g.cs"]);
        }

        [Fact]
        public void Generator_DerivativeOfAMathMethodGradGenDoesNotKnow()
        {
            // Math.BitIncrement is no intrinsic: without a derivative it is GG0003, with one it is used.
            const string use = @"
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Use(double x) => Math.BitIncrement(x) * x;";
            var without = Source(use);
            var (d, _) = AssertReported(without, "GG0003", "Math.BitIncrement(x)", new[] { "'Math.BitIncrement'" }, notGenerated: new[] { "Use" });

            var with = Source(use, extraTypes: @"
    internal static class MathDerivatives
    {
        [DerivativeOf(typeof(Math), nameof(Math.BitIncrement))]
        internal static (double Value, double Tangent) BitIncrementForward(double x, double dX) => (Math.BitIncrement(x), dX);
    }");
            var (run, _) = AssertClean(with, "Use");
            Assert.Contains("MathDerivatives.BitIncrementForward(", run.GeneratedSources["Diag.T.Use.g.cs"]);
        }
    }
}
