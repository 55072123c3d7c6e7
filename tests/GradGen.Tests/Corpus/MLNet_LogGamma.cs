// Corpus: https://github.com/dotnet/machinelearning
// Path: src/Microsoft.ML.Core/Utilities/MathUtils.cs (commit cd2fbd61), MathUtils.LogGamma with _constantForLogGamma and _coeffsForLogGamma
// Licence: MIT (Copyright (c) .NET Foundation and Contributors)
// Changes: namespace Microsoft.ML.Internal.Utilities -> GradGen.Corpus; internal static partial class MathUtils -> public static partial class MLNet_LogGamma;
//   Contracts.CheckParam (src/Microsoft.ML.Core/Utilities/Contracts.cs) copied, its ExceptParam without the Process hook;
//   [GradGen.Differentiable] added; doc comments and the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class MLNet_LogGamma
    {
        private static readonly double _constantForLogGamma = 0.5 * Math.Log(2 * Math.PI);
        private static readonly double[] _coeffsForLogGamma = { 12.0, -360.0, 1260.0, -1680.0, 1188.0 };

        [GradGen.Differentiable]
        public static double LogGamma(double x)
        {
            Contracts.CheckParam(x > 0, nameof(x), "LogGamma invalid for x <= 0");

            double res = 0;
            if (x < 6)
            {
                int toAdd = (int)Math.Floor(7 - x);
                double v2 = 1;
                for (int i = 0; i < toAdd; i++)
                    v2 *= (x + i);
                res = -Math.Log(v2);
                x += toAdd;
            }
            x = x - 1;

            res += _constantForLogGamma + (x + 0.5) * Math.Log(x) - x;

            // correction terms
            double xSquared = x * x;
            double pow = x;
            foreach (double coeff in _coeffsForLogGamma)
            {
                double newRes = res + 1.0 / (coeff * pow);
                if (newRes == res)
                {
                    return res;
                }
                res = newRes;
                pow *= xSquared;
            }

            return res;
        }
    }

    internal static class Contracts
    {
        public static void CheckParam(bool f, string paramName, string msg)
        {
            if (!f)
                throw ExceptParam(paramName, msg);
        }

        public static Exception ExceptParam(string paramName, string msg)
            => new ArgumentOutOfRangeException(paramName, msg);
    }
}
