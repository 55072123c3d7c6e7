// Corpus: https://github.com/mathnet/mathnet-filtering
// Path: src/Filtering/FIR/FirCoefficients.cs (commit fc963436), FirCoefficients.LowPass (returns double[])
// Licence: MIT (Copyright (c) 2002-2021 Math.NET)
// Changes: namespace MathNet.Filtering.FIR -> GradGen.Corpus; public static class FirCoefficients -> public static partial class
//   Filtering_FirLowPass;
//   [GradGen.Differentiable] added; doc comments and the other members removed.

using System;
using System.Linq;

namespace GradGen.Corpus
{
    public static partial class Filtering_FirLowPass
    {
        [GradGen.Differentiable]
        public static double[] LowPass(double samplingRate, double cutoff, double dcGain = 1.0, int halforder = 0)
        {
            // Default filter order
            if (halforder == 0)
            {
                const double TRANSWINDRATIO = 0.25;
                double maxDf = samplingRate / 2 - cutoff;
                double df = (cutoff * TRANSWINDRATIO > 2) ? cutoff * TRANSWINDRATIO : 2;
                df = (df < maxDf) ? df : maxDf;
                halforder = (int)Math.Ceiling(3.3 / (df / samplingRate) / 2);
            }

            int order = 2 * halforder + 1;
            double nu = 2d * cutoff / samplingRate; // normalized frequency

            var c = new double[order];
            c[halforder] = nu;

            for (int i = 0, n = halforder; i < halforder; i++, n--)
            {
                double npi = n * Math.PI;
                c[i] = Math.Sin(npi * nu) / npi;
                c[n + halforder] = c[i];
            }

            // Unity gain at DC
            double actualDcGain = c.Sum();
            double scaling = dcGain / actualDcGain;
            for (int i = 0; i < c.Length; i++)
            {
                c[i] *= scaling;
            }

            return c;
        }
    }
}
