using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;

namespace GradGen.Fuzzer.Tests
{
    /// <summary>
    /// The differential checks of one loaded program at a few random points (the points depend only on the seed and
    /// the program index, so a reduced variant is checked at the same points):
    /// the value returned by FGradient/FForward/FReverse/FJacobian/FHessian equals the primal's;
    /// FForward with unit tangents equals FGradient; both equal central finite differences of the primal (a component
    /// is skipped when FD at h, h/2 and h/4 disagree: a branch switch or a kink nearby; or when forward and reverse
    /// agree and their derivative is far from affine within the step, see <see cref="ResolvedByStep"/>);
    /// FReverse adds seed·∇f to pre-filled derivative arguments; inputs are never modified (the harness throws);
    /// and, with the Hessian kind, FJacobian equals the gradient, FHessian equals FD of the gradient where that
    /// converges (<see cref="HessianColumnCheck"/>; where it fails, again on the steps whose ends take the program's
    /// path at the point, <see cref="PrimalRun.Path"/>), and FHessianVectorProduct equals H·v. A derivative that is not
    /// finite where FD is, is WRONG unless the program as written computes ±∞ or NaN in an intermediate there
    /// (<see cref="InstrumentedCopy"/>) or a program with float intermediates has a derivative beyond float's range (the
    /// other mode's finite value says so); and a first derivative is not compared where the program loses a term whole
    /// in a sum (<see cref="PrimalNumerics.Absorbed"/>). A generated method that throws where the primal does not is a
    /// CRASH. An output entry (<see cref="FuzzProgram.OutputEntry"/>, a void method filling an array) is checked as the
    /// scalar W·(its output after): its harness's "FGradient" is FReverse with the seed W, its Jacobian W·FJacobian, and
    /// it has no Hessian (see <see cref="HarnessEmitter"/>). An entry with out and ref parameters
    /// (<see cref="FuzzProgram.OutRefEntry"/>) is checked likewise as the scalar WR·(its result, then its out/ref values after),
    /// a ref parameter's value before being an input (no Hessian either); where it returns a real, its FGradient (the gradient
    /// of the result alone) must equal FReverse seeded with 1 for the result and 0 for the outputs.
    /// </summary>
    internal static class Checker
    {
        private const int WantedPoints = 3;
        private const int MaxAttempts = 10;

        /// <summary>The smallest step of the Hessian's finite differences is h/2^HessianLevels.</summary>
        internal const int HessianLevels = 6;

        /// <summary>The smallest step when the steps are chosen by the program's path (see the Hessian check).</summary>
        internal const int PathLevels = 14;

        /// <summary>Points where the primal threw a program's own exception and every generated method threw it alike (for the report).</summary>
        public static int ThrowingPoints;

