using System;
using GradGen;

namespace GradGen.Benchmarks;

/// <summary>
/// The Black–Scholes price of a European call, written as plain C#. GradGen generates <c>CallGradient</c>
/// (all five sensitivities in one reverse pass), <c>CallForward</c> and <c>CallReverse</c>.
/// </summary>
public static partial class BlackScholes
{
    // Abramowitz & Stegun 7.1.26: erf(z) ≈ 1 − (a₁u + a₂u² + a₃u³ + a₄u⁴ + a₅u⁵) e^(−z²), u = 1 / (1 + p z), z ≥ 0;
    // absolute error below 1.5e-7.
    private const double P = 0.3275911;
    private const double A1 = 0.254829592;
    private const double A2 = -0.284496736;
    private const double A3 = 1.421413741;
    private const double A4 = -1.453152027;
    private const double A5 = 1.061405429;
    private const double InvSqrt2 = 0.70710678118654752440;
    private const double InvSqrt2Pi = 0.39894228040143267794;

    /// <summary>C(S, K, r, σ, T) = S Φ(d₁) − K e^(−rT) Φ(d₂).</summary>
    [Differentiable]
    public static double Call(double s, double k, double r, double sigma, double t)
    {
        double sqrtT = Math.Sqrt(t);
        double sigmaSqrtT = sigma * sqrtT;
        double d1 = (Math.Log(s / k) + (r + 0.5 * sigma * sigma) * t) / sigmaSqrtT;
        double d2 = d1 - sigmaSqrtT;
        return s * NormCdf(d1) - k * Math.Exp(-r * t) * NormCdf(d2);
    }

    /// <summary>The standard normal CDF Φ(x) = ½(1 + erf(x / √2)), erf by A&amp;S 7.1.26.</summary>
    [Differentiable]
    public static double NormCdf(double x)
    {
        double z = x * InvSqrt2;
        double az = z < 0 ? -z : z;
        double u = 1.0 / (1.0 + P * az);
        double poly = u * (A1 + u * (A2 + u * (A3 + u * (A4 + u * A5))));
        double erf = 1.0 - poly * Math.Exp(-az * az);
        if (z < 0)
        {
            return 0.5 * (1.0 - erf);
        }

        return 0.5 * (1.0 + erf);
    }

    /// <summary>The standard normal density φ(x) = e^(−x²/2) / √(2π).</summary>
    public static double NormPdf(double x) => InvSqrt2Pi * Math.Exp(-0.5 * x * x);

    /// <summary>
    /// The closed-form sensitivities of the exact Black–Scholes formula, with Φ by the same A&amp;S approximation.
    /// These are derivatives of the true price, not of the approximation, so they differ from the generated
    /// gradient by the error of the approximation's derivative (about 1e-5 relative here): fine for timing.
    /// </summary>
    public static Greeks AnalyticGreeks(double s, double k, double r, double sigma, double t)
    {
        double sqrtT = Math.Sqrt(t);
        double sigmaSqrtT = sigma * sqrtT;
        double d1 = (Math.Log(s / k) + (r + 0.5 * sigma * sigma) * t) / sigmaSqrtT;
        double d2 = d1 - sigmaSqrtT;
        double nd1 = NormCdf(d1);
        double nd2 = NormCdf(d2);
        double pdf1 = NormPdf(d1);
        double discount = Math.Exp(-r * t);

        double price = s * nd1 - k * discount * nd2;
        double delta = nd1;                                                    // ∂C/∂S
        double dK = -discount * nd2;                                           // ∂C/∂K
        double rho = k * t * discount * nd2;                                   // ∂C/∂r
        double vega = s * pdf1 * sqrtT;                                        // ∂C/∂σ
        double dT = s * pdf1 * sigma / (2 * sqrtT) + r * k * discount * nd2;   // ∂C/∂T (theta is −∂C/∂T)
        return new Greeks(price, delta, dK, rho, vega, dT);
    }

    /// <summary>All five sensitivities by central differences: ten price evaluations.</summary>
    public static Greeks FiniteDifferenceGreeks(double s, double k, double r, double sigma, double t)
    {
        const double Rel = 1e-6;
        double hs = Rel * s, hk = Rel * k, hr = Rel, hsigma = Rel * sigma, ht = Rel * t;
        return new Greeks(
            Call(s, k, r, sigma, t),
            (Call(s + hs, k, r, sigma, t) - Call(s - hs, k, r, sigma, t)) / (2 * hs),
            (Call(s, k + hk, r, sigma, t) - Call(s, k - hk, r, sigma, t)) / (2 * hk),
            (Call(s, k, r + hr, sigma, t) - Call(s, k, r - hr, sigma, t)) / (2 * hr),
            (Call(s, k, r, sigma + hsigma, t) - Call(s, k, r, sigma - hsigma, t)) / (2 * hsigma),
            (Call(s, k, r, sigma, t + ht) - Call(s, k, r, sigma, t - ht)) / (2 * ht));
    }
}

/// <summary>A price and its five first-order sensitivities.</summary>
public readonly record struct Greeks(double Price, double Delta, double DK, double Rho, double Vega, double DT);
