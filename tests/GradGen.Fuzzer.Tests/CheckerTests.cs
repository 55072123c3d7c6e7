using System;
using Xunit;

namespace GradGen.Fuzzer.Tests
{
    /// <summary>
    /// The fuzzer's Hessian oracle must still fail a wrong Hessian wherever the gradient is smooth, in its first
    /// pass and in its second chance (smallest converging steps), and must not fail a right one where the step is
    /// far above the scale of the curvature. The gradients and Hessians here are closed forms.
    /// </summary>
    public class CheckerTests
    {
        // f(x, y) = sin(x)·y² + x³: g = (cos(x)·y² + 3x², 2·sin(x)·y), H = [[−sin(x)·y² + 6x, 2·cos(x)·y], [2·cos(x)·y, 2·sin(x)]].
        private static double SmoothGradient(double[] p, double[] g)
        {
            g[0] = Math.Cos(p[0]) * p[1] * p[1] + 3 * p[0] * p[0];
            g[1] = 2 * Math.Sin(p[0]) * p[1];
            return Math.Sin(p[0]) * p[1] * p[1] + p[0] * p[0] * p[0];
        }

        private static double[,] SmoothHessian(double[] p) => new[,]
        {
            { -Math.Sin(p[0]) * p[1] * p[1] + 6 * p[0], 2 * Math.Cos(p[0]) * p[1] },
            { 2 * Math.Cos(p[0]) * p[1], 2 * Math.Sin(p[0]) },
        };

        private static (string Message, int Row)? Check(Func<double[], double[], double> gradient, double[] x, double[,] hes, int j, double h, double tol, bool smallestSteps)
        {
            var g0 = new double[x.Length];
            gradient(x, g0);
            return Checker.HessianColumnCheck(gradient, x, g0, j, h, x.Length, hes, tol, 1, smallestSteps ? Checker.PathLevels : Checker.HessianLevels, _ => true, smallestSteps);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void HessianCheck_PassesTheRightHessian_AndFailsEveryWrongEntry(bool smallestSteps)
        {
            var x = new[] { 0.7, -1.3 };
            for (int j = 0; j < 2; j++)
            {
                Assert.Null(Check(SmoothGradient, x, SmoothHessian(x), j, 1e-4 * (1 + Math.Abs(x[j])), 1e-4, smallestSteps));
                for (int i = 0; i < 2; i++)
                {
                    var wrong = SmoothHessian(x);
                    wrong[i, j] *= 1.01;
                    var failure = Check(SmoothGradient, x, wrong, j, 1e-4 * (1 + Math.Abs(x[j])), 1e-4, smallestSteps);
                    Assert.True(failure is { } f && f.Row == i, "H[" + i + ", " + j + "] off by 1% was not caught");
                }
            }
        }

        [Fact]
        public void HessianCheck_DoesNotTrustAStepFarAboveTheCurvature_AndStillCatchesAWrongEntryThere()
        {
            // g(x) = cos(ωx)/ω: H = −sin(ωx). A central difference at step h is H·sin(ωh)/(ωh), which can look
            // converged over a few large steps; the smallest converging steps measure H.
            const double omega = 500;
            double Gradient(double[] p, double[] g)
            {
                g[0] = Math.Cos(omega * p[0]) / omega;
                return Math.Sin(omega * p[0]) / (omega * omega);
            }

            var x = new[] { 0.9 };
            var right = new[,] { { -Math.Sin(omega * x[0]) } };
            var wrong = new[,] { { right[0, 0] + 0.3 } }; // H is −0.13 here; the tolerance 3e-2·(1 + |H|)
            Assert.Null(Check(Gradient, x, right, 0, 1e-2, 3e-2, smallestSteps: true));
            Assert.NotNull(Check(Gradient, x, wrong, 0, 1e-2, 3e-2, smallestSteps: true));
        }
    }
}
