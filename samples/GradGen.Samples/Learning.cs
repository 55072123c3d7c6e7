using System;
using GradGen;

namespace GradGen.Samples;

/// <summary>
/// Losses for the learning examples: ordinary C# over arrays and matrices. GradGen generates
/// <c>LeastSquaresGradient</c> and <c>NetworkLossGradient</c> (reverse mode: one pass for every parameter).
/// </summary>
public static partial class Learning
{
    /// <summary>Mean squared error of a linear model: (1/n)‖y − Φθ‖².</summary>
    [Differentiable]
    public static double LeastSquares(double[] theta, [NoDerivative] double[,] phi, [NoDerivative] double[] y)
    {
        int n = y.Length;
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            double prediction = 0;
            for (int j = 0; j < theta.Length; j++)
            {
                prediction += phi[i, j] * theta[j];
            }

            double residual = y[i] - prediction;
            loss += residual * residual;
        }

        return loss / n;
    }

    /// <summary>
    /// Mean cross-entropy of a two-layer network: hidden = tanh(W₁x + b₁), logit = w₂·hidden + b₂, p = σ(logit),
    /// for points <paramref name="points"/> (one per row) with labels 0 or 1.
    /// </summary>
    [Differentiable]
    public static double NetworkLoss(double[,] w1, double[] b1, double[] w2, double b2, [NoDerivative] double[,] points, int[] labels)
    {
        int hiddenCount = b1.Length;
        double[] hidden = new double[hiddenCount];
        double total = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            for (int h = 0; h < hiddenCount; h++)
            {
                hidden[h] = Math.Tanh(w1[h, 0] * points[i, 0] + w1[h, 1] * points[i, 1] + b1[h]);
            }

            double logit = b2;
            for (int h = 0; h < hiddenCount; h++)
            {
                logit += w2[h] * hidden[h];
            }

            // −log σ(z) for label 1, −log(1 − σ(z)) for label 0, written stably: softplus(z) − label·z.
            double softplus = Math.Max(logit, 0) + Math.Log(1 + Math.Exp(-Math.Abs(logit)));
            total += softplus - labels[i] * logit;
        }

        return total / labels.Length;
    }

    /// <summary>The network's prediction (probability of label 1) for one point; plain C#.</summary>
    public static double Predict(double[,] w1, double[] b1, double[] w2, double b2, double px, double py)
    {
        double logit = b2;
        for (int h = 0; h < b1.Length; h++)
        {
            logit += w2[h] * Math.Tanh(w1[h, 0] * px + w1[h, 1] * py + b1[h]);
        }

        return 1 / (1 + Math.Exp(-logit));
    }
}
