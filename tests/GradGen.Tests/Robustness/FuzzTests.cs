using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using GradGen.Tests.Arrays;
using GradGen.Tests.Infrastructure;
using GradGen.Tests.Numerics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;
using Xunit.Abstractions;

namespace GradGen.Tests.Robustness
{
    /// <summary>
    /// Fuzzing (issue 4): every sample and test source with [Differentiable] methods is mutated into many broken or
    /// subtly changed variants (truncated, tokens deleted or duplicated, operators swapped, identifiers replaced, lines
    /// deleted, keywords inserted, types and literals changed, and combinations of two or three of these), and the
    /// generator and the analyzer are run on each. Whatever the user writes, GradGen must not throw (no exception, no
    /// AD0001, no CS8785) and must never emit code that does not compile: an error inside a generated file is a bug,
    /// an error in the mutated user code is expected. A problem the unmutated source has too is left to
    /// <see cref="Corpus_IsFound_AndUnmutatedSourcesPass"/>, so each variant reports only what its mutation brought out.
    /// <para>
    /// Deterministic: variant <c>i</c> of a corpus depends only on the seed, the corpus name and <c>i</c> (not on the
    /// variant count or on the other variants). Environment:
    /// <c>GRADGEN_FUZZ=1</c> runs 10x the variants (<c>GRADGEN_FUZZ=N</c>, N &gt; 1: N times),
    /// <c>GRADGEN_FUZZ_SEED=&lt;int&gt;</c> picks the seed (<c>random</c>: a new one, printed),
    /// <c>GRADGEN_FUZZ_ONLY=&lt;variant&gt;</c> runs that single variant index of each corpus (to reproduce a failure).
    /// A failure lists every failing variant (the first ten in detail) and writes each mutated source to
    /// <c>$TMPDIR/gradgen-fuzz/seed-&lt;seed&gt;/</c>.
    /// </para>
    /// </summary>
    public sealed class FuzzTests
    {
        private readonly ITestOutputHelper _output;

        public FuzzTests(ITestOutputHelper output)
        {
            _output = output;
        }

        public static TheoryData<string> Corpora()
        {
            var data = new TheoryData<string>();
            foreach (var group in FuzzCorpus.Groups)
            {
                data.Add(group.Name);
            }

            return data;
        }

        [Theory]
        [MemberData(nameof(Corpora))]
        public void Mutants_DoNotCrashGradGen_NorBreakGeneratedCode(string corpus)
        {
            var group = FuzzCorpus.Get(corpus);
            var indices = FuzzSettings.Indices(group.Variants);
            var stopwatch = Stopwatch.StartNew();
            var outcomes = FuzzPool.Run(
                indices,
                index => FuzzRunner.RunVariant(group, index, FuzzSettings.Seed),
                FuzzSettings.VariantTimeout);
            stopwatch.Stop();

            int generating = outcomes.Count(o => o.GeneratedFiles > 0);
            _output.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "{0}: {1} variants (seed {2}) in {3:0.0} s; {4} had generated code ({5} files); {6} failed.",
                corpus, outcomes.Count, FuzzSettings.Seed, stopwatch.Elapsed.TotalSeconds, generating,
                outcomes.Sum(o => o.GeneratedFiles), outcomes.Count(o => o.Problems.Count > 0)));

