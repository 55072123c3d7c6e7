using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Text;
using GradGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;
using static GradGen.Tests.Infrastructure.DiagnosticSource;

namespace GradGen.Tests
{
    /// <summary>
    /// GG0001..GG0008: for every descriptor, sources that must report it (exactly that ID, on the offending
    /// construct) and near-identical sources that must not. For each source the generator is run as well: a method
    /// with an error gets no generated file, a method with only a warning is generated, the other methods of the
    /// source are generated, and the output compilation (user code + generated code) has no errors.
    ///
    /// Every test source has the bad (or fixed) method named <c>Bad</c> in type <c>Diag.T</c>, and a valid method
    /// <c>Diag.Fine.Good(x) = x² + 1</c> that must always be generated.
    /// </summary>
    public sealed partial class DiagnosticTests
    {
        // ----------------------------------------------------------------------------------------------------------
        // Source building and checks
        // ----------------------------------------------------------------------------------------------------------

        /// <summary>Runs the generator; the output compilation must have no error at all; Fine.Good must be generated and right.</summary>
        private static (GeneratorRun Run, Assembly Assembly) RunAndLoad(string source, ImmutableArray<Diagnostic> analyzer)
        {
            var run = GeneratorHarness.Run(source);
            var errors = run.CompilationErrors.ToList();
            Assert.True(errors.Count == 0, "The output compilation has errors:\n" + string.Join("\n", errors.Select(e => "  " + e))
                + "\n\n" + Context(source, analyzer, run));
            Assert.True(FilesOf(run, "Fine", "Good").Count == 1,
                "Diag.Fine.Good (valid) was not generated next to the method under test.\n" + Context(source, analyzer, run));

            var assembly = run.Load();
            var fine = assembly.GetType("Diag.Fine")!;
            var (value, args) = Reflect.Invoke(fine, "GoodGradient", 3.0, null);
            Assert.Equal(10.0, (double)value!);
            Assert.Equal(6.0, (double)args[1]!);
            return (run, assembly);
        }

        /// <summary>
        /// The analyzer reports <paramref name="id"/> and no other GG diagnostic; one of them is at a span whose text is
        /// <paramref name="spanText"/> (or, with <paramref name="spanStartsWith"/>, starts with it) and its message
        /// contains <paramref name="messageContains"/>. Errors: Diag.T.Bad is not generated. Warnings: it is.
        /// </summary>
        private static (GeneratorRun Run, Assembly Assembly, Diagnostic Diagnostic) AssertReported(
            string source, string id, string spanText, string? messageContains = null, bool spanStartsWith = false,
            string type = "T", string method = "Bad", string? allowAlso = null)
        {
            AssertSourceCompiles(source);
            var analyzer = GeneratorHarness.Analyze(source);
            var gradGen = analyzer.Where(IsGradGen).ToList();
            Assert.True(gradGen.Count > 0, $"Expected {id}; the analyzer reported no GG diagnostic.\n" + Context(source, analyzer, null));
            Assert.True(gradGen.All(d => d.Id == id || d.Id == allowAlso), $"Expected only {id}; the analyzer reported:\n" + Show(gradGen) + "\n\n" + Context(source, analyzer, null));
            gradGen = gradGen.Where(d => d.Id == id).ToList();

            var match = gradGen.FirstOrDefault(d =>
                spanStartsWith ? SpanText(d).StartsWith(spanText, StringComparison.Ordinal) : SpanText(d) == spanText);
            Assert.True(match != null, $"Expected {id} at '{spanText}'{(spanStartsWith ? "..." : string.Empty)}; reported:\n" + Show(gradGen)
                + "\n\n" + Context(source, analyzer, null));
            Assert.Equal("Source.cs", match!.Location.SourceTree?.FilePath);
            if (messageContains != null)
            {
                Assert.True(match.GetMessage().Contains(messageContains, StringComparison.Ordinal),
                    $"The {id} message should contain '{messageContains}': {match.GetMessage()}");
            }

            var severity = id switch
            {
                "GG0006" or "GG0007" or "GG0020" => DiagnosticSeverity.Warning,
                "GG0011" => DiagnosticSeverity.Info,
                _ => DiagnosticSeverity.Error,
            };
            Assert.All(gradGen, d => Assert.Equal(severity, d.Severity));
            Assert.All(gradGen, d => Assert.Equal(severity, d.DefaultSeverity));

            var (run, assembly) = RunAndLoad(source, analyzer);
            var files = FilesOf(run, type, method);
            if (severity != DiagnosticSeverity.Error)
            {
                Assert.True(files.Count == 1, $"A {severity} ({id}) must not stop generation of Diag.{type}.{method}.\n" + Context(source, analyzer, run));
            }
            else
            {
                Assert.True(files.Count == 0, $"Diag.{type}.{method} has an error ({id}) but was generated: {string.Join(", ", files)}\n" + Context(source, analyzer, run));
                Assert.DoesNotContain(run.GeneratedSources.Values, text => text.Contains(" " + method + "Gradient(", StringComparison.Ordinal));
            }

            return (run, assembly, match);
        }

