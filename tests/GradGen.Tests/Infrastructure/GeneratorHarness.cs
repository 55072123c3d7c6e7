using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using GradGen.Generator;
using GradGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace GradGen.Tests.Infrastructure
{
    /// <summary>
    /// Drives <see cref="GradientGenerator"/> with <see cref="CSharpGeneratorDriver"/> over an in-memory compilation,
    /// and runs <see cref="DifferentiableAnalyzer"/>. Every test that needs generated code goes through here.
    /// </summary>
    public static class GeneratorHarness
    {
        public static readonly CSharpParseOptions ParseOptions =
            new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Parse);

        public static readonly CSharpCompilationOptions CompilationOptions =
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
                .WithNullableContextOptions(NullableContextOptions.Enable)
                .WithAllowUnsafe(false)
                .WithOptimizationLevel(OptimizationLevel.Release)
                .WithDeterministic(true);

        private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences =
            new Lazy<ImmutableArray<MetadataReference>>(BuildReferences);

        /// <summary>All trusted platform assemblies (the running .NET) plus GradGen.dll, less the test and generator assemblies; created once and shared.</summary>
        public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

        private static ImmutableArray<MetadataReference> BuildReferences()
        {
            var tpa = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? string.Empty;
            // Neither the test assembly nor the generator is a reference of user code (a real user gets the generator
            // as an analyzer only): generated code that leans on a type of the generator must fail here too.
            var excluded = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                Path.GetFileName(typeof(GeneratorHarness).Assembly.Location),
                Path.GetFileName(typeof(GradientGenerator).Assembly.Location),
            };
            var paths = tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                .Where(p => !excluded.Contains(Path.GetFileName(p)))
                .ToList();
            var gradGen = typeof(DifferentiableAttribute).Assembly.Location;
            if (!paths.Any(p => string.Equals(Path.GetFileName(p), Path.GetFileName(gradGen), StringComparison.OrdinalIgnoreCase)))
            {
                paths.Add(gradGen);
            }

            return paths
                .Distinct(StringComparer.Ordinal)
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .ToImmutableArray();
        }

        /// <summary>A compilation of the given files (path, text); no generator has run on it.</summary>
        public static CSharpCompilation CreateCompilation(IEnumerable<(string Path, string Text)> sources, string? assemblyName = null)
        {
            var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, s.Path, Encoding.UTF8));
            return CSharpCompilation.Create(
                assemblyName ?? "GradGenTest_" + Guid.NewGuid().ToString("N"),
                trees,
                References,
                CompilationOptions);
        }

        public static CSharpCompilation CreateCompilation(string source, string? assemblyName = null) =>
            CreateCompilation(new[] { ("Source.cs", source) }, assemblyName);

        /// <summary>
        /// A driver for the GradGen generator that tracks incremental steps; <paramref name="disabledOptimizations"/> is
        /// what a project sets as the MSBuild property GradGenDisabledOptimizations.
        /// </summary>
        public static GeneratorDriver CreateDriver(string? disabledOptimizations = null) =>
            CSharpGeneratorDriver.Create(
                new[] { new GradientGenerator().AsSourceGenerator() },
                additionalTexts: null,
                parseOptions: ParseOptions,
                optionsProvider: disabledOptimizations is null ? null : new GlobalOptionsProvider("build_property." + Generator.Model.OptimizationSettings.Property, disabledOptimizations),
                driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

        /// <summary>Global analyzer options with one key, as MSBuild hands a CompilerVisibleProperty to generators.</summary>
        private sealed class GlobalOptionsProvider : AnalyzerConfigOptionsProvider
        {
            public GlobalOptionsProvider(string key, string value) => GlobalOptions = new Options(key, value);

            public override AnalyzerConfigOptions GlobalOptions { get; }

            public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.None;

            public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.None;

            private sealed class Options : AnalyzerConfigOptions
            {
                public static readonly Options None = new(string.Empty, string.Empty);
                private readonly string key;
                private readonly string value;

                public Options(string key, string value)
                {
                    this.key = key;
                    this.value = value;
                }

                public override bool TryGetValue(string name, out string result)
                {
                    result = name == key && key.Length > 0 ? value : string.Empty;
                    return name == key && key.Length > 0;
                }
            }
        }

        /// <summary>Runs the generator on one source file. Fails the test if the generator threw.</summary>
        public static GeneratorRun Run(string source, string? assemblyName = null) =>
            Run(new[] { ("Source.cs", source) }, assemblyName);

        /// <summary>Runs the generator on several source files. Fails the test if the generator threw.</summary>
        public static GeneratorRun Run(IEnumerable<(string Path, string Text)> sources, string? assemblyName = null) =>
            Run(CreateCompilation(sources, assemblyName));

        public static GeneratorRun Run(Compilation input, string? disabledOptimizations = null)
        {
            var driver = CreateDriver(disabledOptimizations).RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
            var runResult = driver.GetRunResult();
            var run = new GeneratorRun(input, output, generatorDiagnostics, driver, runResult);
            run.AssertGeneratorDidNotThrow();
            return run;
        }

        /// <summary>
        /// Runs the generator and loads the result, first checking that the test source compiles on its own
        /// (without generated code): a failure there is a bug in the test, not in the generator.
        /// </summary>
        public static LoadedSource CompileAndLoad(string source, string name, string? disabledOptimizations = null)
        {
            var input = CreateCompilation(new[] { (name + ".cs", source) }, name + "_" + Guid.NewGuid().ToString("N"));
            var inputErrors = input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (inputErrors.Count > 0)
            {
                Assert.Fail("TEST BUG: the test source '" + name + "' does not compile even without the generator:\n"
                    + string.Join("\n", inputErrors.Select(d => "  " + d)) + "\n\n" + WithLineNumbers(source));
            }

            var run = Run(input, disabledOptimizations);
            return new LoadedSource(name, source, run, run.Load());
        }

        /// <summary>Runs <see cref="DifferentiableAnalyzer"/> on the source; fails the test if the analyzer threw.</summary>
        public static ImmutableArray<Diagnostic> Analyze(string source) => Analyze(CreateCompilation(source));

        public static ImmutableArray<Diagnostic> Analyze(Compilation compilation)
        {
            var exceptions = new List<string>();
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                (ex, analyzer, diagnostic) =>
                {
                    lock (exceptions)
                    {
                        exceptions.Add(analyzer.GetType().Name + ": " + ex);
                    }
                },
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false);
            var withAnalyzers = compilation.WithAnalyzers(
                ImmutableArray.Create<DiagnosticAnalyzer>(new DifferentiableAnalyzer()), options);
            var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
            var crashes = diagnostics.Where(d => d.Id == "AD0001").Select(d => d.ToString()).ToList();
            exceptions.AddRange(crashes);
            if (exceptions.Count > 0)
            {
                Assert.Fail("The analyzer threw:\n" + string.Join("\n", exceptions));
            }

            return diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
        }

        public static string WithLineNumbers(string text)
        {
            var lines = text.Replace("\r\n", "\n").Split('\n');
            var sb = new StringBuilder();
            for (int i = 0; i < lines.Length; i++)
            {
                sb.Append((i + 1).ToString().PadLeft(4)).Append(": ").AppendLine(lines[i]);
            }

            return sb.ToString();
        }
    }

    /// <summary>The outcome of one generator run.</summary>
    public sealed class GeneratorRun
    {
        public GeneratorRun(Compilation input, Compilation output, ImmutableArray<Diagnostic> generatorDiagnostics,
            GeneratorDriver driver, GeneratorDriverRunResult runResult)
        {
            InputCompilation = input;
            OutputCompilation = output;
            GeneratorDiagnostics = generatorDiagnostics;
            Driver = driver;
            RunResult = runResult;
            GeneratedSources = runResult.Results
                .SelectMany(r => r.GeneratedSources)
                .ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);
        }

        public Compilation InputCompilation { get; }

        /// <summary>The user source plus everything the generator added.</summary>
        public Compilation OutputCompilation { get; }

        public GeneratorDriver Driver { get; }

        public GeneratorDriverRunResult RunResult { get; }

        /// <summary>Diagnostics the generator reported.</summary>
        public ImmutableArray<Diagnostic> GeneratorDiagnostics { get; }

        /// <summary>Hint name -> generated text.</summary>
        public IReadOnlyDictionary<string, string> GeneratedSources { get; }

        /// <summary>
        /// The generated text of <paramref name="method"/>'s derivative <paramref name="derivative"/> ("Reverse",
        /// "Forward", ...), from its name to the end of the method's file (its one file is named after it).
        /// </summary>
        public string GeneratedFrom(string method, string derivative)
        {
            var text = GeneratedSources.Single(p => p.Key.EndsWith("." + method + ".g.cs", StringComparison.Ordinal)).Value;
            var start = text.IndexOf(" " + method + derivative + "(", StringComparison.Ordinal);
            return start < 0 ? throw new InvalidOperationException($"No {method}{derivative} in\n{text}") : text.Substring(start);
        }

        /// <summary>The generated method <paramref name="method"/> + <paramref name="derivative"/> alone: from its name up to the next method's doc comment.</summary>
        public string GeneratedMethod(string method, string derivative)
        {
            var text = GeneratedFrom(method, derivative);
            var next = text.IndexOf("/// <summary>", StringComparison.Ordinal);
            return next < 0 ? text : text.Substring(0, next);
        }

        /// <summary>Compiler diagnostics of the output compilation (user source + generated source).</summary>
        public ImmutableArray<Diagnostic> CompilationDiagnostics => OutputCompilation.GetDiagnostics();

        public IEnumerable<Diagnostic> CompilationErrors =>
            CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

        public void AssertGeneratorDidNotThrow()
        {
            foreach (var result in RunResult.Results)
            {
                if (result.Exception != null)
                {
                    Assert.Fail("The generator threw: " + result.Exception);
                }
            }
        }

        /// <summary>
        /// Emits the output compilation and loads it into a collectible <see cref="AssemblyLoadContext"/>.
        /// Fails the test with every error and the generated source text if emission fails.
        /// </summary>
        public Assembly Load()
        {
            using var stream = new MemoryStream();
            var emit = OutputCompilation.Emit(stream);
            if (!emit.Success)
            {
                var errors = emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                var broken = new HashSet<string>(errors
                    .Select(d => d.Location.SourceTree?.FilePath)
                    .Where(p => p != null)
                    .Select(p => Path.GetFileName(p!)), StringComparer.Ordinal);
                Assert.Fail("The generated code does not compile (" + errors.Count + " errors):\n"
                    + string.Join("\n", errors.Select(d => "  " + d)) + "\n\n"
                    + Describe(includeSources: true, only: hint => broken.Contains(hint)));
            }

            // Users build with warnings as errors too: generated code must compile without a warning.
            var generatedWarnings = emit.Diagnostics
                .Where(d => d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree?.FilePath is { } path && GeneratedSources.ContainsKey(Path.GetFileName(path)))
                .ToList();
            if (generatedWarnings.Count > 0)
            {
                var noisy = new HashSet<string>(generatedWarnings.Select(d => Path.GetFileName(d.Location.SourceTree!.FilePath)), StringComparer.Ordinal);
                Assert.Fail("The generated code has warnings:\n" + string.Join("\n", generatedWarnings.Select(d => "  " + d)) + "\n\n"
                    + Describe(includeSources: true, only: hint => noisy.Contains(hint)));
            }

            stream.Position = 0;
            var context = new AssemblyLoadContext("GradGenTest_" + OutputCompilation.AssemblyName, isCollectible: true);
            return context.LoadFromStream(stream);
        }

        /// <summary>Generator diagnostics and the generated files (with line numbers; all, or those <paramref name="only"/> selects), for failure messages.</summary>
        public string Describe(bool includeSources = true, Func<string, bool>? only = null)
        {
            var sb = new StringBuilder();
            sb.AppendLine("Generator diagnostics (" + GeneratorDiagnostics.Length + "):");
            foreach (var d in GeneratorDiagnostics)
            {
                sb.AppendLine("  " + d);
            }

            sb.AppendLine("Generated files (" + GeneratedSources.Count + "): " + string.Join(", ", GeneratedSources.Keys.OrderBy(k => k, StringComparer.Ordinal)));
            if (includeSources)
            {
                foreach (var pair in GeneratedSources.Where(p => only == null || only(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    sb.AppendLine("===== " + pair.Key + " =====");
                    sb.AppendLine(GeneratorHarness.WithLineNumbers(pair.Value));
                }
            }

            return sb.ToString();
        }
    }

    /// <summary>A test source compiled with the generator and loaded; shared by all the tests that use it.</summary>
    public sealed class LoadedSource
    {
        private readonly Lazy<string> _analyzerReport;

        public LoadedSource(string name, string source, GeneratorRun run, Assembly assembly)
        {
            Name = name;
            Source = source;
            Run = run;
            Assembly = assembly;
            _analyzerReport = new Lazy<string>(() =>
            {
                try
                {
                    var diagnostics = GeneratorHarness.Analyze(Run.InputCompilation);
                    return "Analyzer diagnostics (" + diagnostics.Length + "):\n"
                        + string.Join("\n", diagnostics.Select(d => "  " + d));
                }
                catch (Exception ex)
                {
                    return "Analyzer failed: " + ex.Message;
                }
            });
        }

        public string Name { get; }

        public string Source { get; }

        public GeneratorRun Run { get; }

        public Assembly Assembly { get; }

        public Type GetType(string fullName)
        {
            var type = Assembly.GetType(fullName, throwOnError: false);
            if (type == null)
            {
                Assert.Fail("Type '" + fullName + "' is not in test source '" + Name + "'. Types: "
                    + string.Join(", ", Assembly.GetTypes().Select(t => t.FullName)));
            }

            return type!;
        }

        /// <summary>What a reader needs when a generated method is missing or wrong.</summary>
        public string Describe(string? methodStem = null)
        {
            var sb = new StringBuilder();
            sb.AppendLine("Test source: " + Name);
            sb.AppendLine(Run.Describe(includeSources: false));
            sb.AppendLine(_analyzerReport.Value);
            if (methodStem != null)
            {
                foreach (var pair in Run.GeneratedSources.Where(p => p.Key.EndsWith("." + methodStem + ".g.cs", StringComparison.Ordinal)))
                {
                    sb.AppendLine("===== " + pair.Key + " =====");
                    sb.AppendLine(GeneratorHarness.WithLineNumbers(pair.Value));
                }
            }

            return sb.ToString();
        }
    }
}
