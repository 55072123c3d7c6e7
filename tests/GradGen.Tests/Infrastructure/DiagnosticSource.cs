using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace GradGen.Tests.Infrastructure
{
    /// <summary>
    /// The diagnostic suites' common ground: a test source with the method under test in <c>Diag.T</c> next to a valid
    /// <c>Diag.Fine.Good</c>, and how a diagnostic, its span and the generated files are shown when a test fails.
    /// </summary>
    public static class DiagnosticSource
    {
        public const string StaticPartial = "public static partial class T";

        /// <summary>A compilable test source: <paramref name="members"/> in <paramref name="typeHeader"/>, and Diag.Fine.Good.</summary>
        public static string Source(string members, string typeHeader = StaticPartial, string extraTypes = "") => @"using System;
using GradGen;

namespace Diag
{
    " + typeHeader + @"
    {
" + members + @"
    }

    public static partial class Fine
    {
        [Differentiable] public static double Good(double x) => x * x + 1;
    }
" + extraTypes + @"
}
";

        public static string SpanText(Diagnostic d) =>
            d.Location.SourceTree is { } tree ? tree.GetText().ToString(d.Location.SourceSpan) : "<no source location>";

        public static string Show(IEnumerable<Diagnostic> diagnostics) =>
            string.Join("\n", diagnostics.Select(d => $"  {d.Id} {d.Severity} at '{SpanText(d)}' ({d.Location.GetLineSpan().StartLinePosition}): {d.GetMessage()}"));

        public static bool IsGradGen(Diagnostic d) => d.Id.StartsWith("GG", StringComparison.Ordinal);

        /// <summary>Generated files of method <paramref name="method"/> of type Diag.<paramref name="type"/> (overloads included).</summary>
        public static List<string> FilesOf(GeneratorRun run, string type, string method) =>
            run.GeneratedSources.Keys
                .Where(k => k == $"Diag.{type}.{method}.g.cs" || k.StartsWith($"Diag.{type}.{method}_", StringComparison.Ordinal))
                .ToList();

        public static string Context(string source, IEnumerable<Diagnostic> analyzer, GeneratorRun run) =>
            "Analyzer diagnostics:\n" + Show(analyzer) + "\n\n"
            + run.Describe(includeSources: true) + "\n"
            + "Source:\n" + GeneratorHarness.WithLineNumbers(source);
    }
}
