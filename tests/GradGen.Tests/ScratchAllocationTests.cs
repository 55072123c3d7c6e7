using System;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests
{
    /// <summary>
    /// A gradient through code that allocates scratch arrays allocates, in steady state, no more than the primal
    /// itself: the adjoints of those arrays are lent by the pooled tape. Measured around 1000 calls made by helpers
    /// compiled in the test source, after warm-up.
    /// </summary>
    public sealed class ScratchAllocationTests
    {
        private const string Source = @"using System;
using GradGen;

public static partial class Scratch
{
    [Differentiable]
    public static double Smooth(double[] x, double[,] w)
    {
        int n = x.Length;
        double[] h = new double[n];
        double[,] m = new double[n, n];
        double s = 0;
        for (int step = 0; step < 3; step++)
        {
            double[] next = new double[n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    m[i, j] = w[i, j] * (h[j] + x[j]);
                    next[i] += Math.Tanh(m[i, j]);
                }
            }

            h = next;
        }

        foreach (var v in h) s += v * v;
        return s;
    }

    public static double Primal1000(double[] x, double[,] w)
    {
        double sum = 0;
        for (int k = 0; k < 1000; k++) sum += Smooth(x, w);
        return sum;
    }

    public static double Gradient1000(double[] x, double[,] w, double[] gx, double[,] gw)
    {
        double sum = 0;
        for (int k = 0; k < 1000; k++) sum += SmoothGradient(x, w, gx, gw);
        return sum;
    }
}";

        [Fact]
        public void GradientAllocatesNoMoreThanThePrimal()
        {
            var type = GeneratorHarness.Run(Source, "ScratchAllocation").Load().GetType("Scratch")!;
            var primal = type.GetMethod("Primal1000")!.CreateDelegate<Func<double[], double[,], double>>();
            var gradient = type.GetMethod("Gradient1000")!.CreateDelegate<Func<double[], double[,], double[], double[,], double>>();
            var x = new[] { 0.3, -0.2, 0.5, 0.1 };
            var w = new double[4, 4];
            for (int i = 0; i < 4; i++)
            {
                for (int j = 0; j < 4; j++)
                {
                    w[i, j] = Math.Sin(i + 2 * j);
                }
            }

            var gx = new double[4];
            var gw = new double[4, 4];
            long Bytes(Action run)
            {
                run();
                long least = long.MaxValue;
                for (int attempt = 0; attempt < 3; attempt++)
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    run();
                    least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
                }

                return least;
            }

            long primalBytes = Bytes(() => primal(x, w));
            long gradientBytes = Bytes(() => gradient(x, w, gx, gw));
            Assert.True(primalBytes > 0, "The primal allocates its scratch arrays; the measurement should see them.");
            Assert.True(gradientBytes <= primalBytes, $"1000 gradients allocated {gradientBytes} bytes, 1000 primals {primalBytes}.");
        }
    }
}
