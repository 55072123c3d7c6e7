using System;
using System.Globalization;
using System.IO;
using GradGen;

namespace GradGen.Models
{
    /// <summary>
    /// ADBench's Gaussian mixture model objective (src/cpp/shared/gmm.h, "gmm_objective"), written as plain C# from
    /// the math. GradGen generates <c>ObjectiveGradient</c> (reverse mode: gradient over alphas, means and icf) and
    /// <c>ObjectiveForward</c> (a directional derivative).
    /// <para>
    /// Layout, as in ADBench: <c>alphas[k]</c>; <c>means[k·d + i]</c>; <c>icf[k·d(d+1)/2 + ...]</c> holds, per
    /// component, the d log-diagonal entries q of the inverse-covariance factor Q = diag(exp q) + L, then the
    /// d(d−1)/2 strictly-lower-triangular entries of L column by column; <c>x[i·d + j]</c>.
    /// </para>
    /// <code>
    /// f = −(n·d/2)·log 2π + Σᵢ logsumexpₖ(αₖ + Σ qₖ − ½‖Qₖ(xᵢ − μₖ)‖²) − n·logsumexp(α)
    ///     + Σₖ (½γ²(‖exp qₖ‖² + ‖Lₖ‖²) − m·Σ qₖ) − K·C(d, γ, m)
    /// </code>
    /// with the Wishart constant C = N·d·(log γ − ½ log 2) − log Γ_d(N/2), N = d + m + 1.
    /// </summary>
    public static partial class Gmm
    {
        /// <summary>
        /// ADBench's GMM objective: the log-likelihood of the points plus the log Wishart prior (ADBench's sign
        /// convention and constants). <paramref name="x"/> and the prior's parameters carry no derivative.
        /// </summary>
        [Differentiable]
        public static double Objective(
            double[] alphas,
            double[] means,
            double[] icf,
            [NoDerivative] double[] x,
            [NoDerivative] double wishartGamma,
            int wishartM,
            int d,
            int k,
            int n)
        {
            int icfSize = d * (d + 1) / 2;

            // Per component: exp of the log-diagonal, and the sum of the log-diagonal (log det Q).
            double[] qdiags = new double[d * k];
            double[] sumQs = new double[k];
            for (int ik = 0; ik < k; ik++)
            {
                double sumQ = 0.0;
                for (int id = 0; id < d; id++)
                {
                    double q = icf[ik * icfSize + id];
                    sumQ += q;
                    qdiags[ik * d + id] = Math.Exp(q);
                }

                sumQs[ik] = sumQ;
            }

            double[] xcentered = new double[d];
            double[] qxcentered = new double[d];
            double[] mainTerm = new double[k];
            double slse = 0.0;
            for (int ix = 0; ix < n; ix++)
            {
                for (int ik = 0; ik < k; ik++)
                {
                    for (int id = 0; id < d; id++)
                    {
                        xcentered[id] = x[ix * d + id] - means[ik * d + id];
                    }

                    // Q·(x − μ) with Q = diag(exp q) + L, L strictly lower triangular stored column-wise.
                    for (int id = 0; id < d; id++)
                    {
                        qxcentered[id] = qdiags[ik * d + id] * xcentered[id];
                    }

                    int l = ik * icfSize + d;
                    for (int i = 0; i < d; i++)
                    {
                        for (int j = i + 1; j < d; j++)
                        {
                            qxcentered[j] += icf[l] * xcentered[i];
                            l++;
                        }
                    }

                    double sqnorm = 0.0;
                    for (int id = 0; id < d; id++)
                    {
                        sqnorm += qxcentered[id] * qxcentered[id];
                    }

                    mainTerm[ik] = alphas[ik] + sumQs[ik] - 0.5 * sqnorm;
                }

                slse += LogSumExp(mainTerm, k);
            }

            double lseAlphas = LogSumExp(alphas, k);
            double constant = -n * d * 0.5 * Math.Log(2.0 * Math.PI);

            // Log Wishart prior (ADBench's log_wishart_prior).
            int wishartN = d + wishartM + 1;
            double wishartC = wishartN * d * (Math.Log(wishartGamma) - 0.5 * Math.Log(2.0)) - LogMultiGamma(0.5 * wishartN, d);
            double prior = 0.0;
            for (int ik = 0; ik < k; ik++)
            {
                double frobenius = 0.0;
                for (int id = 0; id < d; id++)
                {
                    frobenius += qdiags[ik * d + id] * qdiags[ik * d + id];
                }

                for (int il = d; il < icfSize; il++)
                {
                    double lv = icf[ik * icfSize + il];
                    frobenius += lv * lv;
                }

                prior += 0.5 * wishartGamma * wishartGamma * frobenius - wishartM * sumQs[ik];
            }

            prior -= k * wishartC;

            return constant + slse - n * lseAlphas + prior;
        }

