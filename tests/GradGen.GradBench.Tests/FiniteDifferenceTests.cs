using System;
using System.Linq;
using System.Text.Json.Nodes;
using Xunit;

namespace GradGen.GradBench.Tests;

/// <summary>
/// Each module's GradGen derivative against central finite differences of its own objective, independently of the
/// golden files (and of GradBench's manual tool). Tolerances are GradBench's difference metric; five-point central
/// differences with h = 1e-4·max(1, |xᵢ|) agree with GradGen to (worst measured) llsq 4e-11, lse 9e-12, det 6e-14,
/// ode 1e-14, gmm d=2 2.6e-9, gmm d=10 8.7e-8, lstm 2e-11: 1e-7, and 1e-6 for gmm d=10.
/// </summary>
public sealed class FiniteDifferenceTests
{
    private const double Tolerance = 1e-7;

    [Fact]
    public void Llsq()
    {
        var input = Golden.Input("llsq_n16_m128");
        double[] x = Vector(input["x"]!);
        int n = (int)input["n"]!;
        var gradient = new double[x.Length];
        double value = GradBench.Llsq.ObjectiveGradient(x, n, gradient);
        Assert.Equal(GradBench.Llsq.Objective(x, n), value);
        for (int i = 0; i < x.Length; i++)
        {
            double fd = FiniteDifference.Partial(() => GradBench.Llsq.Objective(x, n), x, i);
            FiniteDifference.AssertClose(fd, gradient[i], Tolerance, $"llsq ∂/∂x[{i}]");
        }
    }

    [Fact]
    public void Lse()
    {
        double[] x = Vector(Golden.Input("lse_n2500")["x"]!);
        var gradient = new double[x.Length];
        GradBench.Lse.ObjectiveGradient(x, gradient);
        int argmax = Array.IndexOf(x, x.Max());
        foreach (int i in new[] { 0, 1, 2, 100, 1234, argmax, x.Length - 1 })
        {
            double fd = FiniteDifference.Partial(() => GradBench.Lse.Objective(x), x, i);
            FiniteDifference.AssertClose(fd, gradient[i], Tolerance, $"lse ∂/∂x[{i}]");
        }

        // The gradient of log-sum-exp is the softmax: it sums to 1.
        Assert.Equal(1.0, gradient.Sum(), 12);
    }

    [Fact]
    public void Det()
    {
        var input = Golden.Input("det_ell5");
        double[] a = Vector(input["A"]!);
        var gradient = new double[a.Length];
        GradBench.Det.ObjectiveGradient(a, 5, gradient);
        for (int i = 0; i < a.Length; i++)
        {
            double fd = FiniteDifference.Partial(() => GradBench.Det.Objective(a, 5), a, i);
            FiniteDifference.AssertClose(fd, gradient[i], Tolerance, $"det ∂/∂A[{i}]");
        }
    }

    [Fact]
    public void DetOfKnownMatrices()
    {
        // det [[2, 1, 0], [1, 3, 1], [0, 1, 4]] = 2·11 − 1·4 = 18; its gradient is the cofactor matrix.
        double[] a = { 2, 1, 0, 1, 3, 1, 0, 1, 4 };
        var gradient = new double[9];
        Assert.Equal(18.0, GradBench.Det.ObjectiveGradient(a, 3, gradient));
        Assert.Equal(new double[] { 11, -4, 1, -4, 8, -2, 1, -2, 5 }, gradient);

        double[] one = { 7.5 };
        var dOne = new double[1];
        Assert.Equal(7.5, GradBench.Det.ObjectiveGradient(one, 1, dOne));
        Assert.Equal(1.0, dOne[0]);
    }

    [Fact]
    public void Ode()
    {
        // n = 1000 (the golden size) has a last component that is exactly 0; a short chain over several steps does not.
        var random = new Random(31337);
        double[] x = Enumerable.Range(0, 6).Select(_ => random.NextDouble()).ToArray();
        const int s = 4;
        var gradient = new double[x.Length];
        double value = GradBench.Ode.LastComponentGradient(x, s, gradient);
        Assert.True(value > 0);
        Assert.All(gradient, g => Assert.True(g > 0));
        for (int i = 0; i < x.Length; i++)
        {
            double fd = FiniteDifference.Partial(() => GradBench.Ode.LastComponent(x, s), x, i);
            FiniteDifference.AssertClose(fd, gradient[i], Tolerance, $"ode ∂/∂x[{i}]");
        }

        // The primal's last component is the differentiated function, to the bit.
        Assert.Equal(value, GradBench.Ode.Solve(x, s)[^1]);
    }

