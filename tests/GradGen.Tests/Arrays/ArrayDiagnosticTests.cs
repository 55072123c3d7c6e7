using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace GradGen.Tests.Arrays
{
    /// <summary>
    /// What differentiable code may not do with arrays and spans: write a parameter's elements (GG0004), array
    /// initializers and stackalloc inside a loop (GG0005), Span and jagged parameters (GG0002). One compilation, analyzed and run
    /// through the generator: each error sits on the line marked <c>// expect GGnnnn</c>, nothing else is reported,
    /// and nothing is generated for a method with an error.
    /// </summary>
    public class ArrayDiagnosticTests
    {
        private const string Source = @"using System;
using GradGen;

namespace Arrays.Diagnostics
{
    public static partial class Bad
    {
        [Differentiable]
        public static double WritesParameter(double[] x)
        {
            x[0] = 2 * x[1]; // expect GG0004
            return x[0];
        }

        [Differentiable]
        public static double CompoundWritesMatrixParameter(double[,] A)
        {
            A[0, 0] += 1; // expect GG0004
            return A[0, 0];
        }

        [Differentiable]
        public static double WritesNoDerivativeParameter(double x, [NoDerivative] double[] buffer)
        {
            buffer[0] = x; // expect GG0004
            return x * buffer[0];
        }

        [Differentiable]
        public static double ImplicitlyTypedInitializer(double x)
        {
            double[] v = new[] { x, 2 * x }; // expect GG0005
            return v[0] * v[1];
        }

        [Differentiable]
        public static double TypedInitializer(double x)
        {
            double[] v = new double[] { x, 2 * x }; // expect GG0005
            return v[0] * v[1];
        }

        [Differentiable]
        public static double StackAlloc(double x)
        {
            double s = 0;
            for (int i = 0; i < 2; i++)
            {
                Span<double> v = stackalloc double[2]; // expect GG0005
                v[0] = x;
                s += v[0];
            }

            return s;
        }

        [Differentiable] // expect GG0002
        public static double SpanParameter(Span<double> v) => v[0];

        [Differentiable] // expect GG0002
        public static double JaggedParameter(double[][] v) => v[0][0];
    }

    public static partial class Good
    {
        // Local arrays and matrices may be written, overwritten and re-allocated; int[] parameters pass through.
        [Differentiable]
        public static double WritesLocals(double[] x, double[,] A, int[] idx)
        {
            double[] c = new double[x.Length];
            double[,] M = new double[2, 2];
            for (int i = 0; i < x.Length; i++)
                c[i] = x[i];
            c[0] += A[0, 0];
            c[idx[0]] *= 2;
            M[1, 1] = c[0];
            M = new double[2, 2];
            M[0, 0] = c[1];
            return M[0, 0] + c[0];
        }
    }
}
";

        private static readonly Lazy<(GeneratorRun Run, ImmutableArray<Diagnostic> Analyzer)> Result = new(() =>
        {
            var compilation = GeneratorHarness.CreateCompilation(Source);
            var inputErrors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(inputErrors.Count == 0, "TEST BUG: the source does not compile:\n" + string.Join("\n", inputErrors));
            return (GeneratorHarness.Run(compilation), GeneratorHarness.Analyze(compilation));
        });

        private static Dictionary<int, string> Expected()
        {
            var lines = Source.Replace("\r\n", "\n").Split('\n');
            var expected = new Dictionary<int, string>();
            for (int i = 0; i < lines.Length; i++)
            {
                int at = lines[i].IndexOf("// expect ", StringComparison.Ordinal);
                if (at >= 0)
                {
                    expected[i] = lines[i].Substring(at + "// expect ".Length).Trim();
                }
            }

            return expected;
        }

        private static string Report(IEnumerable<Diagnostic> diagnostics) =>
            string.Join("\n", diagnostics.Select(d => "  " + d)) + "\n\n" + GeneratorHarness.WithLineNumbers(Source);

        [Fact]
        public void EachUnsupportedUseIsReportedOnItsLine()
        {
            var (_, analyzer) = Result.Value;
            var errors = analyzer.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            foreach (var (line, id) in Expected())
            {
                Assert.True(errors.Any(d => d.Id == id && d.Location.GetLineSpan().StartLinePosition.Line == line),
                    $"Expected {id} on line {line + 1}. Reported:\n" + Report(analyzer));
            }
        }

        [Fact]
        public void NothingElseIsReported()
        {
            var (_, analyzer) = Result.Value;
            var expected = Expected();
            var unexpected = analyzer
                .Where(d => d.Severity >= DiagnosticSeverity.Warning)
                .Where(d => !expected.TryGetValue(d.Location.GetLineSpan().StartLinePosition.Line, out var id) || id != d.Id)
                .ToList();
            Assert.True(unexpected.Count == 0, "Unexpected diagnostics:\n" + Report(unexpected));
        }

        [Fact]
        public void WriteDiagnosticNamesTheParameter()
        {
            var (_, analyzer) = Result.Value;
            foreach (var name in new[] { "'x'", "'A'", "'buffer'" })
            {
                Assert.True(analyzer.Any(d => d.Id == "GG0004" && d.GetMessage().Contains(name, StringComparison.Ordinal)),
                    $"No GG0004 naming {name}:\n" + Report(analyzer));
            }
        }

        [Fact]
        public void NothingIsGeneratedForMethodsWithErrorsAndTheOutputCompiles()
        {
            var (run, _) = Result.Value;
            var bad = run.GeneratedSources.Keys.Where(k => k.Contains(".Bad.", StringComparison.Ordinal)).ToList();
            Assert.True(bad.Count == 0, "Generated for methods with errors: " + string.Join(", ", bad));
            Assert.Contains(run.GeneratedSources.Keys, k => k.Contains("Good.WritesLocals", StringComparison.Ordinal));
            var errors = run.CompilationErrors.ToList();
            Assert.True(errors.Count == 0, "The output does not compile:\n" + string.Join("\n", errors) + "\n" + run.Describe());
        }
    }
}
