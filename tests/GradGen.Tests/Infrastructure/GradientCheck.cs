using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Xunit;
using Xunit.Sdk;

namespace GradGen.Tests.Infrastructure
{
    /// <summary>
    /// Checks the generated derivatives of a scalar function at given points against independent truths:
    /// <list type="number">
    /// <item>a closed-form gradient from calculus (when given), evaluated in double at the exact inputs;</item>
    /// <item>central finite differences of the primal (for a float method: of its double twin when there is one);</item>
    /// <item>forward/reverse agreement: FForward(e_i).Tangent == FGradient[i], and FForward(v).Tangent == &lt;∇f, v&gt;
    ///   for seeded random v;</item>
    /// <item>FReverse accumulates: starting from random adjoints r, one call gives r + s∇f, a second r + 2s∇f;</item>
    /// <item>every generated method returns the primal value; FGradient overwrites its out arguments.</item>
    /// </list>
    /// All mismatches of one call are collected and reported together.
    /// </summary>
    public static class GradientCheck
    {
        /// <param name="closedForm">All arguments as doubles (int and bool converted) -> gradient over the differentiable parameters.</param>
        /// <param name="closedFormTolerance">Overrides the default (1e-9 relative in double, 1e-3 in float).</param>
        public static void Check(
            DiffFunction f,
            IEnumerable<object?[]> points,
            Func<double[], double[]>? closedForm = null,
            Tolerance? closedFormTolerance = null,
            bool finiteDifferences = true)
        {
            var errors = new List<string>();
            int pointIndex = 0;
            foreach (var raw in points)
            {
                CheckPoint(f, raw, closedForm, closedFormTolerance, finiteDifferences, pointIndex++, errors);
            }

            if (errors.Count > 0)
            {
                Assert.Fail($"{f.Label}: {errors.Count} mismatches\n  " + string.Join("\n  ", errors)
                    + "\n\n" + f.Source.Describe(f.Type.Name + "." + f.Name));
            }
        }