        /// <summary>log Σᵢ exp vᵢ over the first <paramref name="count"/> entries, shifted by the maximum for stability.</summary>
        [Differentiable]
        public static double LogSumExp(double[] v, int count)
        {
            double mx = v[0];
            for (int i = 1; i < count; i++)
            {
                mx = Math.Max(mx, v[i]);
            }

            double semx = 0.0;
            for (int i = 0; i < count; i++)
            {
                semx += Math.Exp(v[i] - mx);
            }

            return Math.Log(semx) + mx;
        }

        /// <summary>
        /// The multivariate log-gamma log Γ_p(a) = ¼p(p−1) log π + Σⱼ₌₁..ₚ log Γ(a + (1 − j)/2) (ADBench's
        /// log_gamma_distrib). Called on constants only, so no derivative is needed.
        /// </summary>
        public static double LogMultiGamma(double a, int p)
        {
            double result = 0.25 * p * (p - 1) * Math.Log(Math.PI);
            for (int j = 1; j <= p; j++)
            {
                result += LogGamma(a + 0.5 * (1 - j));
            }

            return result;
        }

        private const double LanczosG = 7.0;

        private static readonly double[] LanczosCoefficients =
        {
            0.99999999999980993,
            676.5203681218851,
            -1259.1392167224028,
            771.32342877765313,
            -176.61502916214059,
            12.507343278686905,
            -0.13857109526572012,
            9.9843695780195716e-6,
            1.5056327351493116e-7,
        };

        /// <summary>log Γ(x) for x &gt; 0 (Lanczos, g = 7, n = 9; relative error about 1e-15), reflection below ½.</summary>
        public static double LogGamma(double x)
        {
            if (x <= 0 && x == Math.Floor(x))
            {
                return double.PositiveInfinity;
            }

            if (x < 0.5)
            {
                // Γ(x)Γ(1 − x) = π / sin(πx)
                return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1.0 - x);
            }

            // Exact small integers and half-integers (the Wishart constant only needs these).
            if (x <= 30 && x * 2 == Math.Floor(x * 2))
            {
                double y = x;
                double logProduct = 0.0;
                while (y > 1.0)
                {
                    // Γ(y) = (y − 1)·Γ(y − 1)
                    y -= 1.0;
                    logProduct += Math.Log(y);
                }

                // y is now 1 (Γ = 1) or ½ (Γ = √π)
                return y == 1.0 ? logProduct : logProduct + 0.5 * Math.Log(Math.PI);
            }

            x -= 1.0;
            double sum = LanczosCoefficients[0];
            double t = x + LanczosG + 0.5;
            for (int i = 1; i < LanczosCoefficients.Length; i++)
            {
                sum += LanczosCoefficients[i] / (x + i);
            }

            return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
        }

