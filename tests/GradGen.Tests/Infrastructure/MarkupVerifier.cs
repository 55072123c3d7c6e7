using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using GradGen.Generator.Diagnostics;
using GradGen.Generator.Frontend;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace GradGen.Tests.Infrastructure
{
    /// <summary>
    /// A diagnostic test source checked end to end, its expected diagnostics written into it as markup:
    /// <c>{|GG0003:Helper(x)|}</c>, or a location <c>{|#0:Broken|}</c> that an explicit <see cref="DiagnosticResult"/>
    /// names. The analyzer, through the Roslyn analyzer test framework, reports exactly those (IDs and spans), each with
    /// the severity of its ID, and the source compiles. The generator runs on the same source without the markup: its
    /// output compiles (generated code without a warning either); a [Differentiable] method is generated exactly when no
    /// marked error lies in it, so a method with an error has no file, one with only warnings has one, and so has every
    /// other; analyzing the output, as an IDE does with the generated members present, reports what the source alone
    /// did; and <c>Diag.Fine.Good</c>, the valid method the diagnostic sources put next to the code under test, works.
    /// </summary>
    public static class MarkupVerifier
    {
        /// <param name="moreFiles">Other files of the compilation, marked up too.</param>
        public static async Task<VerifiedSource> VerifyAsync(string markup, string[]? moreFiles = null, params DiagnosticResult[] expected)
        {
            var files = new[] { markup }.Concat(moreFiles ?? Array.Empty<string>()).ToList();
            var reported = new List<Diagnostic>();
            var test = new CSharpAnalyzerTest<DifferentiableAnalyzer, DefaultVerifier>
            {
                // Called with each reported diagnostic once it has matched its expectation.
                DiagnosticVerifier = (actual, _, _) => reported.Add(actual),
            }.WithGradGen();
            foreach (var file in files)
            {
                test.TestState.Sources.Add(file);
            }

            test.ExpectedDiagnostics.AddRange(expected);
            await test.RunAsync();

            // The file names the test framework gives, so that a diagnostic's file is the same in both compilations.
            var sources = files.Select((file, i) => ($"Test{i}.cs", WithoutMarkup(file))).ToList();
            var run = GeneratorHarness.Run(sources);
            string Context() => DiagnosticSource.Context(string.Join("\n", sources.Select(s => "// " + s.Item1 + "\n" + s.Item2)), reported, run);

            // Markup carries no severity: each ID has the one the contract (docs/diagnostics.md) gives it.
            foreach (var d in reported)
            {
                Assert.True(d.Severity == SeverityOf(d.Id) && d.DefaultSeverity == SeverityOf(d.Id),
                    $"{d.Id} is reported as {d.Severity} (default {d.DefaultSeverity}), not {SeverityOf(d.Id)}.\n" + Context());
            }

            var errors = run.CompilationErrors.ToList();
            Assert.True(errors.Count == 0, "The output compilation has errors:\n" + string.Join("\n", errors.Select(e => "  " + e)) + "\n\n" + Context());
            foreach (var (method, declarations) in DifferentiableMethods(run.InputCompilation))
            {
                var own = reported.Where(d => d.Severity == DiagnosticSeverity.Error
                    && declarations.Any(declaration => FileOf(d) == declaration.File && declaration.Span.Contains(d.Location.SourceSpan))).ToList();
                var generated = run.GeneratedSources.ContainsKey(MethodParser.HintName(method));
                if (generated != (own.Count == 0))
                {
                    Assert.Fail(generated
                        ? $"{method} has an error ({own[0].Id}) but was generated.\n" + Context()
                        : $"{method} has no error but was not generated.\n" + Context());
                }
            }

            var afterGeneration = GeneratorHarness.Analyze(run.OutputCompilation).Where(DiagnosticSource.IsGradGen).ToList();
            Assert.True(
                afterGeneration.All(d => d.Location.SourceTree is { } tree && run.InputCompilation.SyntaxTrees.Contains(tree))
                    && afterGeneration.Select(Key).OrderBy(k => k, StringComparer.Ordinal).SequenceEqual(reported.Select(Key).OrderBy(k => k, StringComparer.Ordinal)),
                "Analyzing the output, generated code included, reports otherwise:\n" + DiagnosticSource.Show(afterGeneration) + "\n\n" + Context());

            var assembly = run.Load();
            if (assembly.GetType("Diag.Fine") is { } fine)
            {
                AssertGoodWorks(fine);
            }

            return new VerifiedSource(reported, run, assembly);
        }

        /// <summary>
        /// A construct that GradGen either reports or, once implemented, supports: the marked diagnostics where the
        /// analyzer reports any, none where it reports none (and then the test checks the derivative).
        /// </summary>
        public static Task<VerifiedSource> VerifyReportedOrSupportedAsync(string markup)
        {
            var source = WithoutMarkup(markup);
            return VerifyAsync(GeneratorHarness.Analyze(source).Any(DiagnosticSource.IsGradGen) ? markup : source);
        }

        private static string WithoutMarkup(string markup)
        {
            TestFileMarkupParser.GetSpans(markup, out var source, out ImmutableDictionary<string, ImmutableArray<TextSpan>> _);
            return source;
        }

        /// <summary>The severity of each ID: warnings still generate, information says a fix is not needed.</summary>
        public static DiagnosticSeverity SeverityOf(string id) => id switch
        {
            "GG0006" or "GG0007" or "GG0020" => DiagnosticSeverity.Warning,
            "GG0011" => DiagnosticSeverity.Info,
            _ => DiagnosticSeverity.Error,
        };

        /// <summary>The file name alone: the test framework's files are in a folder (/0/Test0.cs), the harness's are not.</summary>
        private static string FileOf(Diagnostic d) => System.IO.Path.GetFileName(d.Location.SourceTree?.FilePath) ?? string.Empty;

        private static string Key(Diagnostic d) => $"{FileOf(d)} {d.Location.SourceSpan.Start:D6}+{d.Location.SourceSpan.Length} {d.Id}";

        /// <summary>Each source method with [Differentiable] (a partial method once), and where its declarations are.</summary>
        private static IEnumerable<(IMethodSymbol Method, List<(string File, TextSpan Span)> Declarations)> DifferentiableMethods(Compilation compilation)
        {
            var attribute = compilation.GetTypeByMetadataName("GradGen.DifferentiableAttribute");
            return compilation.SyntaxTrees
                .SelectMany(tree => tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>()
                    .Select(declaration => compilation.GetSemanticModel(tree).GetDeclaredSymbol(declaration)))
                .OfType<IMethodSymbol>()
                .Select(method => method.PartialDefinitionPart ?? method)
                .Distinct<IMethodSymbol>(SymbolEqualityComparer.Default)
                .Where(method => method.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute)))
                .Select(method => (method, new[] { method, method.PartialImplementationPart }
                    .SelectMany(part => part?.DeclaringSyntaxReferences ?? ImmutableArray<SyntaxReference>.Empty)
                    .Select(reference => (reference.SyntaxTree.FilePath, reference.Span))
                    .ToList()));
        }

        /// <summary>Diag.Fine.Good is x² + 1 (its gradient at 3), or (x², 3x) (its forward derivative at 2).</summary>
        private static void AssertGoodWorks(Type fine)
        {
            if (fine.GetMethod("Good")!.ReturnType == typeof(double))
            {
                var (value, args) = Reflect.Invoke(fine, "GoodGradient", 3.0, null);
                Assert.Equal(10.0, (double)value!);
                Assert.Equal(6.0, (double)args[1]!);
                return;
            }

            var pair = (ITuple)Reflect.Invoke(fine, "GoodForward", 2.0, 1.0).Result!;
            Assert.Equal((4.0, 6.0), ((double, double))pair[0]!);
            Assert.Equal((4.0, 3.0), ((double, double))pair[1]!);
        }
    }

    /// <summary>A source that <see cref="MarkupVerifier"/> passed: what the analyzer reported, the generator's run and output.</summary>
    public sealed record VerifiedSource(IReadOnlyList<Diagnostic> Diagnostics, GeneratorRun Run, Assembly Assembly)
    {
        public Diagnostic Single(string id) => Assert.Single(Diagnostics, d => d.Id == id);

        /// <summary>A diagnostic of <paramref name="id"/> whose message has each of <paramref name="fragments"/>.</summary>
        public Diagnostic AssertMessage(string id, params string[] fragments)
        {
            var match = Diagnostics.FirstOrDefault(d => d.Id == id && fragments.All(f => d.GetMessage().Contains(f, StringComparison.Ordinal)));
            Assert.True(match != null, $"No {id} message contains each of '{string.Join("', '", fragments)}':\n" + DiagnosticSource.Show(Diagnostics));
            return match!;
        }
    }
}
