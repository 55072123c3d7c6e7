using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using GradGen.Generator;
using GradGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using static GradGen.Tests.Infrastructure.DiagnosticSource;

namespace GradGen.Tests.CustomDerivatives
{
    /// <summary>
    /// [DerivativeOf] in the incremental pipeline (the registry of user-written derivatives only changes when what it
    /// holds, names and kinds, does) and on half-typed code (neither the generator nor the analyzer throws, and
    /// neither says more than makes sense; the generator and the analyzer agree on whether the caller is generated).
    /// </summary>
    public sealed class CustomDerivativeDiagnosticIncrementalTests
    {
        // ----------------------------------------------------------------------------------------------------------
        // Incremental caching
        // ----------------------------------------------------------------------------------------------------------

        private const string FileA = @"using System;
using GradGen;

namespace Cache
{
    public static partial class Act
    {
        public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));

        [Differentiable]
        public static double Loss(double x) => Softplus(2 * x) * x;
    }

    public static partial class Plain
    {
        [Differentiable]
        public static double Poly(double x) => x * x + 1.0;
    }
}
";

        private const string FileD = @"using System;
using GradGen;

namespace Cache
{
    internal static class ActDerivatives
    {
        [DerivativeOf(typeof(Act), nameof(Act.Softplus))]
        internal static (double Value, double Tangent) SoftplusFwd(double x, double dX) => (Act.Softplus(x), dX / (1 + Math.Exp(-x)));

