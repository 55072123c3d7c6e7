// Corpus: https://github.com/mathnet/mathnet-numerics
// Path: src/Numerics/Distributions/StudentT.cs (commit 84e9432b), StudentT.PDF(location, scale, freedom, x);
//   its callees Normal.PDF (src/Numerics/Distributions/Normal.cs) and SpecialFunctions.GammaLn
//   (src/Numerics/SpecialFunctions/Gamma.cs), and the constants they read (src/Numerics/Constants.cs)
// Licence: MIT (Copyright (c) 2002-2022 Math.NET)
// Changes: namespace MathNet.Numerics(.Distributions) -> GradGen.Corpus; class StudentT -> static partial class MathNet_StudentTPdf
//   (the static PDF only); Normal and SpecialFunctions made static partial classes holding only the callee;
//   [GradGen.Differentiable] added to PDF, Normal.PDF and GammaLn; doc comments and the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class MathNet_StudentTPdf
    {
        [GradGen.Differentiable]
        public static double PDF(double location, double scale, double freedom, double x)
        {
            if (scale <= 0.0 || freedom <= 0.0)
            {
                throw new ArgumentException("Invalid parametrization for the distribution.");
            }

            // TODO JVG we can probably do a better job for Cauchy special case
            if (freedom >= 1e+8d)
            {
                return Normal.PDF(location, scale, x);
            }

            var d = (x - location)/scale;
            return Math.Exp(SpecialFunctions.GammaLn((freedom + 1.0)/2.0) - SpecialFunctions.GammaLn(freedom/2.0))
                   *Math.Pow(1.0 + (d*d/freedom), -0.5*(freedom + 1.0))
                   /Math.Sqrt(freedom*Math.PI)
                   /scale;
        }
    }

    public static partial class Normal
    {
        [GradGen.Differentiable]
        public static double PDF(double mean, double stddev, double x)
        {
            if (stddev < 0.0)
            {
                throw new ArgumentException("Invalid parametrization for the distribution.");
            }

            var d = (x - mean)/stddev;
            return Math.Exp(-0.5*d*d)/(Constants.Sqrt2Pi*stddev);
        }
    }

    public static partial class SpecialFunctions
    {
        const int GammaN = 10;

        const double GammaR = 10.900511;

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
        public const double Sqrt2Pi = 2.5066282746310005024157652848110452530069867406099d;
        public const double LogTwoSqrtEOverPi = 0.6207822376352452223455184457816472122518527279025978;
    }
}
