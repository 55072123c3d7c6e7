using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Xunit;
using Xunit.Abstractions;

namespace GradGen.Fuzzer.Tests
{
    /// <summary>
    /// Differential fuzzing of the generated derivatives (Csmith-style): <see cref="ProgramGenerator"/> writes random
    /// [Differentiable] programs inside the documented subset, many per compilation; each is classified
    /// OK / REJECTED (a GG error on a program of the documented subset) / CRASH (the generator threw, generated code
    /// or the contract's signatures do not compile, a generated method throws or hangs where the primal does not) /
    /// WRONG (reverse vs forward vs finite differences, values, FReverse accumulation, inputs modified, Jacobian,
    /// Hessian). Failing programs are written to <c>$TMPDIR/gradgen-difffuzz/seed-S/program-i.cs</c> and minimised
    /// by <see cref="Reducer"/> to <c>program-i.reduced.cs</c> (with its generated code next to it).
    /// <para>
    /// The test asserts no CRASH and no WRONG (and no program the fuzzer itself got wrong); REJECTED programs are
    /// counted and listed but do not fail it: a rejection is GradGen keeping its promise of never being silently
    /// wrong, and some documented rules (GG0005's list) are easy for a random program to brush against.
    /// </para>
    /// <para>
    /// Environment: <c>GRADGEN_DIFFFUZZ_COUNT</c> programs (default 210), <c>GRADGEN_DIFFFUZZ_SEED</c> (default
    /// 20260101; <c>random</c> picks one), <c>GRADGEN_DIFFFUZZ_START</c> first index (0), <c>GRADGEN_DIFFFUZZ_ONLY</c>
    /// program indices (comma-separated), <c>GRADGEN_DIFFFUZZ_BATCH</c> programs per compilation (25), <c>GRADGEN_DIFFFUZZ_THREADS</c>
    /// (2), <c>GRADGEN_DIFFFUZZ_REDUCE</c> how many failures to minimise (3; one per failure class first),
    /// <c>GRADGEN_DIFFFUZZ_REDUCE_SECONDS</c> per failure (30), <c>GRADGEN_DIFFFUZZ_DISABLE</c> optimizations to switch
    /// off, as the MSBuild property GradGenDisabledOptimizations takes them (none), <c>GRADGEN_DIFFFUZZ_FEATURES</c> only the
    /// programs with these differentiable types or constructs (Generic, Model, Numerics, Everyday, Collections, Jagged, OutRef, comma-separated, or all; every program). For example
    /// <code>GRADGEN_DIFFFUZZ_COUNT=20000 GRADGEN_DIFFFUZZ_SEED=7 dotnet test tests/GradGen.Fuzzer.Tests -c Release --logger "console;verbosity=detailed"</code>
    /// prints the counts and the repro paths (also in <c>summary.txt</c> of the seed's directory).
    /// </para>
    /// </summary>
    public sealed class DifferentialFuzzTests
    {
        private readonly ITestOutputHelper _output;

        public DifferentialFuzzTests(ITestOutputHelper output)
        {
            _output = output;
        }

        [Fact]
        public void RandomPrograms_DerivativesAgree_ReverseForwardAndFiniteDifferences()
        {
            var settings = DiffFuzzSettings.Read();
            var report = DiffFuzz.Run(settings, _output.WriteLine);
            Assert.True(report.Crash == 0 && report.Wrong == 0 && report.Invalid == 0, report.Text);
        }