        /// <summary>
        /// The analyzer reports nothing of <paramref name="id"/> and no GG error at all; Diag.T.Bad is generated, and
        /// analyzing the output compilation (as the IDE does, with generated members present) reports no GG error either.
        /// </summary>
        private static (GeneratorRun Run, Assembly Assembly) AssertNotReported(string source, string id, string type = "T", string method = "Bad")
        {
            AssertSourceCompiles(source);
            var analyzer = GeneratorHarness.Analyze(source);
            var offending = analyzer.Where(d => d.Id == id || IsGradGen(d) && d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(offending.Count == 0, $"Valid source: expected no {id} and no GG error, got:\n" + Show(offending) + "\n\n" + Context(source, analyzer, null));

            var (run, assembly) = RunAndLoad(source, analyzer);
            Assert.True(FilesOf(run, type, method).Count == 1, $"Diag.{type}.{method} is valid but was not generated.\n" + Context(source, analyzer, run));

            var afterGeneration = GeneratorHarness.Analyze(run.OutputCompilation).Where(d => IsGradGen(d) && d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(afterGeneration.Count == 0, "Analyzing the compilation that includes the generated code reports errors:\n"
                + Show(afterGeneration) + "\n\n" + Context(source, analyzer, run));
            return (run, assembly);
        }

        private static (double Value, double[] Gradient) Gradient(Assembly assembly, string method, params object?[] args)
        {
            var type = assembly.GetType("Diag.T")!;
            var primal = Reflect.TryFindMethod(type, method) ?? throw new InvalidOperationException("TEST BUG: no single method " + method);
            var active = primal.GetParameters().Count(DiffFunction.IsDifferentiable);
            var gradient = Reflect.FindMethod(type, method + "Gradient", args.Length + active);
            var withOuts = args.Concat(Enumerable.Repeat<object?>(null, active)).ToArray();
            var (value, after) = Reflect.Call(gradient, null, withOuts);
            return (Reflect.ToDouble(value), after.Skip(args.Length).Select(Reflect.ToDouble).ToArray());
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0001: type not partial
        // ----------------------------------------------------------------------------------------------------------

        [Fact]
        public void GG0001_TypeNotPartial()
        {
            var source = Source("        [Differentiable] public static double Bad(double x) => x * x;", "public static class T");
            var (_, _, d) = AssertReported(source, "GG0001", "Differentiable", messageContains: "'T'");
            Assert.Contains("'Bad'", d.GetMessage());
        }

        [Fact]
        public void GG0001_InstanceMethodOfNonPartialClass()
        {
            var source = Source("        [Differentiable] public double Bad(double x) => x * x;", "public class T");
            AssertReported(source, "GG0001", "Differentiable", messageContains: "'T'");
        }

        [Fact]
        public void GG0001_OuterTypeNotPartial()
        {
            var source = Source(@"
        public static partial class Inner
        {
            [Differentiable] public static double Bad(double x) => x * x;
        }", "public static class T");
            var (run, _, d) = AssertReported(source, "GG0001", "Differentiable", messageContains: "'T'", type: "T.Inner");
            Assert.DoesNotContain(run.GeneratedSources.Keys, k => k.Contains(".Inner.", StringComparison.Ordinal));
        }

        [Fact]
        public void GG0001_InnerTypeNotPartial()
        {
            var source = Source(@"
        public static class Inner
        {
            [Differentiable] public static double Bad(double x) => x * x;
        }");
            AssertReported(source, "GG0001", "Differentiable", messageContains: "'Inner'", type: "T.Inner");
        }

        [Fact]
        public void GG0001_Negative_AllContainingTypesPartial()
        {
            var source = Source(@"
        public static partial class Inner
        {
            [Differentiable] public static double Bad(double x) => x * x;
        }");
            var (run, _) = AssertNotReported(source, "GG0001", type: "T.Inner");
            Assert.Contains("Diag.T.Inner.Bad.g.cs", run.GeneratedSources.Keys);
        }

        [Fact]
        public void GG0001_Negative_PartialType()
        {
            AssertNotReported(Source("        [Differentiable] public static double Bad(double x) => x * x;"), "GG0001");
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0002: unsupported signature (reported on the attribute)
        // ----------------------------------------------------------------------------------------------------------

        public static TheoryData<string, string, string, string?> UnsupportedSignatures => new TheoryData<string, string, string, string?>
        {
            // name, members, a word the message must contain, another ID the body cannot avoid (out must be assigned,
            // an iterator must yield)
            { "ReturnsInt", "[Differentiable] public static int Bad(int n) => n * 2;", "'int'", null },
            { "ReturnsVoid", "[Differentiable] public static void Bad(double x) { }", "'void'", null },
            { "ReturnsDecimal", "[Differentiable] public static decimal Bad(decimal x) => x * x;", "'decimal'", "GG0019" },
            { "RefParameter", "[Differentiable] public static double Bad(ref double x, double y) => y * y;", "'x'", null },
            { "InParameter", "[Differentiable] public static double Bad(in double x, double y) => y * y;", "'x'", null },
            { "OutParameter", "[Differentiable] public static double Bad(double x, out double y) { y = 1; return x * x; }", "'y'", "GG0005" },
            { "ParamsParameter", "[Differentiable] public static double Bad(double x, params int[] ns) => x * ns.Length;", "params", null },
            { "GenericMethod", "[Differentiable] public static double Bad<TNum>(double x) => x * x;", "generic", null },
            { "GenericReturningT", "[Differentiable] public static TNum Bad<TNum>(TNum x) => x;", "generic", null },
            { "AsyncMethod", "#pragma warning disable CS1998\n[Differentiable] public static async System.Threading.Tasks.Task<double> Bad(double x) => x * x;\n#pragma warning restore CS1998", "async", null },
            { "WritableSpanParameter", "[Differentiable] public static double Bad(Span<double> xs, double y) => y * xs.Length;", "'xs'", null },
            { "JaggedArrayParameter", "[Differentiable] public static double Bad(double[][] xs, double y) => y * xs.Length;", "'xs'", null },
            { "Rank3ArrayParameter", "[Differentiable] public static double Bad(double[,,] xs, double y) => y * xs.Length;", "'xs'", null },
            { "Iterator", "[Differentiable] public static System.Collections.Generic.IEnumerable<double> Bad(double x) { yield return x; }", "IEnumerable", "GG0005" },
        };

        [Theory]
        [MemberData(nameof(UnsupportedSignatures))]
        public void GG0002_UnsupportedSignature(string name, string members, string messageContains, string? allowAlso)
        {
            Assert.NotNull(name);
            var (_, _, d) = AssertReported(Source("        " + members), "GG0002", "Differentiable", messageContains, allowAlso: allowAlso);
            Assert.Contains("'Bad'", d.GetMessage());
        }

        /// <summary>
        /// One signature problem is one diagnostic, on the attribute: the uses of the offending parameter in the body
        /// are not reported again (GG0005 "an array is not supported", "a ref, out or in parameter", ...).
        /// </summary>
        [Theory]
        [InlineData("RefParameterUsed", "[Differentiable] public static double Bad(ref double x) => x * x;")]
        [InlineData("InParameterUsed", "[Differentiable] public static double Bad(in double x) => x * x;")]
        [InlineData("OutParameterAssigned", "[Differentiable] public static double Bad(double x, out double y) { y = x; return x * x; }")]
        [InlineData("WritableSpanParameterIndexed", "[Differentiable] public static double Bad(Span<double> xs) => xs[0] * xs[1];")]
        [InlineData("JaggedArrayParameterIndexed", "[Differentiable] public static double Bad(double[][] xs) => xs[0][0] * xs[1][0];")]
        [InlineData("Rank3ArrayParameterIndexed", "[Differentiable] public static double Bad(double[,,] m) => m[0, 0, 0] * m[1, 1, 1];")]
        [InlineData("AsyncWithAwait", "[Differentiable] public static async System.Threading.Tasks.Task<double> Bad(double x) { await System.Threading.Tasks.Task.Yield(); return x * x; }")]
        public void GG0002_SignatureErrorIsNotRepeatedInTheBody(string name, string members)
        {
            Assert.NotNull(name);
            AssertReported(Source("        " + members), "GG0002", "Differentiable");
        }

        [Fact]
        public void GG0002_AbstractMethod()
        {
            var source = Source(@"
        [Differentiable] public abstract double Bad(double x);", "public abstract partial class T");
            AssertReported(source, "GG0002", "Differentiable", "no body");
        }

        [Fact]
        public void GG0002_PartialMethodDeclarationWithoutImplementation()
        {
            var source = Source(@"
        [Differentiable] public static partial double Bad(double x);
        public static partial double Bad(double x) => x * x;");
            // The implementation makes this valid C#; the attribute sits on the defining declaration: the method has
            // a body, so either GG0002 or a generated method is acceptable, but never broken output.
            AssertSourceCompiles(source);
            var analyzer = GeneratorHarness.Analyze(source);
            RunAndLoad(source, analyzer);
        }

        /// <summary>
        /// [Differentiable] is allowed by C# on local functions and operators (AttributeTargets.Method). GradGen does not
        /// differentiate them (the GG0002 message says so), so it must say so rather than ignore the attribute.
        /// </summary>
        [Theory]
        [InlineData("LocalFunction", "public static double Outer(double y) { [Differentiable] static double Bad(double x) => x * x; return Bad(y); }")]
        [InlineData("Operator", "public double V; [Differentiable] public static double operator +(T a, double x) => a.V + x;")]
        public void GG0002_NonOrdinaryMethodIsReportedNotIgnored(string name, string members)
        {
            Assert.NotNull(name);
            var source = Source("        " + members, "public partial class T");
            AssertSourceCompiles(source);
            var analyzer = GeneratorHarness.Analyze(source).Where(IsGradGen).ToList();
            Assert.True(analyzer.Count == 1 && analyzer[0].Id == "GG0002" && SpanText(analyzer[0]) == "Differentiable",
                "Expected one GG0002 on the attribute; got:\n" + Show(analyzer));
            RunAndLoad(source, GeneratorHarness.Analyze(source));
        }

        /// <summary>
        /// Arrays, matrices and read-only spans of reals: the contract's differentiable parameter types, "not supported
        /// yet" while they are being implemented. Either state is right as long as it is consistent: GG0002 on the
        /// attribute naming the parameter and nothing generated, or no GG error and derivatives that compile.
        /// </summary>
        [Theory]
        [InlineData("double[] xs", "xs[0] * xs[1]")]
        [InlineData("float[] xs", "xs[0] * xs[1]")]
        [InlineData("double[,] xs", "xs[0, 0] * xs[1, 1]")]
        [InlineData("ReadOnlySpan<double> xs", "xs[0] * xs[1]")]
        public void GG0002_CollectionParameterIsReportedOrSupported(string parameter, string expression)
        {
            var type = parameter.StartsWith("float", StringComparison.Ordinal) ? "float" : "double";
            var source = Source($"        [Differentiable] public static {type} Bad({parameter}) => {expression};");
            AssertSourceCompiles(source);
            var analyzer = GeneratorHarness.Analyze(source);
            if (analyzer.Any(d => d.Id == "GG0002"))
            {
                AssertReported(source, "GG0002", "Differentiable", "'xs'");
            }
            else
            {
                AssertNotReported(source, "GG0002");
            }
        }

        [Fact]
        public void GG0013_CallToADifferentiableMethodWithErrors()
        {
            var source = Source(@"
        [Differentiable] public static double Broken(double x) { try { return x * x; } finally { } }
        [Differentiable] public static double Bad(double x) => 2 * Broken(x) + x;");
            var analyzer = GeneratorHarness.Analyze(source).Where(IsGradGen).ToList();
            Assert.Contains(analyzer, d => d.Id == "GG0005");
            var call = Assert.Single(analyzer, d => d.Id == "GG0013");
            Assert.Equal("Broken(x)", SpanText(call));
            Assert.Contains("'T.Broken'", call.GetMessage(), StringComparison.Ordinal);
            Assert.Equal(DiagnosticSeverity.Error, call.Severity);
            var callee = Assert.Single(call.AdditionalLocations);
            Assert.StartsWith("Broken", source.Substring(callee.SourceSpan.Start), StringComparison.Ordinal);
            var (run, _) = RunAndLoad(source, GeneratorHarness.Analyze(source));
            Assert.Empty(FilesOf(run, "T", "Bad"));
            Assert.Empty(FilesOf(run, "T", "Broken"));
        }

        [Fact]
        public void GG0013_Negative_CallToAValidMethodOrItself()
        {
            var source = Source(@"
        [Differentiable] public static double Fine(double x) => x * x;
        [Differentiable] public static double Bad(double x, int n) => n <= 0 ? Fine(x) : x * Bad(x, n - 1);");
            AssertNotReported(source, "GG0013");
        }

        [Fact]
        public void GG0012_HessianOfAVectorValuedMethod()
        {
            var source = Source("        [Differentiable(Kinds = DerivativeKinds.Hessian)] public static (double, double) Bad(double x, double y) => (x * y, x);");
            AssertReported(source, "GG0012", "Differentiable(Kinds = DerivativeKinds.Hessian)", "Hessian");
        }

        [Theory]
        [InlineData("DerivativeKinds.Jacobian", "public static (double, double) Bad(double x, double y) => (x * y, x);")]
        [InlineData("DerivativeKinds.Jacobian", "public static double[] Bad(double[] x) { var r = new double[x.Length]; for (int i = 0; i < x.Length; i++) r[i] = x[i] * x[i]; return r; }")]
        [InlineData("DerivativeKinds.Hessian", "public static double Bad(double x, double y) => x * y;")]
        [InlineData("DerivativeKinds.Jacobian | DerivativeKinds.Hessian", "public static double Bad(double[] x) => x[0] * x[1];")]
        public void GG0012_Negative_KindThatApplies(string kinds, string method)
        {
            var source = Source($"        [Differentiable(Kinds = {kinds})] {method}");
            AssertNotReported(source, "GG0012");
            AssertNotReported(source, "GG0002");
        }

        public static TheoryData<string, string> SupportedSignatures => new TheoryData<string, string>
        {
            { "Double", "[Differentiable] public static double Bad(double x) => x * x;" },
            { "Float", "[Differentiable] public static float Bad(float x) => x * x;" },
            { "PassThroughInt", "[Differentiable] public static double Bad(double x, int n) => x * n;" },
            { "PassThroughIntArray", "[Differentiable] public static double Bad(double x, int[] ns) => x * ns.Length;" },
            { "NoDerivativeDouble", "[Differentiable] public static double Bad(double x, [NoDerivative] double k) => x * k;" },
            { "Internal", "[Differentiable] internal static double Bad(double x) => x * x;" },
            { "ForwardAndReverse", "[Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse)] public static double Bad(double x, double y) => x * y;" },
            { "ForwardOnly", "[Differentiable(Kinds = DerivativeKinds.Forward)] public static double Bad(double x, double y) => x * y;" },
            { "ReverseOnly", "[Differentiable(Kinds = DerivativeKinds.Reverse)] public static double Bad(double x, double y) => x * y;" },
        };

        [Theory]
        [MemberData(nameof(SupportedSignatures))]
        public void GG0002_Negative_SupportedSignature(string name, string members)
        {
            Assert.NotNull(name);
            AssertNotReported(Source("        " + members), "GG0002");
        }

        [Fact]
        public void GG0002_Negative_InstanceMethod()
        {
            var source = Source(@"
        private readonly double scale = 2;
        [Differentiable] public double Bad(double x) => scale * x * x;", "public partial class T");
            AssertNotReported(source, "GG0002");
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0003: a derivative flows into a plain method
        // ----------------------------------------------------------------------------------------------------------

        private const string Helper = @"
        public static double Helper(double v) => v * v + 1;
        public static double Helper2(double a, double b) => a * b;
";

        [Fact]
        public void GG0003_ArgumentIsInput()
        {
            var source = Source(Helper + "        [Differentiable] public static double Bad(double x) => Helper(x) + 1;");
            var (_, _, d) = AssertReported(source, "GG0003", "Helper(x)", "'T.Helper'");
            Assert.Contains("[Differentiable]", d.GetMessage());
        }

        [Fact]
        public void GG0003_ArgumentDependsOnInputThroughLocals()
        {
            var source = Source(Helper + @"
        [Differentiable]
        public static double Bad(double x, double y)
        {
            double a = x * 2;
            double b = a + 1;
            return Helper2(3.0, b) * y;
        }");
            AssertReported(source, "GG0003", "Helper2(3.0, b)", "'T.Helper2'");
        }

        [Fact]
        public void GG0003_ArgumentBecomesActiveInALoop()
        {
            // c starts constant, becomes active in the first iteration: the call in the loop sees an active argument.
            var source = Source(Helper + @"
        [Differentiable]
        public static double Bad(double x, int n)
        {
            double c = 1;
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                s += Helper(c);
                c = c * x;
            }
            return s;
        }");
            AssertReported(source, "GG0003", "Helper(c)", "'T.Helper'");
        }

        /// <summary>
        /// A derivative must never be dropped silently (contract: "anything else is a compile error from the analyzer,
        /// never a silent zero"). Here the input reaches a plain call through a value that is not double/float
        /// (a string, a decimal): either the analyzer reports it, or the generated gradient is right.
        /// </summary>
        [Theory]
        [InlineData("ThroughString", "double.Parse(x.ToString(\"R\")) * x")]
        [InlineData("ThroughDecimalConversion", "(double)(decimal)x * x")]
        [InlineData("ThroughDecimalArithmetic", "(double)((decimal)x * 1m) * x")]
        public void GG0003_InputThroughANonRealValueIsNotDroppedSilently(string name, string expression)
        {
            Assert.NotNull(name);
            var source = Source($"        [Differentiable] public static double Bad(double x) => {expression};");
            AssertSourceCompiles(source);
            var analyzer = GeneratorHarness.Analyze(source);
            if (analyzer.Any(d => IsGradGen(d) && d.Severity == DiagnosticSeverity.Error))
            {
                var (errorRun, _) = RunAndLoad(source, analyzer);
                Assert.Empty(FilesOf(errorRun, "T", "Bad"));
                return;
            }

            var (_, assembly) = RunAndLoad(source, analyzer);
            var gradient = Gradient(assembly, "Bad", 1.25).Gradient[0];
            Assert.True(gradient == 2.5, $"d/dx of {expression} at x = 1.25 is 2.5; the generated gradient is {gradient}, and the analyzer reported nothing.");
        }

        [Fact]
        public void GG0003_InstanceMethodCall()
        {
            var source = Source(@"
        private double Twice(double v) => 2 * v;
        [Differentiable] public double Bad(double x) => this.Twice(x) * x;", "public partial class T");
            AssertReported(source, "GG0003", "this.Twice(x)", "'T.Twice'");
        }

        [Fact]
        public void GG0003_Negative_ConstantArgument()
        {
            var source = Source(Helper + "        [Differentiable] public static double Bad(double x) => Helper(2.0) * x;");
            var (_, assembly) = AssertNotReported(source, "GG0003");
            var (value, gradient) = Gradient(assembly, "Bad", 1.5);
            Assert.Equal(5.0 * 1.5, value);
            Assert.Equal(5.0, gradient[0]);
        }

        [Fact]
        public void GG0003_Negative_ArgumentFromPassThroughInt()
        {
            var source = Source(Helper + "        [Differentiable] public static double Bad(double x, int n) => Helper(n) * x;");
            var (_, assembly) = AssertNotReported(source, "GG0003");
            Assert.Equal(10.0, Gradient(assembly, "Bad", 1.5, 3).Gradient[0]);
        }

        [Fact]
        public void GG0003_Negative_VoidCall()
        {
            var source = Source(@"
        [Differentiable]
        public static double Bad(double x)
        {
            Console.WriteLine(x);
            System.Diagnostics.Debug.Assert(x > -1e300);
            return x * x;
        }");
            var (_, assembly) = AssertNotReported(source, "GG0003");
            var original = Console.Out;
            try
            {
                Console.SetOut(System.IO.TextWriter.Null);
                Assert.Equal(3.0, Gradient(assembly, "Bad", 1.5).Gradient[0]);
            }
            finally
            {
                Console.SetOut(original);
            }
        }

        [Fact]
        public void GG0003_Negative_ArgumentFromNoDerivativeParameter()
        {
            var source = Source(Helper + "        [Differentiable] public static double Bad(double x, [NoDerivative] double k) => Helper(k) * x;");
            var (_, assembly) = AssertNotReported(source, "GG0003");
            var (value, gradient) = Gradient(assembly, "Bad", 1.5, 2.0);
            Assert.Equal(7.5, value);
            Assert.Single(gradient);
            Assert.Equal(5.0, gradient[0]);
        }

        [Fact]
        public void GG0003_Negative_CalleeMarkedDifferentiable()
        {
            var source = Source(@"
        [Differentiable] public static double Helper(double v) => v * v + 1;
        [Differentiable] public static double Bad(double x) => Helper(x) + 1;");
            var (_, assembly) = AssertNotReported(source, "GG0003");
            Assert.Equal(3.0, Gradient(assembly, "Bad", 1.5).Gradient[0]);
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0004: writes the caller can see
        // ----------------------------------------------------------------------------------------------------------

        [Fact]
        public void GG0004_WritesInstanceField()
        {
            var source = Source(@"
        private double last;
        [Differentiable] public double Bad(double x) { last = x * x; return last; }
        public double Last => last;", "public partial class T");
            AssertReported(source, "GG0004", "last", "'last'");
        }

        [Fact]
        public void GG0004_WritesFieldThroughThis()
        {
            var source = Source(@"
        private double last;
        [Differentiable] public double Bad(double x) { this.last = x; return x * x; }
        public double Last => last;", "public partial class T");
            AssertReported(source, "GG0004", "this.last", "'last'");
        }

        [Fact]
        public void GG0004_WritesProperty()
        {
            var source = Source(@"
        public double Last { get; set; }
        [Differentiable] public double Bad(double x) { Last = x * x; return x; }", "public partial class T");
            AssertReported(source, "GG0004", "Last", "'Last'");
        }

        [Fact]
        public void GG0004_WritesStaticField()
        {
            var source = Source(@"
        public static double Total;
        [Differentiable] public static double Bad(double x) { Total = x; return x * x; }");
            AssertReported(source, "GG0004", "Total", "'Total'");
        }

        [Fact]
        public void GG0004_CompoundAssignmentToStaticField()
        {
            var source = Source(@"
        public static double Total;
        [Differentiable] public static double Bad(double x) { Total += x; return x * x; }");
            AssertReported(source, "GG0004", "Total", "'Total'");
        }

        [Fact]
        public void GG0004_IncrementsStaticCounter()
        {
            var source = Source(@"
        public static int Calls;
        [Differentiable] public static double Bad(double x) { Calls++; return x * x; }");
            AssertReported(source, "GG0004", "Calls", "'Calls'");
        }

        [Fact]
        public void GG0004_WritesStaticPropertyOfAnotherType()
        {
            var source = Source(@"
        [Differentiable] public static double Bad(double x) { Store.Value = 1.0; return x * x; }", extraTypes: @"
    public static class Store { public static double Value { get; set; } }");
            AssertReported(source, "GG0004", "Store.Value", "'Value'");
        }

        [Fact]
        public void GG0004_WritesElementOfPassThroughArray()
        {
            var source = Source(@"
        [Differentiable] public static double Bad(double x, int[] counts) { counts[0] = 1; return x * x; }");
            AssertReported(source, "GG0004", "counts[0]", "element");
        }

        [Fact]
        public void GG0004_Negative_ReadsFieldsWritesLocals()
        {
            var source = Source(@"
        private double scale = 3;
        public double Offset { get; set; } = 1;
        public static double Global = 2;
        [Differentiable] public double Bad(double x) { double last = x * x * scale + Offset + Global; last += x; return last; }", "public partial class T");
            var (_, assembly) = AssertNotReported(source, "GG0004");
            var type = assembly.GetType("Diag.T")!;
            var target = Activator.CreateInstance(type)!;
            var (value, args) = Reflect.InvokeInstance(target, "BadGradient", 2.0, null);
            Assert.Equal(2.0 * 2.0 * 3 + 1 + 2 + 2, Reflect.ToDouble(value));
            Assert.Equal(2 * 2.0 * 3 + 1, Reflect.ToDouble(args[1]));
        }

        [Fact]
        public void GG0004_Negative_WritesValueParameter()
        {
            var source = Source(@"
        [Differentiable] public static double Bad(double x) { x = x * x; return x; }");
            var (_, assembly) = AssertNotReported(source, "GG0004");
            Assert.Equal(3.0, Gradient(assembly, "Bad", 1.5).Gradient[0]);
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0005: unsupported constructs
        // ----------------------------------------------------------------------------------------------------------

        public static TheoryData<string, string, string, string> UnsupportedConstructs => new TheoryData<string, string, string, string>
        {
            // name, body of Bad(double x, int n), expected span text ("..." suffix: starts with), message fragment
            { "TryCatch", "try { return Math.Log(x); } catch { return 0; }", "try...", "'try'" },
            { "TryFinally", "double y = 0; try { y = x * x; } finally { y += 1; } return y;", "try...", "'try'" },
            { "ThrowStatement", "if (x < 0) throw new ArgumentOutOfRangeException(nameof(x)); return x * x;", "throw new ArgumentOutOfRangeException(nameof(x));", "'throw'" },
            { "ThrowExpression", "return x >= 0 ? x * x : throw new ArgumentOutOfRangeException(nameof(x));", "throw new ArgumentOutOfRangeException(nameof(x))", "'throw'" },
            { "Lambda", "Func<double> one = () => 1.0; return x * one();", "() => 1.0", "lambda" },
            { "ForEachOverList", "double s = 0; foreach (var k in WeightList) s += k * x; return s;", "foreach...", "'foreach'" },
            { "Goto", "double y = x; if (n > 0) goto done; y = y * x; done: return y;", "goto done;", "'goto'" },
            { "Lock", "double y; lock (Gate) { y = x * x; } return y;", "lock...", "'lock'" },
            { "UsingStatement", "double y; using (var s = new System.IO.MemoryStream()) { y = x * x; } return y;", "using...", "'using'" },
            { "UsingDeclaration", "using var s = new System.IO.MemoryStream(); return x * x;", "using...", "'using'" },
            { "ObjectCreation", "var r = new Random(n); return x * r.NextDouble();", "new Random(n)", "creating an object" },
            { "RemainderOnDouble", "return x % 2.0;", "x % 2.0", "'%'" },
            { "CompoundRemainderOnDouble", "double y = x; y %= 2.0; return y;", "y %= 2.0", "'%'" },
            { "BreakInMiddleOfSwitchSection", "double y = 0; switch (n) { case 0: if (x > 0) break; y = x; break; default: y = 2 * x; break; } return y;", "break;", "switch section" },
            { "ReadAndModifyInOneStatement", "double a = x; a = a++; return a * x;", "a = a++;", "'a'" },
            { "ReadAndIncrementInOneExpression", "double a = x; double b = a++ * a; return b;", "double b = a++ * a;", "'a'" },
            { "LocalFunction", "static double Sq(double v) => v * v; return x * Sq(2.0);", "static double Sq(double v) => v * v;", "local function" },
            { "AssignmentInCondition", "double y = 0; if ((y = x) > 0) return y; return -x;", "y = x", "assignment" },
            { "StringInterpolation", "string s = $\"{n}\"; return x * s.Length;", "$\"{n}\"", "interpolated" },
            { "LongIndex", "double s = 0; for (long i = 0; i < Weights.Length; i++) s += Weights[i] * x; return s;", "i", "index of type 'long'" },
            { "ForEachConversion", "double s = 0; foreach (float w in Weights) s += w * x; return s;", "float", "foreach variable of type 'float'" },
            { "Dynamic", "dynamic k = n; return x * k;", "n", "'dynamic'" },
        };

        private static string ConstructSource(string body) => Source(@"
        private static readonly object Gate = new object();
        private static readonly double[] Weights = { 1.0, 2.0 };
        private static readonly System.Collections.Generic.List<double> WeightList = new System.Collections.Generic.List<double> { 1.0, 2.0 };

        [Differentiable]
        public static double Bad(double x, int n)
        {
            " + body + @"
        }");

        [Theory]
        [MemberData(nameof(UnsupportedConstructs))]
        public void GG0005_UnsupportedConstruct(string name, string body, string span, string messageContains)
        {
            Assert.NotNull(name);
            var startsWith = span.EndsWith("...", StringComparison.Ordinal);
            AssertReported(ConstructSource(body), "GG0005", startsWith ? span.Substring(0, span.Length - 3) : span, messageContains, startsWith);
        }

        [Fact]
        public void GG0005_AssigningANoDerivativeParameter()
        {
            var source = Source("        [Differentiable] public static double Bad(double x, [NoDerivative] double s) { s = x * x; return s; }");
            AssertReported(source, "GG0005", "s", "[NoDerivative] parameter 's'");
        }

        [Fact]
        public void GG0002_DynamicParameter()
        {
            var source = Source("        [Differentiable] public static double Bad(double x, dynamic k) => x * x;");
            AssertReported(source, "GG0002", "Differentiable", "dynamic");
        }

        public static TheoryData<string, string> SupportedRewrites => new TheoryData<string, string>
        {
            { "ConditionalInsteadOfTry", "return x > 0 ? Math.Log(x) : 0;" },
            { "ForInsteadOfForEach", "double s = 0; for (int i = 0; i < n; i++) s += (i + 1) * x; return s;" },
            { "LoopsInsteadOfGoto", "double y = x; if (n <= 0) y = y * x; return y;" },
            { "IntegerRemainder", "return (n % 2) * x;" },
            { "BreakAtEndOfSwitchSection", "double y = 0; switch (n) { case 0: if (x <= 0) { y = x; } break; default: y = 2 * x; break; } return y;" },
            { "BreakInsideLoopInsideSwitch", "double y = 0; switch (n) { case 0: for (int i = 0; i < 3; i++) { if (i == 1) break; y += x; } break; default: y = x; break; } return y;" },
            { "IncrementAsItsOwnStatement", "double a = x; a++; a = a * x; return a;" },
            { "IncrementOfAnotherVariableInExpression", "double a = x; double b = 0; b = a++ * x; return a + b;" },
            { "ExistingObjectRead", "return x * Weights.Length;" },
        };

        [Theory]
        [MemberData(nameof(SupportedRewrites))]
        public void GG0005_Negative_SupportedRewrite(string name, string body)
        {
            Assert.NotNull(name);
            AssertNotReported(ConstructSource(body), "GG0005");
        }

        [Fact]
        public void GG0005_Negative_ForEachOutsideTheDifferentiableMethod()
        {
            var source = Source(@"
        private static readonly double[] Weights = { 1.0, 2.0 };
        public static double Sum() { double s = 0; foreach (var w in Weights) s += w; try { s += 0; } catch { } return s; }
        [Differentiable] public static double Bad(double x) => x * Sum();");
            var (_, assembly) = AssertNotReported(source, "GG0005");
            Assert.Equal(3.0, Gradient(assembly, "Bad", 1.5).Gradient[0]);
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0006: integer conversion (warning: still generated, derivative zero through the conversion)
        // ----------------------------------------------------------------------------------------------------------

        [Fact]
        public void GG0006_IntegerConversionOfActiveValue()
        {
            var source = Source("        [Differentiable] public static double Bad(double x) => (int)(x * 10) * x;");
            var (_, assembly, d) = AssertReported(source, "GG0006", "(int)(x * 10)", "'x * 10'");
            Assert.Contains("int", d.GetMessage());
            var (value, gradient) = Gradient(assembly, "Bad", 0.37);
            Assert.Equal(3 * 0.37, value, 12);
            Assert.Equal(3.0, gradient[0]);
        }

        [Fact]
        public void GG0006_IntegerConversionOfParameter()
        {
            var source = Source("        [Differentiable] public static double Bad(double x) { long k = (long)x; return k + x * x; }");
            var (_, assembly, _) = AssertReported(source, "GG0006", "(long)x", "'x'");
            Assert.Equal(2 * 2.5, Gradient(assembly, "Bad", 2.5).Gradient[0]);
        }

        [Fact]
        public void GG0006_Negative_IntParameter()
        {
            var source = Source("        [Differentiable] public static double Bad(double x, int n) => (int)n * x + (long)n;");
            var (_, assembly) = AssertNotReported(source, "GG0006");
            Assert.Equal(4.0, Gradient(assembly, "Bad", 2.5, 4).Gradient[0]);
        }

        [Fact]
        public void GG0006_Negative_NoDerivativeParameter()
        {
            var source = Source("        [Differentiable] public static double Bad(double x, [NoDerivative] double k) => (int)(k * 10) * x;");
            var (_, assembly) = AssertNotReported(source, "GG0006");
            Assert.Equal(3.0, Gradient(assembly, "Bad", 2.5, 0.37).Gradient[0]);
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0011: [NoDerivative] where there is no derivative anyway (information: still generated)
        // ----------------------------------------------------------------------------------------------------------

        [Theory]
        [InlineData("int n", "int")]
        [InlineData("int[] cells", "int[]")]
        [InlineData("bool flag", "bool")]
        public void GG0011_NoDerivativeOnAParameterWithoutDerivative(string parameter, string type)
        {
            var source = Source($"        [Differentiable] public static double Bad(double x, [NoDerivative] {parameter}) => x * x;");
            var (_, assembly, d) = AssertReported(source, "GG0011", "NoDerivative", $"is '{type}'");
            object argument = type switch { "int" => 3, "int[]" => new int[1], _ => true };
            Assert.Equal(2 * 1.5, Gradient(assembly, "Bad", 1.5, argument).Gradient[0]);
        }

        [Theory]
        [InlineData("[NoDerivative] double c")]
        [InlineData("[NoDerivative] double[] w")]
        [InlineData("[NoDerivative] ReadOnlySpan<float> w")]
        [InlineData("[NoDerivative] double[,] m")]
        [InlineData("int n")]
        public void GG0011_NotReportedWhereNoDerivativeMatters(string parameter)
        {
            AssertNotReported(Source($"        [Differentiable] public static double Bad(double x, {parameter}) => x * x;"), "GG0011");
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0007: piecewise-constant function (warning: still generated, zero derivative)
        // ----------------------------------------------------------------------------------------------------------

        [Fact]
        public void GG0007_Floor()
        {
            var source = Source("        [Differentiable] public static double Bad(double x) => Math.Floor(x) * x;");
            var (_, assembly, d) = AssertReported(source, "GG0007", "Math.Floor(x)", "'Math.Floor'");
            var (value, gradient) = Gradient(assembly, "Bad", 2.5);
            Assert.Equal(5.0, value);
            Assert.Equal(2.0, gradient[0]);
        }

        [Theory]
        [InlineData("Math.Floor(x)")]
        [InlineData("Math.Ceiling(x)")]
        [InlineData("Math.Round(x)")]
        [InlineData("Math.Truncate(x)")]
        [InlineData("Math.Round(x, 2)")]
        public void GG0007_DerivativeIsZero(string call)
        {
            var source = Source($"        [Differentiable] public static double Bad(double x) => {call};");
            var (_, assembly, _) = AssertReported(source, "GG0007", call);
            Assert.Equal(0.0, Gradient(assembly, "Bad", 2.3).Gradient[0]);
        }

        [Fact]
        public void GG0007_Sign()
        {
            var source = Source("        [Differentiable] public static double Bad(double x) => Math.Sign(x) * x;");
            var (_, assembly, _) = AssertReported(source, "GG0007", "Math.Sign(x)", "'Math.Sign'");
            Assert.Equal(-1.0, Gradient(assembly, "Bad", -2.3).Gradient[0]);
        }

        [Fact]
        public void GG0007_MathFFloor()
        {
            var source = Source("        [Differentiable] public static float Bad(float x) => MathF.Floor(x) * x;");
            var (_, assembly, _) = AssertReported(source, "GG0007", "MathF.Floor(x)", "'MathF.Floor'");
            Assert.Equal(2.0, Gradient(assembly, "Bad", 2.5f).Gradient[0]);
        }

        [Fact]
        public void GG0007_Negative_SmoothFunction()
        {
            var source = Source("        [Differentiable] public static double Bad(double x) => Math.Sqrt(x) * x;");
            var (_, assembly) = AssertNotReported(source, "GG0007");
            Assert.Equal(1.5 * Math.Sqrt(4.0), Gradient(assembly, "Bad", 4.0).Gradient[0], 12);
        }

        [Theory]
        [InlineData("Math.Sign(-1.0 + 2.0 * n)")]
        [InlineData("Math.Floor(0.5 * n)")]
        public void GG0007_Negative_NoDerivativeFlowsIn(string call)
        {
            // n is an int: the function's argument carries no derivative, so nothing is lost.
            var source = Source($"        [Differentiable] public static double Bad(double x, int n) => x * {call};");
            var (_, assembly) = AssertNotReported(source, "GG0007");
            Assert.Equal(1.0, Gradient(assembly, "Bad", 4.0, 3).Gradient[0], 12);
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0008: generated member name already in use
        // ----------------------------------------------------------------------------------------------------------

        [Fact]
        public void GG0008_UserDeclaresGradient()
        {
            var source = Source(@"
        [Differentiable] public static double Bad(double x) => x * x;
        public static double BadGradient(double x) => 2 * x;");
            var (_, assembly, d) = AssertReported(source, "GG0008", "Differentiable", "'BadGradient'");
            Assert.Contains("'T'", d.GetMessage());
            // The user's own member is untouched.
            Assert.Equal(3.0, Reflect.ToDouble(Reflect.Invoke(assembly.GetType("Diag.T")!, "BadGradient", 1.5).Result));
        }

        [Fact]
        public void GG0008_UserDeclaresGradientWithTheGeneratedSignature()
        {
            var source = Source(@"
        [Differentiable] public static double Bad(double x) => x * x;
        public static double BadGradient(double x, out double dX) { dX = 2 * x; return x * x; }");
            AssertReported(source, "GG0008", "Differentiable", "'BadGradient'");
        }

        [Fact]
        public void GG0008_UserDeclaresForwardAsAField()
        {
            var source = Source(@"
        [Differentiable] public static double Bad(double x) => x * x;
        public static int BadForward;");
            AssertReported(source, "GG0008", "Differentiable", "'BadForward'");
        }

        [Fact]
        public void GG0008_UserDeclaresReverseInAnotherPartialDeclaration()
        {
            var source = Source(@"
        [Differentiable] public static double Bad(double x) => x * x;", extraTypes: @"
    public static partial class T
    {
        public static double BadReverse(double x) => 2 * x;
    }");
            AssertReported(source, "GG0008", "Differentiable", "'BadReverse'");
        }

        [Fact]
        public void GG0008_Negative_RenamedMember()
        {
            var source = Source(@"
        [Differentiable] public static double Bad(double x) => x * x;
        public static double BadHandGradient(double x) => 2 * x;");
            AssertNotReported(source, "GG0008");
        }

        [Fact]
        public void GG0008_Negative_ClashingNameOfAKindNotRequested()
        {
            // Only FForward is generated, so a user FGradient is no clash.
            var source = Source(@"
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Bad(double x) => x * x;
        public static double BadGradient(double x) => 2 * x;");
            AssertNotReported(source, "GG0008");
        }

        // ----------------------------------------------------------------------------------------------------------
        // Errors propagate along calls between [Differentiable] methods
        // ----------------------------------------------------------------------------------------------------------

        [Fact]
        public void CallerOfAMethodWithAnErrorIsNotGenerated()
        {
            var source = Source(@"
        [Differentiable] public static double Bad(double x) { try { return Math.Log(x); } catch { return 0; } }
        [Differentiable] public static double Caller(double x) => Bad(x) * 2;
        [Differentiable] public static double CallerOfCaller(double x) => Caller(x) + x;
        [Differentiable] public static double Independent(double x) => x * 3;");
            var (run, assembly, _) = AssertReported(source, "GG0005", "try", spanStartsWith: true, allowAlso: "GG0013");
            Assert.Empty(FilesOf(run, "T", "Caller"));
            Assert.Empty(FilesOf(run, "T", "CallerOfCaller"));
            Assert.Single(FilesOf(run, "T", "Independent"));
            Assert.Equal(3.0, Gradient(assembly, "Independent", 1.0).Gradient[0]);
        }

        [Fact]
        public void CallerOfAMethodInANonPartialTypeIsNotGenerated()
        {
            var source = Source(@"
        [Differentiable] public static double Caller(double x) => Lib.Square(x) * 2;", extraTypes: @"
    public static class Lib
    {
        [Differentiable] public static double Square(double x) => x * x;
    }");
            var analyzer = GeneratorHarness.Analyze(source);
            Assert.Contains(analyzer, d => d.Id == "GG0001");
            var (run, _) = RunAndLoad(source, analyzer);
            Assert.Empty(FilesOf(run, "T", "Caller"));
            Assert.Empty(FilesOf(run, "Lib", "Square"));
        }

        [Fact]
        public void CallerOfAMethodWithAnUnsupportedSignatureIsNotGenerated()
        {
            var source = Source(@"
        [Differentiable] public static double Callee(double x, ref double y) => x * y;
        [Differentiable] public static double Caller(double x) { double y = x; return Callee(x, ref y) * 2; }");
            var analyzer = GeneratorHarness.Analyze(source);
            Assert.Contains(analyzer, d => d.Id == "GG0002");
            var (run, _) = RunAndLoad(source, analyzer);
            Assert.Empty(FilesOf(run, "T", "Caller"));
            Assert.Empty(FilesOf(run, "T", "Callee"));
        }

        [Fact]
        public void CallerOfAMethodWithANameClashIsNotGenerated()
        {
            var source = Source(@"
        [Differentiable] public static double Callee(double x) => x * x;
        public static double CalleeReverse(double x) => 2 * x;
        [Differentiable] public static double Caller(double x) => Callee(x) * 2;");
            var analyzer = GeneratorHarness.Analyze(source);
            Assert.Contains(analyzer, d => d.Id == "GG0008");
            var (run, _) = RunAndLoad(source, analyzer);
            Assert.Empty(FilesOf(run, "T", "Caller"));
            Assert.Empty(FilesOf(run, "T", "Callee"));
        }

        [Fact]
        public void CallerOfAMethodWithOnlyAWarningIsGenerated()
        {
            var source = Source(@"
        [Differentiable] public static double Callee(double x) => Math.Floor(x) * x;
        [Differentiable] public static double Caller(double x) => Callee(x) * 2;");
            var analyzer = GeneratorHarness.Analyze(source);
            Assert.Contains(analyzer, d => d.Id == "GG0007");
            Assert.DoesNotContain(analyzer, d => d.Severity == DiagnosticSeverity.Error);
            var (run, assembly) = RunAndLoad(source, analyzer);
            Assert.Single(FilesOf(run, "T", "Caller"));
            Assert.Equal(4.0, Gradient(assembly, "Caller", 2.5).Gradient[0]);
        }

        [Fact]
        public void OverloadWithAnErrorBlocksOnlyItsOwnCallers()
        {
            var source = Source(@"
        [Differentiable] public static double Sq(double x) => x % 2.0;
        [Differentiable] public static double Sq(double x, double y) => x * y;
        [Differentiable] public static double CallsValidOverload(double x) => Sq(x, x) + 1;
        [Differentiable] public static double CallsBrokenOverload(double x) => Sq(x) + 1;");
            var analyzer = GeneratorHarness.Analyze(source).Where(IsGradGen).ToList();
            // The error, and at the one call of the broken overload, GG0013.
            Assert.True(analyzer.Count == 2 && analyzer.Any(d => d.Id == "GG0005" && SpanText(d) == "x % 2.0") && analyzer.Any(d => d.Id == "GG0013" && SpanText(d) == "Sq(x)"), Show(analyzer));
            var (run, assembly) = RunAndLoad(source, GeneratorHarness.Analyze(source));
            Assert.Equal(new[] { "Diag.T.Sq_double_double.g.cs" }, FilesOf(run, "T", "Sq"));
            Assert.Single(FilesOf(run, "T", "CallsValidOverload"));
            Assert.Empty(FilesOf(run, "T", "CallsBrokenOverload"));
            Assert.Equal(3.0, Gradient(assembly, "CallsValidOverload", 1.5).Gradient[0]);
        }

        /// <summary>
        /// A callee that generates only FForward, called from a method that wants FReverse: whatever the generator
        /// decides, the generated code must compile.
        /// </summary>
        [Theory]
        [InlineData("Forward", "")]
        [InlineData("Reverse", "")]
        [InlineData("Forward", "(Kinds = DerivativeKinds.Reverse)")]
        [InlineData("Reverse", "(Kinds = DerivativeKinds.Forward)")]
        [InlineData("Forward", "(Kinds = DerivativeKinds.Forward)")]
        [InlineData("Reverse", "(Kinds = DerivativeKinds.Reverse)")]
        public void CallerNeedingAKindTheCalleeDoesNotGenerateDoesNotBreakTheBuild(string calleeKind, string callerArguments)
        {
            var source = Source(@"
        [Differentiable(Kinds = DerivativeKinds." + calleeKind + @")] public static double Callee(double x) => x * x;
        [Differentiable" + callerArguments + @"] public static double Caller(double x) => Callee(x) * 2;");
            AssertSourceCompiles(source);
            var analyzer = GeneratorHarness.Analyze(source);
            var run = GeneratorHarness.Run(source);
            var generated = run.OutputCompilation.SyntaxTrees.Except(run.InputCompilation.SyntaxTrees).ToHashSet();
            var errors = run.CompilationErrors.ToList();
            Assert.True(errors.Count == 0, "The output compilation has errors:\n" + string.Join("\n", errors.Select(e => "  " + e))
                + "\n\n" + Context(source, analyzer, run));
            if (FilesOf(run, "T", "Caller").Count == 0)
            {
                Assert.True(analyzer.Any(d => d.Severity == DiagnosticSeverity.Error && IsGradGen(d)),
                    "Caller was not generated, but the analyzer reported no error saying why.\n" + Context(source, analyzer, run));
            }

            Assert.DoesNotContain(errors, e => e.Location.SourceTree != null && generated.Contains(e.Location.SourceTree));
        }

        // ----------------------------------------------------------------------------------------------------------
        // GG0009: the callee does not generate the kind of derivative the caller needs
        // ----------------------------------------------------------------------------------------------------------

        [Theory]
        [InlineData("Forward", "", "Reverse")]
        [InlineData("Reverse", "", "Forward")]
        [InlineData("Forward", "(Kinds = DerivativeKinds.Reverse)", "Reverse")]
        [InlineData("Reverse", "(Kinds = DerivativeKinds.Forward)", "Forward")]
        public void GG0009_CalleeLacksTheKindTheCallerNeeds(string calleeKind, string callerArguments, string missing)
        {
            var source = Source(@"
        [Differentiable(Kinds = DerivativeKinds." + calleeKind + @")] public static double Callee(double v) => v * v;
        [Differentiable" + callerArguments + @"] public static double Bad(double x) => Callee(x) * 2;
        [Differentiable" + callerArguments + @"] public static double CallerOfBad(double x) => Bad(x) + x;");
            var (run, _, d) = AssertReported(source, "GG0009", "Callee(x)", "'T.Callee'", allowAlso: "GG0013");
            Assert.Contains(missing, d.GetMessage());
            Assert.Single(FilesOf(run, "T", "Callee"));
            Assert.Empty(FilesOf(run, "T", "CallerOfBad"));
        }

        [Theory]
        [InlineData("Forward", "(Kinds = DerivativeKinds.Forward)")]
        [InlineData("Reverse", "(Kinds = DerivativeKinds.Reverse)")]
        [InlineData("Forward | DerivativeKinds.Reverse", "")]
        public void GG0009_Negative_CalleeHasTheKind(string calleeKind, string callerArguments)
        {
            var source = Source(@"
        [Differentiable(Kinds = DerivativeKinds." + calleeKind + @")] public static double Callee(double v) => v * v;
        [Differentiable" + callerArguments + @"] public static double Bad(double x) => Callee(x) * 2;");
            AssertNotReported(source, "GG0009");
        }

        [Fact]
        public void GG0009_Negative_NoDerivativeFlowsIntoTheCall()
        {
            var source = Source(@"
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Callee(double v) => v * v;
        [Differentiable] public static double Bad(double x, [NoDerivative] double k) => Callee(k) * x;");
            var (_, assembly) = AssertNotReported(source, "GG0009");
            Assert.Equal(9.0, Gradient(assembly, "Bad", 2.0, 3.0).Gradient[0]);
        }

        // ----------------------------------------------------------------------------------------------------------
        // The analyzer and the generator agree, and the analyzer's locations are on the offending code only
        // ----------------------------------------------------------------------------------------------------------

        [Fact]
        public void SeveralErrorsInOneMethodAreEachReportedWhereTheyOccur()
        {
            var source = Source(@"
        public static double Total;
        public static double Helper(double v) => v;
        [Differentiable]
        public static double Bad(double x)
        {
            Total = x;
            double y = Helper(x);
            return y % 2.0;
        }");
            AssertSourceCompiles(source);
            var analyzer = GeneratorHarness.Analyze(source).Where(IsGradGen).ToList();
            Assert.Contains(analyzer, d => d.Id == "GG0004" && SpanText(d) == "Total");
            Assert.Contains(analyzer, d => d.Id == "GG0003" && SpanText(d) == "Helper(x)");
            Assert.Contains(analyzer, d => d.Id == "GG0005" && SpanText(d) == "y % 2.0");
            Assert.True(analyzer.Count == 3, "Expected exactly three diagnostics:\n" + Show(analyzer));
            var (run, _) = RunAndLoad(source, GeneratorHarness.Analyze(source));
            Assert.Empty(FilesOf(run, "T", "Bad"));
        }

        [Fact]
        public void ErrorInOneMethodDoesNotAffectItsNeighbours()
        {
            var source = Source(@"
        [Differentiable] public static double Before(double x) => x * x;
        [Differentiable] public static double Bad(double x) => x % 2.0;
        [Differentiable] public static double After(double x) => 2 * x;");
            var (run, assembly, _) = AssertReported(source, "GG0005", "x % 2.0");
            Assert.Equal(3.0, Gradient(assembly, "Before", 1.5).Gradient[0]);
            Assert.Equal(2.0, Gradient(assembly, "After", 1.5).Gradient[0]);
            Assert.Single(FilesOf(run, "T", "Before"));
            Assert.Single(FilesOf(run, "T", "After"));
        }

        [Fact]
        public void GeneratorReportsNothingItselfOnValidCode()
        {
            var run = GeneratorHarness.Run(Source("        [Differentiable] public static double Bad(double x) => x * x;"));
            Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        }

        [Fact]
        public void EveryDescriptorIsDocumentedAndTracked()
        {
            var analyzer = new GradGen.Generator.Diagnostics.DifferentiableAnalyzer();
            var ids = analyzer.SupportedDiagnostics.Select(d => d.Id).OrderBy(i => i, StringComparer.Ordinal).ToList();
            Assert.Equal(Enumerable.Range(1, ids.Count).Select(i => "GG" + i.ToString("0000")).ToList(), ids);
            Assert.True(ids.Count >= 8, "GG0001..GG0008 are in the contract: " + string.Join(", ", ids));

            var root = RepositoryRoot();
            var docs = System.IO.File.ReadAllText(System.IO.Path.Combine(root, "docs", "diagnostics.md"));
            var releases = string.Join("\n", System.IO.Directory.GetFiles(System.IO.Path.Combine(root, "src", "GradGen.Generator"), "AnalyzerReleases.*.md")
                .Select(System.IO.File.ReadAllText));
            foreach (var d in analyzer.SupportedDiagnostics)
            {
                Assert.Equal("GradGen", d.Category);
                Assert.True(d.IsEnabledByDefault);
                Assert.False(string.IsNullOrWhiteSpace(d.Title.ToString()), d.Id + " has no title");
                Assert.False(string.IsNullOrWhiteSpace(d.MessageFormat.ToString()), d.Id + " has no message");
                Assert.False(string.IsNullOrWhiteSpace(d.Description.ToString()), d.Id + " has no description");
                Assert.True(docs.Contains("\n## " + d.Id + "\n", StringComparison.Ordinal), d.Id + " has no section in docs/diagnostics.md");
                Assert.True(releases.Contains(d.Id + " | GradGen | " + d.DefaultSeverity, StringComparison.Ordinal),
                    d.Id + " is not listed (with category and severity) in AnalyzerReleases.Shipped.md / Unshipped.md");
            }
        }

        private static string RepositoryRoot()
        {
            for (var dir = new System.IO.DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "docs", "diagnostics.md")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("TEST BUG: docs/diagnostics.md not found above " + AppContext.BaseDirectory);
        }

        // ----------------------------------------------------------------------------------------------------------
        // Mid-edit sources: nothing throws, nothing generated fails to compile
        // ----------------------------------------------------------------------------------------------------------

        public static TheoryData<string, string> MidEditSources => new TheoryData<string, string>
        {
            { "TruncatedMethod", "using System;\nusing GradGen;\nnamespace Diag\n{\n    public static partial class T\n    {\n        [Differentiable] public static double Good(double x) => x * x;\n        [Differentiable] public static double Bad(double x)\n        {\n            double y = x * " },
            { "TruncatedAfterSignature", "using System;\nusing GradGen;\nnamespace Diag\n{\n    public static partial class T\n    {\n        [Differentiable] public static double Bad(double x)" },
            { "TruncatedAttribute", "using System;\nusing GradGen;\nnamespace Diag\n{\n    public static partial class T\n    {\n        [Differentiable(Kinds = DerivativeKinds." },
            { "MissingSemicolon", Source("        [Differentiable] public static double Bad(double x) { double y = x * x return y; }") },
            { "MissingSemicolonBeforeLoop", Source("        [Differentiable] public static double Bad(double x, int n) { double s = x for (int i = 0; i < n; i++) s = s * x; return s; }") },
            { "UnknownIdentifier", Source("        [Differentiable] public static double Bad(double x) => x * unknownThing;") },
            { "UnknownMethod", Source("        [Differentiable] public static double Bad(double x) => Frobnicate(x) * x;") },
            { "UnknownMemberOfMath", Source("        [Differentiable] public static double Bad(double x) => Math.Sine(x);") },
            { "UnknownType", Source("        [Differentiable] public static double Bad(Vector3 v, double x) => x * x;") },
            { "UnknownLocalType", Source("        [Differentiable] public static double Bad(double x) { Matrix m = x; return x; }") },
            { "WrongArgumentCount", Source("        [Differentiable] public static double Bad(double x) => Math.Pow(x);") },
            { "TypeMismatch", Source("        [Differentiable] public static double Bad(double x) { double y = \"text\"; return y * x; }") },
            { "MissingReturn", Source("        [Differentiable] public static double Bad(double x) { double y = x * x; }") },
            { "UnclosedParenthesis", Source("        [Differentiable] public static double Bad(double x) => Math.Sin(x * 2;") },
            { "UnfinishedIf", Source("        [Differentiable] public static double Bad(double x) { if (x > 0 return x; return -x; }") },
            { "UnfinishedFor", Source("        [Differentiable] public static double Bad(double x) { double s = 0; for (int i = 0; i < ; i++) s += x; return s; }") },
            { "UnassignedLocal", Source("        [Differentiable] public static double Bad(double x) { double y; return y * x; }") },
            { "DuplicateMethod", Source("        [Differentiable] public static double Bad(double x) => x * x;\n        [Differentiable] public static double Bad(double x) => x * 3;") },
            { "CallerOfMidEditMethod", Source("        [Differentiable] public static double Bad(double x) => x * unknownThing;\n        [Differentiable] public static double Caller(double x) => Bad(x) * 2;\n        [Differentiable] public static double CallerOfCaller(double x) => Caller(x) + x;") },
            { "CallerOfMidEditMethodInAnotherType", Source("        [Differentiable] public static double Caller(double x) => Other.Bad(x) * 2;", extraTypes: "    public static partial class Other\n    {\n        [Differentiable] public static double Bad(double x) { double y = x * x return y; }\n    }") },
            { "CallWithMissingArgument", Source("        [Differentiable] public static double Callee(double x, double y) => x * y;\n        [Differentiable] public static double Bad(double x) => Callee(x, );") },
            { "AttributeWithUnknownKind", Source("        [Differentiable(Kinds = DerivativeKinds.Sideways)] public static double Bad(double x) => x * x;") },
            { "AttributeWithWrongArgument", Source("        [Differentiable(\"x\")] public static double Bad(double x) => x * x;") },
            { "MissingUsingForGradGen", "namespace Diag\n{\n    public static partial class T\n    {\n        [Differentiable] public static double Bad(double x) => x * x;\n    }\n}\n" },
            { "MissingNoDerivativeClose", Source("        [Differentiable] public static double Bad(double x, [NoDerivative double k) => x * k;") },
        };

        [Theory]
        [MemberData(nameof(MidEditSources))]
        public void MidEditSourceNeverBreaksGeneratedCode(string name, string source)
        {
            Assert.NotNull(name);
            var run = GeneratorHarness.Run(source); // fails if the generator threw
            GeneratorHarness.Analyze(source);          // fails if the analyzer threw
            GeneratorHarness.Analyze(run.OutputCompilation);

            var generated = run.OutputCompilation.SyntaxTrees.Except(run.InputCompilation.SyntaxTrees).ToHashSet();
            var errorsInGenerated = run.CompilationErrors.Where(d => d.Location.SourceTree != null && generated.Contains(d.Location.SourceTree)).ToList();
            Assert.True(errorsInGenerated.Count == 0, "Errors in generated code:\n  " + string.Join("\n  ", errorsInGenerated)
                + "\n\n" + run.Describe() + "\nSource:\n" + GeneratorHarness.WithLineNumbers(source));

            // Nor does generated code add errors to the user's code (a duplicate member, a missing generated callee, ...).
            var inputErrors = run.InputCompilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToHashSet();
            var newErrors = run.CompilationErrors.Select(d => d.ToString()).Where(d => !inputErrors.Contains(d)).ToList();
            Assert.True(newErrors.Count == 0, "The generated code adds errors:\n  " + string.Join("\n  ", newErrors)
                + "\n\n" + run.Describe() + "\nSource:\n" + GeneratorHarness.WithLineNumbers(source));

            // A method that does not compile has no derivatives yet, and neither do its callers.
            Assert.Empty(FilesOf(run, "T", "Bad"));
            Assert.Empty(FilesOf(run, "T", "Caller"));
            Assert.Empty(FilesOf(run, "T", "CallerOfCaller"));
        }

        [Fact]
        public void MidEditInOneMethodLeavesTheOthersGenerated()
        {
            var source = Source(@"
        [Differentiable] public static double Before(double x) => x * x;
        [Differentiable] public static double Bad(double x) => x * unknownThing;
        [Differentiable] public static double After(double x) => 2 * x;");
            var run = GeneratorHarness.Run(source);
            Assert.Single(FilesOf(run, "T", "Before"));
            Assert.Single(FilesOf(run, "T", "After"));
            Assert.Single(FilesOf(run, "Fine", "Good"));
            Assert.Empty(FilesOf(run, "T", "Bad"));
            var errors = run.CompilationErrors.ToList();
            Assert.True(errors.All(e => e.Id == "CS0103"), "Only the user's own error is expected:\n" + string.Join("\n", errors));
        }
    }
}