            var failures = outcomes.Where(o => o.Problems.Count > 0).ToList();
            if (failures.Count > 0)
            {
                Assert.Fail(FuzzReport.Describe(group, failures, outcomes.Count));
            }
        }

        /// <summary>
        /// The corpus is what the fuzzing stands on: it must have been found, and every source must, unmutated, pass
        /// the same checks (so a failure of a mutant is about the mutation) and the main ones must generate code.
        /// </summary>
        [Fact]
        public void Corpus_IsFound_AndUnmutatedSourcesPass()
        {
            Assert.True(FuzzCorpus.RepoRoot != null,
                "The repository root (the directory with GradGen.sln) was not found above " + AppContext.BaseDirectory
                + "; the samples, Models/*.cs and the test files' sources cannot be read.");
            var names = FuzzCorpus.Groups.Select(g => g.Name).ToList();
            foreach (var expected in new[] { "samples/Functions.cs", "samples/Learning.cs", "Models/Gmm.cs", "Arithmetic_double", "Arrays_float", "DiagnosticTests.cs" })
            {
                Assert.True(names.Contains(expected), "Corpus '" + expected + "' is missing; corpora: " + string.Join(", ", names));
            }

            var sources = FuzzCorpus.Groups.SelectMany(g => g.Sources.Select(s => (Group: g, Source: s))).ToList();
            var outcomes = FuzzPool.Run(
                Enumerable.Range(0, sources.Count).ToList(),
                i => FuzzRunner.Check(sources[i].Source, sources[i].Source.Text, i, 0, "unmutated"),
                FuzzSettings.VariantTimeout);
            _output.WriteLine(sources.Count + " sources in " + FuzzCorpus.Groups.Count + " corpora:");
            foreach (var group in FuzzCorpus.Groups)
            {
                _output.WriteLine("  " + group.Name + ": " + group.Sources.Count + " source(s), " + group.Variants + " variants by default");
            }

            var failures = outcomes.Where(o => o.Problems.Count > 0).ToList();
            Assert.True(failures.Count == 0, "Unmutated corpus sources fail the fuzz checks:\n"
                + string.Join("\n", failures.Select(f => "  " + f.Source.Name + ": " + string.Join("; ", f.Problems.Select(p => p.Summary)))));

            for (int i = 0; i < sources.Count; i++)
            {
                Assert.True(!sources[i].Group.MustGenerate || outcomes[i].GeneratedFiles > 0,
                    "Unmutated corpus source " + sources[i].Source.Name + " generated no code: the corpus does not exercise the generator.");
            }
        }

        [Fact]
        public void Mutations_AreDeterministic()
        {
            foreach (var group in FuzzCorpus.Groups.Take(4))
            {
                for (int i = 0; i < 20; i++)
                {
                    var a = Mutator.Make(group, i, FuzzSettings.Seed);
                    var b = Mutator.Make(group, i, FuzzSettings.Seed);
                    Assert.Equal(a.Description, b.Description);
                    Assert.Equal(a.Text, b.Text);
                    Assert.NotEqual(a.Source.Text, a.Text);
                }
            }
        }
    }

    /// <summary>Variant counts, seed and timeout, from the environment.</summary>
    internal static class FuzzSettings
    {
        /// <summary>The seed used when GRADGEN_FUZZ_SEED is not set: CI sees the same variants every run.</summary>
        public const int DefaultSeed = 20240604;

        public static readonly int Scale = ReadScale();

        public static readonly int Seed = ReadSeed();

        public static readonly int? Only = int.TryParse(Environment.GetEnvironmentVariable("GRADGEN_FUZZ_ONLY"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var only) ? only : null;

        /// <summary>Far above the cost of any variant (well under a second): a variant running this long is a hang.</summary>
        public static readonly TimeSpan VariantTimeout = TimeSpan.FromSeconds(60);

        public static List<int> Indices(int defaultCount) =>
            Only is { } only ? new List<int> { only } : Enumerable.Range(0, defaultCount * Scale).ToList();

        private static int ReadScale()
        {
            var value = Environment.GetEnvironmentVariable("GRADGEN_FUZZ");
            if (string.IsNullOrWhiteSpace(value) || value == "0")
            {
                return 1;
            }

            return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 1 ? n : 10;
        }

        private static int ReadSeed()
        {
            var value = Environment.GetEnvironmentVariable("GRADGEN_FUZZ_SEED");
            if (string.IsNullOrWhiteSpace(value))
            {
                return DefaultSeed;
            }

            if (string.Equals(value, "random", StringComparison.OrdinalIgnoreCase))
            {
                return Environment.TickCount & int.MaxValue;
            }

            return int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);
        }
    }

    // --------------------------------------------------------------------------------------------------------------
    // Corpus
    // --------------------------------------------------------------------------------------------------------------

    /// <summary>One source file to mutate, with the unmutated files it is compiled with.</summary>
    internal sealed class FuzzSource
    {
        public FuzzSource(string name, string path, string text, ImmutableArray<(string Path, string Text)> companions, OutputKind outputKind)
        {
            Name = name;
            Path = path;
            Text = text;
            Companions = companions;
            OutputKind = outputKind;
        }

        /// <summary>For messages: the corpus file, or the test file and line of a source held in a string.</summary>
        public string Name { get; }

        /// <summary>The file path in the compilation.</summary>
        public string Path { get; }

        public string Text { get; }

        public ImmutableArray<(string Path, string Text)> Companions { get; }

        public OutputKind OutputKind { get; }
    }

    /// <summary>A corpus: one test case of the theory; its variants pick one of its sources each.</summary>
    internal sealed class FuzzGroup
    {
        public FuzzGroup(string name, IReadOnlyList<FuzzSource> sources, int variants, bool mustGenerate)
        {
            Name = name;
            Sources = sources;
            Variants = variants;
            MustGenerate = mustGenerate;
        }

        public string Name { get; }

        public IReadOnlyList<FuzzSource> Sources { get; }

        /// <summary>Variants in a default run (times <see cref="FuzzSettings.Scale"/>).</summary>
        public int Variants { get; }

        /// <summary>Every unmutated source generates code (the test sources held in strings include sources that only report diagnostics).</summary>
        public bool MustGenerate { get; }
    }

    /// <summary>
    /// The sources with [Differentiable] methods: samples/GradGen.Samples/*.cs (compiled together), Models/*.cs, the
    /// numeric and array test templates (both precisions), and every other C# source held in a string literal of a test
    /// file (whole files as they are; member snippets, like DiagnosticTests' methods, inside a partial class).
    /// </summary>
    internal static class FuzzCorpus
    {
        // Default variants per corpus, by cost (2 cores: a variant of a sample or Models file ~60 ms, of a numeric or
        // array template ~80 ms, of a source held in a test's string ~5 ms): ~1000 variants, ~30 s in all.
        private const int LargeCorpus = 36;
        private const int TemplateCorpus = 18;
        private const int SnippetCorpus = 40;
        private const int MaxSnippetCorpus = 150;

        private const string SnippetPrefix = "using System;\nusing GradGen;\n\nnamespace Fuzz\n{\n    public partial class T\n    {\n";
        private const string SnippetSuffix = "\n    }\n\n    public static partial class Fine\n    {\n        [Differentiable] public static double Good(double x) => x * x + 1;\n    }\n}\n";

        private static readonly Lazy<IReadOnlyList<FuzzGroup>> LazyGroups = new Lazy<IReadOnlyList<FuzzGroup>>(Build);

        private static readonly Lazy<string?> LazyRoot = new Lazy<string?>(FindRoot);

        public static IReadOnlyList<FuzzGroup> Groups => LazyGroups.Value;

        /// <summary>The directory holding GradGen.sln, above the test binaries; null if there is none.</summary>
        public static string? RepoRoot => LazyRoot.Value;

        public static FuzzGroup Get(string name) =>
            Groups.FirstOrDefault(g => g.Name == name) ?? throw new ArgumentException("No fuzz corpus '" + name + "'.", nameof(name));

        private static string? FindRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "GradGen.sln")))
                {
                    return dir.FullName;
                }
            }

            return null;
        }

        private static IReadOnlyList<FuzzGroup> Build()
        {
            var groups = new List<FuzzGroup>();
            var root = RepoRoot;
            if (root != null)
            {
                // The samples are one program: each file is mutated in turn, compiled with the others as they are.
                var sampleDir = System.IO.Path.Combine(root, "samples", "GradGen.Samples");
                if (Directory.Exists(sampleDir))
                {
                    var files = Directory.GetFiles(sampleDir, "*.cs").OrderBy(f => f, StringComparer.Ordinal)
                        .Select(f => (Path: System.IO.Path.GetFileName(f), Text: File.ReadAllText(f))).ToList();
                    var kind = files.Any(f => CSharpSyntaxTree.ParseText(f.Text, GeneratorHarness.ParseOptions).GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any())
                        ? OutputKind.ConsoleApplication
                        : OutputKind.DynamicallyLinkedLibrary;
                    foreach (var file in files.Where(f => HasDifferentiable(f.Text)))
                    {
                        var companions = files.Where(f => f.Path != file.Path).ToImmutableArray();
                        groups.Add(new FuzzGroup("samples/" + file.Path,
                            new[] { new FuzzSource("samples/" + file.Path, file.Path, file.Text, companions, kind) }, LargeCorpus, mustGenerate: true));
                    }
                }

                var modelDir = System.IO.Path.Combine(root, "tests", "GradGen.Tests", "Models");
                if (Directory.Exists(modelDir))
                {
                    foreach (var path in Directory.GetFiles(modelDir, "*.cs").OrderBy(f => f, StringComparer.Ordinal))
                    {
                        var text = File.ReadAllText(path);
                        if (!HasDifferentiable(text))
                        {
                            continue;
                        }

                        var name = "Models/" + System.IO.Path.GetFileName(path);
                        groups.Add(new FuzzGroup(name, new[] { Single(name, System.IO.Path.GetFileName(path), text) }, LargeCorpus, mustGenerate: true));
                    }
                }
            }

            var templates = new (string Name, Func<Precision, string> Text)[]
            {
                ("Arithmetic", ArithmeticSource.Text),
                ("Calls", CallSource.Text),
                ("ControlFlow", ControlFlowSource.Text),
                ("MathFunctions", MathFunctionSource.Text),
                ("Arrays", ArraySource.Text),
            };
            foreach (var (name, text) in templates)
            {
                foreach (var precision in new[] { Precision.Double, Precision.Float })
                {
                    var full = name + "_" + SourceTemplate.TypeKeyword(precision);
                    groups.Add(new FuzzGroup(full, new[] { Single(full, full + ".cs", text(precision)) }, TemplateCorpus, mustGenerate: true));
                }
            }

            if (root != null)
            {
                var known = groups.SelectMany(g => g.Sources).Select(s => s.Text).ToList();
                var testDir = System.IO.Path.Combine(root, "tests", "GradGen.Tests");
                var skip = new[] { "bin", "obj", "Models", "Snapshots", "Robustness" };
                var files = Directory.GetFiles(testDir, "*.cs", SearchOption.AllDirectories)
                    .Where(f => !System.IO.Path.GetRelativePath(testDir, f).Split(System.IO.Path.DirectorySeparatorChar).Any(skip.Contains))
                    .OrderBy(f => f, StringComparer.Ordinal);
                foreach (var file in files)
                {
                    var sources = Harvest(file, known);
                    if (sources.Count > 0)
                    {
                        groups.Add(new FuzzGroup(System.IO.Path.GetFileName(file), sources, Math.Min(MaxSnippetCorpus, SnippetCorpus + sources.Count), mustGenerate: false));
                        known.AddRange(sources.Select(s => s.Text));
                    }
                }
            }

            return groups;
        }

        /// <summary>The text declares a method with [Differentiable] (not just mentions it in a comment).</summary>
        private static bool HasDifferentiable(string text) =>
            CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions).GetRoot().DescendantNodes().OfType<AttributeSyntax>()
                .Any(a => a.Name.ToString().Contains("Differentiable", StringComparison.Ordinal));

        private static FuzzSource Single(string name, string path, string text) =>
            new FuzzSource(name, path, text, ImmutableArray<(string, string)>.Empty, OutputKind.DynamicallyLinkedLibrary);

        /// <summary>
        /// The C# sources held in string literals of a test file: literals with [Differentiable] that parse as a file
        /// (templates instantiated for double; a header with the usings added when they have none) or as members.
        /// Sources already in the corpus (e.g. a template's extra code) are skipped.
        /// </summary>
        private static List<FuzzSource> Harvest(string file, List<string> known)
        {
            var fileName = System.IO.Path.GetFileName(file);
            var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file), GeneratorHarness.ParseOptions, file);
            var result = new List<FuzzSource>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var token in tree.GetRoot().DescendantTokens())
            {
                if (!token.IsKind(SyntaxKind.StringLiteralToken) && !token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken)
                    && !token.IsKind(SyntaxKind.SingleLineRawStringLiteralToken))
                {
                    continue;
                }

                var value = token.ValueText;
                if (!value.Contains("[Differentiable", StringComparison.Ordinal))
                {
                    continue;
                }

                if (Regex.IsMatch(value, @"\breal\b|MathR\."))
                {
                    value = SourceTemplate.Instantiate(value, Precision.Double);
                }

                string? source = null;
                var asFile = CSharpSyntaxTree.ParseText(value, GeneratorHarness.ParseOptions).GetCompilationUnitRoot();
                if (!asFile.ContainsDiagnostics && asFile.Members.Any(m => m is BaseNamespaceDeclarationSyntax || m is BaseTypeDeclarationSyntax))
                {
                    source = asFile.Usings.Count == 0 ? SourceTemplate.Header + value : value;
                }
                else
                {
                    var wrapped = SnippetPrefix + value + SnippetSuffix;
                    if (!CSharpSyntaxTree.ParseText(wrapped, GeneratorHarness.ParseOptions).GetRoot().ContainsDiagnostics)
                    {
                        source = wrapped;
                    }
                }

                if (source == null || !seen.Add(source) || known.Any(k => k.Contains(value.Trim(), StringComparison.Ordinal)))
                {
                    continue;
                }

                int line = token.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                result.Add(Single(fileName + ":" + line, "Source.cs", source));
            }

            return result;
        }
    }

    // --------------------------------------------------------------------------------------------------------------
    // Mutations
    // --------------------------------------------------------------------------------------------------------------

    /// <summary>A mutated source: which variant of which corpus source, the mutations applied, the text.</summary>
    internal class Variant
    {
        public Variant(FuzzSource source, int index, int seed, string description, string text)
        {
            Source = source;
            Index = index;
            Seed = seed;
            Description = description;
            Text = text;
        }

        public FuzzSource Source { get; }

        public int Index { get; }

        /// <summary>The seed of this variant's random generator (derived from the run's seed, the corpus and the index).</summary>
        public int Seed { get; }

        public string Description { get; }

        public string Text { get; }
    }

    /// <summary>
    /// Seeded, deterministic source mutations. Token-level mutations use Roslyn's tokens of the parsed text and, two
    /// times in three, pick a token inside a [Differentiable] method (where the generator looks hardest).
    /// </summary>
    internal static class Mutator
    {
        private const double FocusProbability = 0.65;

        private static readonly string[] Keywords =
        {
            "ref", "out", "static", "async", "unsafe", "goto", "try", "yield return", "await", "dynamic", "decimal",
            "in", "const", "checked", "params", "return", "var", "float", "stackalloc", "throw", "scoped", "new",
        };

        private static readonly string[] BinaryOperators = { "+", "-", "*", "/", "%", "<", ">", "<=", ">=", "==", "!=", "&&", "||", "&", "|", "^", "<<", ">>", "??" };

        private static readonly string[] AssignmentOperators = { "=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "??=" };

        private static readonly string[] TypeNames = { "double", "float", "int", "long", "decimal", "bool", "object", "var", "void", "Half", "dynamic", "string", "double?", "float[]", "double[]", "double[,]", "ReadOnlySpan<double>", "Span<double>" };

        private static readonly string[] Literals = { "0", "1", "-1", "2.5", "0.5f", "3m", "1L", "2u", "1e308", "1e-320", "double.NaN", "float.PositiveInfinity", "int.MaxValue", "'a'", "true", "null", "\"s\"", "(1.0 / 3.0)", "default" };

        private enum Kind
        {
            Truncate,
            DeleteToken,
            DuplicateToken,
            SwapOperator,
            ReplaceIdentifier,
            DeleteLine,
            InsertKeyword,
            SwapType,
            ChangeLiteral,
        }

        /// <summary>
        /// Mutations drawn by weight: those that often leave the code compiling (operators, identifiers, types) reach the
        /// generator's back end, the others mostly its error paths, so the former are drawn twice as often.
        /// </summary>
        private static readonly Kind[] KindWeights =
        {
            Kind.Truncate, Kind.DeleteToken, Kind.DuplicateToken, Kind.DeleteLine, Kind.InsertKeyword, Kind.ChangeLiteral,
            Kind.SwapOperator, Kind.SwapOperator, Kind.ReplaceIdentifier, Kind.ReplaceIdentifier, Kind.SwapType, Kind.SwapType,
        };

        public static int VariantSeed(int seed, string corpus, int index)
        {
            ulong h = 14695981039346656037UL;
            foreach (char c in corpus)
            {
                h = (h ^ c) * 1099511628211UL;
            }

            h = (h ^ (uint)seed) * 1099511628211UL;
            h = (h ^ (uint)index) * 1099511628211UL;
            h ^= h >> 33;
            h *= 0xff51afd7ed558ccdUL;
            h ^= h >> 33;
            return (int)(h & int.MaxValue);
        }

        public static Variant Make(FuzzGroup group, int index, int seed)
        {
            int variantSeed = VariantSeed(seed, group.Name, index);
            var rng = new Random(variantSeed);
            var source = group.Sources[rng.Next(group.Sources.Count)];
            int steps = rng.NextDouble() < 0.6 ? 1 : rng.Next(2, 4);
            var text = source.Text;
            var applied = new List<string>();
            for (int s = 0; s < steps; s++)
            {
                var kind = KindWeights[rng.Next(KindWeights.Length)];
                var (mutated, description) = Apply(kind, text, rng) ?? Apply(Kind.DeleteToken, text, rng) ?? Truncate(text, rng);
                text = mutated;
                applied.Add(description);
            }

            var all = applied.Count == 1 ? applied[0] : "combination (positions are in the text after the previous steps): " + string.Join("; then ", applied);
            return new Variant(source, index, variantSeed, all, text);
        }

        private static (string Text, string Description)? Apply(Kind kind, string text, Random rng)
        {
            if (kind == Kind.Truncate)
            {
                return Truncate(text, rng);
            }

            if (kind == Kind.DeleteLine)
            {
                return DeleteLine(text, rng);
            }

            var tree = CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions);
            var root = tree.GetRoot();
            var focus = root.DescendantNodes()
                .Where(n => (n is MethodDeclarationSyntax m && IsDifferentiable(m.AttributeLists)) || (n is LocalFunctionStatementSyntax l && IsDifferentiable(l.AttributeLists)))
                .Select(n => n.FullSpan)
                .ToList();
            var tokens = root.DescendantTokens().Where(t => t.Span.Length > 0 && !t.IsKind(SyntaxKind.EndOfFileToken)).ToList();

            SyntaxToken? Pick(Func<SyntaxToken, bool> predicate)
            {
                var candidates = tokens.Where(predicate).ToList();
                var focused = candidates.Where(t => focus.Any(f => f.Contains(t.Span))).ToList();
                var from = focused.Count > 0 && rng.NextDouble() < FocusProbability ? focused : candidates;
                return from.Count == 0 ? null : from[rng.Next(from.Count)];
            }

            string At(SyntaxToken t)
            {
                var p = tree.GetLineSpan(t.Span).StartLinePosition;
                return (p.Line + 1) + ":" + (p.Character + 1);
            }

            (string, string) Replace(SyntaxToken t, string replacement, string description) =>
                (text.Substring(0, t.SpanStart) + replacement + text.Substring(t.Span.End), description);

            switch (kind)
            {
                case Kind.DeleteToken:
                {
                    var t = Pick(_ => true);
                    return t is { } token ? Replace(token, string.Empty, $"delete token '{token.Text}' at {At(token)}") : null;
                }

                case Kind.DuplicateToken:
                {
                    var t = Pick(_ => true);
                    return t is { } token ? Replace(token, token.Text + " " + token.Text, $"duplicate token '{token.Text}' at {At(token)}") : null;
                }

                case Kind.SwapOperator:
                {
                    var t = Pick(x => (x.Parent is BinaryExpressionSyntax b && b.OperatorToken == x) || (x.Parent is AssignmentExpressionSyntax a && a.OperatorToken == x));
                    if (t is not { } token)
                    {
                        return null;
                    }

                    var set = rng.NextDouble() < 0.15 ? BinaryOperators.Concat(AssignmentOperators).ToArray()
                        : token.Parent is BinaryExpressionSyntax ? BinaryOperators : AssignmentOperators;
                    var replacement = OtherThan(set, token.Text, rng);
                    return Replace(token, replacement, $"swap operator '{token.Text}' -> '{replacement}' at {At(token)}");
                }

                case Kind.ReplaceIdentifier:
                {
                    var t = Pick(x => x.IsKind(SyntaxKind.IdentifierToken));
                    if (t is not { } token)
                    {
                        return null;
                    }

                    // Mostly an identifier of the same method (a local or parameter: often still valid code), else any of the file.
                    var scope = token.Parent?.AncestorsAndSelf().FirstOrDefault(n => n is BaseMethodDeclarationSyntax || n is LocalFunctionStatementSyntax);
                    var pool = (scope != null && rng.NextDouble() < 0.7 ? scope.DescendantTokens() : tokens)
                        .Where(x => x.IsKind(SyntaxKind.IdentifierToken) && x.Text != token.Text)
                        .Select(x => x.Text).Distinct(StringComparer.Ordinal).OrderBy(x => x, StringComparer.Ordinal).ToList();
                    if (pool.Count == 0)
                    {
                        return null;
                    }

                    var replacement = pool[rng.Next(pool.Count)];
                    return Replace(token, replacement, $"replace identifier '{token.Text}' -> '{replacement}' at {At(token)}");
                }

                case Kind.InsertKeyword:
                {
                    var t = Pick(_ => true);
                    if (t is not { } token)
                    {
                        return null;
                    }

                    var keyword = Keywords[rng.Next(Keywords.Length)];
                    return (text.Substring(0, token.SpanStart) + keyword + " " + text.Substring(token.SpanStart),
                        $"insert '{keyword}' before '{token.Text}' at {At(token)}");
                }

                case Kind.SwapType:
                {
                    var t = Pick(x => x.Parent is PredefinedTypeSyntax || (x.IsKind(SyntaxKind.IdentifierToken) && x.Text == "var" && x.Parent is IdentifierNameSyntax { IsVar: true }));
                    if (t is not { } token)
                    {
                        return null;
                    }

                    var replacement = OtherThan(TypeNames, token.Text, rng);
                    return Replace(token, replacement, $"change type '{token.Text}' -> '{replacement}' at {At(token)}");
                }

                case Kind.ChangeLiteral:
                {
                    var t = Pick(x => x.IsKind(SyntaxKind.NumericLiteralToken));
                    if (t is not { } token)
                    {
                        return null;
                    }

                    var replacement = OtherThan(Literals, token.Text, rng);
                    return Replace(token, replacement, $"change literal '{token.Text}' -> '{replacement}' at {At(token)}");
                }

                default:
                    return null;
            }
        }

        private static (string Text, string Description) Truncate(string text, Random rng)
        {
            int position = rng.Next(text.Length);
            var (line, column) = LineColumn(text, position);
            return (text.Substring(0, position), $"truncate at offset {position} ({line}:{column}), dropping {text.Length - position} of {text.Length} characters");
        }

        private static (string Text, string Description)? DeleteLine(string text, Random rng)
        {
            var starts = new List<int> { 0 };
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == '\n')
                {
                    starts.Add(i + 1);
                }
            }

            // Prefer a line that is not blank.
            int pick = -1;
            for (int attempt = 0; attempt < 8 && pick < 0; attempt++)
            {
                int candidate = rng.Next(starts.Count);
                int end = candidate + 1 < starts.Count ? starts[candidate + 1] : text.Length;
                if (text.Substring(starts[candidate], end - starts[candidate]).Trim().Length > 0 || attempt == 7)
                {
                    pick = candidate;
                }
            }

            int from = starts[pick];
            int to = pick + 1 < starts.Count ? starts[pick + 1] : text.Length;
            var removed = text.Substring(from, to - from).Trim();
            return (text.Substring(0, from) + text.Substring(to), $"delete line {pick + 1} '{Shorten(removed, 80)}'");
        }

        private static bool IsDifferentiable(SyntaxList<AttributeListSyntax> lists) =>
            lists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString().Contains("Differentiable", StringComparison.Ordinal));

        private static string OtherThan(string[] set, string current, Random rng)
        {
            var others = set.Where(s => s != current).ToArray();
            return others[rng.Next(others.Length)];
        }

        public static (int Line, int Column) LineColumn(string text, int position)
        {
            int line = 1, column = 1;
            for (int i = 0; i < position && i < text.Length; i++)
            {
                if (text[i] == '\n')
                {
                    line++;
                    column = 1;
                }
                else
                {
                    column++;
                }
            }

            return (line, column);
        }

        public static string Shorten(string s, int max) => s.Length <= max ? s : s.Substring(0, max) + "…";
    }

    // --------------------------------------------------------------------------------------------------------------
    // Running a variant
    // --------------------------------------------------------------------------------------------------------------

    /// <summary>One thing wrong with a variant: a short summary, the key that groups failures, and the details.</summary>
    internal sealed class Problem
    {
        public Problem(string summary, string details, string? signature = null)
        {
            Summary = summary;
            Details = details;
            Signature = signature ?? Generalize(summary);
        }

        public string Summary { get; }

        public string Details { get; }

        /// <summary>The summary without what is particular to the variant (file and member names, numbers): the same bug has one.</summary>
        public string Signature { get; }

        public static string Generalize(string s) => Regex.Replace(Regex.Replace(s, "'[^']*'", "'…'"), @"\(\d+,\d+\)|\d+", "#");
    }

    /// <summary>A variant and what checking it found.</summary>
    internal sealed class VariantOutcome : Variant
    {
        public VariantOutcome(FuzzSource source, int index, int seed, string description, string text)
            : base(source, index, seed, description, text)
        {
        }

        public List<Problem> Problems { get; } = new List<Problem>();

        public int GeneratedFiles { get; set; }

        /// <summary>Hint name -> text, kept only when something failed (for the report and the repro files).</summary>
        public Dictionary<string, string> GeneratedSources { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

        public TimeSpan Elapsed { get; set; }
    }

    internal static class FuzzRunner
    {
        /// <summary>Problem signatures of each unmutated source.</summary>
        private static readonly ConcurrentDictionary<FuzzSource, Lazy<HashSet<string>>> Baselines = new ConcurrentDictionary<FuzzSource, Lazy<HashSet<string>>>();

        private static readonly HashSet<string> CrashIds = new HashSet<string>(StringComparer.Ordinal) { "AD0001", "CS8784", "CS8785" };

        /// <summary>Text of an exception in a diagnostic message (CS8785's and AD0001's wording, a type with a message, a stack frame).</summary>
        private static readonly Regex ExceptionText = new Regex(
            @"threw an exception|Exception was of type|was thrown|\b\w+Exception: |^\s*at [\w.`<>]+\(",
            RegexOptions.Multiline | RegexOptions.CultureInvariant);

        public static VariantOutcome RunVariant(FuzzGroup group, int index, int seed)
        {
            Variant variant;
            try
            {
                variant = Mutator.Make(group, index, seed);
            }
            catch (Exception ex)
            {
                var failed = new VariantOutcome(group.Sources[0], index, Mutator.VariantSeed(seed, group.Name, index), "(mutation failed)", group.Sources[0].Text);
                failed.Problems.Add(new Problem("TEST BUG: the mutator threw " + ex.GetType().Name, ex.ToString()));
                return failed;
            }

            var outcome = Check(variant.Source, variant.Text, index, variant.Seed, variant.Description);

            // A problem the unmutated source has already is not the mutation's doing (Corpus_IsFound_AndUnmutatedSourcesPass reports it).
            var known = Baselines.GetOrAdd(variant.Source, s => new Lazy<HashSet<string>>(() =>
                new HashSet<string>(Check(s, s.Text, -1, 0, "unmutated").Problems.Select(p => p.Signature), StringComparer.Ordinal))).Value;
            outcome.Problems.RemoveAll(p => known.Contains(p.Signature));
            return outcome;
        }

        /// <summary>Compiles <paramref name="text"/> (with the source's companions), runs the generator and the analyzer, and checks the outcome.</summary>
        public static VariantOutcome Check(FuzzSource source, string text, int index, int variantSeed, string description)
        {
            var outcome = new VariantOutcome(source, index, variantSeed, description, text);
            var stopwatch = Stopwatch.StartNew();
            try
            {
                var files = new[] { (source.Path, text) }.Concat(source.Companions);
                var input = GeneratorHarness.CreateCompilation(files, "Fuzz_" + index.ToString(CultureInfo.InvariantCulture));
                if (source.OutputKind != input.Options.OutputKind)
                {
                    input = input.WithOptions(input.Options.WithOutputKind(source.OutputKind));
                }

                Compilation output;
                ImmutableArray<Diagnostic> generatorDiagnostics;
                GeneratorDriverRunResult runResult;
                try
                {
                    var driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(input, out output, out generatorDiagnostics);
                    runResult = driver.GetRunResult();
                }
                catch (Exception ex)
                {
                    outcome.Problems.Add(new Problem("the generator driver threw " + ex.GetType().Name + ": " + FirstLine(ex.Message), ex.ToString()));
                    return outcome;
                }

                foreach (var result in runResult.Results)
                {
                    if (result.Exception is { } ex)
                    {
                        outcome.Problems.Add(new Problem("the generator threw " + ex.GetType().Name + " at " + TopFrame(ex), ex.ToString()));
                    }
                }

                foreach (var d in generatorDiagnostics)
                {
                    var message = d.GetMessage(CultureInfo.InvariantCulture);
                    if (CrashIds.Contains(d.Id) || ExceptionText.IsMatch(message))
                    {
                        outcome.Problems.Add(new Problem("generator diagnostic " + d.Id + ": " + Mutator.Shorten(FirstLine(message), 200), d.ToString()));
                    }
                }

                var inputTrees = new HashSet<SyntaxTree>(input.SyntaxTrees);
                var generated = output.SyntaxTrees.Where(t => !inputTrees.Contains(t)).ToList();
                outcome.GeneratedFiles = generated.Count;
                foreach (var tree in generated)
                {
                    foreach (var d in output.GetSemanticModel(tree).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error))
                    {
                        var span = d.Location.GetLineSpan();
                        var message = d.GetMessage(CultureInfo.InvariantCulture);
                        outcome.Problems.Add(new Problem(
                            "error " + d.Id + " in generated " + System.IO.Path.GetFileName(tree.FilePath) + ": " + message,
                            d + "\n" + Excerpt(tree.GetText().ToString(), span.StartLinePosition.Line, 3),
                            "error " + d.Id + " in generated code: " + Problem.Generalize(message)));
                    }
                }

                // As in a build (and in the IDE), the analyzer runs on the compilation that has the generated code.
                ImmutableArray<Diagnostic> analyzerDiagnostics;
                try
                {
                    analyzerDiagnostics = GeneratorHarness.Analyze(output);
                }
                catch (Exception ex)
                {
                    outcome.Problems.Add(new Problem("the analyzer threw: " + Mutator.Shorten(AnalyzerSummary(ex.Message), 200), ex.Message));
                    analyzerDiagnostics = ImmutableArray<Diagnostic>.Empty;
                }

                foreach (var d in analyzerDiagnostics)
                {
                    var message = d.GetMessage(CultureInfo.InvariantCulture);
                    if (CrashIds.Contains(d.Id) || ExceptionText.IsMatch(message))
                    {
                        outcome.Problems.Add(new Problem("analyzer diagnostic " + d.Id + ": " + Mutator.Shorten(FirstLine(message), 200), d.ToString()));
                    }
                }

                if (outcome.Problems.Count > 0)
                {
                    foreach (var result in runResult.Results)
                    {
                        foreach (var s in result.GeneratedSources)
                        {
                            outcome.GeneratedSources[s.HintName] = s.SourceText.ToString();
                        }
                    }
                }
            }
            catch (Exception ex)
            {
                outcome.Problems.Add(new Problem("exception escaped: " + ex.GetType().Name + " at " + TopFrame(ex), ex.ToString()));
            }

            outcome.Elapsed = stopwatch.Elapsed;
            return outcome;
        }

        private static string AnalyzerSummary(string message)
        {
            // "The analyzer threw:\nDifferentiableAnalyzer: System.X: msg\n   at ..." -> "DifferentiableAnalyzer: System.X: msg at <top frame>"
            var lines = message.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            var first = lines.Skip(1).FirstOrDefault() ?? lines.FirstOrDefault() ?? message;
            var frame = lines.FirstOrDefault(l => l.StartsWith("at ", StringComparison.Ordinal) && l.Contains("GradGen", StringComparison.Ordinal));
            return first + (frame != null ? " " + Regex.Replace(frame, @" in \S+:line \d+$", string.Empty) : string.Empty);
        }

        private static string TopFrame(Exception ex)
        {
            var frames = (ex.StackTrace ?? string.Empty).Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("at ", StringComparison.Ordinal)).ToList();
            var frame = frames.FirstOrDefault(l => l.Contains("GradGen", StringComparison.Ordinal)) ?? frames.FirstOrDefault() ?? "?";
            return Regex.Replace(frame.Substring(3), @" in \S+:line \d+$", string.Empty);
        }

        private static string FirstLine(string s)
        {
            int i = s.IndexOf('\n');
            return (i < 0 ? s : s.Substring(0, i)).TrimEnd('\r');
        }

        /// <summary>Lines around <paramref name="line"/> (0-based) with line numbers, the line itself marked.</summary>
        public static string Excerpt(string text, int line, int context)
        {
            var lines = text.Replace("\r\n", "\n").Split('\n');
            var sb = new StringBuilder();
            for (int i = Math.Max(0, line - context); i <= Math.Min(lines.Length - 1, line + context); i++)
            {
                sb.Append(i == line ? "  >" : "   ").Append((i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(5)).Append(": ").AppendLine(lines[i]);
            }

            return sb.ToString();
        }
    }

    /// <summary>
    /// Runs variants on one thread per core. A variant that runs longer than the timeout is reported as a hang and its
    /// thread abandoned (a background thread, so it does not keep the test host alive).
    /// </summary>
    internal static class FuzzPool
    {
        public static List<VariantOutcome> Run(IReadOnlyList<int> indices, Func<int, VariantOutcome> work, TimeSpan timeout)
        {
            int count = indices.Count;
            var outcomes = new VariantOutcome?[count];
            int next = -1;
            int workers = Math.Max(1, Math.Min(Environment.ProcessorCount, count));
            var running = new int[workers];
            var started = new long[workers];
            var abandoned = new bool[workers];
            var threads = new Thread[workers];
            for (int w = 0; w < workers; w++)
            {
                int worker = w;
                running[worker] = -1;
                threads[worker] = new Thread(() =>
                {
                    while (!Volatile.Read(ref abandoned[worker]))
                    {
                        int slot = Interlocked.Increment(ref next);
                        if (slot >= count)
                        {
                            return;
                        }

                        Volatile.Write(ref started[worker], Stopwatch.GetTimestamp());
                        Volatile.Write(ref running[worker], slot);
                        var outcome = work(indices[slot]);
                        Volatile.Write(ref running[worker], -1);
                        if (Volatile.Read(ref abandoned[worker]))
                        {
                            return;
                        }

                        outcomes[slot] = outcome;
                    }
                })
                {
                    IsBackground = true,
                    Name = "GradGen fuzz worker " + worker,
                };
                threads[worker].Start();
            }

            while (true)
            {
                bool alive = false;
                for (int w = 0; w < workers; w++)
                {
                    if (abandoned[w] || threads[w].Join(0))
                    {
                        continue;
                    }

                    alive = true;
                    int slot = Volatile.Read(ref running[w]);
                    if (slot >= 0 && Stopwatch.GetElapsedTime(Volatile.Read(ref started[w])) > timeout)
                    {
                        Volatile.Write(ref abandoned[w], true);
                        outcomes[slot] = Hang(indices[slot], timeout);
                    }
                }

                if (!alive)
                {
                    break;
                }

                Thread.Sleep(20);
            }

            return outcomes.Select((o, slot) => o ?? Hang(indices[slot], timeout)).ToList();
        }

        /// <summary>A placeholder (the variant is not rebuilt on the watchdog's thread): <see cref="FuzzReport"/> fills it in.</summary>
        private static VariantOutcome Hang(int index, TimeSpan timeout)
        {
            var outcome = new VariantOutcome(new FuzzSource("?", "?", string.Empty, ImmutableArray<(string, string)>.Empty, OutputKind.DynamicallyLinkedLibrary), index, 0, "(see the variant index)", string.Empty);
            outcome.Problems.Add(new Problem("hang: a variant did not finish in " + timeout.TotalSeconds + " s (or its worker was abandoned)", "variant index " + index));
            return outcome;
        }
    }

    // --------------------------------------------------------------------------------------------------------------
    // Reporting
    // --------------------------------------------------------------------------------------------------------------

    internal static class FuzzReport
    {
        private const int Detailed = 10;

        public static string Describe(FuzzGroup group, List<VariantOutcome> failures, int total)
        {
            // Hangs are reported without the variant: fill it in here, off the worker threads.
            for (int i = 0; i < failures.Count; i++)
            {
                if (failures[i].Source.Name == "?")
                {
                    var variant = Mutator.Make(group, failures[i].Index, FuzzSettings.Seed);
                    var filled = new VariantOutcome(variant.Source, variant.Index, variant.Seed, variant.Description, variant.Text);
                    filled.Problems.AddRange(failures[i].Problems);
                    failures[i] = filled;
                }
            }

            var bySignature = failures
                .GroupBy(f => f.Problems[0].Signature)
                .OrderByDescending(g => g.Count())
                .ToList();

            // Round-robin over the distinct problems, so the detailed ones show as many different bugs as possible.
            var shown = new List<VariantOutcome>();
            for (int round = 0; shown.Count < Detailed && shown.Count < failures.Count; round++)
            {
                foreach (var g in bySignature)
                {
                    if (round < g.Count() && shown.Count < Detailed)
                    {
                        shown.Add(g.ElementAt(round));
                    }
                }
            }

            var sb = new StringBuilder();
            sb.AppendLine($"{failures.Count} of {total} variants of corpus '{group.Name}' fail (seed {FuzzSettings.Seed}; {bySignature.Count} distinct problem(s)):");
            foreach (var g in bySignature)
            {
                sb.AppendLine($"  {g.Count()} x {g.First().Problems[0].Summary}  (variants {string.Join(", ", g.Take(12).Select(f => f.Index))}{(g.Count() > 12 ? ", …" : string.Empty)})");
            }

            sb.AppendLine();
            sb.AppendLine("Reproduce: GRADGEN_FUZZ_SEED=" + FuzzSettings.Seed + " GRADGEN_FUZZ_ONLY=<variant> dotnet test tests/GradGen.Tests --filter \"FullyQualifiedName~FuzzTests\"");
            sb.AppendLine("(or compile the repro file with the generator). Repro files: " + ReproWriter.Directory(group));

            int n = 0;
            foreach (var failure in failures.Take(50))
            {
                var path = ReproWriter.Write(group, failure);
                if (shown.Contains(failure))
                {
                    sb.AppendLine();
                    sb.AppendLine($"---- [{++n}] variant {failure.Index} of {failure.Source.Name} (variant seed {failure.Seed}, {failure.Elapsed.TotalMilliseconds:0} ms)");
                    sb.AppendLine("mutation: " + failure.Description);
                    sb.AppendLine("repro: " + path + (failure.Source.Companions.IsEmpty ? string.Empty
                        : " (compiled with " + string.Join(", ", failure.Source.Companions.Select(c => c.Path)) + ", unchanged, as " + failure.Source.OutputKind + ")"));
                    foreach (var problem in failure.Problems.Take(3))
                    {
                        sb.AppendLine("problem: " + problem.Summary);
                        sb.AppendLine(Indent(Mutator.Shorten(problem.Details, 3000)));
                    }

                    if (failure.Problems.Count > 3)
                    {
                        sb.AppendLine($"(and {failure.Problems.Count - 3} more problem(s), in the repro's .txt)");
                    }

                    sb.AppendLine("diff (corpus source -> variant):");
                    sb.AppendLine(Indent(UnifiedDiff.Make(failure.Source.Text, failure.Text, context: 2, maxRun: 8)));
                }
            }

            if (failures.Count > shown.Count)
            {
                sb.AppendLine();
                sb.AppendLine($"({failures.Count - shown.Count} more failing variant(s) not shown in detail; their repro files are written too, up to 50.)");
            }

            return sb.ToString();
        }

        private static string Indent(string s) => string.Join("\n", s.TrimEnd().Split('\n').Select(l => "    " + l.TrimEnd('\r')));
    }

    /// <summary>Writes a failing variant's mutated source (as is) and a .txt with what went wrong and the generated files.</summary>
    internal static class ReproWriter
    {
        public static string Directory(FuzzGroup group) =>
            System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gradgen-fuzz", "seed-" + FuzzSettings.Seed, Sanitize(group.Name));

        public static string Write(FuzzGroup group, VariantOutcome failure)
        {
            try
            {
                var dir = Directory(group);
                System.IO.Directory.CreateDirectory(dir);
                var stem = System.IO.Path.Combine(dir, "v" + failure.Index.ToString("D5", CultureInfo.InvariantCulture));
                var source = stem + "-" + Sanitize(System.IO.Path.GetFileName(failure.Source.Path));
                File.WriteAllText(source, failure.Text);

                var sb = new StringBuilder();
                sb.AppendLine("GradGen fuzz repro");
                sb.AppendLine("corpus: " + group.Name + ", source: " + failure.Source.Name + ", variant " + failure.Index + ", seed " + FuzzSettings.Seed + ", variant seed " + failure.Seed);
                sb.AppendLine("mutated file: " + source + " (the compilation's " + failure.Source.Path + ")");
                if (!failure.Source.Companions.IsEmpty)
                {
                    sb.AppendLine("compiled with (unchanged): " + string.Join(", ", failure.Source.Companions.Select(c => c.Path)) + "; output kind " + failure.Source.OutputKind);
                }

                sb.AppendLine("mutation: " + failure.Description);
                foreach (var problem in failure.Problems)
                {
                    sb.AppendLine();
                    sb.AppendLine("problem: " + problem.Summary);
                    sb.AppendLine(problem.Details);
                }

                sb.AppendLine();
                sb.AppendLine("diff (corpus source -> variant):");
                sb.AppendLine(UnifiedDiff.Make(failure.Source.Text, failure.Text, context: 3, maxRun: int.MaxValue));
                foreach (var pair in failure.GeneratedSources.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    sb.AppendLine("===== generated " + pair.Key + " =====");
                    sb.AppendLine(GeneratorHarness.WithLineNumbers(pair.Value));
                }

                File.WriteAllText(stem + ".txt", sb.ToString());
                return source;
            }
            catch (Exception ex)
            {
                return "(could not write the repro file: " + ex.Message + ")";
            }
        }

        private static string Sanitize(string name) => Regex.Replace(name, @"[^A-Za-z0-9._-]+", "_");
    }

    /// <summary>A line diff (longest common subsequence) as unified-diff hunks.</summary>
    internal static class UnifiedDiff
    {
        public static string Make(string before, string after, int context, int maxRun)
        {
            var a = before.Replace("\r\n", "\n").Split('\n');
            var b = after.Replace("\r\n", "\n").Split('\n');
            int prefix = 0;
            while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix])
            {
                prefix++;
            }

            int suffix = 0;
            while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[a.Length - 1 - suffix] == b[b.Length - 1 - suffix])
            {
                suffix++;
            }

            // ops over the whole files: ' ' same, '-' only in a, '+' only in b; with the line index in a or b.
            var ops = new List<(char Op, int A, int B)>();
            for (int i = 0; i < prefix; i++)
            {
                ops.Add((' ', i, i));
            }

            int n = a.Length - prefix - suffix, m = b.Length - prefix - suffix;
            if ((long)n * m <= 4_000_000)
            {
                var lcs = new int[n + 1, m + 1];
                for (int i = n - 1; i >= 0; i--)
                {
                    for (int j = m - 1; j >= 0; j--)
                    {
                        lcs[i, j] = a[prefix + i] == b[prefix + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
                    }
                }

                int x = 0, y = 0;
                while (x < n || y < m)
                {
                    if (x < n && y < m && a[prefix + x] == b[prefix + y])
                    {
                        ops.Add((' ', prefix + x++, prefix + y++));
                    }
                    else if (x < n && (y == m || lcs[x + 1, y] >= lcs[x, y + 1]))
                    {
                        ops.Add(('-', prefix + x++, prefix + y));
                    }
                    else
                    {
                        ops.Add(('+', prefix + x, prefix + y++));
                    }
                }
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    ops.Add(('-', prefix + i, prefix));
                }

                for (int j = 0; j < m; j++)
                {
                    ops.Add(('+', prefix + n, prefix + j));
                }
            }

            for (int i = 0; i < suffix; i++)
            {
                ops.Add((' ', a.Length - suffix + i, b.Length - suffix + i));
            }

            var sb = new StringBuilder();
            int k = 0;
            while (k < ops.Count)
            {
                if (ops[k].Op == ' ')
                {
                    k++;
                    continue;
                }

                // A hunk: from this change to the last change with fewer than 2*context+1 unchanged lines in between.
                int start = Math.Max(0, k - context);
                int end = k;
                int scan = k;
                while (scan < ops.Count)
                {
                    if (ops[scan].Op != ' ')
                    {
                        end = scan;
                        scan++;
                        continue;
                    }

                    int gap = scan;
                    while (gap < ops.Count && ops[gap].Op == ' ')
                    {
                        gap++;
                    }

                    if (gap < ops.Count && gap - scan <= 2 * context)
                    {
                        scan = gap;
                        continue;
                    }

                    break;
                }

                int stop = Math.Min(ops.Count - 1, end + context);
                int aStart = ops[start].A + 1, bStart = ops[start].B + 1;
                int aCount = 0, bCount = 0;
                for (int i = start; i <= stop; i++)
                {
                    if (ops[i].Op != '+')
                    {
                        aCount++;
                    }

                    if (ops[i].Op != '-')
                    {
                        bCount++;
                    }
                }

                sb.Append("@@ -").Append(aStart).Append(',').Append(aCount).Append(" +").Append(bStart).Append(',').Append(bCount).AppendLine(" @@");
                int i2 = start;
                while (i2 <= stop)
                {
                    var op = ops[i2].Op;
                    int runEnd = i2;
                    while (runEnd <= stop && ops[runEnd].Op == op)
                    {
                        runEnd++;
                    }

                    int run = runEnd - i2;
                    for (int i = i2; i < runEnd; i++)
                    {
                        if (op != ' ' && i - i2 == maxRun && run > maxRun + 1)
                        {
                            sb.Append(op).Append(" … ").Append(run - maxRun).AppendLine(" more line(s)");
                            break;
                        }

                        sb.Append(op).Append(' ').AppendLine(op == '+' ? b[ops[i].B] : a[ops[i].A]);
                    }

                    i2 = runEnd;
                }

                k = stop + 1;
            }

            return sb.Length == 0 ? "(no line differs)" : sb.ToString();
        }
    }
}
