using System;
using BenchmarkDotNet.Attributes;

namespace GradGen.Benchmarks;

/// <summary>
/// The price alone, then three ways to get the price and all five sensitivities: GradGen's generated reverse mode,
/// hand-written closed-form greeks, and central finite differences.
/// </summary>
[MemoryDiagnoser]
public class BlackScholesBenchmarks
{
    // Fields, not constants, so the JIT cannot fold the inputs.
    private double s = 100.0;
    private double k = 95.0;
    private double r = 0.03;
    private double sigma = 0.25;
    private double t = 0.75;

    /// <summary>Benchmarking a wrong gradient is pointless: check the three gradients agree before timing.</summary>
    [GlobalSetup]
    public void CheckAgreement()
    {
        Greeks generated = GradGenGradient();
        Greeks analytic = HandWrittenGreeks();
        Greeks fd = CentralDifferences();
        Expect("generated vs finite differences", generated, fd, 1e-6);
        Expect("generated vs hand-written", generated, analytic, 1e-4);
    }

    [Benchmark(Baseline = true)]
    public double Price() => BlackScholes.Call(s, k, r, sigma, t);

    [Benchmark]
    public Greeks GradGenGradient()
    {
        double price = BlackScholes.CallGradient(s, k, r, sigma, t,
            out double dS, out double dK, out double dR, out double dSigma, out double dT);
        return new Greeks(price, dS, dK, dR, dSigma, dT);
    }

    [Benchmark]
    public Greeks HandWrittenGreeks() => BlackScholes.AnalyticGreeks(s, k, r, sigma, t);

    [Benchmark]
    public Greeks CentralDifferences() => BlackScholes.FiniteDifferenceGreeks(s, k, r, sigma, t);

    private static void Expect(string what, Greeks actual, Greeks expected, double tolerance)
    {
        ReadOnlySpan<double> a = [actual.Price, actual.Delta, actual.DK, actual.Rho, actual.Vega, actual.DT];
        ReadOnlySpan<double> e = [expected.Price, expected.Delta, expected.DK, expected.Rho, expected.Vega, expected.DT];
        for (int i = 0; i < a.Length; i++)
        {
            if (Math.Abs(a[i] - e[i]) > tolerance * Math.Max(1.0, Math.Abs(e[i])))
            {
                throw new InvalidOperationException($"{what} disagree: {actual} vs {expected}");
            }
        }
    }
}
