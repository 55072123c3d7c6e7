using System.Numerics;
using GradGen;

namespace GradGen.Samples
{
    /// <summary>A first-order low-pass filter, H(ω) = g / (1 + iωτ), fitted to a measured frequency response in Complex arithmetic.</summary>
    public static partial class Signals
    {
        /// <summary>The filter's response at angular frequency <paramref name="omega"/>: what a network analyser would measure.</summary>
        public static Complex Response(double gain, double tau, double omega) => gain / new Complex(1, omega * tau);

        /// <summary>Σ |H(ωₖ) − mₖ|² over the measurements mₖ = re[k] + i·im[k], each |r|² written as (r · r̄).Real.</summary>
        [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
        public static double Misfit(double gain, double tau, [NoDerivative] double[] omegas, [NoDerivative] double[] re, [NoDerivative] double[] im)
        {
            double sum = 0;
            for (int k = 0; k < omegas.Length; k++)
            {
                var residual = gain / new Complex(1, omegas[k] * tau) - new Complex(re[k], im[k]);
                sum += (residual * Complex.Conjugate(residual)).Real;
            }

            return sum;
        }
    }
}
