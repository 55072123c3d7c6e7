using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests
{
    /// <summary>GG0010: a derivative must not flow silently into a callee's [NoDerivative] parameter.</summary>
    public class NoDerivativeArgumentTests
    {
        private const string Callees = @"
using System;
using GradGen;
public static partial class C
{
    [Differentiable] public static double Scale(double x, [NoDerivative] double factor) => factor * x;
    [Differentiable] public static double Dot(double[] v, [NoDerivative] double[] a) { double s = 0; for (int i = 0; i < v.Length; i++) s += v[i] * a[i]; return s; }
";

        [Theory]
        [InlineData("[Differentiable] public static double F(double x, double y) => Scale(x, y);", "Scale(x, y)", "factor")]
        [InlineData("[Differentiable] public static double F(double x, double y) { double z = y * y; return Scale(x, z); }", "Scale(x, z)", "factor")]
        [InlineData("[Differentiable] public static double F(double[] a, double[] x) => Dot(x, a);", "Dot(x, a)", "a")]
        public void ReportedWhereTheDerivativeWouldBeLost(string method, string call, string parameter)
        {
            var diagnostics = GeneratorHarness.Analyze(Callees + method + "\n}").Where(d => d.Id == "GG0010").ToList();
            var diagnostic = Assert.Single(diagnostics);
            Assert.Equal(call, diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
            Assert.Contains($"'{parameter}'", diagnostic.GetMessage());
        }

        [Theory]
        [InlineData("[Differentiable] public static double F(double x, [NoDerivative] double y) => Scale(x, y);")]
        [InlineData("[Differentiable] public static double F(double x) => Scale(x, 2.5);")]
        [InlineData("[Differentiable] public static double F(double[] x, [NoDerivative] double[] a) => Dot(x, a);")]
        public void NotReportedForValuesWithoutDerivative(string method)
        {
            Assert.DoesNotContain(GeneratorHarness.Analyze(Callees + method + "\n}"), d => d.Id == "GG0010");
        }
    }
}
