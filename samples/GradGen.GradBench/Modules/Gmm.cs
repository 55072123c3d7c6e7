using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GradGen.GradBench;

/// <summary>
/// GradBench's <c>gmm</c> eval (ADBench's Gaussian mixture model objective with a Wishart prior), written from the
/// math. Per component k: weight αₖ, mean μₖ ∈ ℝᵈ, inverse-covariance factor Qₖ = diag(exp qₖ) + Lₖ with Lₖ strictly
/// lower triangular, its d(d−1)/2 entries stored column by column.
/// <code>
/// f = −(n·d/2) log 2π + Σᵢ logsumexpₖ(αₖ + Σ qₖ − ½‖Qₖ(xᵢ − μₖ)‖²) − n·logsumexp(α)
///     − Σₖ (½γ²(‖exp qₖ‖² + ‖Lₖ‖²) − m·Σ qₖ) + K·C,   C = N·d·(log γ − ½ log 2) − log Γ_d(N/2),  N = d + m + 1
/// </code>
/// Functions: <c>objective</c> (f) and <c>jacobian</c> (∇f over α, μ, q and L from GradGen's <c>ObjectiveGradient</c>).
/// </summary>
public static partial class Gmm
{
    [Differentiable]
    public static double Objective(
        double[] alpha,
        double[] mu,
        double[] q,
        double[] l,
        [NoDerivative] double[] x,
        [NoDerivative] double gamma,
        int m,
        int d,
        int k,
        int n)
    {
        int lSize = d * (d - 1) / 2;
        double constant = -n * d * 0.5 * Math.Log(2.0 * Math.PI);

        double[] qDiag = new double[d * k];
        double[] sumQ = new double[k];
        for (int i = 0; i < d * k; i++)
        {
            qDiag[i] = Math.Exp(q[i]);
        }

        for (int ik = 0; ik < k; ik++)
        {
            double sum = 0.0;
            for (int j = 0; j < d; j++)
            {
                sum += q[ik * d + j];
            }

            sumQ[ik] = sum;
        }

        double[] centered = new double[d];
        double[] qCentered = new double[d];
        double[] mainTerm = new double[k];
        double sumLse = 0.0;
        for (int ix = 0; ix < n; ix++)
        {
            for (int ik = 0; ik < k; ik++)
            {
                for (int j = 0; j < d; j++)
                {
                    centered[j] = x[ix * d + j] - mu[ik * d + j];
                }

                // Q·(x − μ): the diagonal, then L column by column.
                for (int j = 0; j < d; j++)
                {
                    qCentered[j] = qDiag[ik * d + j] * centered[j];
                }

                int li = ik * lSize;
                for (int i = 0; i < d; i++)
                {
                    for (int j = i + 1; j < d; j++)
                    {
                        qCentered[j] = qCentered[j] + l[li] * centered[i];
                        li++;
                    }
                }

                double sqnorm = 0.0;
                for (int j = 0; j < d; j++)
                {
                    sqnorm += qCentered[j] * qCentered[j];
                }

                mainTerm[ik] = alpha[ik] + sumQ[ik] - 0.5 * sqnorm;
            }

            sumLse += LogSumExp(mainTerm, k);
        }

        double lseAlpha = LogSumExp(alpha, k);
        double err = constant + sumLse - n * lseAlpha;

        // Log Wishart prior.
        int wishartN = d + m + 1;
        double c = wishartN * d * (Math.Log(gamma) - 0.5 * Math.Log(2.0)) - LogMultivariateGamma(0.5 * wishartN, d);
        double prior = 0.0;
        for (int ik = 0; ik < k; ik++)
        {
            double frobenius = 0.0;
            for (int j = 0; j < d; j++)
            {
                frobenius += qDiag[ik * d + j] * qDiag[ik * d + j];
            }

            double lNorm = 0.0;
            for (int j = 0; j < lSize; j++)
            {
                lNorm += l[ik * lSize + j] * l[ik * lSize + j];
            }

            frobenius = frobenius + lNorm;
            prior += 0.5 * gamma * gamma * frobenius - m * sumQ[ik];
        }

        return err + (-prior + k * c);
    }

    /// <summary>log Σᵢ exp vᵢ over the first <paramref name="count"/> entries, shifted by their maximum.</summary>
    [Differentiable]
    public static double LogSumExp(double[] v, int count)
    {
        double max = v[0];
        for (int i = 1; i < count; i++)
        {
            max = Math.Max(max, v[i]);
        }

        double sum = 0.0;
        for (int i = 0; i < count; i++)
        {
            sum += Math.Exp(v[i] - max);
        }

        return Math.Log(sum) + max;
    }

    /// <summary>log Γ_p(a) = ¼p(p−1) log π + Σⱼ₌₁..ₚ log Γ(a + (1 − j)/2). Only ever called on constants.</summary>
    public static double LogMultivariateGamma(double a, int p)
    {
        double result = 0.25 * p * (p - 1) * Math.Log(Math.PI);
        for (int j = 1; j <= p; j++)
        {
            result += LogGamma(a + 0.5 * (1 - j));
        }

        return result;
    }

