using System;
using System.Collections.Generic;
using System.Linq;
using System.Collections.Immutable;
using System.Text;
using GradGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace GradGen.Tests
{
    /// <summary>
    /// Incrementality: run the driver twice with an edit in between and read the tracked steps
    /// (<see cref="GeneratorRunResult.TrackedSteps"/>, <see cref="GeneratorRunResult.TrackedOutputSteps"/>).
    /// </summary>
    public sealed class CachingTests
    {
        private static readonly string[] KnownStepNames = { "DifferentiableMethods", "Models" };

        private const string FileA = @"using GradGen;

namespace Cache
{
    public static partial class First
    {
        [Differentiable]
        public static double CacheAlpha(double x) => x * x + 1.0;
    }
}
";

        private const string FileB = @"using GradGen;

namespace Cache
{
    public static partial class Second
    {
        [Differentiable]
        public static double CacheBeta(double x, double y) => x * y + y;
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

        [Fact]
        public void UnrelatedEditLeavesEveryOutputCached()
        {
            var compilation = GeneratorHarness.CreateCompilation(new[] { ("A.cs", FileA), ("B.cs", FileB), ("C.cs", FileC) });
            GeneratorDriver driver = GeneratorHarness.CreateDriver();
            driver = driver.RunGenerators(compilation);
            var first = driver.GetRunResult();
            AssertNoException(first);
            var firstSources = Sources(first);
            Assert.True(firstSources.Count >= 2,
                "Expected generated files for CacheAlpha and CacheBeta; got: " + string.Join(", ", firstSources.Keys));

            // An unrelated edit: a comment and whitespace in a third file.
            var c = compilation.SyntaxTrees.Single(t => t.FilePath == "C.cs");
            var editedC = c.WithChangedText(SourceText.From(FileC + "\n// an unrelated comment\n   \n", Encoding.UTF8));
            driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(c, editedC));
            var second = driver.GetRunResult();
            AssertNoException(second);

            var result = second.Results[0];
            var report = Report(result);
            Assert.True(result.TrackedOutputSteps.Count > 0, "The generator registered no tracked outputs.\n" + report);
            foreach (var (stepName, index, reason, _, _) in Outputs(result.TrackedOutputSteps))
            {
                Assert.True(IsCachedOrUnchanged(reason), $"Output step {stepName}[{index}] ran with reason {reason} after an unrelated edit.\n" + report);
            }

            foreach (var name in KnownStepNames.Where(result.TrackedSteps.ContainsKey))
            {
                foreach (var (stepName, index, reason, _, _) in Outputs(result.TrackedSteps.Where(p => p.Key == name)))
                {
                    Assert.True(IsCachedOrUnchanged(reason), $"Step {stepName}[{index}] ran with reason {reason} after an unrelated edit.\n" + report);
                }
            }

            Assert.Equal(firstSources, Sources(second));
        }

        [Fact]
        public void EditingOneMethodLeavesTheOtherCached()
        {
            var compilation = GeneratorHarness.CreateCompilation(new[] { ("A.cs", FileA), ("B.cs", FileB), ("C.cs", FileC) });
            GeneratorDriver driver = GeneratorHarness.CreateDriver();
            driver = driver.RunGenerators(compilation);
            AssertNoException(driver.GetRunResult());

            var b = compilation.SyntaxTrees.Single(t => t.FilePath == "B.cs");
            var editedB = b.WithChangedText(SourceText.From(FileB.Replace("x * y + y", "x * y - y"), Encoding.UTF8));
            driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(b, editedB));
            var second = driver.GetRunResult();
            AssertNoException(second);
            var result = second.Results[0];
            var report = Report(result);
            Assert.True(result.TrackedOutputSteps.Count > 0, "The generator registered no tracked outputs.\n" + report);

            var outputs = Outputs(result.TrackedOutputSteps).ToList();
            var alpha = outputs.Where(o => Owner(o.Step) == "CacheAlpha").ToList();
            var beta = outputs.Where(o => Owner(o.Step) == "CacheBeta").ToList();
            if (alpha.Count > 0 || beta.Count > 0)
            {
                // The models say which method an output belongs to: check each.
                Assert.True(alpha.Count > 0, "No output mentions CacheAlpha.\n" + report);
                Assert.All(alpha, o => Assert.True(IsCachedOrUnchanged(o.Reason), $"CacheAlpha's output {o.StepName}[{o.Index}] ran with reason {o.Reason}, but only CacheBeta was edited.\n" + report));
                Assert.Contains(beta, o => o.Reason == IncrementalStepRunReason.Modified || o.Reason == IncrementalStepRunReason.New);
            }
            else
            {
                // Models do not print their method: at least one output reused, one redone.
                Assert.True(outputs.Any(o => IsCachedOrUnchanged(o.Reason)), "No output was reused after editing one of two methods.\n" + report);
                Assert.True(outputs.Any(o => !IsCachedOrUnchanged(o.Reason)), "No output was redone after editing a method body.\n" + report);
            }

            foreach (var name in KnownStepNames.Where(result.TrackedSteps.ContainsKey))
            {
                var steps = Outputs(result.TrackedSteps.Where(p => p.Key == name)).ToList();
                foreach (var o in steps.Where(o => o.ValueText.Contains("CacheAlpha")))
                {
                    Assert.True(IsCachedOrUnchanged(o.Reason), $"Step {o.StepName}[{o.Index}] for CacheAlpha ran with reason {o.Reason}.\n" + report);
                }
            }
        }

        internal static bool IsCachedOrUnchanged(IncrementalStepRunReason reason) =>
            reason == IncrementalStepRunReason.Cached || reason == IncrementalStepRunReason.Unchanged;

        private static void AssertNoException(GeneratorDriverRunResult run)
        {
            Assert.Single(run.Results);
            Assert.True(run.Results[0].Exception == null, "The generator threw: " + run.Results[0].Exception);
        }

        private static Dictionary<string, string> Sources(GeneratorDriverRunResult run) =>
            run.Results[0].GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());

        internal static IEnumerable<(string StepName, int Index, IncrementalStepRunReason Reason, string ValueText, IncrementalGeneratorRunStep Step)> Outputs(
            IEnumerable<KeyValuePair<string, ImmutableArray<IncrementalGeneratorRunStep>>> steps)
        {
            foreach (var pair in steps)
            {
                int index = 0;
                foreach (var step in pair.Value)
                {
                    foreach (var (value, reason) in step.Outputs)
                    {
                        yield return (pair.Key, index++, reason, SafeToString(value), step);
                    }
                }
            }
        }

        /// <summary>
        /// Which of the two methods a step belongs to: breadth-first over the exact input values it was computed
        /// from, the nearest level whose values name exactly one of them decides; null when none (or both) do.
        /// </summary>
        private static string? Owner(IncrementalGeneratorRunStep step)
        {
            var level = step.Inputs.Select(i => (Step: i.Source, Index: i.OutputIndex)).ToList();
            var seen = new HashSet<(IncrementalGeneratorRunStep, int)>();
            while (level.Count > 0)
            {
                bool alpha = false, beta = false;
                var next = new List<(IncrementalGeneratorRunStep Step, int Index)>();
                foreach (var (s, index) in level)
                {
                    if (!seen.Add((s, index)))
                    {
                        continue;
                    }

                    string text = index >= 0 && index < s.Outputs.Length ? SafeToString(s.Outputs[index].Value) : string.Empty;
                    alpha |= text.Contains("CacheAlpha");
                    beta |= text.Contains("CacheBeta");
                    next.AddRange(s.Inputs.Select(i => (i.Source, i.OutputIndex)));
                }

                if (alpha != beta)
                {
                    return alpha ? "CacheAlpha" : "CacheBeta";
                }

                if (alpha && beta)
                {
                    return null;
                }

                level = next;
            }

            return null;
        }

        private static string SafeToString(object? value)
        {
            try
            {
                return value?.ToString() ?? "null";
            }
            catch (Exception ex)
            {
                return "<ToString threw " + ex.GetType().Name + ">";
            }
        }

        internal static string Report(GeneratorRunResult result)
        {
            var sb = new StringBuilder();
            sb.AppendLine("Tracked steps:");
            foreach (var (name, index, reason, value, _) in Outputs(result.TrackedSteps))
            {
                sb.AppendLine($"  {name}[{index}] {reason}: {Shorten(value)}");
            }

            sb.AppendLine("Tracked output steps:");
            foreach (var (name, index, reason, value, _) in Outputs(result.TrackedOutputSteps))
            {
                sb.AppendLine($"  {name}[{index}] {reason}: {Shorten(value)}");
            }

            return sb.ToString();
        }

        private static string Shorten(string s) => s.Length <= 200 ? s : s.Substring(0, 200) + "…";
    }
}