        public static ProgramResult Check(FuzzProgram p, Type harness, int seed)
        {
            var primal = Create<Func<double[], double>>(harness, "Primal");
            var gradient = Create<Func<double[], double[], double>>(harness, "Gradient");
            var reverse = Create<Func<double[], double, double[], double>>(harness, "Reverse");
            var forward = Create<Func<double[], double[], double[], double>>(harness, "Forward");
            var jacobian = p.Higher ? Create<Func<double[], double[,], double>>(harness, "Jacobian") : null;
            var hessian = p.Higher && !p.OutputEntry && !p.OutRefEntry ? Create<Func<double[], double[,], double>>(harness, "Hessian") : null;
            var hvp = p.Higher && !p.OutputEntry && !p.OutRefEntry ? Create<Func<double[], double[], double[], double>>(harness, "Hvp") : null;
            var primalSingle = p.SingleCheck ? Create<Func<double[], double>>(harness, "PrimalSingle") : null;
            var gradientSingle = p.SingleCheck ? Create<Func<double[], double[], double>>(harness, "GradientSingle") : null;
            var gradientOfResult = p.OutRefEntry && !p.VoidEntry ? Create<Func<double[], double[], double>>(harness, "GradientOfResult") : null;
            var reverseOfResult = p.OutRefEntry && !p.VoidEntry ? Create<Func<double[], double[], double>>(harness, "ReverseOfResult") : null;

            int n = p.FlatCount;
            bool single = p.UsesFloat;
            double adTol = single ? 2e-3 : 1e-8;
            double valueTol = single ? 1e-5 : 1e-11;
            double hRel = single ? 1e-2 : 1e-4;
            double kinkTol = single ? 5e-3 : 1e-6;
            double fdTol = single ? 3e-2 : 1e-5;
            var rng = new Random(ProgramGenerator.Mix(seed ^ 0x2545F491, p.Index));
            int accepted = 0;
            Func<double[], PrimalRun>? probe = null;

            for (int attempt = 0; attempt < MaxAttempts && accepted < WantedPoints; attempt++)
            {
                var x = new double[n];
                for (int j = 0; j < n; j++)
                {
                    x[j] = Math.Round(rng.NextDouble() * 3.0 - 1.5, 3);
                }

                double s = new[] { 0.75, -1.25, 2.5 }[attempt % 3];
                var acc = Enumerable.Range(0, n).Select(_ => Math.Round(rng.NextDouble() * 2 - 1, 2)).ToArray();
                var v = Enumerable.Range(0, n).Select(_ => Math.Round(rng.NextDouble() * 2 - 1, 2)).ToArray();

                double f0;
                try
                {
                    f0 = primal(x);
                }
                catch (Exception ex)
                {
                    // A guard of the program's own ("fz..." messages) fired: every generated method must throw it alike.
                    if (ex.Message.StartsWith("fz", StringComparison.Ordinal))
                    {
                        if (ThrowsAlike(p, ex, x, n, gradient, reverse, forward, jacobian, hessian, hvp) is { } mismatch)
                        {
                            return Fail(p, mismatch.Message, mismatch.Key, " at x = [" + string.Join(", ", x.Select(F)) + "]");
                        }

                        System.Threading.Interlocked.Increment(ref ThrowingPoints);
                    }

                    continue; // the primal itself fails here (an index out of range, a guard): not a point to check
                }

                if (!Finite(f0) || Math.Abs(f0) > 1e6)
                {
                    continue;
                }

                string at = " at x = [" + string.Join(", ", x.Select(F)) + "]";
                string? fail = null;
                string key = "";

                // FGradient
                var g = new double[n];
                if (!Call(() => gradient(x, g), "FGradient", out var vg, ref fail, ref key))
                {
                    return Fail(p, fail!, key, at);
                }

                double gScale = 1 + g.Select(Math.Abs).DefaultIfEmpty(0).Max();

                // Values are compared after the derivatives: a wrong value (a known bug class) must not hide a wrong derivative.
                (string Message, string Key)? valueFailure = null;
                if (!Close(vg, f0, valueTol))
                {
                    valueFailure = ("FGradient returned " + F(vg) + ", the primal " + F(f0), "WRONG:value-FGradient");
                }

                // An entry with out/ref outputs: FGradient is the gradient of the result alone (README), FReverse seeded
                // with 1 for the result and 0 for the outputs; both return the result and leave the outputs as the primal.
                if (gradientOfResult != null && reverseOfResult != null)
                {
                    var gr = new double[n];
                    var rr = new double[n];
                    if (!Call(() => gradientOfResult(x, gr), "FGradient", out var vgr, ref fail, ref key)
                        || !Call(() => reverseOfResult(x, rr), "FReverse", out var vrr, ref fail, ref key))
                    {
                        return Fail(p, fail!, key, at);
                    }

                    if (!Close(vgr, f0, valueTol))
                    {
                        valueFailure ??= ("FGradient returned (with its outputs) " + F(vgr) + ", the primal " + F(f0), "WRONG:value-FGradient");
                    }

                    double rScale = 1 + rr.Select(Math.Abs).DefaultIfEmpty(0).Max();
                    for (int j = 0; j < n; j++)
                    {
                        if (Finite(rr[j]) && !(Math.Abs(gr[j] - rr[j]) <= adTol * rScale))
                        {
                            return Fail(p, "d/dx[" + j + "] of the result alone: FGradient " + F(gr[j]) + ", FReverse seeded with (1, 0, ...) " + F(rr[j]), "WRONG:FGradient-vs-FReverse-of-result", at);
                        }
                    }
                }

                // FForward with unit tangents
                var fwd = new double[n];
                for (int j = 0; j < n; j++)
                {
                    var t = new double[n];
                    t[j] = 1;
                    var tan = new double[1];
                    if (!Call(() => forward(x, t, tan), "FForward", out var vf, ref fail, ref key))
                    {
                        return Fail(p, fail!, key, at);
                    }

                    if (!Close(vf, f0, valueTol))
                    {
                        valueFailure ??= ("FForward returned value " + F(vf) + ", the primal " + F(f0), "WRONG:value-FForward");
                    }

                    fwd[j] = tan[0];
                }

                // Finite differences of the primal, skipping components near a kink.
                var fd = new double?[n];
                for (int j = 0; j < n; j++)
                {
                    double h = hRel * (1 + Math.Abs(x[j]));
                    // Three steps must agree: a kink or a branch switch nearby, or a function varying faster than
                    // the step (an iterated Pow, sin of a huge value), makes them disagree, and FD is not trusted.
                    double? d1 = Central(primal, x, j, h);
                    double? d2 = Central(primal, x, j, h / 2);
                    double? d3 = Central(primal, x, j, h / 4);
                    if (d1 is { } a && d2 is { } b && d3 is { } c
                        && Math.Abs(a - b) <= kinkTol * (1 + Math.Abs(a) + Math.Abs(b))
                        && Math.Abs(b - c) <= kinkTol * (1 + Math.Abs(b) + Math.Abs(c))
                        && LocallyLinear(primal, x, j, h, f0))
                    {
                        fd[j] = (4 * b - a) / 3;
                    }
                }

                for (int j = 0; j < n; j++)
                {
                    bool fdOk = fd[j] is { } d && Math.Abs(g[j] - d) <= fdTol * (1 + Math.Abs(d) + 1e-3 * Math.Abs(f0));
                    bool adOk = Math.Abs(g[j] - fwd[j]) <= adTol * gScale || (Finite(fwd[j]) && Finite(g[j]) && Math.Abs(g[j] - fwd[j]) <= adTol * (1 + Math.Abs(fwd[j]) + Math.Abs(g[j])));
                    if (!Finite(g[j]) || !Finite(fwd[j]))
                    {
                        // A float variable's tangent and adjoint are floats (as in JAX and PyTorch): where the derivative
                        // through it is beyond float's range, the mode that meets the large factors first overflows to ±∞
                        // there (and ∞ times a zero partial, a saturated tanh, is NaN), while the other may not. Excused
                        // in a program with floats where the other mode's finite value is beyond float's range itself,
                        // or agrees with FD.
                        double other = Finite(g[j]) ? g[j] : fwd[j];
                        if (single && Finite(other) && (Math.Abs(other) > float.MaxValue
                            || fd[j] is { } measured && Math.Abs(other - measured) <= fdTol * (1 + Math.Abs(measured) + 1e-3 * Math.Abs(f0))))
                        {
                            continue;
                        }

                        // Excused only where the program as written computes ±∞ or NaN in an intermediate (an overflow
                        // that a Math.Max or a branch discards): reverse mode then multiplies a zero adjoint by an
                        // infinite partial, 0·∞ = NaN, as JAX, PyTorch and TensorFlow do (see InstrumentedCopy).
                        if (fd[j] != null && !Run(p, x, ref probe, out var why).Numerics.HasFlag(PrimalNumerics.NonFinite))
                        {
                            return Fail(p, "non-finite derivative d/dx[" + j + "]: FGradient " + F(g[j]) + ", FForward " + F(fwd[j]) + ", FD " + F(fd[j]!.Value) + why, "WRONG:non-finite-derivative", at);
                        }

                        continue;
                    }

                    // Forward and reverse mode sum the same chain-rule products in different orders. Where the program
                    // loses a term whole to rounding (t + y == t, then (t + y) - t == 0), forward mode and FD see the
                    // rounded function and reverse mode, whose adjoints of t cancel exactly, the real one (or the other
                    // way round): a disagreement there is not checked (see PrimalNumerics.Absorbed).
                    if (fd[j] == null)
                    {
                        if (!adOk && !Run(p, x, ref probe, out _).Numerics.HasFlag(PrimalNumerics.Absorbed))
                        {
                            return Fail(p, "d/dx[" + j + "]: FGradient " + F(g[j]) + " but FForward " + F(fwd[j]) + " (FD skipped: near a kink)", "WRONG:forward-vs-reverse", at);
                        }

                        continue;
                    }

                    bool fwdFdOk = Math.Abs(fwd[j] - fd[j]!.Value) <= fdTol * (1 + Math.Abs(fd[j]!.Value) + 1e-3 * Math.Abs(f0));
                    if (adOk && (!fdOk || !fwdFdOk) && !ResolvedByStep(gradient, x, j, hRel * (1 + Math.Abs(x[j])), n, fdTol * (1 + Math.Abs(g[j]) + Math.Abs(fd[j]!.Value))))
                    {
                        continue; // forward and reverse agree, and f' varies below the scale of the step: FD cannot see it
                    }

                    if ((!fdOk || !adOk || !fwdFdOk) && !Run(p, x, ref probe, out _).Numerics.HasFlag(PrimalNumerics.Absorbed))
                    {
                        string which = !adOk ? (fwdFdOk ? "WRONG:reverse" : fdOk ? "WRONG:forward" : "WRONG:forward-and-reverse-differ-from-fd")
                            : "WRONG:forward-and-reverse-agree-but-differ-from-fd";
                        return Fail(p, "d/dx[" + j + "]: FGradient " + F(g[j]) + ", FForward " + F(fwd[j]) + ", central FD " + F(fd[j]!.Value), which, at);
                    }
                }

                // FReverse accumulates seed * gradient into pre-filled derivative arguments.
                var accBefore = (double[])acc.Clone();
                if (!Call(() => reverse(x, s, acc), "FReverse", out var vr, ref fail, ref key))
                {
                    return Fail(p, fail!, key, at);
                }

                if (!Close(vr, f0, valueTol))
                {
                    valueFailure ??= ("FReverse returned " + F(vr) + ", the primal " + F(f0), "WRONG:value-FReverse");
                }

                for (int j = 0; j < n; j++)
                {
                    double expected = accBefore[j] + s * g[j];
                    if (Finite(g[j]) && !(Math.Abs(acc[j] - expected) <= adTol * (Math.Abs(s) * gScale + Math.Abs(accBefore[j]) + 1)))
                    {
                        return Fail(p, "FReverse with seed " + F(s) + " and d[" + j + "] pre-filled with " + F(accBefore[j]) + " left " + F(acc[j]) + ", expected " + F(expected) + " (gradient " + F(g[j]) + ")", "WRONG:reverse-accumulation", at);
                    }
                }

                if (p.Higher)
                {
                    var jac = new double[1, n];
                    if (!Call(() => jacobian!(x, jac), "FJacobian", out var vj, ref fail, ref key))
                    {
                        return Fail(p, fail!, key, at);
                    }

                    if (!Close(vj, f0, valueTol))
                    {
                        return Fail(p, "FJacobian returned " + F(vj) + ", the primal " + F(f0), "WRONG:value-FJacobian", at);
                    }

                    for (int j = 0; j < n; j++)
                    {
                        if (Finite(g[j]) && !(Math.Abs(jac[0, j] - g[j]) <= adTol * gScale))
                        {
                            return Fail(p, "FJacobian[0, " + j + "] = " + F(jac[0, j]) + ", gradient " + F(g[j]), "WRONG:jacobian", at);
                        }
                    }

                    // An output entry (vector-valued) has no Hessian.
                    if (hessian != null)
                    {
                        var hes = new double[n, n];
                        if (!Call(() => hessian!(x, hes), "FHessian", out var vh, ref fail, ref key))
                        {
                            return Fail(p, fail!, key, at);
                        }

                        if (!Close(vh, f0, valueTol))
                        {
                            return Fail(p, "FHessian returned " + F(vh) + ", the primal " + F(f0), "WRONG:value-FHessian", at);
                        }

                        // Over the finite entries: one NaN entry (excused below where the program overflows) must not make
                        // every comparison fail through a NaN tolerance.
                        double hScale = 1;
                        foreach (var e in hes)
                        {
                            hScale = Finite(e) ? Math.Max(hScale, Math.Abs(e)) : hScale;
                        }

                        // Column j of H against central differences of the gradient along x_j (see HessianColumnCheck).
                        double hesTol = single ? 3e-2 : 1e-4;
                        for (int j = 0; j < n; j++)
                        {
                            double h = (single ? 1e-2 : 1e-4) * (1 + Math.Abs(x[j]));
                            if (HessianColumnCheck(gradient, x, g, j, h, n, hes, hesTol, hScale, HessianLevels, _ => true, smallestSteps: false) is { } bad)
                            {
                                // A NaN entry is excused where the program computes a non-finite intermediate, as above.
                                if (!Finite(hes[bad.Row, j]) && Run(p, x, ref probe, out _).Numerics.HasFlag(PrimalNumerics.NonFinite))
                                {
                                    continue;
                                }

                                // Checked again where finite differences of the gradient measure H: on the steps, down to
                                // h/2^PathLevels, at whose ends the program takes the branches it takes at x (a switch
                                // makes the gradient jump) and its value moves by more than rounding (where a saturated
                                // tanh is 1 ± an ulp, its gradient 1 − tanh² is rounding noise); and at the smallest steps
                                // that converge (a step far above the scale of the curvature can converge to a plateau).
                                long path = Run(p, x, ref probe, out _).Path;
                                bool Measurable(int k) => Measures(Shifted(x, j, h / (1L << k))) && Measures(Shifted(x, j, -h / (1L << k)));
                                double ulp = Math.BitIncrement(Math.Abs(f0)) - Math.Abs(f0);
                                bool Measures(double[] y) => Run(p, y, ref probe, out _).Path == path && Math.Abs(Value(primal, y) - f0) > 8 * ulp;

                                if (HessianColumnCheck(gradient, x, g, j, h, n, hes, hesTol, hScale, PathLevels, Measurable, smallestSteps: true) is { } still)
                                {
                                    return Fail(p, still.Message, "WRONG:hessian", at);
                                }
                            }
                        }

                        var hv = new double[n];
                        if (!Call(() => hvp!(x, v, hv), "FHessianVectorProduct", out var vv, ref fail, ref key))
                        {
                            return Fail(p, fail!, key, at);
                        }

                        if (!Close(vv, f0, valueTol))
                        {
                            return Fail(p, "FHessianVectorProduct returned " + F(vv) + ", the primal " + F(f0), "WRONG:value-FHessianVectorProduct", at);
                        }

                        for (int i = 0; i < n; i++)
                        {
                            double expected = 0;
                            for (int j = 0; j < n; j++)
                            {
                                expected += hes[i, j] * v[j];
                            }

                            if (Finite(expected) && !(Math.Abs(hv[i] - expected) <= (single ? 1e-3 : 1e-7) * (1 + hScale * n)))
                            {
                                return Fail(p, "FHessianVectorProduct[" + i + "] = " + F(hv[i]) + ", FHessian·v = " + F(expected) + " (v = [" + string.Join(", ", v.Select(F)) + "])", "WRONG:hessian-vector-product", at);
                            }
                        }
                    }
                }

                if (p.SingleCheck && SingleFailure(p, primal, gradient, primalSingle!, gradientSingle!, x, f0, g, gScale, ref probe) is { } floatFailure)
                {
                    return Fail(p, floatFailure, "WRONG:float-instantiation", at);
                }

                if (valueFailure is { } vfail)
                {
                    return Fail(p, vfail.Message, vfail.Key, at);
                }

                accepted++;
            }

            var ok = ProgramResult.Of(p, Outcome.Ok, "OK", "");
            ok.CheckedPoints = accepted;
            return ok;
        }

