// Corpus: https://github.com/dotnet/machinelearning
// Path: src/Microsoft.ML.CpuMath/ProbabilityFunctions.cs (commit cd2fbd61), ProbabilityFunctions.Erfc
// Licence: MIT (Copyright (c) .NET Foundation and Contributors)
// Changes: namespace Microsoft.ML.Internal.CpuMath -> GradGen.Corpus; [BestFriend] internal sealed class ProbabilityFunctions
//   -> public static partial class MLNet_Erfc; [GradGen.Differentiable] added; doc comments and the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class MLNet_Erfc
    {
        [GradGen.Differentiable]
        public static double Erfc(double x)
        {
            if (Double.IsInfinity(x))
                return Double.IsPositiveInfinity(x) ? 0 : 2.0;

            const double p = 0.3275911;
            const double a1 = 0.254829592;
            const double a2 = -0.284496736;
            const double a3 = 1.421413741;
            const double a4 = -1.453152027;
            const double a5 = 1.061405429;
            double t = 1.0 / (1.0 + p * Math.Abs(x));
            double ev = ((((((((a5 * t) + a4) * t) + a3) * t) + a2) * t + a1) * t) * Math.Exp(-(x * x));
            return x >= 0 ? ev : 2 - ev;
        }
    }
}
