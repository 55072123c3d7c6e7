using System;
using GradGen;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace GradGen.Samples;

/// <summary>
/// A nonlinear least-squares fit for Math.NET Numerics' optimisers: the loss is ordinary C# over a parameter vector,
/// GradGen generates <c>OscillationLossGradient</c>, and <see cref="Objective"/> hands value and gradient, from one
/// reverse pass, to <see cref="BfgsMinimizer"/> or <see cref="LimitedMemoryBfgsMinimizer"/>.
/// </summary>
public static partial class Optimisers
{
    /// <summary>The damped oscillation y(t) = a·e^(−bt)·cos(ct + d) with p = (a, b, c, d).</summary>
    public static double Oscillation(double[] p, double t) => p[0] * Math.Exp(-p[1] * t) * Math.Cos(p[2] * t + p[3]);

    /// <summary>Mean squared misfit of the damped oscillation with parameters p = (a, b, c, d) to the points (t[i], y[i]).</summary>
    [Differentiable]
    public static double OscillationLoss(double[] p, [NoDerivative] double[] t, [NoDerivative] double[] y)
    {
        double loss = 0;
        for (int i = 0; i < t.Length; i++)
        {
            double residual = p[0] * Math.Exp(-p[1] * t[i]) * Math.Cos(p[2] * t[i] + p[3]) - y[i];
            loss += residual * residual;
        }

        return loss / t.Length;
    }

    /// <summary>
    /// The loss as Math.NET's <see cref="IObjectiveFunction"/>: the greedy overload of
    /// <see cref="ObjectiveFunction.Gradient(Func{Vector{double}, ValueTuple{double, Vector{double}}})"/> takes value and
    /// gradient together, which is what one call of the generated <c>OscillationLossGradient</c> computes.
    /// <paramref name="evaluations"/> counts the calls.
    /// </summary>
    public static IObjectiveFunction Objective(double[] t, double[] y, Action? evaluations = null) =>
        ObjectiveFunction.Gradient(p =>
        {
            evaluations?.Invoke();
            var gradient = new double[p.Count];
            double loss = OscillationLossGradient(p.AsArray() ?? p.ToArray(), t, y, gradient);
            return (loss, Vector<double>.Build.Dense(gradient));
        });
}
