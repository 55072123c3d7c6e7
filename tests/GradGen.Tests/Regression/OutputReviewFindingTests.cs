using System;
using System.Collections.Generic;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.Regression
{
    /// <summary>
    /// What an adversarial review of collection, jagged, output-array and out/ref parameters found, reduced: silent wrong
    /// values, code that did not compile, a generator crash, and valid code refused. Now each is right (checked against
    /// the method itself and finite differences), throws as the method does, or is a GG error where it is written.
    /// </summary>
    public sealed class OutputReviewFindingTests
    {
        private const string Header = "using System;\nusing System.Linq;\nusing System.Numerics;\nusing System.Collections.Generic;\nusing GradGen;\n";

        private const string Callees = @"
    [Differentiable] static double G(double x, ref double s) { s = s * 2 + x; return x * 3; }
    [Differentiable] static double Gout(double x, out double s) { s = x * x; return x; }
    [Differentiable] static void Two(double x, ref double p, ref double q) { p = p + x; q = q * x; }
    [Differentiable] static void TwoOut(double x, out double p, out double q) { q = x * 2; p = x * x; }
    [Differentiable] static void Swap(double[] x, double[] y) { y[0] = x[1]; y[1] = x[0]; }
";

        public static readonly TheoryData<string, string, string> Refused = new()
        {
            // C# reads the left operand before the call writes it.
            { "RefOutputReadToTheLeft", "static double F(double x) { double a = x * x; double r = a + G(x, ref a); return r; }", "GG0005" },
            { "OutOutputReadToTheLeft", "static double F(double x) { double y = 5; double r = y + Gout(x, out y); return r * y; }", "GG0005" },
            // One local for two outputs.
            { "OneLocalForTwoRefs", "static double F(double x) { double a = x; Two(x, ref a, ref a); return a; }", "GG0005" },
            { "OneLocalForTwoOuts", "static double F(double x) { double a; TwoOut(x, out a, out a); return a; }", "GG0005" },
            // One array as a callee's input and output.
            { "OutputAlsoAnInput", "static double F(double a, double b) { var k = new double[] { a, b }; Swap(k, k); return k[0] * 10 + k[1]; }", "GG0005" },
            // Writing through a row of a jagged parameter.
            { "WriteThroughARow", "static double F(double[][] w, double x) { var r = w[0]; r[0] = x * 3; return r[0] * w[0][1]; }", "GG0004" },
            // An array of arrays made in the body.
            { "LocalJaggedArray", "static double F(double x) { var w = new double[][] { new[] { x }, new[] { 2 * x } }; return w[0][0] * w[1][0]; }", "GG0005" },
        };

        [Theory]
        [MemberData(nameof(Refused))]
        public void IsAnError(string name, string method, string id)
        {
            var diagnostics = GeneratorHarness.Analyze(Header + "public static partial class R\n{\n" + Callees + "    [Differentiable]\n    " + method + "\n}");
            Assert.True(diagnostics.Any(d => d.Id == id), $"{name}: expected {id}, got:\n" + string.Join("\n", diagnostics));
            Assert.DoesNotContain(diagnostics, d => d.Id == "GG0021");
        }

        private const string Accepted = Header + @"
public static partial class A
{
    [Differentiable] public static void Rhs(double[] x, double[] y) { y[0] = x[0] * x[1]; y[1] = Math.Sin(x[0]); }

    // Filling its output through another method, and returning early.
    [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
    public static void Wrap(double[] x, double[] y) { Rhs(x, y); }

    [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
    public static void Early(double[] x, double[] y) { y[0] = x[0] * x[0]; if (x[0] > 0) return; y[1] = x[1]; }

    // Its own ArgumentNullException for a null output.
    [Differentiable]
    public static void Guarded(double[] x, double[] y) { if (y == null) throw new ArgumentNullException(nameof(y)); y[0] = x[0] * x[0]; }

    // A span input and a collection input, which the output must not be.
    [Differentiable]
    public static void FromSpan(ReadOnlySpan<double> x, double[] y) { y[0] = x[1]; y[1] = x[0]; }

    [Differentiable]
    public static void FromList(IReadOnlyList<double> x, double[] y) { y[0] = x[1] * x[0]; y[1] = x[0]; }

    // A jagged parameter with an out output; a struct with an output array.
    [Differentiable]
    public static double JaggedOut(double[][] w, out double m) { m = w[0][0] * w[1][0]; return w[0][0]; }

    [Differentiable]
    public static void StructOut(Vector2 v, double[] y) { y[0] = v.X * v.Y; }

    // Guards and null tests of a collection parameter, foreach over a [NoDerivative] one, one passed on.
    [Differentiable]
    public static double Collections(IReadOnlyList<double> x, [NoDerivative] IEnumerable<double> c, [NoDerivative] IReadOnlyList<double> w)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x == null || x is null) throw new ArgumentNullException(nameof(x));
        double s = 0;
        foreach (var ci in c) s += ci * x[0];
        return s + Dot(x, w);
    }

    [Differentiable] public static double Dot(IReadOnlyList<double> a, IReadOnlyList<double> b) { double s = 0; for (int i = 0; i < a.Count; i++) s += a[i] * b[i]; return s; }

    // An index past a row's end throws, as the row's indexer does.
    [Differentiable]
    public static double RowSum(double[][] w) { double s = 0; for (int i = 0; i < w.Length; i++) for (int j = 0; j < w[0].Length; j++) s += w[i][j] * w[i][j]; return s; }
}";

        private static readonly Lazy<LoadedSource> Loaded = new(() => GeneratorHarness.CompileAndLoad(Accepted, "OutputReview"));

        private static Type A => Loaded.Value.GetType("A");

        [Fact]
        public void DelegatedAndEarlyReturningOutputs()
        {
            var x = new[] { 0.7, -1.3 };
            foreach (var name in new[] { "Wrap", "Early" })
            {
                var expected = new double[2];
                Reflect.Invoke(A, name, x, expected);
                var j = new double[2, 4];
                var y = new double[2];
                Reflect.Invoke(A, name + "Jacobian", x, y, j);
                Assert.Equal(expected, y);
                for (var input = 0; input < 2; input++)
                {
                    var h = 1e-6;
                    var (plus, minus) = (x.ToArray(), x.ToArray());
                    plus[input] += h;
                    minus[input] -= h;
                    var (up, down) = (new double[2], new double[2]);
                    Reflect.Invoke(A, name, plus, up);
                    Reflect.Invoke(A, name, minus, down);
                    for (var output = 0; output < 2; output++)
                    {
                        Assert.Equal((up[output] - down[output]) / (2 * h), j[output, input], 6);
                    }
                }
            }
        }

        [Fact]
        public void TheMethodsOwnExceptionsAndTheOutputsChecks()
        {
            var error = Assert.ThrowsAny<ArgumentNullException>(() => Reflect.Invoke(A, "GuardedForward", new[] { 1.0 }, null, new double[1], new double[1]));
            Assert.Equal("y", error.ParamName);

            var y = new[] { 1.0, 2.0 };
            Assert.Equal("y", Assert.ThrowsAny<ArgumentException>(() => Reflect.Invoke(A, "FromSpanForward", y, y, new double[2], new[] { 1.0, 0 })).ParamName);
            Assert.Equal("y", Assert.ThrowsAny<ArgumentException>(() => Reflect.Invoke(A, "FromListReverse", y, y, new double[2], new[] { 1.0, 0 })).ParamName);

            var ragged = new[] { new[] { 1.0, 2.0 }, new[] { 3.0 }, new[] { 4.0, 5.0 } };
            Assert.ThrowsAny<IndexOutOfRangeException>(() => Reflect.Invoke(A, "RowSum", new object?[] { ragged }));
            Assert.ThrowsAny<IndexOutOfRangeException>(() => Reflect.Invoke(A, "RowSumGradient", ragged, new[] { new double[2], new double[1], new double[2] }));
        }

        [Fact]
        public void SplitParametersWithOutputsAndConstantCollections()
        {
            // JaggedOut's gradient: ∂/∂w₀₀ = 1; its output m = w₀₀w₁₀.
            var w = new[] { new[] { 1.5, 2.0 }, new[] { -0.5 } };
            var args = new object?[] { w, null, new[] { new double[2], new double[1] } };
            Reflect.CallInPlace(Reflect.TryFindMethod(A, "JaggedOutGradient")!, null, args);
            Assert.Equal(-0.75, Convert.ToDouble(args[1]), 12);
            Assert.Equal(1.0, ((double[][])args[2]!)[0][0], 12);

            var y = new double[1];
            Reflect.Invoke(A, "StructOutForward", new System.Numerics.Vector2(2, 3), y, new System.Numerics.Vector2(1, 0), new double[1]);
            Assert.Equal(6.0, y[0], 12);

            // Collections: Σc·x₀ + x·w, gradient (Σc + w₀, w₁).
            var x = new List<double> { 0.5, -1.5 };
            var c = new[] { 1.0, 2.0, 3.0 };
            var wc = new[] { 0.25, 4.0 };
            var gradient = new double[2];
            var value = Convert.ToDouble(Reflect.Invoke(A, "CollectionsGradient", x, c, wc, gradient).Result);
            Assert.Equal(6 * 0.5 + 0.5 * 0.25 - 1.5 * 4.0, value, 12);
            Assert.Equal(6 + 0.25, gradient[0], 12);
            Assert.Equal(4.0, gradient[1], 12);
        }
    }
}
