using System;
using System.Linq;
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

    // a read-only stack buffer: Σ xᵢ² + rᵢ with r all zero
    [Differentiable]
    public static double ReadOnlyStack(double[] x)
    {
        ReadOnlySpan<double> r = stackalloc double[x.Length];
        double s = 0;
        for (int i = 0; i < x.Length; i++)
            s += x[i] * x[i] + r[i];
        return s;
    }

    public static double ReadOnlyGradient(double[] x, double[] g) => ReadOnlyStackGradient(x, g);
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

        [Fact]
        public void ReadOnlyStackBuffer()
        {
            var x = new[] { 0.3, -0.7, 1.1 };
            var gradient = new double[x.Length];
            Assert.Equal(x.Sum(v => v * v), Call("ReadOnlyGradient", x, gradient), 12);
            Assert.Equal(x.Select(v => 2 * v), gradient);
        }

        private const string SkippingInitSource = @"using System;
using GradGen;
[module: System.Runtime.CompilerServices.SkipLocalsInit]

public static partial class Skip
{
    public static double Sink;

    // Σ sin(xᵢ²) through a stack buffer the method fills itself: in this module stackalloc is not zeroed
    [Differentiable]
    public static double F(double[] x)
    {
        Span<double> u = stackalloc double[x.Length];
        for (int i = 0; i < x.Length; i++)
            u[i] = x[i] * x[i];
        double s = 0;
        for (int i = 0; i < x.Length; i++)
            s += Math.Sin(u[i]);
        return s;
    }

    // leaves non-zero values on the stack below the caller's frame
    public static void Dirty()
    {
        Span<double> garbage = stackalloc double[1024];
        garbage.Fill(1e300);
        Sink = garbage[garbage.Length / 2];
    }

    public static double Gradient(double[] x, double[] g) => FGradient(x, g);

    public static double Tangent(double[] x, double[] v) => FForward(x, v).Tangent;
}";

        [Fact]
        public void DerivativesOfAStackBufferAreZeroedWhereLocalsAreNot()
        {
            var input = GeneratorHarness.CreateCompilation(SkippingInitSource, "StackallocSkipInit");
            var run = GeneratorHarness.Run(input.WithOptions(input.Options.WithAllowUnsafe(true)));
            Assert.Empty(run.CompilationErrors);
            var type = run.Load().GetType("Skip")!;
            var x = new[] { 0.3, -0.7, 1.1, 0.05, 0.9 };
            var gradient = new double[x.Length];
            type.GetMethod("Dirty")!.Invoke(null, null);
            type.GetMethod("Gradient")!.Invoke(null, new object[] { x, gradient });
            for (int i = 0; i < x.Length; i++)
            {
                Assert.Equal(2 * x[i] * Math.Cos(x[i] * x[i]), gradient[i], 12);
            }

            var unit = new double[x.Length];
            unit[2] = 1;
            type.GetMethod("Dirty")!.Invoke(null, null);
            Assert.Equal(gradient[2], (double)type.GetMethod("Tangent")!.Invoke(null, new object[] { x, unit })!, 12);
        }
    }
}