        [Fact]
        public void InstrumentedCopy_CompilesForGeneratedPrograms_AndSeesOverflowAbsorptionAndBranches()
        {
            for (int i = 0; i < 40; i++)
            {
                var p = ProgramGenerator.Generate(7, i);
                Assert.True(InstrumentedCopy.Load(p, out var error) != null, "program " + i + ": " + error);
            }

            // Seed 7 program 392: (t0·t1)³ iterated overflows to -∞, which Math.Max(t1 / t4, t4) discards.
            var overflow = InstrumentedCopy.Load(ProgramGenerator.Generate(7, 392), out _)!;
            Assert.True(overflow(new[] { 0.461 }).Numerics.HasFlag(PrimalNumerics.NonFinite));
            Assert.False(overflow(new[] { -1.2 }).Numerics.HasFlag(PrimalNumerics.NonFinite));

            // Seed 11 program 568: x -= t1 - S1(a, t1 + y) with t1 near -1e20, where t1 + y == t1.
            var absorbed = InstrumentedCopy.Load(ProgramGenerator.Generate(11, 568), out _)!;
            Assert.True(absorbed(new[] { 0.695, -0.343, 1.273, 0.594, -0.681, -0.063, -0.17 }).Numerics.HasFlag(PrimalNumerics.Absorbed));

            // Seed 20261207 program 6023: t2 > 0.93 switches between x = 0.554 and 0.554 + 3e-4, so FD of the
            // gradient at steps 4e-3 to 1.6e-2 converges slowly to the wrong value; the path tells the steps apart.
            var branchy = InstrumentedCopy.Load(ProgramGenerator.Generate(20261207, 6023), out _)!;
            double[] At(double x) => new[] { 1.239, -1.489, -0.179, -1.109, x };
            long path = branchy(At(0.554)).Path;
            Assert.Equal(path, branchy(At(0.554 + 1e-5)).Path);
            Assert.Equal(path, branchy(At(0.554 - 1e-5)).Path);
            Assert.NotEqual(path, branchy(At(0.554 + 4e-3)).Path == path ? path + 1 : branchy(At(0.554 - 4e-3)).Path);
        }

        [Fact]
        public void Generator_IsDeterministic_PerSeedAndIndex()
        {
            var a = ProgramGenerator.Generate(5, 17).Source;
            var b = ProgramGenerator.Generate(5, 17).Source;
            var c = ProgramGenerator.Generate(5, 18).Source;
            Assert.Equal(a, b);
            Assert.NotEqual(a, c);
        }
    }

    internal sealed class DiffFuzzSettings
    {
        /// <summary>
        /// 210 programs: about 1 in 5 has the everyday constructs, whose generated code takes about twice as long to emit (250
        /// took as long before them); 40 have collections and output arrays (about 3 in 20 in general; programs that had none of
        /// the constructs before), which take about as long as the programs they replaced (the run's CPU time within 10%).
        /// </summary>
        public int Count = 210;
        public int Seed = 20260101;
        public int Start;
        public List<int>? Only;
        public int Batch = 25;
        public int Threads = 2;
        public int Reduce = 3;
        public int ReduceSeconds = 30;

        /// <summary>Only the programs with these differentiable types or constructs (GRADGEN_DIFFFUZZ_FEATURES=Generic,Model,Numerics,Everyday,Collections,Jagged,OutRef or all), or every program.</summary>
        public HashSet<Feature>? Features;

        public static DiffFuzzSettings Read()
        {
            var s = new DiffFuzzSettings();
            s.Count = Int("COUNT") ?? s.Count;
            var seed = Environment.GetEnvironmentVariable("GRADGEN_DIFFFUZZ_SEED");
            s.Seed = string.Equals(seed, "random", StringComparison.OrdinalIgnoreCase) ? Environment.TickCount & int.MaxValue : Int("SEED") ?? s.Seed;
            s.Start = Int("START") ?? 0;
            var only = Environment.GetEnvironmentVariable("GRADGEN_DIFFFUZZ_ONLY");
            s.Only = string.IsNullOrWhiteSpace(only) ? null : only.Split(',').Select(t => int.Parse(t.Trim(), CultureInfo.InvariantCulture)).ToList();
            s.Batch = Math.Max(1, Int("BATCH") ?? s.Batch);
            s.Threads = Math.Max(1, Int("THREADS") ?? Math.Min(2, Environment.ProcessorCount));
            s.Reduce = Int("REDUCE") ?? s.Reduce;
            s.ReduceSeconds = Int("REDUCE_SECONDS") ?? s.ReduceSeconds;
            var features = Environment.GetEnvironmentVariable("GRADGEN_DIFFFUZZ_FEATURES");
            s.Features = string.IsNullOrWhiteSpace(features) ? null
                : string.Equals(features.Trim(), "all", StringComparison.OrdinalIgnoreCase) ? new HashSet<Feature> { Feature.Generic, Feature.Model, Feature.Numerics, Feature.Everyday, Feature.Collections, Feature.Jagged, Feature.OutRef }
                : features.Split(',').Select(t => Enum.Parse<Feature>(t.Trim(), ignoreCase: true)).ToHashSet();
            return s;
        }

