using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Attributes;
using GradGen.Generator;
using GradGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace GradGen.Benchmarks;

/// <summary>
/// The generator and the analyzer on a large project: 200 [Differentiable] methods in 20 files (scalar code, loops
/// over arrays, calls between them). <see cref="Generate"/> is a full build's generator pass, <see cref="Analyze"/>
/// the IDE's analysis of the whole project, <see cref="RegenerateAfterUnrelatedEdit"/> the generator pass after a
/// keystroke in a file with no [Differentiable] method (which must regenerate nothing: see CachingTests).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class GeneratorBenchmarks
{
    public const int Files = 20;
    public const int MethodsPerFile = 10;

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private CSharpCompilation compilation = null!;
    private CSharpCompilation edited = null!;
    private GeneratorDriver warmDriver = null!;

    [GlobalSetup]
    public void Setup()
    {
        var trees = Enumerable.Range(0, Files).Select(f => CSharpSyntaxTree.ParseText(Source(f), ParseOptions, $"File{f}.cs"))
            .Append(CSharpSyntaxTree.ParseText("namespace Big { public static class Unrelated { public static int Count() => 1; } }", ParseOptions, "Unrelated.cs"));
        compilation = CSharpCompilation.Create("Big", trees, References(), new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var unrelated = compilation.SyntaxTrees.Last();
        edited = compilation.ReplaceSyntaxTree(unrelated, unrelated.WithChangedText(SourceText.From("namespace Big { public static class Unrelated { public static int Count() => 2; } }")));

        warmDriver = NewDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var generated = warmDriver.GetRunResult().GeneratedTrees.Length;
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (generated != Files * MethodsPerFile || errors.Count > 0 || diagnostics.Length > 0)
        {
            throw new InvalidOperationException($"Expected {Files * MethodsPerFile} generated files and no error; got {generated}, errors: {string.Join("; ", errors.Take(5))}");
        }
    }

    [Benchmark]
    public int Generate() => NewDriver().RunGenerators(compilation).GetRunResult().GeneratedTrees.Length;

    [Benchmark]
    public int RegenerateAfterUnrelatedEdit() => warmDriver.RunGenerators(edited).GetRunResult().GeneratedTrees.Length;

    [Benchmark]
    public int Analyze() =>
        compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new DifferentiableAnalyzer())).GetAnalyzerDiagnosticsAsync().Result.Length;

    private static GeneratorDriver NewDriver() =>
        CSharpGeneratorDriver.Create(new[] { new GradientGenerator().AsSourceGenerator() }, parseOptions: ParseOptions);

    /// <summary>One file: a partial class of ten methods of the kinds real models have.</summary>
    public static string Source(int file)
    {
        var text = new StringBuilder();
        text.AppendLine("using System;\nusing GradGen;\nnamespace Big\n{\n    public static partial class Model" + file + "\n    {");
        for (int m = 0; m < MethodsPerFile; m++)
        {
            string name = "F" + m;
            text.AppendLine((m % 4) switch
            {
                0 => $"        [Differentiable] public static double {name}(double x, double y) => Math.Sin(x * y) + Math.Exp(-x * x) / (1 + y * y);",
                1 => $@"        [Differentiable] public static double {name}(double[] w, double[] data)
        {{
            double loss = 0;
            for (int i = 0; i < data.Length; i++)
            {{
                double r = w[i % w.Length] * data[i] - 1.0;
                loss += r > 0 ? r * r : -0.5 * r;
            }}
            return loss / data.Length;
        }}",
                2 => $@"        [Differentiable] public static double {name}(double[] x, int steps)
        {{
            double h = 0.5;
            var state = new double[x.Length];
            for (int t = 0; t < steps; t++)
            {{
                for (int i = 0; i < x.Length; i++)
                {{
                    state[i] = Math.Tanh(x[i] * h + state[i]);
                    h = 0.9 * h + 0.1 * state[i];
                }}
            }}
            return h + F{m - 1}(state, x);
        }}",
                _ => $"        [Differentiable] public static double {name}(double x, double y) {{ double s = F{m - 3}(x, y); if (s > 1) {{ s = Math.Sqrt(s); }} return s * F0(y, x); }}",
            });
        }

        text.AppendLine("    }\n}");
        return text.ToString();
    }

    private static MetadataReference[] References() =>
        ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Append(typeof(DifferentiableAttribute).Assembly.Location)
            .Distinct()
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray();
}