    /// <summary>
    /// log Γ(z) for z &gt; 0. .NET has no lgamma: multiples of ½ (all the Wishart constant needs) exactly from
    /// Γ(z + 1) = z·Γ(z), Γ(1) = 1, Γ(½) = √π; anything else by Lanczos (g = 7, 9 terms, about 1e-15 relative).
    /// </summary>
    public static double LogGamma(double z)
    {
        if (!(z > 0.0))
        {
            throw new ArgumentOutOfRangeException(nameof(z), z, "log Γ is only needed (and implemented) for z > 0");
        }

        if (z * 2.0 == Math.Floor(z * 2.0) && z < 1e6)
        {
            double log = 0.0;
            double y = z;
            while (y > 1.0)
            {
                y -= 1.0;
                log += Math.Log(y);
            }

            return y == 1.0 ? log : log + 0.5 * Math.Log(Math.PI);
        }

        if (z < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * z))) - LogGamma(1.0 - z);
        }

        ReadOnlySpan<double> coefficients =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        double w = z - 1.0;
        double series = coefficients[0];
        for (int i = 1; i < coefficients.Length; i++)
        {
            series += coefficients[i] / (w + i);
        }

        double t = w + 7.5;
        return 0.5 * Math.Log(2.0 * Math.PI) + (w + 0.5) * Math.Log(t) - t + Math.Log(series);
    }

    public static GradBenchModule Module { get; } = new(
        "gmm",
        "objective",
        "jacobian",
        input =>
        {
            var i = Read(input);
            return $"{i.D}_{i.K}_{i.N}";
        },
        new GradBenchFunction("objective", json =>
        {
            var p = Read(json);
            double result = 0.0;
            return new PreparedCall(
                () => result = Objective(p.Alpha, p.Mu, p.Q, p.L, p.X, p.Gamma, p.M, p.D, p.K, p.N),
                () => OutputJson.Number(result));
        }),
        new GradBenchFunction("jacobian", json =>
        {
            var p = Read(json);
            var dAlpha = new double[p.Alpha.Length];
            var dMu = new double[p.Mu.Length];
            var dQ = new double[p.Q.Length];
            var dL = new double[p.L.Length];
            return new PreparedCall(
                () => ObjectiveGradient(p.Alpha, p.Mu, p.Q, p.L, p.X, p.Gamma, p.M, p.D, p.K, p.N, dAlpha, dMu, dQ, dL),
                () => JsonSerializer.SerializeToElement(
                    new GmmJacobian
                    {
                        Alpha = dAlpha,
                        Mu = OutputJson.Rows(dMu, p.K, p.D),
                        Q = OutputJson.Rows(dQ, p.K, p.D),
                        L = OutputJson.Rows(dL, p.K, p.D * (p.D - 1) / 2),
                    },
                    GmmJson.Default.GmmJacobian));
        }));

    /// <summary>The input with every matrix flattened row-major, as <see cref="Objective"/> takes it.</summary>
    private sealed record Parameters(
        int D, int K, int N, double[] Alpha, double[] Mu, double[] Q, double[] L, double[] X, double Gamma, int M);

    private static Parameters Read(JsonElement json)
    {
        var input = json.Deserialize(GmmJson.Default.GmmInput) ?? throw new JsonException("gmm: input is null");
        int d = input.D, k = input.K, n = input.N;
        void Check(string name, double[][] rows, int count, int length)
        {
            if (rows.Length != count || Array.Exists(rows, r => r.Length != length))
            {
                throw new JsonException($"gmm: {name} must be {count} rows of {length} (d={d}, k={k}, n={n})");
            }
        }

        Check("x", input.X, n, d);
        Check("mu", input.Mu, k, d);
        Check("q", input.Q, k, d);
        Check("l", input.L, k, d * (d - 1) / 2);
        if (input.Alpha.Length != k)
        {
            throw new JsonException($"gmm: alpha must have k={k} entries");
        }

        return new Parameters(
            d, k, n, input.Alpha, OutputJson.Flatten(input.Mu), OutputJson.Flatten(input.Q), OutputJson.Flatten(input.L),
            OutputJson.Flatten(input.X), input.Gamma, input.M);
    }
}

internal sealed class GmmInput
{
    [JsonPropertyName("d"), JsonRequired]
    public int D { get; set; }

    [JsonPropertyName("k"), JsonRequired]
    public int K { get; set; }

    [JsonPropertyName("n"), JsonRequired]
    public int N { get; set; }

    [JsonPropertyName("x"), JsonRequired]
    public double[][] X { get; set; } = Array.Empty<double[]>();

    [JsonPropertyName("m"), JsonRequired]
    public int M { get; set; }

    [JsonPropertyName("gamma"), JsonRequired]
    public double Gamma { get; set; }

    [JsonPropertyName("alpha"), JsonRequired]
    public double[] Alpha { get; set; } = Array.Empty<double>();

    [JsonPropertyName("mu"), JsonRequired]
    public double[][] Mu { get; set; } = Array.Empty<double[]>();

    [JsonPropertyName("q"), JsonRequired]
    public double[][] Q { get; set; } = Array.Empty<double[]>();

    [JsonPropertyName("l"), JsonRequired]
    public double[][] L { get; set; } = Array.Empty<double[]>();
}

internal sealed class GmmJacobian
{
    [JsonPropertyName("alpha")]
    public double[] Alpha { get; set; } = Array.Empty<double>();

    [JsonPropertyName("mu")]
    public double[][] Mu { get; set; } = Array.Empty<double[]>();

    [JsonPropertyName("q")]
    public double[][] Q { get; set; } = Array.Empty<double[]>();

    [JsonPropertyName("l")]
    public double[][] L { get; set; } = Array.Empty<double[]>();
}

[JsonSerializable(typeof(GmmInput))]
[JsonSerializable(typeof(GmmJacobian))]
internal sealed partial class GmmJson : JsonSerializerContext
{
}
