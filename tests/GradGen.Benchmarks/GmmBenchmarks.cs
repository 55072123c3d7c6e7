using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using GradGen.Models;

namespace GradGen.Benchmarks;

/// <summary>
/// ADBench's Gaussian mixture model objective (tests/GradGen.Tests/Models/Gmm.cs, checked there against ADBench's
/// hand-written gradient) against its GradGen reverse-mode gradient and a hand-derived C# gradient
/// (<see cref="GmmHandWritten"/>), at two ADBench sizes:
/// d = 2, K = 5, n = 1000 (ADBench's data/gmm/1k/gmm_d2_K5.txt, in tests/Data/adbench) and d = 10, K = 25, n = 1000
/// (generated from a fixed seed in ADBench's shapes: N(0, 1) alphas, icf and points, U(0, 1) means, γ = 1, m = 0).
/// </summary>
[MemoryDiagnoser]
public class GmmBenchmarks
{
    private GmmInput input = null!;
    private double[] gradAlphas = null!;
    private double[] gradMeans = null!;
    private double[] gradIcf = null!;
    private double[] handAlphas = null!;
    private double[] handMeans = null!;
    private double[] handIcf = null!;

    [Params("d2_K5_n1000", "d10_K25_n1000")]
    public string Size { get; set; } = "d2_K5_n1000";

    [GlobalSetup]
    public void Setup()
    {
        input = Size switch
        {
            "d2_K5_n1000" => ReadAdBench(Path.Combine("1k", "gmm_d2_K5.txt"), d: 2, k: 5, n: 1000),
            "d10_K25_n1000" => Generate(d: 10, k: 25, n: 1000, seed: 25_1000),
            _ => throw new ArgumentException("Unknown size " + Size),
        };
        gradAlphas = new double[input.Alphas.Length];
        gradMeans = new double[input.Means.Length];
        gradIcf = new double[input.Icf.Length];
        handAlphas = new double[input.Alphas.Length];
        handMeans = new double[input.Means.Length];
        handIcf = new double[input.Icf.Length];
        CheckGradient();
        CheckHandWritten();
    }

    [Benchmark(Baseline = true)]
    public double Objective() =>
        Gmm.Objective(input.Alphas, input.Means, input.Icf, input.X, input.WishartGamma, input.WishartM, input.D, input.K, input.N);

    [Benchmark]
    public double ObjectiveGradient() =>
        Gmm.ObjectiveGradient(input.Alphas, input.Means, input.Icf, input.X, input.WishartGamma, input.WishartM, input.D, input.K, input.N,
            gradAlphas, gradMeans, gradIcf);

    [Benchmark]
    public double HandWrittenGradient() =>
        GmmHandWritten.Gradient(input.Alphas, input.Means, input.Icf, input.X, input.WishartGamma, input.WishartM, input.D, input.K, input.N,
            handAlphas, handMeans, handIcf);

    /// <summary>Benchmarking a wrong gradient is pointless: same value, and ∇f·v equals a central difference along a random v.</summary>
    private void CheckGradient()
    {
        double value = Objective();
        double fromGradient = ObjectiveGradient();
        if (Math.Abs(value - fromGradient) > 1e-10 * Math.Max(1.0, Math.Abs(value)))
        {
            throw new InvalidOperationException($"GMM {Size}: ObjectiveGradient returns {fromGradient:R}, Objective {value:R}.");
        }

        var random = new Random(7);
        double[] va = RandomVector(random, input.Alphas.Length);
        double[] vm = RandomVector(random, input.Means.Length);
        double[] vi = RandomVector(random, input.Icf.Length);
        double dot = Dot(gradAlphas, va) + Dot(gradMeans, vm) + Dot(gradIcf, vi);
        const double h = 1e-6;
        double plus = Gmm.Objective(Shift(input.Alphas, va, h), Shift(input.Means, vm, h), Shift(input.Icf, vi, h),
            input.X, input.WishartGamma, input.WishartM, input.D, input.K, input.N);
        double minus = Gmm.Objective(Shift(input.Alphas, va, -h), Shift(input.Means, vm, -h), Shift(input.Icf, vi, -h),
            input.X, input.WishartGamma, input.WishartM, input.D, input.K, input.N);
        double fd = (plus - minus) / (2 * h);
        if (Math.Abs(fd - dot) > 1e-5 * Math.Max(1.0, Math.Abs(dot)))
        {
            throw new InvalidOperationException($"GMM {Size}: gradient·v = {dot:R}, central difference {fd:R}.");
        }
    }

    /// <summary>The hand-derived gradient must be the same gradient (GradGen's was just checked against a central difference).</summary>
    private void CheckHandWritten()
    {
        double value = HandWrittenGradient();
        double generated = ObjectiveGradient();
        double worst = Math.Abs(value - generated) / Math.Max(1.0, Math.Abs(generated));
        foreach (var (hand, gradGen) in new[] { (handAlphas, gradAlphas), (handMeans, gradMeans), (handIcf, gradIcf) })
        {
            for (int i = 0; i < hand.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(hand[i] - gradGen[i]) / Math.Max(1.0, Math.Abs(gradGen[i])));
            }
        }

        if (worst > 1e-10)
        {
            throw new InvalidOperationException($"GMM {Size}: the hand-written gradient differs from GradGen's by {worst:E2} (relative).");
        }
    }

    /// <summary>
    /// An ADBench input file from tests/Data/adbench/data/gmm (copied by the project file to Data/adbench/data/gmm in
    /// the output directory), checked to have the expected shape.
    /// </summary>
    private static GmmInput ReadAdBench(string relativePath, int d, int k, int n)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Data", "adbench", "data", "gmm", relativePath);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing; GradGen.Benchmarks.csproj copies it there from tests/Data/adbench.", path);
        }

        var read = GmmInput.Read(path);
        if (read.D != d || read.K != k || read.N != n)
        {
            throw new InvalidDataException($"{path}: d = {read.D}, K = {read.K}, n = {read.N}; expected {d}, {k}, {n}.");
        }

        return read;
    }

    private static GmmInput Generate(int d, int k, int n, int seed)
    {
        var random = new Random(seed);
        int icfSize = d * (d + 1) / 2;
        var alphas = new double[k];
        var means = new double[k * d];
        var icf = new double[k * icfSize];
        var x = new double[n * d];
        for (int i = 0; i < alphas.Length; i++)
        {
            alphas[i] = Normal(random);
        }

        for (int i = 0; i < means.Length; i++)
        {
            means[i] = random.NextDouble();
        }

        for (int i = 0; i < icf.Length; i++)
        {
            icf[i] = Normal(random);
        }

        for (int i = 0; i < x.Length; i++)
        {
            x[i] = Normal(random);
        }

        return new GmmInput(d, k, n, alphas, means, icf, x, wishartGamma: 1.0, wishartM: 0);
    }

    /// <summary>Standard normal by Box–Muller.</summary>
    private static double Normal(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static double[] RandomVector(Random random, int length)
    {
        var v = new double[length];
        for (int i = 0; i < length; i++)
        {
            v[i] = random.NextDouble() * 2 - 1;
        }

        return v;
    }

    private static double[] Shift(double[] x, double[] v, double h)
    {
        var result = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            result[i] = x[i] + h * v[i];
        }

        return result;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0.0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
