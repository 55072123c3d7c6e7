using System;
using System.Linq;
using System.Reflection;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.Regression
{
    /// <summary>
    /// What an adversarial review of the inlined constructs (lambdas, local functions, LINQ, helpers with ref, objects)
    /// found, reduced: each was a silent wrong value or derivative, code that did not compile, or a crash. Now each is
    /// right (checked against the primal and finite differences) or a GG error where it is written.
    /// </summary>
    public sealed class ReviewFindingTests
    {
        private const string Header = "using System;\nusing System.Linq;\nusing System.Numerics;\nusing System.Collections.Generic;\nusing GradGen;\n";

        public static readonly TheoryData<string, string, string> Refused = new()
        {
            // An inlined body that writes a variable its statement reads elsewhere would run before that read.
            { "LocalFunctionWritesARead", "static double F(double x) { double s = x; double r = s + Bump(); return r; double Bump() { s *= 3; return 1; } }", "GG0005" },
            { "RefHelperWritesARead", "static double F(double x) { double s = x; return s * Grow(ref s); } static double Grow(ref double v) { v = v * 3; return 1; }", "GG0005" },
            { "LambdaWritesARead", "static double F(double x, double y) { double s = x; Func<double, double> f = t => { s = s * t; return t; }; double r = s + f(y); return r + s; }", "GG0005" },
            { "LinqLambdaWritesARead", "static double F(double x, double y) { var a = new[] { x, y }; double c = x; return c * a.Sum(t => { c = c + t; return t * c; }); }", "GG0005" },
            // C# binds a method group's object where the delegate is made.
            { "MethodOfAnObjectHeldInALocal", "static double F(double x) { var sc = new Scale(1); Func<double, double> f = sc.Apply; sc = new Scale(5); return f(x) + sc.Apply(x); }", "GG0005" },
            // A derivative given to an object the body reads later.
            { "ObjectKeepsAValue", "static double F(double x) { var list = new List<double>(); list.Add(x * x); return list.Sum() + x; }", "GG0003" },
            // Indexed Where, and an index among the elements a Where kept: not LINQ GradGen writes as a loop.
            { "IndexedWhere", "static double F(double x, double y) { var a = new[] { x, y }; return a.Where((t, i) => i > 0).Sum(); }", "GG0019" },
            { "IndexAfterWhere", "static double F(double x, double y) { var a = new[] { x, -y }; return a.Where(t => t > 0).Select((t, i) => t * (i + 1)).Sum(); }", "GG0019" },
            // A ref or out helper given a [NoDerivative] parameter.
            { "RefOfANoDerivativeParameter", "static double F(double x, [NoDerivative] double c) { Set(ref c, x); return c + x; } static void Set(ref double a, double b) { a = b * b; }", "GG0005" },
        };

        [Theory]
        [MemberData(nameof(Refused))]
        public void IsAnError(string name, string method, string id)
        {
            var source = Header + @"
public sealed partial class Scale { private readonly double k; public Scale(double k) { this.k = k; } [Differentiable] public double Apply(double v) => k * v * v; }
public static partial class R
{
    [Differentiable]
    " + method + @"
}";
            var diagnostics = GeneratorHarness.Analyze(source);
            Assert.True(diagnostics.Any(d => d.Id == id), $"{name}: expected {id}, got:\n" + string.Join("\n", diagnostics));
            Assert.DoesNotContain(diagnostics, d => d.Id == "GG0021");
        }

        private const string Numeric = Header + @"
public static partial class N
{
    // Sum and Average of floats accumulate in double, as Enumerable's do.
    [Differentiable]
    public static float FloatSums(float x, float y) { var a = new[] { x, y, -x }; return a.Sum() + a.Average(); }

    // NaN as Enumerable: Max passes over NaNs, Min returns NaN if any is.
    [Differentiable]
    public static double MaxOverNaN(double x, double y) { var a = new[] { y, x, 2 * x }; return a.Max(); }

    [Differentiable]
    public static double MinWithNaN(double x, double y) { var a = new[] { x, y }; return a.Min() + x; }

    // A pattern's literal against generic math's T.
    [Differentiable]
    public static T Patterned<T>(T x, T y) where T : IFloatingPointIeee754<T> => (x * y) switch { < 0 => -x, 1 => y, _ => x * y };
}";

        private static readonly Lazy<LoadedSource> Loaded = new(() => GeneratorHarness.CompileAndLoad(Numeric, "ReviewFindings"));

        private static (double Value, double[] Gradient) Gradient(string name, params object[] args)
        {
            var method = Loaded.Value.GetType("N").GetMethod(name + "Gradient", BindingFlags.Public | BindingFlags.Static)!;
            if (method.IsGenericMethodDefinition)
            {
                method = method.MakeGenericMethod(typeof(double));
            }

            var (result, outs) = Reflect.Call(method, null, args.Concat(args.Select(_ => (object?)null)).ToArray());
            return (Reflect.ToDouble(result), outs.Skip(args.Length).Select(Reflect.ToDouble).ToArray());
        }

        [Fact]
        public void FloatSumsAccumulateInDouble()
        {
            // (x + y − x)·4/3 at x = 1e8: 4/3 summed in double, 0 in float; its gradient (0, 4/3).
            var (value, gradient) = Gradient("FloatSums", 1e8f, 1f);
            Assert.Equal(4f / 3f, (float)value);
            Assert.Equal(0.0, gradient[0], 6);
            Assert.Equal(4.0 / 3, gradient[1], 6);
        }

        [Fact]
        public void MinAndMaxTreatNaNAsEnumerableDoes()
        {
            AssertResult(2.4, new[] { 2.0, 0.0 }, Gradient("MaxOverNaN", 1.2, double.NaN));
            Assert.True(double.IsNaN(Gradient("MinWithNaN", 1.2, double.NaN).Value));
        }

        [Fact]
        public void PatternLiteralsOnGenericT()
        {
            AssertResult(-0.5, new[] { -1.0, 0.0 }, Gradient("Patterned", 0.5, -2.0));
            AssertResult(0.6, new[] { 0.5, 1.2 }, Gradient("Patterned", 1.2, 0.5));
            AssertResult(2.0, new[] { 0.0, 1.0 }, Gradient("Patterned", 0.5, 2.0)); // x·y = 1: the arm 1 => y
        }

        private static void AssertResult(double value, double[] gradient, (double Value, double[] Gradient) actual)
        {
            Assert.Equal(value, actual.Value, 12);
            Assert.Equal(gradient.Length, actual.Gradient.Length);
            for (var i = 0; i < gradient.Length; i++)
            {
                Assert.Equal(gradient[i], actual.Gradient[i], 12);
            }
        }
    }
}