        /// <summary>
        /// Checks column j of H against central differences c_k of the gradient along x_j at the steps h/2^k,
        /// k = 0..<see cref="HessianLevels"/>. For a smooth gradient c_k = H + a·h_k² + O(h_k⁴), so the Richardson
        /// extrapolations d_k = (4c_k − c_{k−1})/3 converge; an entry is compared at the first k ≥ 3 where d_{k−2},
        /// d_{k−1} and d_k agree within a quarter of the tolerance (then d_k is far more accurate than the tolerance;
        /// two can agree by chance where the step is far too large, c = H·sin(ωh)/(ωh) for a gradient cos(ωx)). A branch
        /// switch or an int truncation within the step (the gradient jumps: c_k grows like 1/h_k), or a step too
        /// large for the curvature, makes them disagree: the entry moves on to smaller steps, and is skipped when no
        /// level agrees (or the gradient is not finite at a shifted point). A wrong entry where the gradient is
        /// smooth still converges at the first levels, and fails. Only the levels k ≤ <paramref name="levels"/> that
        /// are <paramref name="usable"/> are differenced (a comparison needs four usable levels in a row). With
        /// <paramref name="smallestSteps"/>, an entry is compared once, at the smallest steps that converge and whose
        /// one-sided differences agree (the most local measurement). Returns the failure (and its row), or null.
        /// </summary>
        internal static (string Message, int Row)? HessianColumnCheck(Func<double[], double[], double> gradient, double[] x, double[] g0, int j, double h, int n, double[,] hes, double tol, double hScale, int levels, Func<int, bool> usable, bool smallestSteps)
        {
            var diffs = new List<(double[] Ahead, double[] Behind)?>();
            var converged = new (double D, int K)?[n];
            int left = n;
            double Central(int m, int i) => (diffs[m]!.Value.Ahead[i] + diffs[m]!.Value.Behind[i]) / 2;
            bool Agree(double u, double w) => Math.Abs(u - w) <= 0.25 * tol * (1 + Math.Abs(u) + Math.Abs(w));
            (string Message, int Row)? Wrong(int i)
            {
                var (d, k) = converged[i]!.Value;
                return Math.Abs(hes[i, j] - d) <= tol * (1 + Math.Abs(d) + 1e-2 * hScale)
                    ? null
                    : ("FHessian[" + i + ", " + j + "] = " + F(hes[i, j]) + ", FD of FGradient " + F(d)
                        + " (steps " + F(h / (1L << (k - 3))) + " to " + F(h / (1L << k)) + ": "
                        + string.Join(", ", Enumerable.Range(k - 3, 4).Select(m => F(Central(m, i)))) + ")", i);
            }

            for (int k = 0; k <= levels && left > 0; k++)
            {
                if (!usable(k))
                {
                    diffs.Add(null);
                    continue;
                }

                var dk = GradientDifference(gradient, x, g0, j, h / (1L << k), n);
                if (dk == null)
                {
                    return null;
                }

                diffs.Add(dk);
                if (k < 3 || diffs[k - 1] == null || diffs[k - 2] == null || diffs[k - 3] == null)
                {
                    continue;
                }

                for (int i = 0; i < n; i++)
                {
                    if (converged[i] != null && !smallestSteps)
                    {
                        continue;
                    }

                    double Extrapolated(int m) => (4 * Central(m, i) - Central(m - 1, i)) / 3;
                    double d = Extrapolated(k), dPrev = Extrapolated(k - 1);
                    if (!Agree(d, dPrev) || !Agree(dPrev, Extrapolated(k - 2)))
                    {
                        continue; // not converged at this step: a jump or a kink of the gradient nearby, or a large step
                    }

                    // A central difference is the mean slope of the gradient over the step: it measures H only where the
                    // slopes ahead and behind agree (a gradient that is 0 at both ends of the step and not in between,
                    // a saturated tanh, "converges" to 0 on every step that reaches the saturation).
                    if (smallestSteps && Enumerable.Range(k - 3, 4).Any(m => !Agree(diffs[m]!.Value.Ahead[i], diffs[m]!.Value.Behind[i])))
                    {
                        continue;
                    }

                    converged[i] = (d, k);
                    if (!smallestSteps)
                    {
                        left--;
                        if (Wrong(i) is { } wrong)
                        {
                            return wrong;
                        }
                    }
                }
            }

            return Enumerable.Range(0, n).Where(i => smallestSteps && converged[i] != null).Select(Wrong).FirstOrDefault(w => w != null);
        }

