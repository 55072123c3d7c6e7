// Corpus: https://github.com/mathnet/mathnet-spatial
// Path: src/Spatial/Euclidean/Quaternion.cs (commit 9a40b9fa), Quaternion.ChybyshevSinPoli(int, double) (recursive)
// Licence: MIT (Copyright (c) 2002-2023 Math.NET)
// Changes: namespace MathNet.Spatial.Euclidean -> GradGen.Corpus; the static method of public struct Quaternion moved into
//   public static partial class Spatial_ChebyshevSin;
//   [GradGen.Differentiable] added; doc comments and the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class Spatial_ChebyshevSin
    {
        [GradGen.Differentiable]
        public static double ChybyshevSinPoli(int n, double x)
        {
            if (n == 0)
            {
                return 1;
            }

            if (n == 1)
            {
                return 2 * x;
            }

            return (2 * x * ChybyshevSinPoli(n - 1, x)) - ChybyshevSinPoli(n - 2, x);
        }
    }
}
