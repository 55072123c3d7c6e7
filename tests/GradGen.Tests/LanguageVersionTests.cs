using System.Linq;
using GradGen.Generator;
using GradGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace GradGen.Tests
{
    /// <summary>
    /// The generated code needs C# 8: from there on it compiles (loops on the tape, stackalloc spans, read-only too,
    /// and their derivatives, Jacobian and Hessian buffers on the stack); below, GG0018 is reported on the attribute and nothing
    /// is generated (projects that target netstandard2.0 or .NET Framework default to C# 7.3).
    /// </summary>
    public sealed class LanguageVersionTests
    {
        private const string Source = @"using System;
using GradGen;

namespace Versions
{
    public static partial class V
    {
        [Differentiable]
        public static double Horner(double x, int n)
        {
            double p = 0;
            for (int i = n; i >= 0; i--)
                p = p * x + 1.0 / (i + 1);
            return p;
        }

        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double Stacked(double[] x)
        {
            Span<double> u = stackalloc double[x.Length];
            for (int i = 0; i < x.Length; i++)
                u[i] = Math.Sin(x[i]) * x[i];
            double s = 0;
            for (int i = 0; i < u.Length; i++)
                s += u[i] * u[i];
            return s;
        }

        [Differentiable]
        public static double ReadOnlyStacked(double[] x)
        {
            ReadOnlySpan<double> r = stackalloc double[x.Length];
            double s = 0;
            for (int i = 0; i < x.Length; i++)
                s += x[i] * x[i] + r[i];
            return s;
        }

        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (double, double) Moments(double[] x, double w)
        {
            double a = 0, b = 0;
            for (int i = 0; i < x.Length; i++)
            {
                a += x[i] * w;
                b += Math.Exp(x[i]);
            }
            return (a, b);
        }
    }
}
";

        private static (Compilation Output, GeneratorDriverRunResult Generated, Diagnostic[] Analyzer) Run(LanguageVersion version)
        {
            var options = new CSharpParseOptions(version);
            var input = GeneratorHarness.CreateCompilation(Source, "Versions" + version);
            input = input.ReplaceSyntaxTree(input.SyntaxTrees.Single(), CSharpSyntaxTree.ParseText(Source, options, "Source.cs"));
            var driver = CSharpGeneratorDriver.Create(new[] { new GradientGenerator().AsSourceGenerator() }, parseOptions: options)
                .RunGeneratorsAndUpdateCompilation(input, out var output, out _);
            return (output, driver.GetRunResult(), GeneratorHarness.Analyze(input).ToArray());
        }

        [Theory]
        [InlineData(LanguageVersion.CSharp8)]
        [InlineData(LanguageVersion.CSharp10)]
        [InlineData(LanguageVersion.CSharp11)]
        [InlineData(LanguageVersion.Latest)]
        public void GeneratedCodeCompilesFromCSharp8(LanguageVersion version)
        {
            var (output, generated, analyzer) = Run(version);
            Assert.Empty(generated.Diagnostics);
            Assert.DoesNotContain(analyzer, d => d.Severity == DiagnosticSeverity.Error);
            Assert.Equal(4, generated.GeneratedTrees.Length);
            Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        }

        [Theory]
        [InlineData(LanguageVersion.CSharp7_3, "7.3")]
        [InlineData(LanguageVersion.CSharp7, "7.0")]
        public void BelowCSharp8EachMethodIsReportedAndNothingGenerated(LanguageVersion version, string shown)
        {
            var (_, generated, analyzer) = Run(version);
            Assert.Empty(generated.GeneratedTrees);
            var reported = analyzer.Where(d => d.Id == "GG0018").ToList();
            Assert.Equal(new[] { "Horner", "Stacked", "ReadOnlyStacked", "Moments" }, reported.Select(d => d.GetMessage().Split('\'')[1]));
            Assert.All(reported, d =>
            {
                Assert.StartsWith("Differentiable", Source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
                Assert.Contains($"in C# {shown}:", d.GetMessage());
            });
            Assert.DoesNotContain(analyzer, d => d.Id.StartsWith("GG", System.StringComparison.Ordinal) && d.Id != "GG0018");
        }
    }
}