        /// <summary>
        /// Calls the generated gradient with arrays (a <see cref="Span{T}"/> cannot go through reflection):
        /// writes ∂f/∂alphas, ∂f/∂means, ∂f/∂icf and returns f.
        /// </summary>
        public static double GradientDriver(
            double[] alphas, double[] means, double[] icf, double[] x, double wishartGamma, int wishartM, int d, int k, int n,
            double[] gradAlphas, double[] gradMeans, double[] gradIcf) =>
            ObjectiveGradient(alphas, means, icf, x, wishartGamma, wishartM, d, k, n, gradAlphas, gradMeans, gradIcf);

        /// <summary>Calls the generated forward mode with arrays: returns the directional derivative along the tangents, f in <paramref name="value"/>.</summary>
        public static double ForwardDriver(
            double[] alphas, double[] means, double[] icf, double[] x, double wishartGamma, int wishartM, int d, int k, int n,
            double[] tangentAlphas, double[] tangentMeans, double[] tangentIcf, out double value)
        {
            var result = ObjectiveForward(alphas, means, icf, x, wishartGamma, wishartM, d, k, n, tangentAlphas, tangentMeans, tangentIcf);
            value = result.Value;
            return result.Tangent;
        }
    }

    /// <summary>One ADBench GMM instance.</summary>
    public sealed class GmmInput
    {
        public GmmInput(int d, int k, int n, double[] alphas, double[] means, double[] icf, double[] x, double wishartGamma, int wishartM)
        {
            D = d;
            K = k;
            N = n;
            Alphas = alphas;
            Means = means;
            Icf = icf;
            X = x;
            WishartGamma = wishartGamma;
            WishartM = wishartM;
        }

        public int D { get; }

        public int K { get; }

        public int N { get; }

        /// <summary>K mixture weights (log-space, unnormalised).</summary>
        public double[] Alphas { get; }

        /// <summary>K × D means, row-major.</summary>
        public double[] Means { get; }

        /// <summary>K × D(D+1)/2: per component D log-diagonal entries, then the lower triangle column-wise.</summary>
        public double[] Icf { get; }

        /// <summary>N × D points, row-major.</summary>
        public double[] X { get; }

        public double WishartGamma { get; }

        public int WishartM { get; }

        public double Objective() => Gmm.Objective(Alphas, Means, Icf, X, WishartGamma, WishartM, D, K, N);

        /// <summary>
        /// Reads ADBench's GMM text format: "D K N", then K alpha lines, K mean lines of D, K icf lines of D(D+1)/2,
        /// then N point lines of D (or a single point, which is then replicated N times, as ADBench's
        /// replicate_point option does), then "gamma m". Whitespace and line breaks are not significant.
        /// </summary>
        public static GmmInput Read(string path) => Parse(File.ReadAllText(path));

        public static GmmInput Parse(string text)
        {
            var tokens = text.Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries);
            int pos = 0;
            double Next()
            {
                if (pos >= tokens.Length)
                {
                    throw new FormatException("GMM input ends early (token " + pos + ").");
                }

                return double.Parse(tokens[pos++], NumberStyles.Float, CultureInfo.InvariantCulture);
            }

            double[] Block(int count)
            {
                var values = new double[count];
                for (int i = 0; i < count; i++)
                {
                    values[i] = Next();
                }

                return values;
            }

            int d = checked((int)Next());
            int k = checked((int)Next());
            int n = checked((int)Next());
            int icfSize = d * (d + 1) / 2;
            var alphas = Block(k);
            var means = Block(k * d);
            var icf = Block(k * icfSize);

            int remaining = tokens.Length - pos;
            double[] x;
            if (remaining == n * d + 2)
            {
                x = Block(n * d);
            }
            else if (remaining == d + 2)
            {
                var point = Block(d);
                x = new double[n * d];
                for (int i = 0; i < n; i++)
                {
                    Array.Copy(point, 0, x, i * d, d);
                }
            }
            else
            {
                throw new FormatException($"GMM input: {remaining} values after icf; expected {n * d + 2} (N points and gamma, m) or {d + 2} (one replicated point).");
            }

            double gamma = Next();
            int m = checked((int)Next());
            return new GmmInput(d, k, n, alphas, means, icf, x, gamma, m);
        }
    }
}
