using System;
using System.Numerics;
using GradGen;

namespace GradGen.Samples;

/// <summary>The weights of a one-hidden-layer regression network, y ≈ Σₖ cₖ tanh(wₖ x + bₖ) + d, held in an object.</summary>
public sealed class Net
{
    public double[] W = Array.Empty<double>();
    public double[] B = Array.Empty<double>();
    public double[] C = Array.Empty<double>();
    public double D;
}

/// <summary>
/// A model whose parameters live in a class (its derivative is another <see cref="Net"/>), and a density written once
/// in generic math (its derivatives work for double, float and Half).
/// </summary>
public static partial class Models
{
    /// <summary>Mean squared error of <paramref name="net"/> on the points (xs[i], ys[i]).</summary>
    [Differentiable]
    public static double FitLoss(Net net, [NoDerivative] double[] xs, [NoDerivative] double[] ys)
    {
        double loss = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            double y = net.D;
            for (int k = 0; k < net.W.Length; k++)
            {
                y += net.C[k] * Math.Tanh(net.W[k] * xs[i] + net.B[k]);
            }

            loss += (y - ys[i]) * (y - ys[i]);
        }

        return loss / xs.Length;
    }

    /// <summary>The normal density at <paramref name="x"/>, in any floating-point type.</summary>
    [Differentiable]
    public static T Normal<T>(T x, T mu, T sigma) where T : IFloatingPointIeee754<T>
    {
        var z = (x - mu) / sigma;
        return T.Exp(-z * z / T.CreateChecked(2)) / (sigma * T.Sqrt(T.CreateChecked(2) * T.Pi));
    }
}
