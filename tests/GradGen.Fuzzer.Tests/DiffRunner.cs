using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;
using System.Threading.Tasks;
using GradGen.Generator;
using GradGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GradGen.Fuzzer.Tests
{
    internal enum Outcome { Ok, Rejected, Crash, Wrong, Invalid }

    /// <summary>What happened to one program. <see cref="Key"/> names the failure class (the reducer keeps it).</summary>
    internal sealed class ProgramResult
    {
        public FuzzProgram Program = null!;
        public Outcome Outcome;
        public string Key = "OK";
        public string Detail = "";
        public int CheckedPoints;
        public Dictionary<string, string> Generated = new();

        public static ProgramResult Of(FuzzProgram p, Outcome o, string key, string detail) =>
            new ProgramResult { Program = p, Outcome = o, Key = key, Detail = detail };
    }

    /// <summary>
    /// Compiles a batch of programs in one compilation with the generator, attributes every problem to its program
    /// (a batch with a generator exception or an unattributable error is rerun program by program), then loads the
    /// assembly and runs <see cref="Checker"/> on each program that generated.
    /// </summary>
    internal static class DiffRunner
    {
        /// <summary>
        /// A program whose checks take longer is a CRASH:hang. Programs of deeply nested callees take 10 s alone and
        /// more than 20 s with two threads on two cores (seeds 20261208 and 20261209): the budget leaves room for them.
        /// </summary>
        public static readonly TimeSpan ProgramTimeout = TimeSpan.FromSeconds(60);

        /// <summary>The optimizations switched off for the whole run (<c>GRADGEN_DIFFFUZZ_DISABLE</c>), or null.</summary>
        public static readonly string? DisabledOptimizations = Environment.GetEnvironmentVariable("GRADGEN_DIFFFUZZ_DISABLE") is { Length: > 0 } off ? off : null;

        /// <summary>Ticks spent per phase (input compile, generator, emit, checks), for the report.</summary>
        public static readonly long[] PhaseTicks = new long[4];

        private static void Phase(int k, System.Diagnostics.Stopwatch w)
        {
            Interlocked.Add(ref PhaseTicks[k], w.ElapsedTicks);
            w.Restart();
        }

        public static string PhaseSummary() =>
            string.Format(System.Globalization.CultureInfo.InvariantCulture, "time: input compile {0:0.0} s, generator {1:0.0} s, emit {2:0.0} s, checks {3:0.0} s",
                PhaseTicks[0] / (double)System.Diagnostics.Stopwatch.Frequency, PhaseTicks[1] / (double)System.Diagnostics.Stopwatch.Frequency,
                PhaseTicks[2] / (double)System.Diagnostics.Stopwatch.Frequency, PhaseTicks[3] / (double)System.Diagnostics.Stopwatch.Frequency);

        /// <summary>
        /// The harness's options less nullable analysis (it doubled the time to bind and emit; generated code carries
        /// its own #nullable) and with debug code generation (faster to emit; the fuzzed programs are small).
        /// </summary>
        private static readonly CSharpCompilationOptions Options = GeneratorHarness.CompilationOptions
            .WithNullableContextOptions(NullableContextOptions.Disable)
            .WithOptimizationLevel(OptimizationLevel.Debug);

        public static List<ProgramResult> RunBatch(IReadOnlyList<FuzzProgram> programs, int seed)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var results = new Dictionary<int, ProgramResult>();
            var live = programs.ToList();

            // 1. The programs must compile on their own: an error there is a bug of the fuzzer, not of GradGen. Binding a
            // whole batch twice costs a third of the time, so a batch is checked only when its emit fails (then each
            // program is run alone, and checked).
            var trees = live.ToDictionary(p => p.Index, p => CSharpSyntaxTree.ParseText(p.Source, GeneratorHarness.ParseOptions, p.FileName));
            var input = CSharpCompilation.Create("DiffFuzz_" + Guid.NewGuid().ToString("N"), trees.Values, GeneratorHarness.References, Options);
            if (live.Count == 1)
            {
                var inputErrors = input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                if (inputErrors.Count > 0)
                {
                    results[live[0].Index] = ProgramResult.Of(live[0], Outcome.Invalid, "INVALID", "FUZZER BUG, the program does not compile without the generator:\n" + string.Join("\n", inputErrors.Take(5)));
                    return Ordered(programs, results);
                }
            }

            Phase(0, watch);
            if (live.Count == 0)
            {
                return Ordered(programs, results);
            }

            // 2. The generator.
            var driver = GeneratorHarness.CreateDriver(DisabledOptimizations).RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
            var run = driver.GetRunResult();
            var exception = run.Results.Select(r => r.Exception).FirstOrDefault(e => e != null);
            if (exception != null || generatorDiagnostics.Any(d => d.Id == "CS8785" || d.Id == "AD0001"))
            {
                if (live.Count > 1)
                {
                    return Split(programs, live, results, seed);
                }

                results[live[0].Index] = ProgramResult.Of(live[0], Outcome.Crash, "CRASH:generator-exception",
                    "The generator threw: " + (exception?.ToString() ?? string.Join("\n", generatorDiagnostics.Where(d => d.Id is "CS8785" or "AD0001"))));
                return Ordered(programs, results);
            }

            Phase(1, watch);
            var generated = run.Results.SelectMany(r => r.GeneratedSources).ToList();
            foreach (var group in generatorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("GG", StringComparison.Ordinal))
                         .GroupBy(d => Owner(d.Location.SourceTree?.FilePath)))
            {
                var p = live.FirstOrDefault(q => q.Index == group.Key);
                if (p == null)
                {
                    continue;
                }

                var first = group.First();
                results[p.Index] = ProgramResult.Of(p, Outcome.Rejected, "REJECTED:" + first.Id,
                    string.Join("\n", group.Select(d => d.ToString())));
                live.Remove(p);
            }

            // 3. Harnesses of the programs that generated; compile and emit.
            var harnessTrees = live.Select(p => CSharpSyntaxTree.ParseText(HarnessEmitter.Emit(p), GeneratorHarness.ParseOptions, p.HarnessFileName)).ToList();
            var final = output.AddSyntaxTrees(harnessTrees);
            using var stream = new MemoryStream();
            var emit = final.Emit(stream);
            if (!emit.Success)
            {
                var errors = emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                var byOwner = errors.GroupBy(d => Owner(d.Location.SourceTree?.FilePath)).ToList();
                if (live.Count > 1)
                {
                    return Split(programs, live, results, seed);
                }

                var p = live[0];
                if (Rejection(input, p) is { } rejected)
                {
                    results[p.Index] = rejected;
                    return Ordered(programs, results);
                }

                // GG0021 (GradGen failed on a method, which it left out; reported without a location) says why first.
                var internalError = generatorDiagnostics.FirstOrDefault(d => d.Id == "GG0021");
                bool inGenerated = errors.Any(d => d.Location.SourceTree?.FilePath is { } f && f.EndsWith(".g.cs", StringComparison.Ordinal));
                var r = ProgramResult.Of(p, Outcome.Crash,
                    internalError != null ? "CRASH:GG0021" : inGenerated ? "CRASH:generated-code-does-not-compile" : "CRASH:signature-differs-from-contract",
                    string.Join("\n", (internalError != null ? new[] { internalError } : Enumerable.Empty<Diagnostic>()).Concat(errors.Take(8)).Select(d => d.ToString())));
                r.Generated = GeneratedOf(generated, p);
                results[p.Index] = r;
                return Ordered(programs, results);
            }

            // 4. Load and check.
            Phase(2, watch);
            stream.Position = 0;
            var context = new AssemblyLoadContext("DiffFuzz", isCollectible: true);
            try
            {
                var assembly = context.LoadFromStream(stream);
                foreach (var p in live)
                {
                    var type = assembly.GetType(p.Namespace + ".FuzzHarness", throwOnError: true)!;
                    var r = RunWithTimeout(() => Checker.Check(p, type, seed), p);
                    r.Generated = GeneratedOf(generated, p);
                    results[p.Index] = r;
                }
            }
            finally
            {
                context.Unload();
                Phase(3, watch);
            }

            return Ordered(programs, results);
        }

        /// <summary>
        /// REJECTED if GradGen's analyzer reports an error in the program: the generator reports none (it leaves such a
        /// method out, so its harness does not compile), the analyzer runs the same parser and says why.
        /// </summary>
        private static ProgramResult? Rejection(Compilation input, FuzzProgram p)
        {
            try
            {
                // GG0013 (a call of a method with errors) last: the key names the error itself.
                var errors = GeneratorHarness.Analyze(input).Where(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("GG", StringComparison.Ordinal))
                    .OrderBy(d => d.Id == "GG0013").ToList();
                return errors.Count == 0 ? null : ProgramResult.Of(p, Outcome.Rejected, "REJECTED:" + errors[0].Id, string.Join("\n", errors));
            }
            catch (Exception ex)
            {
                return ProgramResult.Of(p, Outcome.Crash, "CRASH:analyzer-exception", ex.Message);
            }
        }

        private static ProgramResult RunWithTimeout(Func<ProgramResult> check, FuzzProgram p)
        {
            var task = Task.Factory.StartNew(check, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            if (!task.Wait(ProgramTimeout))
            {
                return ProgramResult.Of(p, Outcome.Crash, "CRASH:hang", "The checks did not finish in " + ProgramTimeout.TotalSeconds + " s (a generated method loops forever?)");
            }

            return task.Result;
        }

        private static Dictionary<string, string> GeneratedOf(List<GeneratedSourceResult> generated, FuzzProgram p) =>
            generated.Where(g => g.HintName.StartsWith(p.Namespace + ".", StringComparison.Ordinal))
                .ToDictionary(g => g.HintName, g => g.SourceText.ToString());

        private static List<ProgramResult> Split(IReadOnlyList<FuzzProgram> programs, List<FuzzProgram> live, Dictionary<int, ProgramResult> results, int seed)
        {
            foreach (var p in live)
            {
                results[p.Index] = RunBatch(new[] { p }, seed)[0];
            }

            return Ordered(programs, results);
        }

        private static List<ProgramResult> Ordered(IReadOnlyList<FuzzProgram> programs, Dictionary<int, ProgramResult> results) =>
            programs.Select(p => results[p.Index]).ToList();

        /// <summary>The program a file belongs to: "Fz12.cs", "Fz12.Harness.cs", "Fz12.Main.F.g.cs" -> 12; -1 if none.</summary>
        private static int Owner(string? path)
        {
            if (path == null)
            {
                return -1;
            }

            var name = Path.GetFileName(path);
            if (!name.StartsWith("Fz", StringComparison.Ordinal))
            {
                return -1;
            }

            int end = 2;
            while (end < name.Length && char.IsDigit(name[end]))
            {
                end++;
            }

            return end > 2 && int.TryParse(name.Substring(2, end - 2), out var i) ? i : -1;
        }
    }
}
