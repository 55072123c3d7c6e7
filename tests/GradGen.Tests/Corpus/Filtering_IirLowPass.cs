// Corpus: https://github.com/mathnet/mathnet-filtering
// Path: src/Filtering/IIR/IirCoefficients.cs (commit fc963436), IirCoefficients.LowPass (returns double[]) and its helpers BuildCoefficients and BetaGamma (out parameters)
// Licence: MIT (Copyright (c) 2002-2021 Math.NET)
// Changes: namespace MathNet.Filtering.IIR -> GradGen.Corpus; public static class IirCoefficients -> public static partial class
//   Filtering_IirLowPass; [GradGen.Differentiable] on the helpers too;
//   [GradGen.Differentiable] added; doc comments and the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class Filtering_IirLowPass
    {
        [GradGen.Differentiable]
        public static double[] LowPass(double samplingRate, double cutoff, double width)
        {
            double beta, gamma, theta;

            BetaGamma(
                out beta,
                out gamma,
                out theta,
                samplingRate,
                cutoff,
                0d, // lowHalfPower
                width); // highHalfPower

            return BuildCoefficients(
                beta,
                gamma,
                (0.5d + beta - gamma) * 0.25d, // alpha
                2, // mu
                1); // sigma
        }

        [GradGen.Differentiable]
        static double[] BuildCoefficients(double beta, double gamma, double alpha, double mu, double sigma)
        {
            return new[]
            {
                2d * alpha,
                2d * gamma,
                -2d * beta,
                1,
                mu,
                sigma
            };
        }

        [GradGen.Differentiable]
        static void BetaGamma(out double beta, out double gamma, out double theta, double sampling, double cutoff, double lowHalfPower, double highHalfPower)
        {
            double tan = Math.Tan(Math.PI * (highHalfPower - lowHalfPower) / sampling);
            beta = 0.5d * (1 - tan) / (1 + tan);
            theta = 2 * Math.PI * cutoff / sampling;
            gamma = (0.5d + beta) * Math.Cos(theta);
        }
    }
}
