// Corpus: https://github.com/dotnet/machinelearning
// Path: src/Microsoft.ML.Core/Utilities/MathUtils.cs (commit cd2fbd61), MathUtils.SoftMax(float, float) with LogTolerance
// Licence: MIT (Copyright (c) .NET Foundation and Contributors)
// Changes: namespace Microsoft.ML.Internal.Utilities -> GradGen.Corpus; internal static partial class MathUtils -> public static partial class MLNet_SoftMax2;
//   [GradGen.Differentiable] added; doc comments and the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class MLNet_SoftMax2
    {
        private const float LogTolerance = 30;

        [GradGen.Differentiable]
        public static float SoftMax(float lx, float ly)
        {
            float max;
            float negDiff;
            if (lx > ly)
            {
                max = lx;
                negDiff = ly - lx;
            }
            else
            {
                max = ly;
                negDiff = lx - ly;
            }
            if (float.IsNegativeInfinity(max) || negDiff < -LogTolerance)
            {
                return max;
            }
            else
            {
                return (float)(max + Math.Log(1.0 + Math.Exp(negDiff)));
            }
        }
    }
}