    [Fact]
    public void OdeConvergesToTheGradientOfTheExactSolution()
    {
        // y₀(t) = x₀t and yᵢ(t) = xᵢ ∫ yᵢ₋₁ give yₙ₋₁(2) = x₀·x₁···xₙ₋₁·2ⁿ/n!, whose ∂/∂xᵢ is yₙ₋₁(2)/xᵢ (the
        // closed form GradBench's manual tool answers with). RK4 with many steps must approach it.
        double[] x = { 0.9, 0.7, 1.3, 0.4, 1.1 };
        var gradient = new double[x.Length];
        double value = GradBench.Ode.LastComponentGradient(x, 200, gradient);
        double exact = x.Aggregate(1.0, (p, v) => p * v) * Math.Pow(2, x.Length) / 120.0;
        Assert.Equal(exact, value, 1e-9);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(exact / x[i], gradient[i], 1e-8);
        }
    }

    [Fact]
    public void Gmm()
    {
        foreach (var workload in new[] { "gmm_2_5_1000", "gmm_10_5_1000" })
        {
            var input = Golden.Input(workload);
            int d = (int)input["d"]!, k = (int)input["k"]!, n = (int)input["n"]!, m = (int)input["m"]!;
            double gamma = (double)input["gamma"]!;
            double[] alpha = Vector(input["alpha"]!), mu = Matrix(input["mu"]!), q = Matrix(input["q"]!), l = Matrix(input["l"]!);
            double[] x = Matrix(input["x"]!);
            var dAlpha = new double[alpha.Length];
            var dMu = new double[mu.Length];
            var dQ = new double[q.Length];
            var dL = new double[l.Length];
            GradBench.Gmm.ObjectiveGradient(alpha, mu, q, l, x, gamma, m, d, k, n, dAlpha, dMu, dQ, dL);
            double F() => GradBench.Gmm.Objective(alpha, mu, q, l, x, gamma, m, d, k, n);

            // d = 2: every parameter; d = 10: every 7th (the objective costs a millisecond there). At d = 10 the
            // objective is about −4e4, so rounding in f alone costs ~1e-7 at h = 1e-4 (and truncation more at larger
            // steps; measured worst 8.7e-8): 1e-6 there.
            int stride = d == 2 ? 1 : 7;
            foreach (var (name, values, derivative) in new[] { ("alpha", alpha, dAlpha), ("mu", mu, dMu), ("q", q, dQ), ("l", l, dL) })
            {
                for (int i = 0; i < values.Length; i += stride)
                {
                    double fd = FiniteDifference.Partial(F, values, i);
                    FiniteDifference.AssertClose(fd, derivative[i], d == 2 ? Tolerance : 1e-6, $"{workload} ∂/∂{name}[{i}]");
                }
            }
        }
    }

    [Fact]
    public void KmeansDirectionIsTheGradientOverTheCountsOfTheNearestPoints()
    {
        // Closed form (for a fixed assignment of points to their nearest centroid): ∂cost/∂Cⱼ = 2 Σ_{i→j} (Cⱼ − Pᵢ),
        // ∂²cost/∂Cⱼₜ² = 2 |{i → j}|, so dir = (Cⱼ − mean of its points)·... = Σ(Cⱼ − Pᵢ) / count. Checked per entry, and
        // the gradient against central differences of the cost.
        var input = Golden.Input("kmeans_k10_n1000_d8");
        double[] points = Matrix(input["points"]!), centroids = Matrix(input["centroids"]!);
        int k = input["centroids"]!.AsArray().Count, d = input["centroids"]![0]!.AsArray().Count, n = points.Length / d;
        var sums = new double[k * d];
        var counts = new int[k];
        for (int i = 0; i < n; i++)
        {
            int nearest = 0;
            double best = double.PositiveInfinity;
            for (int j = 0; j < k; j++)
            {
                double distance = 0;
                for (int t = 0; t < d; t++)
                {
                    distance += (centroids[j * d + t] - points[i * d + t]) * (centroids[j * d + t] - points[i * d + t]);
                }

                if (distance < best)
                {
                    best = distance;
                    nearest = j;
                }
            }

            counts[nearest]++;
            for (int t = 0; t < d; t++)
            {
                sums[nearest * d + t] += centroids[nearest * d + t] - points[i * d + t];
            }
        }

        var kmeansInput = new KmeansInput(points, centroids, n, k, d);
        var direction = new double[k * d];
        GradBench.Kmeans.Direction(kmeansInput, direction, new double[k * d], Enumerable.Repeat(1.0, k * d).ToArray());
        var gradient = new double[k * d];
        GradBench.Kmeans.CostGradient(points, centroids, n, k, d, gradient);
        for (int e = 0; e < k * d; e++)
        {
            Assert.Equal(sums[e] / counts[e / d], direction[e], 1e-12);
            Assert.Equal(2 * sums[e], gradient[e], 1e-10);
            // The cost is quadratic between the kinks where a point changes centroid, which some points sit within 1e-4
            // of: a small step stays on one piece, and rounding in the cost (about 600) bounds the error near 1e-7.
            FiniteDifference.AssertClose(FiniteDifference.Partial(() => GradBench.Kmeans.Cost(points, centroids, n, k, d), centroids, e, step: 1e-6), gradient[e], 1e-6, $"∂cost/∂C[{e}]");
        }
    }

    [Fact]
    public void Lstm()
    {
        // A small random network (l = 2 layers, b = 3 cells, c = 5 characters); the golden-size input (l = 2,
        // c = 1024, b = 14) is checked the same way on a few parameters below.
        var random = new Random(7);
        const int l = 2, b = 3, c = 5;
        double[] main = Enumerable.Range(0, 8 * l * b).Select(_ => random.NextDouble() - 0.5).ToArray();
        double[] extra = Enumerable.Range(0, 3 * b).Select(_ => random.NextDouble() - 0.5).ToArray();
        double[] state = Enumerable.Range(0, 2 * l * b).Select(_ => random.NextDouble() - 0.5).ToArray();
        double[] sequence = Enumerable.Range(0, c * b).Select(_ => random.NextDouble()).ToArray();
        CheckLstm(main, extra, state, sequence, l, c, b, stride: 1);

        var input = Golden.Input("lstm_l2_c1024");
        int layers = input["main_params"]!.AsArray().Count / 2;
        int bits = input["main_params"]![0]!.AsArray().Count / 4;
        int chars = input["sequence"]!.AsArray().Count;
        CheckLstm(
            Matrix(input["main_params"]!), Matrix(input["extra_params"]!), Matrix(input["state"]!), Matrix(input["sequence"]!),
            layers, chars, bits, stride: 13);
    }

    private static void CheckLstm(double[] main, double[] extra, double[] state, double[] sequence, int l, int c, int b, int stride)
    {
        var dMain = new double[main.Length];
        var dExtra = new double[extra.Length];
        var stateBefore = (double[])state.Clone();
        GradBench.Lstm.ObjectiveGradient(main, extra, state, sequence, l, c, b, dMain, dExtra);
        Assert.Equal(stateBefore, state);   // the objective works on a copy of the state
        double F() => GradBench.Lstm.Objective(main, extra, state, sequence, l, c, b);
        for (int i = 0; i < main.Length; i += stride)
        {
            FiniteDifference.AssertClose(FiniteDifference.Partial(F, main, i), dMain[i], Tolerance, $"lstm ∂/∂main[{i}]");
        }

        for (int i = 0; i < extra.Length; i += Math.Min(stride, 5))
        {
            FiniteDifference.AssertClose(FiniteDifference.Partial(F, extra, i), dExtra[i], Tolerance, $"lstm ∂/∂extra[{i}]");
        }
    }

    private static double[] Vector(JsonNode node) => node.AsArray().Select(v => (double)v!).ToArray();

    private static double[] Matrix(JsonNode node) => node.AsArray().SelectMany(row => row!.AsArray().Select(v => (double)v!)).ToArray();
}
