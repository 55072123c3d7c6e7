using System;
using System.Linq;

namespace GradGen.Tests.Infrastructure
{
    /// <summary>Reproducible test inputs.</summary>
    public static class TestValues
    {
        /// <summary><paramref name="n"/> values drawn uniformly from [−<paramref name="bound"/>, <paramref name="bound"/>] by a generator seeded with <paramref name="seed"/>.</summary>
        public static double[] Uniform(int seed, int n, double bound)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, n).Select(_ => (random.NextDouble() * 2 - 1) * bound).ToArray();
        }

        /// <summary>Seeded values in [−<paramref name="range"/>, <paramref name="range"/>] rounded to 1/64, so that float holds them exactly.</summary>
        public static double[] Vec(int seed, int n, double range = 1.5) =>
            Uniform(seed, n, range).Select(x => Math.Round(x * 64) / 64).ToArray();

        /// <summary>A <paramref name="rows"/> × <paramref name="cols"/> matrix of <see cref="Vec"/> values, row by row.</summary>
        public static double[,] Mat(int seed, int rows, int cols, double range = 1.5)
        {
            var v = Vec(seed, rows * cols, range);
            return Matrices.Build(rows, cols, (i, j) => v[i * cols + j]);
        }

        /// <summary>The arguments of one point.</summary>
        public static object?[] P(params object?[] args) => args;

        public static object?[][] Points(params object?[][] points) => points;
    }
}
