using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using GradGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;
using static GradGen.Tests.Infrastructure.DiagnosticSource;

namespace GradGen.Tests.VectorValued
{
    /// <summary>
    /// Diagnostics of the vector-valued and second-order features: GG0012 (Hessian of a vector-valued method), GG0009
    /// (a callee without the kind the caller needs: Hessian, or Reverse for a Jacobian), GG0005 for tuple constructs
    /// that cannot be differentiated, GG0002 for results that are not 2–7 reals or a real array. For each source the
    /// generator runs too: the bad method gets no file, the output compilation has no error at all, and a valid
    /// vector-valued method next to it (<c>Diag.Fine.Good</c>) is generated and right.
    /// </summary>
    public sealed class VectorDiagnosticTests
    {
        private static string Source(string members, string extraTypes = "") => @"using System;
using GradGen;

namespace Diag
{
    public static partial class T
    {
" + members + @"
    }

    public static partial class Fine
    {
        [Differentiable] public static (double, double) Good(double x) => (x * x, 3 * x);
    }
" + extraTypes + @"
}
";

        private static bool IsGradGenError(Diagnostic d) => d.Id.StartsWith("GG", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error;

        /// <summary>The generator's output compiles without any error, and Diag.Fine.Good is generated and right.</summary>
        private static (GeneratorRun Run, Assembly Assembly) RunAndLoad(string source, ImmutableArray<Diagnostic> analyzer)
        {
            var run = GeneratorHarness.Run(source);
            var errors = run.CompilationErrors.ToList();
            Assert.True(errors.Count == 0, "The output compilation has errors (the generator emitted broken code):\n"
                + string.Join("\n", errors.Select(e => "  " + e)) + "\n\n" + Context(source, analyzer, run));
            Assert.True(FilesOf(run, "Fine", "Good").Count == 1, "Diag.Fine.Good (valid) was not generated.\n" + Context(source, analyzer, run));

            var assembly = run.Load();
            var (result, _) = Reflect.Invoke(assembly.GetType("Diag.Fine")!, "GoodForward", 2.0, 1.0);
            var pair = (ITuple)result!;
            Assert.Equal(new[] { 4.0, 6.0 }, VectorFunction.Outputs(pair[0]));
            Assert.Equal(new[] { 4.0, 3.0 }, VectorFunction.Outputs(pair[1]));
            return (run, assembly);
        }

        /// <summary>
        /// The analyzer reports <paramref name="id"/> (GG errors other than <paramref name="allowAlso"/> are not allowed),
        /// one of them on a span starting with <paramref name="spanStartsWith"/> and with a message containing every one of
        /// <paramref name="messageContains"/>; the method gets no generated file; the output compiles.
        /// </summary>
        private static (GeneratorRun Run, Diagnostic Diagnostic) AssertReported(string source, string id, string? spanStartsWith,
            string[]? messageContains = null, string method = "Bad", params string[] allowAlso)
        {
            AssertSourceCompiles(source);
            var analyzer = GeneratorHarness.Analyze(source);
            var errors = analyzer.Where(IsGradGenError).ToList();
            Assert.True(errors.Any(d => d.Id == id), $"Expected {id}; the analyzer reported:\n" + Show(analyzer) + "\n\n" + Context(source, analyzer, null));
            Assert.True(errors.All(d => d.Id == id || allowAlso.Contains(d.Id)), $"Expected only {id}; the analyzer reported:\n" + Show(errors) + "\n\n" + Context(source, analyzer, null));
            var candidates = errors.Where(d => d.Id == id).ToList();
            var match = candidates.FirstOrDefault(d => spanStartsWith == null || SpanText(d).StartsWith(spanStartsWith, StringComparison.Ordinal));
            Assert.True(match != null, $"Expected {id} at '{spanStartsWith}...'; reported:\n" + Show(candidates) + "\n\n" + Context(source, analyzer, null));
            foreach (var text in messageContains ?? Array.Empty<string>())
            {
                Assert.True(match!.GetMessage().Contains(text, StringComparison.Ordinal), $"The {id} message should contain '{text}': {match.GetMessage()}");
            }

            Assert.Equal("Source.cs", match!.Location.SourceTree?.FilePath);
            var (run, _) = RunAndLoad(source, analyzer);
            Assert.True(FilesOf(run, "T", method).Count == 0, $"Diag.T.{method} has an error ({id}) but was generated.\n" + Context(source, analyzer, run));
            return (run, match);
        }

        /// <summary>No GG error; Diag.T.<paramref name="method"/> is generated; the output compiles and loads.</summary>
        private static Assembly AssertAccepted(string source, string method = "Bad")
        {
            AssertSourceCompiles(source);
            var analyzer = GeneratorHarness.Analyze(source);
            var errors = analyzer.Where(IsGradGenError).ToList();
            Assert.True(errors.Count == 0, "Valid source: expected no GG error, got:\n" + Show(errors) + "\n\n" + Context(source, analyzer, null));
            var (run, assembly) = RunAndLoad(source, analyzer);
            Assert.True(FilesOf(run, "T", method).Count == 1, $"Diag.T.{method} is valid but was not generated.\n" + Context(source, analyzer, run));
            return assembly;
        }

        // ----- the numeric test sources ---------------------------------------------------------------------------------

        public static TheoryData<string> NumericSources => new TheoryData<string>
        {
            "Tuples_double", "Tuples_float", "Jacobians_double", "Jacobians_float", "Hessians_double", "Hessians_float", "Constructs",
        };

        [Theory]
        [MemberData(nameof(NumericSources))]
        public void NumericTestSourcesHaveNoDiagnosticAndEveryMethodIsGenerated(string name)
        {
            var loaded = name switch
            {
                "Tuples_double" => TupleSource.Double.Value,
                "Tuples_float" => TupleSource.Float.Value,
                "Jacobians_double" => JacobianSource.Double.Value,
                "Jacobians_float" => JacobianSource.Float.Value,
                "Hessians_double" => HessianSource.Double.Value,
                "Hessians_float" => HessianSource.Float.Value,
                _ => ConstructSource.Source.Value,
            };
            var analyzer = GeneratorHarness.Analyze(loaded.Run.InputCompilation);
            var reported = analyzer.Where(d => d.Id.StartsWith("GG", StringComparison.Ordinal) && d.Severity >= DiagnosticSeverity.Warning).ToList();
            Assert.True(reported.Count == 0, $"{name}: the analyzer reports\n" + Show(reported));
            Assert.Empty(loaded.Run.GeneratorDiagnostics);
            int methods = System.Text.RegularExpressions.Regex.Matches(loaded.Source, @"\[Differentiable[\](]").Count;
            Assert.Equal(methods, loaded.Run.GeneratedSources.Count);
        }

        // ----- GG0012 ------------------------------------------------------------------------------------------------------

        [Theory]
        [InlineData("DerivativeKinds.Hessian", "(double A, double B)", "(x * y, x)")]
        [InlineData("DerivativeKinds.Hessian", "(double, double, double)", "(x * y, x, y)")]
        [InlineData("DerivativeKinds.Hessian | DerivativeKinds.Jacobian", "(float, float)", "((float)(x * y), (float)x)")]
        [InlineData("DerivativeKinds.Hessian", "double[]", "{ var r = new double[2]; r[0] = x * y; r[1] = x; return r; }")]
        [InlineData("DerivativeKinds.Hessian | DerivativeKinds.Forward", "float[]", "{ var r = new float[1]; r[0] = (float)(x * y); return r; }")]
        public void GG0012_HessianOfAVectorValuedMethod(string kinds, string returnType, string body)
        {
            if (!body.StartsWith("{", StringComparison.Ordinal))
            {
                body = "=> " + body + ";";
            }

            var source = Source($"        [Differentiable(Kinds = {kinds})] public static {returnType} Bad(double x, double y) {body}");
            AssertReported(source, "GG0012", "Differentiable(Kinds = ", new[] { "Hessian", "'Bad'" });
        }

        // ----- GG0009 ------------------------------------------------------------------------------------------------------

        [Theory]
        [InlineData("[Differentiable]", "Hessian")]
        [InlineData("[Differentiable(Kinds = DerivativeKinds.Jacobian)]", "Hessian")]
        [InlineData("[Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse)]", "Hessian")]
        public void GG0009_HessianMethodCallsACalleeWithoutHessianKind(string calleeAttribute, string kind)
        {
            var source = Source($@"
        {calleeAttribute} public static double Callee(double a, double b) => Math.Sin(a) * b;
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Bad(double x, double y) => Callee(x * y, x) + y;");
            AssertReported(source, "GG0009", "Callee(x * y, x)", new[] { "'T.Callee'", kind });
        }

        [Fact]
        public void GG0009_JacobianMethodCallsAForwardOnlyCallee()
        {
            var source = Source(@"
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Callee(double a) => a * a;
        [Differentiable(Kinds = DerivativeKinds.Jacobian)] public static (double, double) Bad(double x, double y) => (Callee(x), x * y);");
            AssertReported(source, "GG0009", "Callee(x)", new[] { "'T.Callee'", "Reverse" });
        }

        [Theory]
        [InlineData("(double, double) Callee(double a) => (a * a, a);", "Callee(x).Item1 * x")]
        [InlineData("double[] Callee(double a) { var r = new double[2]; r[0] = a * a; r[1] = a; return r; }", "Callee(x)[0] * x")]
        public void GG0005_HessianMethodCallsAVectorValuedCallee(string callee, string use)
        {
            // A vector-valued callee cannot have the Hessian kind (GG0012), so the caller has no way to get one: an error
            // on the call that says so (not GG0009, whose fix would be impossible), never a silent zero or broken code.
            var source = Source($@"
        [Differentiable] public static {callee}
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Bad(double x) => {use};");
            AssertReported(source, "GG0005", "Callee(x)", new[] { "a Hessian through the vector-valued 'T.Callee'" });
        }

        [Fact]
        public void GG0009_Negative_HessianCalleeOfAHessianMethod()
        {
            var source = Source(@"
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Callee(double a, double b) => Math.Sin(a) * b;
        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static double Bad(double x, double y) => Callee(x * y, x) + y;
        [Differentiable(Kinds = DerivativeKinds.Hessian | DerivativeKinds.Jacobian)] public static double Both(double x, double y) => Callee(x, y);");
            var assembly = AssertAccepted(source);
            var type = assembly.GetType("Diag.T")!;
            var h = new double[2, 2];
            Reflect.Invoke(type, "BadHessian", 0.5, 2.0, h);
            // f = sin(xy)·x + y: f_xx = 2y cos(xy) − x y² sin(xy), f_xy = 2x cos(xy) − x² y sin(xy), f_yy = −x³ sin(xy)
            double x = 0.5, y = 2.0, s = Math.Sin(x * y), c = Math.Cos(x * y);
            Assert.Equal(2 * y * c - x * y * y * s, h[0, 0], 12);
            Assert.Equal(2 * x * c - x * x * y * s, h[0, 1], 12);
            Assert.Equal(2 * x * c - x * x * y * s, h[1, 0], 12);
            Assert.Equal(-x * x * x * s, h[1, 1], 12);
            Assert.NotNull(Reflect.TryFindMethod(type, "BothJacobian"));
            Assert.NotNull(Reflect.TryFindMethod(type, "BothHessian"));
        }

        // ----- GG0005: tuple constructs ------------------------------------------------------------------------------------

        public static TheoryData<string, string, string, string> UnsupportedTupleConstructs => new TheoryData<string, string, string, string>
        {
            // name, members, span start, a word of the message
            {
                "WholeTupleLocalToAPlainMethod",
                "public static double Use((double, double) t) => t.Item1;\n[Differentiable] public static double Bad(double x) { var p = (x, x * 2); return Use(p); }",
                "p", "'p'"
            },
            {
                "WholeTupleLocalToADifferentiableMethod",
                "[Differentiable] public static double Use([NoDerivative] (double, double) t, double x) => x * 2;\n[Differentiable] public static double Bad(double x) { var p = (x, x * 2); return Use(p, x); }",
                "p", "'p'"
            },
            {
                "NestedDeconstruction",
                "[Differentiable] public static double Bad(double x, double y) { var ((a, b), c) = ((x, y), x); return a * b * c; }",
                "var ((a, b), c)", "deconstruction"
            },
            {
                "TupleWithAnIntElement",
                "[Differentiable] public static double Bad(double x) { var p = (x, 2); return p.Item1 * p.Item2; }",
                "(x, 2)", "(x, 2)"
            },
            {
                "ConditionalTupleResult",
                "[Differentiable] public static (double, double) Bad(double x, double y) => x > 0 ? (x, y) : (y, x);",
                "x > 0 ? (x, y) : (y, x)", "tuple"
            },
            {
                "TupleEquality",
                "[Differentiable] public static double Bad(double x, double y) { var p = (x, y); return p == (1.0, 2.0) ? x : y; }",
                "p == (1.0, 2.0)", "p == (1.0, 2.0)"
            },
        };

        [Theory]
        [MemberData(nameof(UnsupportedTupleConstructs))]
        public void GG0005_UnsupportedTupleConstruct(string name, string members, string spanStartsWith, string messageContains)
        {
            Assert.NotNull(name);
            AssertReported(Source(members), "GG0005", spanStartsWith, new[] { messageContains });
        }

        [Fact]
        public void TupleValuedCallPassedToAPlainMethodIsAnError()
        {
            var source = Source(@"
        public static double Use((double, double) t) => t.Item1;
        [Differentiable] public static (double A, double B) G(double x) => (x * x, x);
        [Differentiable] public static double Bad(double x) => Use(G(x));");
            AssertSourceCompiles(source);
            var analyzer = GeneratorHarness.Analyze(source);
            Assert.True(analyzer.Any(d => IsGradGenError(d) && (d.Id == "GG0003" || d.Id == "GG0005")),
                "A derivative flows into Use: expected GG0003 or GG0005.\n" + Context(source, analyzer, null));
            var (run, _) = RunAndLoad(source, analyzer);
            Assert.Empty(FilesOf(run, "T", "Bad"));
        }

        // ----- GG0002: results ---------------------------------------------------------------------------------------------

        [Theory]
        [InlineData("(double, double, double, double, double, double, double, double)", "(x, x, x, x, x, x, x, x)", "'(double, double, double, double, double, double, double, double)'")]
        [InlineData("(double, int)", "(x, 1)", "'(double, int)'")]
        [InlineData("(double, decimal)", "(x, 1m)", "'(double, decimal)'")]
        [InlineData("double[,]", "new double[1, 1] { { x } }", "'double[*,*]'")]
        [InlineData("int[]", "new[] { (int)x }", "'int[]'")]
        public void GG0002_ResultThatIsNotRealsOrARealArray(string returnType, string body, string messageContains)
        {
            var source = Source($"        [Differentiable] public static {returnType} Bad(double x) => {body};");
            AssertSourceCompiles(source);
            var analyzer = GeneratorHarness.Analyze(source);
            var errors = analyzer.Where(IsGradGenError).ToList();
            Assert.True(errors.Any(d => d.Id == "GG0002"), "Expected GG0002:\n" + Context(source, analyzer, null));
            var message = errors.First(d => d.Id == "GG0002").GetMessage();
            Assert.True(message.Contains("2 to 7", StringComparison.Ordinal), "The message should say what results are allowed: " + message);
            Assert.True(message.Contains(messageContains.Replace("[*,*]", "[,]"), StringComparison.Ordinal) || message.Contains(messageContains, StringComparison.Ordinal),
                "The message should name the result type: " + message);
            var (run, _) = RunAndLoad(source, analyzer);
            Assert.Empty(FilesOf(run, "T", "Bad"));
        }

        [Theory]
        [InlineData("(double, double)", "(x, x)")]
        [InlineData("(double A, double B, double C, double D, double E, double F, double G)", "(x, x, x, x, x, x, x)")]
        [InlineData("(float, double)", "((float)x, x)")]
        [InlineData("float[]", "{ var r = new float[1]; r[0] = (float)x; return r; }")]
        [InlineData("double[]", "{ var r = new double[2]; r[0] = x; r[1] = x * x; return r; }")]
        public void GG0002_Negative_VectorValuedResults(string returnType, string body)
        {
            if (!body.StartsWith("{", StringComparison.Ordinal))
            {
                body = "=> " + body + ";";
            }

            var source = Source($"        [Differentiable(Kinds = DerivativeKinds.Jacobian)] public static {returnType} Bad(double x) {body}");
            var assembly = AssertAccepted(source);
            Assert.NotNull(Reflect.TryFindMethod(assembly.GetType("Diag.T")!, "BadJacobian"));
        }

        // ----- constructs that must not be misreported -------------------------------------------------------------------

        [Fact]
        public void WritingAnElementOfATupleLocalIsNotAWriteTheCallerCanSee()
        {
            // A tuple local is a local: assigning one of its elements is either supported (each element is a variable) or
            // an unsupported construct (GG0005), but never GG0004 ("writes the field 'X', which the caller can see").
            var source = Source(@"
        [Differentiable]
        public static double Bad(double x, double y)
        {
            (double X, double Y) q = (x, y);
            q.X = q.Y * x;
            q.Item2 += x;
            return q.X * q.Y;
        }

        [Differentiable]
        public static (double, double) Swaps(double x, double y)
        {
            var p = (x, y);
            for (int i = 0; i < 3; i++)
                (p.Item1, p.Item2) = (p.Item2 * x, p.Item1 + y);
            return p;
        }");
            AssertSourceCompiles(source);
            var analyzer = GeneratorHarness.Analyze(source);
            var wrong = analyzer.Where(d => d.Id == "GG0004").ToList();
            Assert.True(wrong.Count == 0, "Writes to a tuple local's elements are reported as writes the caller can see:\n" + Show(wrong)
                + "\n\n" + Context(source, analyzer, null));
            var (run, assembly) = RunAndLoad(source, analyzer);
            if (FilesOf(run, "T", "Bad").Count == 1)
            {
                // Supported: f = (xy)(y + x) = x²y + xy², ∇f = (2xy + y², x² + 2xy).
                var type = assembly.GetType("Diag.T")!;
                var (value, outs) = Reflect.Invoke(type, "BadGradient", 0.5, 2.0, null, null);
                Assert.Equal(0.5 * 2 * 2.5, (double)value!, 12);
                Assert.Equal(2 * 0.5 * 2 + 4, (double)outs[2]!, 12);
                Assert.Equal(0.25 + 2 * 0.5 * 2, (double)outs[3]!, 12);
            }
            else
            {
                Assert.Contains(analyzer, d => d.Id == "GG0005");
            }
        }

        [Fact]
        public void NoDerivativeTupleParameterCanBeRead()
        {
            // A tuple parameter is not differentiated yet (GG0019, see DiagnosticTests.AllowList); marked [NoDerivative]
            // it is passed through unchanged, and its elements are constants in the derivative, like an int[] read by index.
            var source = Source(@"
        [Differentiable]
        public static double Bad([NoDerivative] (double Scale, double Shift) t, double x) => t.Scale * x * x + t.Item2;

        [Differentiable]
        public static (double, double) Pair([NoDerivative] (double, double) t, double x) => (t.Item1 * x, t.Item2 + x);");
            var assembly = AssertAccepted(source);
            var type = assembly.GetType("Diag.T")!;
            var (value, outs) = Reflect.Invoke(type, "BadGradient", (3.0, 1.0), 2.0, null);
            Assert.Equal(13.0, (double)value!);
            Assert.Equal(12.0, (double)outs[2]!);
        }
    }
}