        [DerivativeOf(typeof(Act), nameof(Act.Softplus))]
        internal static double SoftplusRev(double x, double seed, ref double dX)
        {
            dX += seed / (1 + Math.Exp(-x));
            return Act.Softplus(x);
        }
    }
}
";

        private const string FileC = @"namespace Cache
{
    public static class Unrelated
    {
        public static int Count() => 1;
    }
}
";

        private const string LossHint = "Cache.Act.Loss.g.cs";
        private const string PolyHint = "Cache.Plain.Poly.g.cs";

        private static readonly string[] PipelineSteps =
        {
            TrackingNames.Methods, TrackingNames.CustomDerivatives, TrackingNames.Bound, TrackingNames.Blocked,
        };

        private static bool IsCachedOrUnchanged(IncrementalStepRunReason reason) =>
            reason == IncrementalStepRunReason.Cached || reason == IncrementalStepRunReason.Unchanged;

        private static CSharpCompilationAndDriver Start(params (string Path, string Text)[] files)
        {
            var compilation = GeneratorHarness.CreateCompilation(files);
            var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
            var result = Single(driver);
            Assert.True(result.GeneratedSources.Any(s => s.HintName == LossHint), "Loss was not generated at first.\n" + Report(result));
            return new CSharpCompilationAndDriver(compilation, driver);
        }

        private sealed record CSharpCompilationAndDriver(Compilation Compilation, GeneratorDriver Driver);

        private static GeneratorRunResult Single(GeneratorDriver driver)
        {
            var run = driver.GetRunResult();
            Assert.Single(run.Results);
            Assert.True(run.Results[0].Exception is null, "The generator threw: " + run.Results[0].Exception);
            return run.Results[0];
        }

        private static Compilation Edit(Compilation compilation, string path, string newText)
        {
            var tree = compilation.SyntaxTrees.Single(t => t.FilePath == path);
            return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(SourceText.From(newText, Encoding.UTF8)));
        }

        /// <summary>Every output of the tracked step <paramref name="name"/> (which must have run).</summary>
        private static List<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult result, string name)
        {
            Assert.True(result.TrackedSteps.ContainsKey(name), $"No tracked step '{name}'.\n" + Report(result));
            return result.TrackedSteps[name].SelectMany(s => s.Outputs).ToList();
        }

        private static void AssertAllCached(GeneratorRunResult result, string name, string why)
        {
            var outputs = Outputs(result, name);
            Assert.True(outputs.Count > 0, $"Step '{name}' has no output.\n" + Report(result));
            Assert.True(outputs.All(o => IsCachedOrUnchanged(o.Reason)), $"Step '{name}' ran after {why}.\n" + Report(result));
        }

        private static Dictionary<string, string> Sources(GeneratorRunResult result) =>
            result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());

        private static string Report(GeneratorRunResult result)
        {
            var sb = new StringBuilder("Tracked steps:\n");
            foreach (var pair in result.TrackedSteps.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                foreach (var (value, reason) in pair.Value.SelectMany(s => s.Outputs))
                {
                    var text = value?.ToString() ?? "null";
                    sb.Append("  ").Append(pair.Key).Append(' ').Append(reason).Append(": ").AppendLine(text.Length <= 200 ? text : text.Substring(0, 200) + "…");
                }
            }

            sb.AppendLine("Generated: " + string.Join(", ", result.GeneratedSources.Select(s => s.HintName)));
            return sb.ToString();
        }

        public static TheoryData<string> UnrelatedEdits => new TheoryData<string> { "comment", "new file" };

        [Theory]
        [MemberData(nameof(UnrelatedEdits))]
        public void Caching_UnrelatedEditLeavesRegistryAndBoundMethodsCached(string edit)
        {
            var (compilation, driver) = Start(("A.cs", FileA), ("D.cs", FileD), ("C.cs", FileC));
            var first = Sources(Single(driver));

            var edited = edit == "comment"
                ? Edit(compilation, "C.cs", FileC + "\n// an unrelated comment\n")
                : compilation.AddSyntaxTrees(CSharpSyntaxTreeFactory("E.cs", "namespace Cache { internal sealed class Other { public double Twice(double x) => 2 * x; } }"));
            driver = driver.RunGenerators(edited);
            var result = Single(driver);

            foreach (var step in PipelineSteps)
            {
                AssertAllCached(result, step, "an unrelated edit (" + edit + ")");
            }

            Assert.True(result.TrackedOutputSteps.SelectMany(p => p.Value).SelectMany(s => s.Outputs).All(o => IsCachedOrUnchanged(o.Reason)),
                "A source output ran after an unrelated edit.\n" + Report(result));
            Assert.Equal(first, Sources(result));
        }

        [Fact]
        public void Caching_EditingADerivativeBodyLeavesTheRegistryUnchanged()
        {
            var (compilation, driver) = Start(("A.cs", FileA), ("D.cs", FileD), ("C.cs", FileC));
            var first = Sources(Single(driver));

            // The body changes (a different, equivalent formula), not the signature.
            var newBody = FileD.Replace("dX / (1 + Math.Exp(-x))", "dX * Math.Exp(x) / (1 + Math.Exp(x))")
                .Replace("dX += seed / (1 + Math.Exp(-x));", "dX += seed * Math.Exp(x) / (Math.Exp(x) + 1);");
            Assert.NotEqual(FileD, newBody);
            driver = driver.RunGenerators(Edit(compilation, "D.cs", newBody));
            var result = Single(driver);

            AssertAllCached(result, TrackingNames.CustomDerivatives, "editing a derivative's body");
            AssertAllCached(result, TrackingNames.Bound, "editing a derivative's body");
            AssertAllCached(result, TrackingNames.Methods, "editing a derivative's body");
            AssertAllCached(result, TrackingNames.Blocked, "editing a derivative's body");
            Assert.Equal(first, Sources(result));
        }

        [Fact]
        public void Caching_RenamingADerivativeRebindsTheCaller()
        {
            var (compilation, driver) = Start(("A.cs", FileA), ("D.cs", FileD), ("C.cs", FileC));
            var firstResult = Single(driver);
            Assert.Contains("SoftplusFwd(", Sources(firstResult)[LossHint]);

            var renamed = Edit(compilation, "D.cs", FileD.Replace("SoftplusFwd", "SoftplusTangent"));
            driver = driver.RunGeneratorsAndUpdateCompilation(renamed, out var output, out _);
            var result = Single(driver);

            Assert.Contains(Outputs(result, TrackingNames.CustomDerivatives), o => o.Reason == IncrementalStepRunReason.Modified);
            Assert.Contains(Outputs(result, TrackingNames.Bound), o => o.Reason == IncrementalStepRunReason.Modified);
            var sources = Sources(result);
            Assert.True(sources.ContainsKey(LossHint), "Loss is no longer generated.\n" + Report(result));
            Assert.Contains("SoftplusTangent(", sources[LossHint]);
            Assert.DoesNotContain("SoftplusFwd", sources[LossHint]);
            Assert.Equal(Sources(firstResult)[PolyHint], sources[PolyHint]);
            var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, "The output compilation has errors after the rename:\n" + string.Join("\n", errors) + "\n" + Report(result));
        }

        [Fact]
        public void Caching_RemovingAndRestoringADerivativeBlocksAndUnblocksTheCaller()
        {
            var (compilation, driver) = Start(("A.cs", FileA), ("D.cs", FileD), ("C.cs", FileC));

            // Without its Forward, Softplus cannot serve Loss's default kinds.
            var withoutForward = FileD.Replace("[DerivativeOf(typeof(Act), nameof(Act.Softplus))]\n        internal static (double Value", "internal static (double Value");
            Assert.NotEqual(FileD, withoutForward);
            driver = driver.RunGeneratorsAndUpdateCompilation(Edit(compilation, "D.cs", withoutForward), out var blockedOutput, out _);
            var blocked = Single(driver);
            Assert.DoesNotContain(blocked.GeneratedSources, s => s.HintName == LossHint);
            Assert.Contains(blocked.GeneratedSources, s => s.HintName == PolyHint);
            Assert.Empty(blockedOutput.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

            driver = driver.RunGeneratorsAndUpdateCompilation(Edit(compilation, "D.cs", FileD), out var restoredOutput, out _);
            var restored = Single(driver);
            Assert.Contains(restored.GeneratedSources, s => s.HintName == LossHint);
            Assert.Empty(restoredOutput.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        }

        private static SyntaxTree CSharpSyntaxTreeFactory(string path, string text) =>
            Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions, path, Encoding.UTF8);

        // ----------------------------------------------------------------------------------------------------------
        // Robustness: half-typed [DerivativeOf] code
        // ----------------------------------------------------------------------------------------------------------

        private static string Source(string members) => DiagnosticSource.Source(@"
        public static double Sq(double v) => v * v;
        [Differentiable(Kinds = DerivativeKinds.Forward)] public static double Use(double x) => Sq(x) * x;
" + members);

        private const string Fwd = "internal static (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV);";

        /// <summary>Half-typed code, and the GG diagnostics besides GG0003 at the call that make sense for it.</summary>
        public static TheoryData<string, string> HalfTyped => new TheoryData<string, string>
        {
            { "[DerivativeOf] " + Fwd, "" },
            { "[DerivativeOf()] " + Fwd, "" },
            { "[DerivativeOf(] " + Fwd, "" },
            { "[DerivativeOf(nameof(Sq)] " + Fwd, "" },
            { "[DerivativeOf(nameof(Sq) " + Fwd, "" },
            { "[DerivativeOf(typeof(Missing), \"Sq\")] " + Fwd, "" },
            { "[DerivativeOf(typeof(Missing), nameof(Missing.Sq))] " + Fwd, "" },
            { "[DerivativeOf(typeof(T))] " + Fwd, "" },
            { "[DerivativeOf(typeof(), nameof(Sq))] " + Fwd, "" },
            { "[DerivativeOf(nameof(Sq), nameof(Sq))] " + Fwd, "" },
            { "[DerivativeOf(nameof(Missing))] " + Fwd, "GG0014" },
            { "[DerivativeOf(null)] " + Fwd, "GG0014" },
            { "[DerivativeOf(typeof(T), null)] " + Fwd, "GG0014" },
            { "[DerivativeOf(42)] " + Fwd, "" },
            { "[DerivativeOf(nameof(Sq))] public static double Prop => 1;", "" },
            { "[DerivativeOf(nameof(Sq))] public static double field;", "" },
            { "[DerivativeOf(nameof(Sq))] public static class Inner { }", "" },
            { "[DerivativeOf(nameof(Sq))] internal static (double Value, double Tangent) SqForward(double v, double dV", "" },
            { "[DerivativeOf(nameof(Sq))] internal static (double Value, double Tangent) SqForward(double v, double dV)", "" },
            { "[DerivativeOf(nameof(Sq))] internal static (double Value, double Tangent) SqForward(double v, double dV) => ", "" },
            { "[DerivativeOf(nameof(Sq))] internal static (double Value, double Tangent) SqForward(double v, double dV) { return", "" },
            { "[DerivativeOf(nameof(Sq))] internal static (double Value, double Tangent) SqForward(double v, Missing dV) => default;", "GG0015" },
            { "[DerivativeOf(nameof(Sq))] internal static Missing SqForward(double v, double dV) => default;", "GG0015" },
            { "[DerivativeOf(nameof(Sq))] internal static (double Value, double Tangent) (double v, double dV) => default;", "GG0015" },
            { "[DerivativeOf(nameof(SqForward))] internal static (double Value, double Tangent) SqForward(double v, double dV) => (v, dV);", "GG0015" },
            { "[DerivativeOf(nameof(Sq))] [DerivativeOf(nameof(Sq))] " + Fwd, "" },
            { "public static double Host(double x) { [DerivativeOf(nameof(Sq))] static (double Value, double Tangent) L(double v, double dV) => (v * v, 2 * v * dV); return L(x, 1).Value; }", "GG0016" },
            { "[DerivativeOf(nameof(Sq))] internal static (double Value, double Tangent) SqForward(double v, double dV) => (v * v, 2 * v * dV)\n        [DerivativeOf(nameof(Sq))]", "" },
        };

        [Fact]
        public void Robustness_DuplicateDerivativeDeclarationGivesNoErrorInGeneratedCode()
        {
            AssertRobust(Source("[DerivativeOf(nameof(Sq))] " + Fwd + "\n        [DerivativeOf(nameof(Sq))] " + Fwd), "GG0016");
        }

        [Theory]
        [MemberData(nameof(HalfTyped))]
        public void Robustness_HalfTypedDerivativeOf(string members, string allowed) => AssertRobust(Source(members), allowed);

        private static void AssertRobust(string source, string allowed)
        {
            var context = "Source:\n" + GeneratorHarness.WithLineNumbers(source);

            // The harness fails the test if the analyzer throws or reports AD0001.
            var analyzer = GeneratorHarness.Analyze(source);
            var gradGen = analyzer.Where(d => d.Id.StartsWith("GG", StringComparison.Ordinal)).ToList();
            var allowedIds = allowed.Split(',', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(gradGen.All(d => allowedIds.Contains(d.Id) || d.Id == "GG0003" && SpanText(d) == "Sq(x)"),
                "Unexpected GG diagnostics:\n" + Show(gradGen) + "\n" + context);

            // The harness fails the test if the generator throws.
            var run = GeneratorHarness.Run(source);
            var generatedErrors = run.CompilationErrors
                .Where(d => d.Location.SourceTree?.FilePath is { } path && run.GeneratedSources.ContainsKey(System.IO.Path.GetFileName(path)))
                .ToList();
            Assert.True(generatedErrors.Count == 0, "Errors inside generated files:\n" + string.Join("\n", generatedErrors) + "\n" + run.Describe() + "\n" + context);
            Assert.Contains(run.GeneratedSources.Keys, k => k.EndsWith(".Fine.Good.g.cs", StringComparison.Ordinal));

            // The analyzer and the generator agree on the caller: an error at its call exactly when it has no file.
            var callBlocked = gradGen.Any(d => SpanText(d) == "Sq(x)" && d.Severity == DiagnosticSeverity.Error);
            var generated = run.GeneratedSources.ContainsKey("Diag.T.Use.g.cs");
            Assert.True(callBlocked != generated,
                $"The analyzer {(callBlocked ? "reports an error at" : "accepts")} the call Sq(x), but Use was {(generated ? "" : "not ")}generated.\n"
                + Show(gradGen) + "\n" + run.Describe() + "\n" + context);
        }
    }
}
