using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GradGen.CodeFixes;
using GradGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace GradGen.CodeFixes.Tests
{
    /// <summary>
    /// Each code fix applied in memory, in an <see cref="AdhocWorkspace"/> as an IDE would: the diagnostic it fixes
    /// is reported before, is gone after, and the fixed code compiles.
    /// </summary>
    public sealed class CodeFixTests
    {
        [Fact]
        public async Task MakePartial_AddsPartialToTheTypeAndEveryContainingType()
        {
            const string source = @"using GradGen;
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
}";
            var fixedText = await ApplyAsync(new MakePartialCodeFix(), source, "GG0001", "Make the containing types partial");
            Assert.Contains("public static partial class Outer", fixedText);
            Assert.Contains("        /// <summary>Inner.</summary>\n        internal partial class Inner", fixedText.Replace("\r\n", "\n"));
        }

        [Fact]
        public async Task MakePartial_TypeWithoutModifiersKeepsItsIndentation()
        {
            const string source = @"using GradGen;
    class Model
    {
        [Differentiable]
        public static double F(double x) => x * x;
    }";
            var fixedText = await ApplyAsync(new MakePartialCodeFix(), source, "GG0001", "Make 'Model' partial");
            Assert.Contains("\n    partial class Model", fixedText.Replace("\r\n", "\n"));
        }

        [Fact]
        public async Task NoDerivative_MarksTheParameterTheCallDependsOn()
        {
            const string source = @"using GradGen;
public static partial class Model
{
    private static double Opaque(double v) => v;

    [Differentiable]
    public static double F(double x, double c)
    {
        double scaled = 2 * c;
        return x * Opaque(scaled);
    }
}";
            var fixedText = await ApplyAsync(new NoDerivativeCodeFix(), source, "GG0003", "Mark parameter 'c' [NoDerivative]");
            Assert.Contains("public static double F(double x, [NoDerivative] double c)", fixedText);
        }

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
        return Opaque(s);
    }
}";
            var titles = await TitlesAsync(new NoDerivativeCodeFix(), source, "GG0003");
            Assert.Equal(new[] { "Mark parameter 'x' [NoDerivative]", "Mark parameter 'c' [NoDerivative]" }, titles);
        }

        [Fact]
        public async Task NoDerivative_FixesAnIntegerConversionWarning()
        {
            const string source = @"using GradGen;
public static partial class Model
{
    [Differentiable]
    public static double F(double x, double position)
    {
        int cell = (int)position;
        return x * cell;
    }
}";
            var fixedText = await ApplyAsync(new NoDerivativeCodeFix(), source, "GG0006", "Mark parameter 'position' [NoDerivative]");
            Assert.Contains("[NoDerivative] double position", fixedText);
        }

        [Fact]
        public async Task NoDerivative_MarksAParameterOfATypeGradGenDoesNotDifferentiate()
        {
            const string source = @"
using GradGen;
public sealed class Settings { public double Scale = 2; }
public static partial class C
{
    [Differentiable]
    public static double F(double x, Settings s) => s.Scale * x * x;
}";
            var fixedText = await ApplyAsync(new NoDerivativeCodeFix(), source, "GG0019", "Mark parameter 's' [NoDerivative]");
            Assert.Contains("public static double F(double x, [NoDerivative] Settings s)", fixedText);
        }

        [Fact]
        public async Task NoDerivative_IsWrittenQualifiedWithoutUsingGradGen()
        {
            const string source = @"public static partial class Model
{
    private static double Opaque(double v) => v;

    [GradGen.Differentiable]
    public static double F(double x, double c) => x * Opaque(c);
}";
            var fixedText = await ApplyAsync(new NoDerivativeCodeFix(), source, "GG0003", "Mark parameter 'c' [NoDerivative]");
            Assert.Contains("public static double F(double x, [GradGen.NoDerivative] double c)", fixedText);
        }

        [Fact]
        public async Task Differentiable_MarksTheCalleeInTheSameFile()
        {
            const string source = @"using GradGen;
public static partial class Model
{
    /// <summary>Square.</summary>
    public static double Square(double v) => v * v;

    [Differentiable]
    public static double F(double x) => 3 * Square(x);
}";
            var fixedText = await ApplyAsync(new DifferentiableCalleeCodeFix(), source, "GG0003", "Mark 'Square' [Differentiable]");
            Assert.Contains("    /// <summary>Square.</summary>\n    [Differentiable]\n    public static double Square(double v)", fixedText.Replace("\r\n", "\n"));
        }

        [Fact]
        public async Task Differentiable_MarksTheCalleeInAnotherFile()
        {
            const string caller = @"using GradGen;
public static partial class Model
{
    [Differentiable]
    public static double F(double x) => 3 * Helpers.Cube(x);
}";
            const string callee = @"public static partial class Helpers
{
    public static double Cube(double v) => v * v * v;
}";
            var fixedTexts = await ApplyAsync(new DifferentiableCalleeCodeFix(), new[] { caller, callee }, "GG0003", "Mark 'Cube' [Differentiable]");
            Assert.Contains("[GradGen.Differentiable]\n    public static double Cube(double v)", fixedTexts[1].Replace("\r\n", "\n"));
        }

        [Fact]
        public async Task Differentiable_IsNotOfferedForMethodsWithoutSource()
        {
            const string source = @"using GradGen;
public static partial class Model
{
    [Differentiable]
    public static double F(double x) => System.Math.BitDecrement(x);
}";
            Assert.Empty(await TitlesAsync(new DifferentiableCalleeCodeFix(), source, "GG0003"));
        }

        [Fact]
        public async Task DerivativeOfStub_AddsForwardAndReverseNextToTheCallee()
        {
            const string source = @"using System;
using GradGen;
public static partial class Model
{
    public static double Softplus(double v) => Math.Log(1 + Math.Exp(v));

    [Differentiable]
    public static double F(double x) => 3 * Softplus(x);
}";
            var fixedText = (await ApplyAsync(new DerivativeOfStubCodeFix(), source, "GG0003", "Generate [DerivativeOf] stubs for 'Softplus'")).Replace("\r\n", "\n");
            Assert.Contains(
                "    public static double Softplus(double v) => Math.Log(1 + Math.Exp(v));\n"
                + "    [DerivativeOf(nameof(Softplus))]\n"
                + "    public static (double Value, double Tangent) SoftplusForward(double v, double dV) => throw new NotImplementedException();\n"
                + "    [DerivativeOf(nameof(Softplus))]\n"
                + "    public static double SoftplusReverse(double v, double seed, ref double dV) => throw new NotImplementedException();\n",
                fixedText);
        }

        [Fact]
        public async Task DerivativeOfStub_KeepsAnInstanceCalleesAccessibilityAndArrayParameters()
        {
            const string caller = @"using GradGen;
public partial class Model
{
    private readonly Helpers helpers = new Helpers();

    [Differentiable(Kinds = DerivativeKinds.Reverse)]
    public double F(double[] x, int n) => helpers.Norm(x, n);
}";
            const string callee = @"public class Helpers
{
    internal double Norm(double[] values, int count) => 0;
}";
            var fixedTexts = await ApplyAsync(new DerivativeOfStubCodeFix(), new[] { caller, callee }, "GG0003", "Generate [DerivativeOf] stubs for 'Norm'");
            var text = fixedTexts[1].Replace("\r\n", "\n");
            Assert.Contains("[GradGen.DerivativeOf(nameof(Norm))]\n    internal double NormReverse(double[] values, int count, double seed, System.Span<double> dValues) => throw new System.NotImplementedException();", text);
            Assert.DoesNotContain("NormForward", text);
        }

        [Fact]
        public async Task DerivativeOfStub_AddsOnlyTheMissingKind()
        {
            const string source = @"using System;
using GradGen;
public static partial class Model
{
    public static double Cube(double v) => v * v * v;

    [DerivativeOf(nameof(Cube))]
    public static double CubeReverse(double v, double seed, ref double dV) { dV += 3 * v * v * seed; return Cube(v); }

    [Differentiable]
    public static double F(double x) => Cube(x);
}";
            var fixedText = await ApplyAsync(new DerivativeOfStubCodeFix(), source, "GG0017", "Generate [DerivativeOf] stubs for 'Cube'");
            Assert.Contains("public static (double Value, double Tangent) CubeForward(double v, double dV) => throw new NotImplementedException();", fixedText);
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(fixedText, "CubeReverse\\("));
        }

        [Fact]
        public async Task DerivativeOfStub_IsNotOfferedForMethodsWithoutSource()
        {
            const string source = @"using GradGen;
public static partial class Model
{
    [Differentiable]
    public static double F(double x) => System.Math.BitDecrement(x);
}";
            Assert.Empty(await TitlesAsync(new DerivativeOfStubCodeFix(), source, "GG0003"));
        }

        // ----- harness ----------------------------------------------------------------------------------------------

        private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        {
            var tpa = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
                .Append(typeof(DifferentiableAttribute).Assembly.Location);
            return tpa.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
        });

        private static async Task<string> ApplyAsync(CodeFixProvider provider, string source, string id, string title) =>
            (await ApplyAsync(provider, new[] { source }, id, title))[0];

        /// <summary>Applies the fix titled <paramref name="title"/> for the first <paramref name="id"/> diagnostic; returns the documents' new texts.</summary>
        private static async Task<string[]> ApplyAsync(CodeFixProvider provider, string[] sources, string id, string title)
        {
            var (project, documents) = CreateProject(sources);
            var diagnostic = (await DiagnosticsAsync(project)).First(d => d.Id == id);
            Assert.Contains(id, provider.FixableDiagnosticIds);
            var actions = await ActionsAsync(provider, project.Solution, diagnostic);
            var action = Assert.Single(actions, a => a.Title == title);
            var operation = Assert.Single((await action.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>());
            var fixedProject = operation.ChangedSolution.GetProject(project.Id)!;

            Assert.DoesNotContain(await DiagnosticsAsync(fixedProject), d => d.Id == id);
            var compilation = (await fixedProject.GetCompilationAsync())!;
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

            var texts = new string[documents.Length];
            for (var i = 0; i < documents.Length; i++)
            {
                texts[i] = (await fixedProject.GetDocument(documents[i])!.GetTextAsync()).ToString();
            }

            return texts;
        }

        private static async Task<string[]> TitlesAsync(CodeFixProvider provider, string source, string id)
        {
            var (project, _) = CreateProject(new[] { source });
            var diagnostic = Assert.Single(await DiagnosticsAsync(project), d => d.Id == id);
            return (await ActionsAsync(provider, project.Solution, diagnostic)).Select(a => a.Title).ToArray();
        }

        private static async Task<List<CodeAction>> ActionsAsync(CodeFixProvider provider, Solution solution, Diagnostic diagnostic)
        {
            var document = solution.GetDocument(diagnostic.Location.SourceTree)!;
            var actions = new List<CodeAction>();
            var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
            await provider.RegisterCodeFixesAsync(context);
            return actions;
        }

        private static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Project project)
        {
            var compilation = (await project.GetCompilationAsync())!;
            return await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new DifferentiableAnalyzer())).GetAnalyzerDiagnosticsAsync();
        }

        private static (Project Project, DocumentId[] Documents) CreateProject(string[] sources)
        {
            var workspace = new AdhocWorkspace();
            var projectId = ProjectId.CreateNewId();
            var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
                projectId,
                VersionStamp.Default,
                "Fixed",
                "Fixed",
                LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
                parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
                metadataReferences: References.Value));
            var documents = new DocumentId[sources.Length];
            for (var i = 0; i < sources.Length; i++)
            {
                documents[i] = DocumentId.CreateNewId(projectId);
                solution = solution.AddDocument(documents[i], $"Source{i}.cs", sources[i]);
            }

            return (solution.GetProject(projectId)!, documents);
        }
    }
}