        /// <summary>
        /// A central difference at step h is the mean of f' over [x − h, x + h] (mean value theorem): it estimates f'(x)
        /// only when f' is close to affine there. Asked where forward and reverse mode agree with each other but not
        /// with FD, this samples the derivative at x ± s for s = h/2, h/4, h/8, h/16; when it is far from affine
        /// (|g(x+s) + g(x−s) − 2g(x)| above a tenth of |g(x+s) − g(x−s)| plus the tolerance), f' oscillates or jumps
        /// below the scale of the step (sin of a value near 1e88 whose tiny value is lost next to a huge term but whose
        /// derivative is not; a branch switch) and FD cannot measure it. A derivative that is wrong but smooth passes.
        /// </summary>
        private static bool ResolvedByStep(Func<double[], double[], double> gradient, double[] x, int j, double h, int n, double tol)
        {
            double At(double s)
            {
                var xs = (double[])x.Clone();
                xs[j] += s;
                var g = new double[n];
                gradient(xs, g);
                return g[j];
            }

            try
            {
                double g0 = At(0);
                for (double s = h / 2; s >= h / 16; s /= 2)
                {
                    double gp = At(s), gm = At(-s);
                    if (!Finite(gp) || !Finite(gm) || !(Math.Abs(gp + gm - 2 * g0) <= 0.1 * Math.Abs(gp - gm) + tol))
                    {
                        return false;
                    }
                }

                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }

        /// <summary>
        /// The generic entry at float against it at double: the value within 1e-3 and each gradient component within 1e-2
        /// (relative, plus 1e-3 of the gradient's scale), where both are finite. A difference is excused where the double
        /// program is ill-conditioned at x: at points moved by 1e-5 (relative), far more than rounding x to float does, it
        /// takes other branches or its value or gradient moves by a quarter of the tolerance (float's rounding inside then
        /// moves it as much). Returns the failure, or null.
        /// </summary>
        private static string? SingleFailure(FuzzProgram p, Func<double[], double> primal, Func<double[], double[], double> gradient,
            Func<double[], double> primalSingle, Func<double[], double[], double> gradientSingle, double[] x, double f0, double[] g, double gScale, ref Func<double[], PrimalRun>? probe)
        {
            int n = x.Length;
            var gs = new double[n];
            double vs;
            try
            {
                vs = primalSingle(x);
                gradientSingle(x, gs);
            }
            catch (Exception)
            {
                return null; // float takes another path (an index from a rounded value): nothing to compare
            }

            if (!Finite(vs) || gs.Any(d => !Finite(d)))
            {
                return null; // beyond float's range
            }

            double valueTol = 1e-3 * (1 + Math.Abs(f0));
            double GradTol(int j) => 1e-2 * (1 + Math.Abs(g[j])) + 1e-3 * gScale;
            var bad = Enumerable.Range(0, n).Where(j => Finite(g[j]) && !(Math.Abs(gs[j] - g[j]) <= GradTol(j))).ToList();
            bool valueBad = !(Math.Abs(vs - f0) <= valueTol);
            if (!valueBad && bad.Count == 0)
            {
                return null;
            }

            long path = Run(p, x, ref probe, out _).Path;
            var rng = new Random(ProgramGenerator.Mix(p.Index, 0x51f1e));
            for (int k = 0; k < 4; k++)
            {
                var y = x.Select(v => v + (rng.Next(2) == 0 ? -1 : 1) * 1e-5 * (1 + Math.Abs(v))).ToArray();
                var gy = new double[n];
                try
                {
                    if (Run(p, y, ref probe, out _).Path != path || Math.Abs(primal(y) - f0) > 0.25 * valueTol)
                    {
                        return null;
                    }

                    gradient(y, gy);
                }
                catch (Exception)
                {
                    return null;
                }

                if (bad.Any(j => !(Math.Abs(gy[j] - g[j]) <= 0.25 * GradTol(j))))
                {
                    return null;
                }
            }

            return valueBad
                ? "F<float> returned " + F(vs) + ", F<double> " + F(f0)
                : "d/dx[" + bad[0] + "]: FGradient<float> " + F(gs[bad[0]]) + ", FGradient<double> " + F(g[bad[0]]);
        }

        /// <summary>What the program as written computes at x (<see cref="InstrumentedCopy"/>, compiled on first use).</summary>
        private static PrimalRun Run(FuzzProgram p, double[] x, ref Func<double[], PrimalRun>? probe, out string why)
        {
            why = "";
            // Without the copy nothing is excused: no numerics flags, and every point on one path.
            probe ??= InstrumentedCopy.Load(p, out why) ?? (_ => new PrimalRun(PrimalNumerics.None, 0));
            why = why.Length > 0 ? " (" + why + ")" : "";
            return probe(x);
        }

        /// <summary>
        /// Where the primal throws an exception of the program's own, every generated method must throw the same type with
        /// the same message (README: "every generated method throws it as the method does"); the mismatch, or null.
        /// </summary>
        private static (string Message, string Key)? ThrowsAlike(FuzzProgram p, Exception expected, double[] x, int n,
            Func<double[], double[], double> gradient, Func<double[], double, double[], double> reverse, Func<double[], double[], double[], double> forward,
            Func<double[], double[,], double>? jacobian, Func<double[], double[,], double>? hessian, Func<double[], double[], double[], double>? hvp)
        {
            var calls = new List<(string Name, Action Call)>
            {
                ("FGradient", () => gradient(x, new double[n])),
                ("FReverse", () => reverse(x, 1.0, new double[n])),
                ("FForward", () => forward(x, Enumerable.Range(0, n).Select(j => j == 0 ? 1.0 : 0.0).ToArray(), new double[1])),
            };
            if (jacobian != null && hessian != null && hvp != null)
            {
                calls.Add(("FJacobian", () => jacobian(x, new double[1, n])));
                calls.Add(("FHessian", () => hessian(x, new double[n, n])));
                calls.Add(("FHessianVectorProduct", () => hvp(x, Enumerable.Repeat(1.0, n).ToArray(), new double[n])));
            }

            foreach (var (name, call) in calls)
            {
                try
                {
                    call();
                }
                catch (Exception ex)
                {
                    if (ex.GetType() == expected.GetType() && ex.Message == expected.Message)
                    {
                        continue;
                    }

                    return (name + " threw " + ex.GetType().Name + ": " + ex.Message + " where the primal threw " + expected.GetType().Name + ": " + expected.Message + "\n" + ex.StackTrace,
                        "WRONG:throws-differently-" + name);
                }

                return (name + " returned where the primal threw " + expected.GetType().Name + ": " + expected.Message, "WRONG:does-not-throw-" + name);
            }

            return null;
        }

        /// <summary>The primal at y, NaN where it throws.</summary>
        private static double Value(Func<double[], double> primal, double[] y)
        {
            try
            {
                return primal(y);
            }
            catch (Exception)
            {
                return double.NaN;
            }
        }

        private static double[] Shifted(double[] x, int j, double step)
        {
            var y = (double[])x.Clone();
            y[j] += step;
            return y;
        }

        /// <summary>The one-sided differences (g(x + h·e_j) − g(x))/h and (g(x) − g(x − h·e_j))/h of the gradient; null where one is not finite.</summary>
        private static (double[] Ahead, double[] Behind)? GradientDifference(Func<double[], double[], double> gradient, double[] x, double[] g0, int j, double h, int n)
        {
            try
            {
                var gp = new double[n];
                var gm = new double[n];
                gradient(Shifted(x, j, h), gp);
                gradient(Shifted(x, j, -h), gm);
                var ahead = new double[n];
                var behind = new double[n];
                for (int i = 0; i < n; i++)
                {
                    ahead[i] = (gp[i] - g0[i]) / h;
                    behind[i] = (g0[i] - gm[i]) / h;
                    if (!Finite(ahead[i]) || !Finite(behind[i]))
                    {
                        return null;
                    }
                }

                return (ahead, behind);
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>
        /// False when the primal is far from linear over the step (|f(x+h) - 2f(x) + f(x-h)| not small next to
        /// |f(x+h) - f(x-h)|): an ill-conditioned point (sin of a value in the thousands) where FD means nothing.
        /// </summary>
        private static bool LocallyLinear(Func<double[], double> f, double[] x, int j, double h, double f0)
        {
            try
            {
                var xp = (double[])x.Clone();
                var xm = (double[])x.Clone();
                xp[j] += h;
                xm[j] -= h;
                double fp = f(xp), fm = f(xm);
                double second = Math.Abs(fp - 2 * f0 + fm);
                double first = Math.Abs(fp - fm);
                return second <= 0.05 * first + 1e-9 * (1 + Math.Abs(f0));
            }
            catch (Exception)
            {
                return false;
            }
        }

        private static double? Central(Func<double[], double> f, double[] x, int j, double h)
        {
            try
            {
                var xp = (double[])x.Clone();
                var xm = (double[])x.Clone();
                xp[j] += h;
                xm[j] -= h;
                double d = (f(xp) - f(xm)) / (2 * h);
                return Finite(d) ? d : null;
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>Runs a generated method; an exception (the primal ran at this point) is a CRASH, a modified input WRONG.</summary>
        private static bool Call(Func<double> call, string name, out double value, ref string? fail, ref string key)
        {
            try
            {
                value = call();
                return true;
            }
            catch (Exception ex)
            {
                value = double.NaN;
                if (ex is InvalidOperationException && ex.Message.StartsWith(HarnessEmitter.InputModified, StringComparison.Ordinal))
                {
                    fail = name + ": " + ex.Message;
                    key = "WRONG:input-modified-by-" + name;
                }
                else if (ex is InvalidOperationException && ex.Message.StartsWith(HarnessEmitter.EnumeratedTwice, StringComparison.Ordinal))
                {
                    fail = name + ": " + ex.Message;
                    key = "WRONG:enumerated-twice-by-" + name;
                }
                else
                {
                    fail = name + " threw (the primal did not): " + ex.GetType().Name + ": " + ex.Message + "\n" + ex.StackTrace;
                    key = "CRASH:" + name + "-throws-" + ex.GetType().Name;
                }

                return false;
            }
        }

        private static ProgramResult Fail(FuzzProgram p, string message, string key, string at) =>
            ProgramResult.Of(p, key.StartsWith("CRASH", StringComparison.Ordinal) ? Outcome.Crash : Outcome.Wrong, key, message + at);

        private static bool Close(double a, double b, double tol) =>
            a == b || Math.Abs(a - b) <= tol * (1 + Math.Abs(b)) || (double.IsNaN(a) && double.IsNaN(b));

        private static bool Finite(double d) => !double.IsNaN(d) && !double.IsInfinity(d);

        private static string F(double d) => d.ToString("R", CultureInfo.InvariantCulture);

        private static T Create<T>(Type harness, string name) where T : Delegate =>
            (T)Delegate.CreateDelegate(typeof(T), harness.GetMethod(name, BindingFlags.Public | BindingFlags.Static)
                ?? throw new InvalidOperationException("No " + name + " in the harness"));
    }
}
