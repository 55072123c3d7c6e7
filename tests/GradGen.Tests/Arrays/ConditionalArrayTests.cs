using System;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.Arrays
{
    /// <summary>
    /// Arrays chosen by <c>?:</c>. Between local arrays, one with a derivative and one without, as a local and as a
    /// call's argument: checked against the closed form, finite differences and forward/reverse agreement (forward mode
    /// once wrote a zero of the wrong type for the branch with no derivative). Between parameters, as an argument: GG0005,
    /// like a local referring to a parameter (the generated code once did not compile).
    /// </summary>
    public sealed class ConditionalArrayTests
    {
        private const string Template = @"
namespace Arrays.Choose
{
    public static partial class Pick_real
    {
        [Differentiable]
        public static real SumSquares(real[] v)
        {
            real s = 0r;
            for (int i = 0; i < v.Length; i++)
                s += v[i] * v[i];
            return s;
        }

        // ‖c‖² + c₀ with c = 2x (k > 2) or the constants 1, 2, 3... (otherwise)
        [Differentiable]
        public static real ChosenLocal(real[] x, int k)
        {
            real[] u = new real[x.Length];
            real[] w = new real[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                u[i] = 2r * x[i];
                w[i] = i + 1;
            }

            real[] c = k > 2 ? u : w;
            real s = 0r;
            for (int i = 0; i < c.Length; i++)
                s += c[i] * c[i];
            return s + c[0] * x[0];
        }

        // ‖c‖² + Σc, the same c passed on to a callee of this type (inlined) and of another (called)
        [Differentiable]
        public static real ChosenArgument(real[] x, int k)
        {
            real[] u = new real[x.Length];
            real[] w = new real[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                u[i] = 2r * x[i];
                w[i] = i + 1;
            }

            return SumSquares(k > 2 ? u : w) + Other_real.Sum(k > 2 ? u : w);
        }
    }

    public static partial class Other_real
    {
        [Differentiable]
        public static real Sum(real[] v)
        {
            real s = 0r;
            foreach (var e in v)
                s += e;
            return s;
        }
    }
}
";

        private static readonly Lazy<LoadedSource> Double = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Double), "ChooseArrays_double"));

        private static readonly Lazy<LoadedSource> Float = new(() => GeneratorHarness.CompileAndLoad(SourceTemplate.One(Template, Precision.Float), "ChooseArrays_float"));

        private static Lazy<LoadedSource> For(Precision precision) => precision == Precision.Double ? Double : Float;

        private static DiffFunction Fn(Precision precision, string method) => DiffFunction.Of(For, "Arrays.Choose.Pick_real", method, precision);

        private static readonly double[] X = { 0.5, -1.25, 0.75 };

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void LocalChosenByConditional(Precision precision) => DerivativeCheck.Gradient(Fn(precision, "ChosenLocal"),
            new[] { new object?[] { X, 3 }, new object?[] { X, 1 } },
            args =>
            {
                var x = (double[])args[0]!;
                // c = 2x: ‖2x‖² + 2x₀² → 8x + 4x₀e₀; c constant: c₀·x₀ = x₀ → e₀
                return (int)args[1]! > 2
                    ? x.Select((e, i) => 8 * e + (i == 0 ? 4 * e : 0)).ToArray()
                    : x.Select((_, i) => i == 0 ? 1.0 : 0.0).ToArray();
            });

        [Theory]
        [InlineData(Precision.Double)]
        [InlineData(Precision.Float)]
        public void ArgumentChosenByConditional(Precision precision) => DerivativeCheck.Gradient(Fn(precision, "ChosenArgument"),
            new[] { new object?[] { X, 3 }, new object?[] { X, 1 } },
            args =>
            {
                var x = (double[])args[0]!;
                return (int)args[1]! > 2 ? x.Select(e => 8 * e + 2).ToArray() : new double[x.Length];
            });

        [Fact]
        public void ParametersChosenAsAnArgumentAreGG0005()
        {
            const string source = @"using GradGen;
public static partial class P
{
    [Differentiable]
    public static double SumSquares(double[] v)
    {
        double s = 0;
        for (int i = 0; i < v.Length; i++) s += v[i] * v[i];
        return s;
    }

    [Differentiable] public static double Chosen(double[] a, double[] b, int k) => SumSquares(k > 2 ? a : b);
}
";
            var run = GeneratorHarness.Run(source);
            var diagnostics = GeneratorHarness.Analyze(run.InputCompilation).Where(d => d.Id == "GG0005").ToList();
            Assert.Equal(new[] { "a", "b" }, diagnostics.Select(d => source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)).OrderBy(t => t));
            Assert.All(diagnostics, d => Assert.Contains("the array argument of 'SumSquares' referring to the parameter", d.GetMessage()));
            Assert.DoesNotContain(run.GeneratedSources.Keys, k => k.EndsWith(".Chosen.g.cs", StringComparison.Ordinal));
            Assert.Empty(run.CompilationDiagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
        }
    }
}
