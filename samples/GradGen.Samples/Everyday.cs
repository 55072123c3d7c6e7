using System;
using System.Collections.Generic;
using GradGen;

namespace GradGen.Samples;

/// <summary>
/// Code written the way C# is usually written: an ODE right-hand side that fills an output array, an RK4 integrator
/// that calls it on local arrays, a result with an <c>out</c> by-product, a layer whose weights are a jagged array, and
/// inputs in a <see cref="List{T}"/>. Every method is differentiated as it stands.
/// </summary>
public static partial class Everyday
{
    /// <summary>Lotka–Volterra: prey x and predators y, prey growth rate a, fills ẋ and ẏ.</summary>
    [Differentiable]
    public static void LotkaVolterra(double[] state, double a, double[] rate)
    {
        rate[0] = a * state[0] - state[0] * state[1];
        rate[1] = state[0] * state[1] - 3 * state[1];
    }

    /// <summary>
    /// The state after <paramref name="steps"/> classical Runge–Kutta steps of size <paramref name="h"/>: its Jacobian
    /// with respect to the initial state and a is what sensitivity analysis and shooting methods need.
    /// </summary>
    [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)]
    public static double[] Flow(double[] start, double a, [NoDerivative] double h, int steps)
    {
        var y = new double[2];
        var k1 = new double[2];
        var k2 = new double[2];
        var k3 = new double[2];
        var k4 = new double[2];
        var stage = new double[2];
        y[0] = start[0];
        y[1] = start[1];
        for (int s = 0; s < steps; s++)
        {
            LotkaVolterra(y, a, k1);
            for (int i = 0; i < 2; i++) stage[i] = y[i] + 0.5 * h * k1[i];
            LotkaVolterra(stage, a, k2);
            for (int i = 0; i < 2; i++) stage[i] = y[i] + 0.5 * h * k2[i];
            LotkaVolterra(stage, a, k3);
            for (int i = 0; i < 2; i++) stage[i] = y[i] + h * k3[i];
            LotkaVolterra(stage, a, k4);
            for (int i = 0; i < 2; i++) y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
        }

        return y;
    }

    /// <summary>
    /// The squared error of a tanh layer (weights in a jagged array, one row per unit) on the inputs in a list, and
    /// the largest unit's activation as a by-product.
    /// </summary>
    [Differentiable]
    public static double LayerLoss(double[][] weights, IReadOnlyList<double> inputs, [NoDerivative] double[] targets, out double largest)
    {
        double loss = 0;
        largest = double.NegativeInfinity;
        for (int u = 0; u < weights.Length; u++)
        {
            var row = weights[u];
            double z = 0;
            for (int j = 0; j < row.Length; j++)
            {
                z += row[j] * inputs[j];
            }

            double activation = Math.Tanh(z);
            largest = Math.Max(largest, activation);
            loss += (activation - targets[u]) * (activation - targets[u]);
        }

        return loss;
    }
}
