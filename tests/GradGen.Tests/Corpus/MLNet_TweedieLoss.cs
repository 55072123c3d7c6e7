// Corpus: https://github.com/dotnet/machinelearning
// Path: src/Microsoft.ML.Data/Utils/LossFunctions.cs (commit cd2fbd61), TweedieLoss.Loss (an instance method) with its
//   fields, public constructor and Clamp(ref float); the callee MathUtils.LogGamma (src/Microsoft.ML.Core/Utilities/MathUtils.cs)
// Licence: MIT (Copyright (c) .NET Foundation and Contributors)
// Changes: namespace Microsoft.ML.Trainers -> GradGen.Corpus; public sealed class TweedieLoss : IRegressionLoss ->
//   public sealed partial class MLNet_TweedieLoss (no interface; the nested Options class and the constructor taking it
//   removed); internal static partial class MathUtils -> public static partial class MathUtils holding only LogGamma;
//   Contracts.CheckParam (src/Microsoft.ML.Core/Utilities/Contracts.cs) copied, its ExceptParam without the Process hook;
//   [GradGen.Differentiable] added to Loss and LogGamma; doc comments and Derivative removed.

using System;

namespace GradGen.Corpus
{
    public sealed partial class MLNet_TweedieLoss
    {
        internal const string Summary = "The Tweedie loss function for regression.";

        private readonly Double _index;  // The index parameter specified by the user.
        private readonly Double _index1; // 1 minus the index parameter.
        private readonly Double _index2; // 2 minus the index parameter.

        /// <summary>
        /// Constructor for Tweedie loss.
        /// </summary>
        /// <param name="index">Index parameter for the Tweedie distribution, in the range [1, 2].
        /// 1 is Poisson loss, 2 is gamma loss, and intermediate values are compound Poisson loss.</param>
        public MLNet_TweedieLoss(double index = 1.5)
        {
            Contracts.CheckParam(1 <= index && index <= 2, nameof(index), "Must be in the range [1, 2]");
            _index = index;
            _index1 = 1 - _index;
            _index2 = 2 - _index;
        }

        private static void Clamp(ref float val)
        {
            const float eps = (float)1e-7;
            if (val < eps) // I tawt I taw a negwawive wowue.
                val = eps; // I did! I did taw a negwawive wowue!!
        }

        [GradGen.Differentiable]
        public Double Loss(float output, float label)
        {
            Clamp(ref output);
            Clamp(ref label);

            // This is the log likelihood.
            // If output were in the original log-space, then this would be exp((1-rho) * output).
            // However output is not in the log space.
            if (_index1 == 0)
                return output - label * Math.Log(output) + MathUtils.LogGamma(label);
            // The last log-gamma is not necessary from the point of view of the mathematical models,
            // but to the extent that this loss is used as a human comprehensible value, it's nice to
            // have its minimum at 0.
            if (_index2 == 0)
                return output + label / output - Math.Sqrt(label);

            return Math.Pow(output, _index2) / _index2 - label * Math.Pow(output, _index1) / _index1
                - (Math.Pow(label, _index2) / _index2 - label * Math.Pow(label, _index1) / _index1);
        }
    }

    public static partial class MathUtils
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