        private static void CheckPoint(
            DiffFunction f, object?[] raw, Func<double[], double[]>? closedForm, Tolerance? closedFormTolerance,
            bool finiteDifferences, int pointIndex, List<string> errors)
        {
            var args = f.Arguments(raw);
            var at = f.Describe(args);
            var asDouble = args.Select(Reflect.ToDouble).ToArray();
            bool isFloat = f.FloatMode;
            int n = f.Active.Length;

            void Compare(string what, double expected, double actual, Tolerance tol)
            {
                if (!tol.Close(expected, actual))
                {
                    errors.Add($"{at}: {what}: expected {F(expected)}, got {F(actual)} (diff {F(actual - expected)}; {tol})");
                }
            }

            string Param(int k) => f.Parameters[f.Active[k]].Name!;

            double value = f.Value(args);
            var valueTol = isFloat ? new Tolerance(1e-5, 1e-6) : new Tolerance(1e-12, 1e-14);

            // Reverse mode: FGradient.
            double[] grad;
            try
            {
                var (gv, g) = f.Gradient(args);
                Compare("FGradient return value vs primal", value, gv, valueTol);
                grad = g;
            }
            catch (Exception ex) when (ex is not XunitException)
            {
                errors.Add($"{at}: FGradient threw {ex}");
                return;
            }

            for (int k = 0; k < n; k++)
            {
                if (grad[k] == 12345.0)
                {
                    errors.Add($"{at}: FGradient did not write out parameter {DiffFunction.DerivativeName(Param(k))}");
                }
            }

            double gradScale = Math.Max(1.0, grad.Select(Math.Abs).DefaultIfEmpty(0).Max());

            // 1. Closed form.
            if (closedForm != null)
            {
                var expected = closedForm(asDouble);
                if (expected.Length != n)
                {
                    throw new ArgumentException($"TEST BUG: closed form of {f.Label} returns {expected.Length} values for {n} differentiable parameters.");
                }

                var tol = closedFormTolerance ?? (isFloat ? Tolerance.Float : Tolerance.ExactDouble);
                for (int k = 0; k < n; k++)
                {
                    Compare($"∂f/∂{Param(k)} FGradient vs closed form", expected[k], grad[k], tol.Scaled(gradScale));
                }
            }

            // 2. Finite differences (of the double twin for a float method).
            if (finiteDifferences)
            {
                double[] fd;
                Tolerance tol;
                if (f.Twin != null)
                {
                    fd = f.Twin.FiniteDifferenceGradient(f.Twin.Arguments(args));
                    tol = Tolerance.Float;
                }
                else
                {
                    fd = f.FiniteDifferenceGradient(args);
                    tol = isFloat ? Tolerance.FiniteDifferenceFloat : Tolerance.FiniteDifferenceDouble;
                }

                tol = tol.Scaled(Math.Max(gradScale, Math.Abs(value)));
                for (int k = 0; k < n; k++)
                {
                    Compare($"∂f/∂{Param(k)} FGradient vs finite differences{(f.Twin != null ? " of the double twin" : string.Empty)}", fd[k], grad[k], tol);
                }
            }

            var agreement = isFloat ? Tolerance.AgreementFloat : Tolerance.ExactDouble;

            // 3. Forward mode: unit directions and random directions.
            try
            {
                for (int k = 0; k < n; k++)
                {
                    var e = new double[n];
                    e[k] = 1;
                    var (fv, ft) = f.Forward(args, e);
                    Compare($"FForward(d{Param(k)} = 1) value vs primal", value, fv, valueTol);
                    Compare($"FForward(d{Param(k)} = 1).Tangent vs FGradient[{Param(k)}]", grad[k], ft, agreement.Scaled(gradScale));
                }

                var random = new Random(StableSeed(f.Label, pointIndex));
                for (int trial = 0; trial < 3 && n > 0; trial++)
                {
                    var v = Enumerable.Range(0, n).Select(_ => Math.Round((random.NextDouble() * 4 - 2) * 64) / 64).ToArray();
                    var (_, ft) = f.Forward(args, v);
                    double dot = 0, scale = 0;
                    for (int k = 0; k < n; k++)
                    {
                        dot += grad[k] * v[k];
                        scale += Math.Abs(grad[k] * v[k]);
                    }

                    Compare($"FForward(v = [{string.Join(", ", v.Select(F))}]).Tangent vs <∇f, v>", dot, ft, agreement.Scaled(scale));
                }
            }
            catch (Exception ex) when (ex is not XunitException)
            {
                errors.Add($"{at}: FForward threw {ex}");
            }

            // 4. FReverse accumulates seed · ∇f into its ref arguments.
            try
            {
                var random = new Random(StableSeed(f.Label, 1000 + pointIndex));
                double seed = 1.75 + Math.Round(random.NextDouble() * 64) / 64;
                var initial = Enumerable.Range(0, n).Select(_ => Math.Round((random.NextDouble() * 2 - 1) * 64) / 64).ToArray();
                var (rv1, once) = f.Reverse(args, seed, initial);
                Compare("FReverse return value vs primal", value, rv1, valueTol);
                var (_, twice) = f.Reverse(args, seed, once);
                for (int k = 0; k < n; k++)
                {
                    var tol = agreement.Scaled(Math.Max(gradScale * seed, 1));
                    Compare($"FReverse(seed {F(seed)}, d{Param(k)} = {F(initial[k])}) once: d + seed·∂f/∂{Param(k)}", initial[k] + seed * grad[k], once[k], tol);
                    Compare($"FReverse twice: d + 2·seed·∂f/∂{Param(k)}", initial[k] + 2 * seed * grad[k], twice[k], tol);
                }
            }
            catch (Exception ex) when (ex is not XunitException)
            {
                errors.Add($"{at}: FReverse threw {ex}");
            }
        }

        /// <summary>A seed that does not change between runs (string.GetHashCode does).</summary>
        public static int StableSeed(string text, int salt)
        {
            unchecked
            {
                int h = 17 + salt * 7919;
                foreach (char c in text)
                {
                    h = h * 31 + c;
                }

                return h & 0x7fffffff;
            }
        }

        private static string F(double x) => x.ToString("G10", CultureInfo.InvariantCulture);
    }
}
