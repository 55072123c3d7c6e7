// Corpus: https://github.com/dotnet/machinelearning
// Path: src/Microsoft.ML.Core/Utilities/MathUtils.cs (commit cd2fbd61), MathUtils.SoftMax(ReadOnlySpan<float>) with LogTolerance
// Licence: MIT (Copyright (c) .NET Foundation and Contributors)
// Changes: namespace Microsoft.ML.Internal.Utilities -> GradGen.Corpus; internal static partial class MathUtils -> public static partial class MLNet_SoftMaxSpan;
//   [GradGen.Differentiable] added; doc comments and the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class MLNet_SoftMaxSpan
    {
        private const float LogTolerance = 30;

        [GradGen.Differentiable]
        public static float SoftMax(ReadOnlySpan<float> inputs)
        {
            int maxIdx = 0;
            float max = float.NegativeInfinity;
            for (int i = 0; i < inputs.Length; i++)
            {
                if (inputs[i] > max)
                {
                    maxIdx = i;
                    max = inputs[i];
                }
            }

            if (float.IsNegativeInfinity(max))
                return float.NegativeInfinity;

            if (inputs.Length == 1)
                return max;

            double intermediate = 0.0;
            float cutoff = max - LogTolerance;

            for (int i = 0; i < inputs.Length; i++)
            {
                if (i == maxIdx)
                    continue;
                if (inputs[i] > cutoff)
                    intermediate += Math.Exp(inputs[i] - max);
            }

            if (intermediate > 0.0)
                return (float)(max + Math.Log(1.0 + intermediate));
            return max;
        }
    }
}
