// Corpus: https://github.com/mathnet/mathnet-spatial
// Path: src/Spatial/Euclidean/Quaternion.cs (commit 9a40b9fa), Quaternion.ChybyshevCosPoli(int, double) (recursive)
// Licence: MIT (Copyright (c) 2002-2023 Math.NET)
// Changes: namespace MathNet.Spatial.Euclidean -> GradGen.Corpus; the static method of public struct Quaternion moved into
//   public static partial class Spatial_ChebyshevCos;
//   [GradGen.Differentiable] added; doc comments and the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class Spatial_ChebyshevCos
    {
        [GradGen.Differentiable]
        public static double ChybyshevCosPoli(int n, double x)
        {
            if (n == 0)
            {
                return 1.0;
            }

            if (n == 1)
            {
                return x;
            }

            return (2 * ChybyshevCosPoli(n - 1, x) * x) - ChybyshevCosPoli(n - 2, x);
        }
    }
}
