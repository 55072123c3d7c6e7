using System;

namespace GradGen.Benchmarks;

/// <summary>
/// A hand-derived GMM gradient in the layout of <see cref="GradGen.Models.Gmm.Objective"/>, the way GradBench's
/// "manual" tool computes it: one pass per point keeps xᵢ − μₖ and Qₖ(xᵢ − μₖ) for every component, then applies the
/// closed-form partials weighted by the softmax wₖ of the main terms. No tape and no adjoint arrays: it is what C# on
/// this JIT can reach, the yardstick for the generated gradient.
/// </summary>
public static class GmmHandWritten
{
    /// <summary>Writes ∇f over alphas, means and icf into the three arrays (overwriting) and returns the objective.</summary>
    public static double Gradient(double[] alphas, double[] means, double[] icf, double[] x, double wishartGamma, int wishartM,
        int d, int k, int n, double[] gradAlphas, double[] gradMeans, double[] gradIcf)
    {
        int icfSize = d * (d + 1) / 2;
        Array.Clear(gradAlphas);
        Array.Clear(gradMeans);
        Array.Clear(gradIcf);

        var qdiags = new double[d * k];
        var sumQs = new double[k];
        for (int ik = 0; ik < k; ik++)
        {
            for (int id = 0; id < d; id++)
            {
                double q = icf[ik * icfSize + id];
                sumQs[ik] += q;
                qdiags[ik * d + id] = Math.Exp(q);
            }
        }

        var centered = new double[k * d];
        var qCentered = new double[k * d];
        var weights = new double[k];
        double slse = 0.0;
        for (int ix = 0; ix < n; ix++)
        {
            double max = double.NegativeInfinity;
            for (int ik = 0; ik < k; ik++)
            {
                int o = ik * d;
                for (int id = 0; id < d; id++)
                {
                    centered[o + id] = x[ix * d + id] - means[o + id];
                    qCentered[o + id] = qdiags[o + id] * centered[o + id];
                }

                int l = ik * icfSize + d;
                for (int i = 0; i < d; i++)
                {
                    for (int j = i + 1; j < d; j++)
                    {
                        qCentered[o + j] += icf[l++] * centered[o + i];
                    }
                }

                double sqnorm = 0.0;
                for (int id = 0; id < d; id++)
                {
                    sqnorm += qCentered[o + id] * qCentered[o + id];
                }

                weights[ik] = alphas[ik] + sumQs[ik] - 0.5 * sqnorm;
                max = Math.Max(max, weights[ik]);
            }

            double sumExp = 0.0;
            for (int ik = 0; ik < k; ik++)
            {
                weights[ik] = Math.Exp(weights[ik] - max);
                sumExp += weights[ik];
            }

            slse += Math.Log(sumExp) + max;
            for (int ik = 0; ik < k; ik++)
            {
                // ∂ main / ∂(Qxc) = −Qxc, through Q = diag(exp q) + L and xc = x − μ.
                double w = weights[ik] / sumExp;
                int o = ik * d;
                int g = ik * icfSize;
                gradAlphas[ik] += w;
                for (int id = 0; id < d; id++)
                {
                    double back = -w * qCentered[o + id];
                    gradIcf[g + id] += w + back * centered[o + id] * qdiags[o + id];
                    qCentered[o + id] = back;
                }

                int l = g + d;
                for (int i = 0; i < d; i++)
                {
                    double toCentered = qCentered[o + i] * qdiags[o + i];
                    for (int j = i + 1; j < d; j++)
                    {
                        gradIcf[l] += qCentered[o + j] * centered[o + i];
                        toCentered += icf[l] * qCentered[o + j];
                        l++;
                    }

                    gradMeans[o + i] -= toCentered;
                }
            }
        }

        double maxAlpha = double.NegativeInfinity;
        for (int ik = 0; ik < k; ik++)
        {
            maxAlpha = Math.Max(maxAlpha, alphas[ik]);
        }

        double sumAlphas = 0.0;
        for (int ik = 0; ik < k; ik++)
        {
            sumAlphas += Math.Exp(alphas[ik] - maxAlpha);
        }

        // The Wishart prior: ½γ²(‖exp q‖² + ‖L‖²) − m Σ q per component.
        double gamma2 = wishartGamma * wishartGamma;
        double prior = 0.0;
        for (int ik = 0; ik < k; ik++)
        {
            gradAlphas[ik] -= n * Math.Exp(alphas[ik] - maxAlpha) / sumAlphas;
            for (int id = 0; id < d; id++)
            {
                double qd = qdiags[ik * d + id];
                gradIcf[ik * icfSize + id] += gamma2 * qd * qd - wishartM;
                prior += 0.5 * gamma2 * qd * qd;
            }

            for (int il = d; il < icfSize; il++)
            {
                double lv = icf[ik * icfSize + il];
                gradIcf[ik * icfSize + il] += gamma2 * lv;
                prior += 0.5 * gamma2 * lv * lv;
            }

            prior -= wishartM * sumQs[ik];
        }

        int wishartN = d + wishartM + 1;
        double wishartC = wishartN * d * (Math.Log(wishartGamma) - 0.5 * Math.Log(2.0))
            - GradGen.Models.Gmm.LogMultiGamma(0.5 * wishartN, d);
        double constant = -n * d * 0.5 * Math.Log(2.0 * Math.PI);
        return constant + slse - n * (Math.Log(sumAlphas) + maxAlpha) + prior - k * wishartC;
    }
}
