// Corpus: https://github.com/mathnet/mathnet-numerics
// Path: src/Numerics/SpecialFunctions/Gamma.cs (commit 84e9432b), SpecialFunctions.GammaLn, with GammaN, GammaR, GammaDk
// Licence: MIT (Copyright (c) 2002-2022 Math.NET)
// Changes: namespace MathNet.Numerics -> GradGen.Corpus; class SpecialFunctions -> MathNet_GammaLn;
//   [GradGen.Differentiable] added; the two Constants it reads copied from src/Numerics/Constants.cs into a class Constants;
//   doc comments and the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class MathNet_GammaLn
    {
        /// <summary>
        /// The order of the <see cref="GammaLn"/> approximation.
        /// </summary>
        const int GammaN = 10;

        /// <summary>
        /// Auxiliary variable when evaluating the <see cref="GammaLn"/> function.
        /// </summary>
        const double GammaR = 10.900511;

        /// <summary>
        /// Polynomial coefficients for the <see cref="GammaLn"/> approximation.
        /// </summary>
        static readonly double[] GammaDk =
        {
            2.48574089138753565546e-5,
            1.05142378581721974210,
            -3.45687097222016235469,
            4.51227709466894823700,
            -2.98285225323576655721,
            1.05639711577126713077,
            -1.95428773191645869583e-1,
            1.70970543404441224307e-2,
            -5.71926117404305781283e-4,
            4.63399473359905636708e-6,
            -2.71994908488607703910e-9
        };

        [GradGen.Differentiable]
        public static double GammaLn(double z)
        {
            if (z < 0.5)
            {
                double s = GammaDk[0];
                for (int i = 1; i <= GammaN; i++)
                {
                    s += GammaDk[i]/(i - z);
                }

                return Constants.LnPi
                       - Math.Log(Math.Sin(Math.PI*z))
                       - Math.Log(s)
                       - Constants.LogTwoSqrtEOverPi
                       - ((0.5 - z)*Math.Log((0.5 - z + GammaR)/Math.E));
            }
            else
            {
                double s = GammaDk[0];
                for (int i = 1; i <= GammaN; i++)
                {
                    s += GammaDk[i]/(z + i - 1.0);
                }

                return Math.Log(s)
                       + Constants.LogTwoSqrtEOverPi
                       + ((z - 0.5)*Math.Log((z - 0.5 + GammaR)/Math.E));
            }
        }
    }

    static class Constants
    {
        public const double LnPi = 1.1447298858494001741434273513530587116472948129153d;
        public const double LogTwoSqrtEOverPi = 0.6207822376352452223455184457816472122518527279025978;
    }
}
