using System;
using GradGen;

namespace GradGen.Samples;

/// <summary>
/// The functions the sample differentiates. Each [Differentiable] method gets, in this same partial class,
/// <c>NameForward</c> (value and directional derivative), <c>NameGradient</c> (value and gradient) and
/// <c>NameReverse</c> (value, and seed times the gradient added to the ref arguments).
/// </summary>
public static partial class Functions
{
    /// <summary>f(x, y) = x² + 3xy.</summary>
    [Differentiable]
    public static double Quadratic(double x, double y) => x * x + 3 * x * y;

    /// <summary>g(x, y) = (x + 2y³)², written with locals.</summary>
    [Differentiable]
    public static double SquareOfCubic(double x, double y)
    {
        double inner = x + 2 * y * y * y;
        return inner * inner;
    }

    /// <summary>exp(x₁x₂²).</summary>
    [Differentiable]
    public static double Exp(double x1, double x2) => Math.Exp(x1 * x2 * x2);

    /// <summary>exp(x₁x₂²) along the spiral x(t) = (t cos t, t sin t): a call to another [Differentiable] method.</summary>
    [Differentiable]
    public static double ExpOnSpiral(double t) => Exp(t * Math.Cos(t), t * Math.Sin(t));

    /// <summary>h(x) = (sin x⁴)⁵.</summary>
    [Differentiable]
    public static double SinPow(double x) => Math.Pow(Math.Sin(Math.Pow(x, 4)), 5);

    /// <summary>q(x) = x² − 4x + 3, minimised at x = 2.</summary>
    [Differentiable]
    public static double Parabola(double x) => x * x - 4 * x + 3;
}
