using System.Threading.Tasks;
using Xunit;
using static GradGen.Tests.Infrastructure.MarkupVerifier;

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
        [InlineData("[Differentiable] public static double F(double x, double y) => {|GG0010:Scale(x, y)|};", "factor")]
        [InlineData("[Differentiable] public static double F(double x, double y) { double z = y * y; return {|GG0010:Scale(x, z)|}; }", "factor")]
        [InlineData("[Differentiable] public static double F(double[] a, double[] x) => {|GG0010:Dot(x, a)|};", "a")]
        public async Task ReportedWhereTheDerivativeWouldBeLost(string method, string parameter)
        {
            var v = await VerifyAsync(Callees + method + "\n}");
            v.AssertMessage("GG0010", $"'{parameter}'");
        }

        [Theory]
        [InlineData("[Differentiable] public static double F(double x, [NoDerivative] double y) => Scale(x, y);")]
        [InlineData("[Differentiable] public static double F(double x) => Scale(x, 2.5);")]
        [InlineData("[Differentiable] public static double F(double[] x, [NoDerivative] double[] a) => Dot(x, a);")]
        public Task NotReportedForValuesWithoutDerivative(string method) => VerifyAsync(Callees + method + "\n}");
    }
}
