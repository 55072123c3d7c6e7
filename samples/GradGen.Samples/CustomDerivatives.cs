using System;
using GradGen;

namespace GradGen.Samples;

/// <summary>
/// Derivatives the user knows better than any tool, written once with [DerivativeOf]: GradGen calls them wherever
/// differentiable code calls their method, in forward mode, reverse mode and Hessians.
/// </summary>
public static partial class Custom
{
    /// <summary>log(1 + eᵗ) that does not overflow: at t = 800, eᵗ is infinite but the answer is 800.</summary>
    public static double Softplus(double t) => t > 0 ? t + Math.Log(1 + Math.Exp(-t)) : Math.Log(1 + Math.Exp(t));

    /// <summary>σ(t) = 1 / (1 + e⁻ᵗ), softplus' derivative, written so it never divides ∞ by ∞.</summary>
    public static double Logistic(double t) => t >= 0 ? 1 / (1 + Math.Exp(-t)) : Math.Exp(t) / (1 + Math.Exp(t));

    [DerivativeOf(nameof(Softplus))]
    public static (double Value, double Tangent) SoftplusForward(double t, double dT) => (Softplus(t), Logistic(t) * dT);

    [DerivativeOf(nameof(Softplus))]
    public static double SoftplusReverse(double t, double seed, ref double dT)
    {
        dT += seed * Logistic(t);
        return Softplus(t);
    }

    /// <summary>Forward mode applied to SoftplusReverse, with softplus'' = σ(1 − σ): what Hessians of callers call.</summary>
    [DerivativeOf(nameof(Softplus))]
    public static double SoftplusReverseTangent(double t, double seed, ref double dT, double vT, double vSeed, ref double hvT)
    {
        double s = Logistic(t);
        dT += seed * s;
        hvT += vSeed * s + seed * s * (1 - s) * vT;
        return Softplus(t);
    }

    /// <summary>Logistic-regression loss of one example (x, label y = ±1) for weights (w, b): softplus(−y(wx + b)).</summary>
    [Differentiable(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Hessian)]
    public static double LogisticLoss(double w, double b, [NoDerivative] double x, [NoDerivative] double y) => Softplus(-y * (w * x + b));

    /// <summary>
    /// The real root y of y³ + y = a, by Newton's method: a function of a that no formula differentiates, since the
    /// loop only approximates it.
    /// </summary>
    public static double CubicRoot(double a)
    {
        double y = Math.Cbrt(a);
        for (int i = 0; i < 50; i++)
        {
            double step = (y * y * y + y - a) / (3 * y * y + 1);
            y -= step;
            if (Math.Abs(step) <= 1e-16 * Math.Max(1, Math.Abs(y)))
            {
                break;
            }
        }

        return y;
    }

    // The implicit function theorem: y³ + y − a = 0 gives (3y² + 1) dy = da, exactly, at the root found.
    [DerivativeOf(nameof(CubicRoot))]
    public static (double Value, double Tangent) CubicRootForward(double a, double dA)
    {
        double y = CubicRoot(a);
        return (y, dA / (3 * y * y + 1));
    }

    [DerivativeOf(nameof(CubicRoot))]
    public static double CubicRootReverse(double a, double seed, ref double dA)
    {
        double y = CubicRoot(a);
        dA += seed / (3 * y * y + 1);
        return y;
    }

    /// <summary>A quantity built on the root: y(a·b)² + b.</summary>
    [Differentiable]
    public static double RootEnergy(double a, double b)
    {
        double y = CubicRoot(a * b);
        return y * y + b;
    }
}