        private static int? Int(string name) =>
            int.TryParse(Environment.GetEnvironmentVariable("GRADGEN_DIFFFUZZ_" + name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    internal sealed class DiffFuzzReport
    {
        public int Ok, Rejected, Crash, Wrong, Invalid, Unchecked;
        public string Text = "";
    }

    internal static class DiffFuzz
    {
        public static DiffFuzzReport Run(DiffFuzzSettings s, Action<string> log)
        {
            var indices = s.Only ?? Enumerable.Range(s.Start, s.Count).ToList();
            var batches = new ConcurrentQueue<List<int>>(indices.Select((i, k) => (i, k)).GroupBy(t => t.k / s.Batch).Select(g => g.Select(t => t.i).ToList()));
            var results = new ConcurrentBag<ProgramResult>();
            var clock = Stopwatch.StartNew();
            var generateClock = new long[1];
            var threads = Enumerable.Range(0, s.Threads).Select(_ => new Thread(() =>
            {
                while (batches.TryDequeue(out var batch))
                {
                    var programs = batch.Select(i => ProgramGenerator.Generate(s.Seed, i)).Where(p => s.Features == null || s.Features.Contains(p.Feature)).ToList();
                    foreach (var r in DiffRunner.RunBatch(programs, s.Seed))
                    {
                        results.Add(r);
                    }
                }
            }, 64 * 1024 * 1024)).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            clock.Stop();

            var all = results.OrderBy(r => r.Program.Index).ToList();
            var report = new DiffFuzzReport
            {
                Ok = all.Count(r => r.Outcome == Outcome.Ok),
                Rejected = all.Count(r => r.Outcome == Outcome.Rejected),
                Crash = all.Count(r => r.Outcome == Outcome.Crash),
                Wrong = all.Count(r => r.Outcome == Outcome.Wrong),
                Invalid = all.Count(r => r.Outcome == Outcome.Invalid),
                Unchecked = all.Count(r => r.Outcome == Outcome.Ok && r.CheckedPoints == 0),
            };

            var dir = Path.Combine(Path.GetTempPath(), "gradgen-difffuzz", "seed-" + s.Seed.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(dir);
            var sb = new StringBuilder();
            sb.AppendLine(string.Format(CultureInfo.InvariantCulture,
                "GradGen differential fuzz{12}: {0} programs (seed {1}, indices {2}..{3}) in {4:0.0} s = {5:0.0} programs/s: OK {6} (of which {7} with no checkable point), REJECTED {8}, CRASH {9}, WRONG {10}, INVALID (fuzzer bug) {11}.",
                all.Count, s.Seed, indices.First(), indices.Last(), clock.Elapsed.TotalSeconds, all.Count / clock.Elapsed.TotalSeconds,
                report.Ok, report.Unchecked, report.Rejected, report.Crash, report.Wrong, report.Invalid,
                DiffRunner.DisabledOptimizations is { } off ? " with " + off + " off" : ""));

            sb.AppendLine("  " + DiffRunner.PhaseSummary() + " (summed over " + s.Threads + " threads)");
            if (Checker.ThrowingPoints > 0)
            {
                sb.AppendLine("  points where the primal threw its own exception, and every generated method the same: " + Checker.ThrowingPoints);
            }

            sb.AppendLine("  by type: " + string.Join("; ", all.GroupBy(r => r.Program.Feature).OrderBy(g => g.Key).Select(g =>
                g.Key + " " + g.Count() + " (" + string.Join(", ", g.GroupBy(r => r.Outcome).OrderBy(o => o.Key).Select(o => o.Key.ToString().ToUpperInvariant() + " " + o.Count())) + ")")));
            // The Numerics programs with Quaternion, Matrix4x4 and Plane values (the ninth stream), by the types they have.
            var transforms = all.Where(r => r.Program.Transforms).ToList();
            if (transforms.Count > 0)
            {
                string Outcomes(IEnumerable<ProgramResult> rs) => string.Join(", ", rs.GroupBy(r => r.Outcome).OrderBy(o => o.Key).Select(o => o.Key.ToString().ToUpperInvariant() + " " + o.Count()));
                sb.AppendLine("  Numerics with Quaternion/Matrix4x4/Plane: " + transforms.Count + " (" + Outcomes(transforms) + "); "
                    + string.Join("; ", new[] { "Quaternion", "Matrix4x4", "Plane" }.Select(t => (t, rs: transforms.Where(r => r.Program.Source.Contains(t, StringComparison.Ordinal)).ToList()))
                        .Select(x => x.t + " " + x.rs.Count + " (" + Outcomes(x.rs) + ")")));
            }

            if (report.Unchecked > 0)
            {
                sb.AppendLine("  no checkable point: programs " + string.Join(", ", all.Where(r => r.Outcome == Outcome.Ok && r.CheckedPoints == 0).Take(12).Select(r => r.Program.Index)) + (report.Unchecked > 12 ? ", ..." : ""));
            }

            var failing = all.Where(r => r.Outcome != Outcome.Ok).ToList();
            foreach (var group in failing.GroupBy(r => r.Key).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                sb.AppendLine("  " + group.Key + ": " + group.Count() + " (programs " + string.Join(", ", group.Take(12).Select(r => r.Program.Index)) + (group.Count() > 12 ? ", ..." : "") + ")");
            }

            // Repro files for every failure; minimise a few, one per failure class first.
            foreach (var r in failing)
            {
                File.WriteAllText(Path.Combine(dir, "program-" + r.Program.Index + ".cs"), Header(r, s) + r.Program.Source);
            }

            var toReduce = failing.GroupBy(r => r.Key).Select(g => g.First())
                .Concat(failing.GroupBy(r => r.Key).SelectMany(g => g.Skip(1)))
                .Take(Math.Max(0, s.Reduce)).ToList();
            var reduceClock = Stopwatch.StartNew();
            foreach (var r in toReduce)
            {
                var reduced = Reducer.Reduce(r, s.Seed, TimeSpan.FromSeconds(s.ReduceSeconds));
                var path = Path.Combine(dir, "program-" + r.Program.Index + ".reduced.cs");
                File.WriteAllText(path, Header(reduced, s) + reduced.Program.Source);
                var gen = new StringBuilder();
                foreach (var g in reduced.Generated.OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    gen.AppendLine("// ===== " + g.Key + " =====").AppendLine(g.Value);
                }

                File.WriteAllText(Path.Combine(dir, "program-" + r.Program.Index + ".reduced.generated.cs.txt"), gen.ToString());
                sb.AppendLine();
                sb.AppendLine("---- " + reduced.Key + " (program " + r.Program.Index + ", reduced from " + Lines(r.Program.Source) + " to " + Lines(reduced.Program.Source) + " lines): " + path);
                sb.AppendLine(reduced.Detail.Length > 1500 ? reduced.Detail.Substring(0, 1500) + " ..." : reduced.Detail);
                sb.AppendLine(reduced.Program.Source);
            }

            if (toReduce.Count > 0)
            {
                sb.AppendLine(string.Format(CultureInfo.InvariantCulture, "(reduced {0} failures in {1:0.0} s)", toReduce.Count, reduceClock.Elapsed.TotalSeconds));
            }

            if (failing.Count > 0)
            {
                sb.AppendLine("Repro files: " + dir + "/program-<i>.cs (and .reduced.cs). Rerun one: GRADGEN_DIFFFUZZ_SEED=" + s.Seed + " GRADGEN_DIFFFUZZ_ONLY=<i> dotnet test tests/GradGen.Fuzzer.Tests");
            }

            report.Text = sb.ToString();
            File.WriteAllText(Path.Combine(dir, "summary.txt"), report.Text);
            log(report.Text);
            return report;
        }

        private static int Lines(string text) => text.Split('\n').Length;

        private static string Header(ProgramResult r, DiffFuzzSettings s)
        {
            var sb = new StringBuilder();
            sb.AppendLine("// " + r.Outcome.ToString().ToUpperInvariant() + " " + r.Key + "   (GRADGEN_DIFFFUZZ_SEED=" + s.Seed + " GRADGEN_DIFFFUZZ_ONLY=" + r.Program.Index + ")");
            foreach (var line in r.Detail.Split('\n').Take(12))
            {
                sb.AppendLine("// " + line.TrimEnd());
            }

            sb.AppendLine("// Entry: " + (r.Program.Instance ? "new Main()" : "Main") + ".F(" + string.Join(", ", r.Program.Params.Select(p => p.Kind switch
            {
                ParamKind.Int => p.Name + " = " + p.IntValue,
                ParamKind.NoDerivative => p.Name + " = " + p.ConstValue.ToString("R", CultureInfo.InvariantCulture),
                ParamKind.Array or ParamKind.Span or ParamKind.PointArray or ParamKind.PointSpan => p.Name + "[" + p.Length + "]",
                ParamKind.Matrix => p.Name + "[" + p.Rows + ", " + p.Cols + "]",
                ParamKind.Model => p.Name + " {A, B, W[" + p.Length + "], N = " + p.IntValue + "}",
                ParamKind.Collection => p.CollectionType + "<" + p.Element + "> " + p.Name + "[" + p.Length + "] (a" + (p.Passed == Passed.Array ? "n array" : p.Passed == Passed.List ? " List" : " sequence enumerated once") + ")",
                ParamKind.ConstCollection => p.Name + " = {" + string.Join(", ", p.ConstValues.Select(c => c.ToString("R", CultureInfo.InvariantCulture))) + "}",
                ParamKind.Output => "output " + p.Name + "[" + p.Length + "], checked as W·" + p.Name + " after, W = {" + string.Join(", ", r.Program.OutputWeights.Select(c => c.ToString("R", CultureInfo.InvariantCulture))) + "}",
                ParamKind.Vector3 or ParamKind.Vector2 or ParamKind.Complex or ParamKind.Quaternion or ParamKind.Matrix4x4 or ParamKind.Plane => p.Kind + " " + p.Name,
                ParamKind.Jagged => p.Element + "[][] " + p.Name + " rows {" + string.Join(", ", p.RowLengths) + "}",
                ParamKind.Out => "out " + p.Element + " " + p.Name + " (no input)",
                ParamKind.Ref => "ref " + p.Element + " " + p.Name,
                _ => p.Name,
            })) + "), flat x in that order" + (r.Program.OutRefEntry ? "; checked as W·(" + (r.Program.VoidEntry ? "" : "result, ") + "out/ref values after), W = {"
                + string.Join(", ", r.Program.OutRefWeights.Select(c => c.ToString("R", CultureInfo.InvariantCulture))) + "}" : "") + (r.Program.GenericEntry ? "; F<double>" + (r.Program.SingleCheck ? " and F<float>" : "") : ""));
            return sb.ToString();
        }
    }
}
