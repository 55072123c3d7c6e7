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
    }
}
