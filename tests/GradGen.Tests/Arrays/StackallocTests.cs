using System;
using System.Reflection;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.Arrays
{
    /// <summary>
    /// A stackalloc span used as a scratch buffer: overwritten across iterations, read by foreach, passed to a
    /// [Differentiable] callee as a ReadOnlySpan. Checked against central differences and forward/reverse agreement.
    /// </summary>
    public sealed class StackallocTests
    {
        private const string Source = @"using System;
using GradGen;

public static partial class Stack
{
    [Differentiable]
    public static double F(double[] x)
    {
        int n = x.Length;
        Span<double> buffer = stackalloc double[n];
        double s = 0;
        for (int k = 0; k < 3; k++)
        {
            for (int i = 0; i < n; i++)
            {
                buffer[i] = Math.Sin(buffer[i] + x[i] * (k + 1));
            }
        }

        foreach (var b in buffer)
        {
            s += b * b;
        }

        return s + Cubes(buffer);
    }

    [Differentiable]
    public static double Cubes(ReadOnlySpan<double> v)
    {
        double s = 0;
        for (int i = 0; i < v.Length; i++)
        {
            s += v[i] * v[i] * v[i];
        }

        return s;
    }

    public static double Gradient(double[] x, double[] g) => FGradient(x, g);

    public static double Tangent(double[] x, double[] v) => FForward(x, v).Tangent;
}";

        private static readonly Lazy<Type> Loaded = new(() => GeneratorHarness.Run(Source, "Stackalloc").Load().GetType("Stack")!);

        private static double Call(string name, params object[] args) =>
            (double)Loaded.Value.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!.Invoke(null, args)!;

        [Fact]
        public void GradientMatchesCentralDifferencesAndForwardMode()
        {
            var x = new[] { 0.3, -0.7, 1.1, 0.05 };
            var gradient = new double[x.Length];
            double value = Call("Gradient", x, gradient);
            Assert.Equal(Call("F", x), value);

            var random = new Random(5);
            for (int i = 0; i < x.Length; i++)
            {
                var plus = (double[])x.Clone();
                var minus = (double[])x.Clone();
                plus[i] += 1e-6;
                minus[i] -= 1e-6;
                double fd = (Call("F", plus) - Call("F", minus)) / 2e-6;
                Assert.True(Math.Abs(gradient[i] - fd) <= 1e-6 * Math.Max(1, Math.Abs(fd)), $"∂f/∂x[{i}]: reverse {gradient[i]}, central FD {fd}");
            }

            var direction = new double[x.Length];
            double expected = 0;
            for (int i = 0; i < x.Length; i++)
            {
                direction[i] = random.NextDouble() - 0.5;
                expected += gradient[i] * direction[i];
            }

            double tangent = Call("Tangent", x, direction);
            Assert.True(Math.Abs(tangent - expected) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"forward {tangent} vs <∇f, v> {expected}");
        }
    }
}
