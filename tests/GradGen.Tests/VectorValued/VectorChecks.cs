using System;
using System.Collections.Generic;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;
using Xunit.Sdk;

namespace GradGen.Tests.VectorValued
{
    /// <summary>
    /// Checks every first-order derivative of a vector-valued (or scalar-valued) method at given points, collecting all
    /// mismatches:
    /// <list type="number">
    /// <item>the Jacobian by forward columns (FForward along every unit direction) equals the Jacobian by reverse rows
    ///   (FReverse for every unit seed), and FJacobian when it was generated (its matrix is pre-filled with garbage);</item>
    /// <item>a closed-form Jacobian (when given), evaluated in double at the exact inputs;</item>
    /// <item>central finite differences of the primal (for a float method: of its double twin);</item>
    /// <item>&lt;J·v, w&gt; = &lt;v, Jᵀ·w&gt; for seeded random v and w (FForward against FReverse);</item>
    /// <item>FReverse accumulates seedᵀ·J (once r + Jᵀw, twice on the same buffers r + 2Jᵀw);</item>
    /// <item>every generated method returns the primal value, and no input array or matrix is modified.</item>
    /// </list>
    /// </summary>
    public static class JacobianCheck
    {
        /// <param name="closedForm">Arguments as doubles (float inputs widened) -> the m × n Jacobian over the flat index.</param>
        /// <param name="exact">The closed form must be matched exactly (bit for bit), e.g. J(Ax) = A.</param>
        public static void Check(VectorFunction f, IEnumerable<object?[]> points, Func<object?[], double[,]>? closedForm = null,
            Tolerance? closedFormTolerance = null, bool finiteDifferences = true, Tolerance? finiteDifferenceTolerance = null, bool exact = false)
        {
            var errors = new List<string>();
            int index = 0;
            foreach (var raw in points)
            {
                var args = f.Arguments(raw);
                try
                {
                    CheckPoint(f, args, closedForm, closedFormTolerance, finiteDifferences, finiteDifferenceTolerance, exact, index++, errors);
                }
                catch (Exception ex) when (ex is not XunitException)
                {
                    errors.Add($"{f.Describe(args)}: threw {ex}");
                }
            }

            Report(f, errors);
        }

        internal static void Report(VectorFunction f, List<string> errors)
        {
            if (errors.Count > 0)
            {
                Assert.Fail($"{f.Label}: {errors.Count} mismatches\n  " + string.Join("\n  ", errors.Take(40))
                    + (errors.Count > 40 ? $"\n  ... and {errors.Count - 40} more" : string.Empty)
                    + "\n\n" + f.Source.Describe(f.Type.Name + "." + f.Name));
            }
        }

        /// <summary>The Jacobian by forward columns (FForward along each unit direction).</summary>
        public static double[,] ByColumns(VectorFunction f, object?[] args)
        {
            int n = f.FlatLength(args);
            int m = f.Value(args).Length;
            var j = new double[m, n];
            for (int k = 0; k < n; k++)
            {
                var e = new double[n];
                e[k] = 1;
                var (_, t) = f.Forward(args, e);
                for (int i = 0; i < m; i++)
                {
                    j[i, k] = t[i];
                }
            }

            return j;
        }

        private static void CheckPoint(VectorFunction f, object?[] args, Func<object?[], double[,]>? closedForm, Tolerance? closedFormTolerance,
            bool finiteDifferences, Tolerance? finiteDifferenceTolerance, bool exact, int pointIndex, List<string> errors)
        {
            string at = f.Describe(args);
            var pristine = args.Select(a => a is Array arr ? arr.Clone() : a).ToArray();
            bool isFloat = f.AnyFloat;
            var valueTol = isFloat ? new Tolerance(1e-5, 1e-6) : new Tolerance(1e-12, 1e-14);
            var agreement = isFloat ? Tolerance.AgreementFloat : Tolerance.ExactDouble;

            void Compare(string what, double expected, double actual, Tolerance tol)
            {
                if (!tol.Close(expected, actual))
                {
                    errors.Add($"{at}: {what}: expected {V.F(expected)}, got {V.F(actual)} (diff {V.F(actual - expected)}; {tol})");
                }
            }

            void CompareValue(string what, double[] expected, double[] actual)
            {
                if (expected.Length != actual.Length)
                {
                    errors.Add($"{at}: {what}: {actual.Length} outputs, {expected.Length} expected");
                    return;
                }

                for (int i = 0; i < expected.Length; i++)
                {
                    Compare($"{what} [{i}]", expected[i], actual[i], valueTol.Scaled(Math.Abs(expected[i])));
                }
            }

            string Name(int k) => f.FlatName(args, k);

            var value = f.Value(args);
            int m = value.Length;
            int n = f.FlatLength(args);

            // 1. Forward columns, reverse rows, FJacobian.
            var byColumns = new double[m, n];
            for (int k = 0; k < n; k++)
            {
                var e = new double[n];
                e[k] = 1;
                var (fv, t) = f.Forward(args, e);
                CompareValue($"FForward(e[{Name(k)}]).Value vs primal", value, fv);
                if (t.Length != m)
                {
                    errors.Add($"{at}: FForward(e[{Name(k)}]).Tangent has {t.Length} elements, {m} expected");
                    return;
                }

                for (int i = 0; i < m; i++)
                {
                    byColumns[i, k] = t[i];
                }
            }

            var byRows = new double[m, n];
            for (int i = 0; i < m; i++)
            {
                var w = new double[m];
                w[i] = 1;
                var (rv, row) = f.Reverse(args, w, new double[n]);
                CompareValue($"FReverse(seed e[{i}]) value vs primal", value, rv);
                for (int k = 0; k < n; k++)
                {
                    byRows[i, k] = row[k];
                }
            }

            var jacobian = byColumns;
            double scale = Math.Max(1.0, V.MaxAbs(jacobian));
            for (int i = 0; i < m; i++)
            {
                for (int k = 0; k < n; k++)
                {
                    Compare($"∂out[{i}]/∂{Name(k)}: FReverse row vs FForward column", byColumns[i, k], byRows[i, k], agreement.Scaled(scale));
                }
            }

            double[,]? generated = null;
            if (f.Has("Jacobian"))
            {
                var expectedType = f.AllFloat ? typeof(float[,]) : typeof(double[,]);
                if (f.MatrixParameterType("Jacobian") != expectedType)
                {
                    errors.Add($"{at}: FJacobian takes {f.MatrixParameterType("Jacobian")}, expected {expectedType}");
                }

                var (jv, j) = f.Jacobian(args, m);
                generated = j;
                CompareValue("FJacobian value vs primal", value, jv);
                for (int i = 0; i < m; i++)
                {
                    for (int k = 0; k < n; k++)
                    {
                        Compare($"∂out[{i}]/∂{Name(k)}: FJacobian vs FForward column", byColumns[i, k], j[i, k], agreement.Scaled(scale));
                    }
                }
            }

            if (f.Output == OutputKind.Scalar && f.Has("Gradient"))
            {
                var (gv, g) = f.Gradient(args);
                Compare("FGradient value vs primal", value[0], gv, valueTol.Scaled(Math.Abs(value[0])));
                for (int k = 0; k < n; k++)
                {
                    Compare($"∂f/∂{Name(k)}: FGradient vs Jacobian row", jacobian[0, k], g[k], agreement.Scaled(scale));
                }
            }

            // 2. Closed form.
            if (closedForm != null)
            {
                var expected = closedForm(ArrayFunction.ToDoubles(args));
                if (expected.GetLength(0) != m || expected.GetLength(1) != n)
                {
                    throw new ArgumentException($"TEST BUG: closed form of {f.Label} is {expected.GetLength(0)} × {expected.GetLength(1)}, the method has {m} outputs and {n} inputs.");
                }

                var tol = (closedFormTolerance ?? (isFloat ? Tolerance.Float : Tolerance.ExactDouble)).Scaled(scale);
                foreach (var (what, actual) in new[] { ("forward columns", byColumns), ("reverse rows", byRows), ("FJacobian", generated) })
                {
                    if (actual == null)
                    {
                        continue;
                    }

                    for (int i = 0; i < m; i++)
                    {
                        for (int k = 0; k < n; k++)
                        {
                            if (exact)
                            {
                                if (!expected[i, k].Equals(actual[i, k]))
                                {
                                    errors.Add($"{at}: ∂out[{i}]/∂{Name(k)} ({what}) must be exactly {V.F(expected[i, k])}, got {actual[i, k]:R}");
                                }
                            }
                            else
                            {
                                Compare($"∂out[{i}]/∂{Name(k)} ({what}) vs closed form", expected[i, k], actual[i, k], tol);
                            }
                        }
                    }
                }
            }

            // 3. Finite differences.
            if (finiteDifferences)
            {
                double[,] fd;
                Tolerance tol;
                if (f.Twin != null)
                {
                    var twinArgs = f.Twin.Arguments(ArrayFunction.ToDoubles(args));
                    fd = f.Twin.FiniteDifferences(twinArgs, f.Twin.Value);
                    tol = finiteDifferenceTolerance ?? Tolerance.Float;
                }
                else
                {
                    fd = f.FiniteDifferences(args, f.Value);
                    tol = finiteDifferenceTolerance ?? (isFloat ? Tolerance.FiniteDifferenceFloat : Tolerance.FiniteDifferenceDouble);
                }

                tol = tol.Scaled(Math.Max(scale, V.MaxAbs(value)));
                if (n > 0 && (fd.GetLength(0) != m || fd.GetLength(1) != n))
                {
                    errors.Add($"{at}: finite differences are {fd.GetLength(0)} × {fd.GetLength(1)}, expected {m} × {n}");
                }
                else
                {
                    for (int i = 0; i < m && n > 0; i++)
                    {
                        for (int k = 0; k < n; k++)
                        {
                            Compare($"∂out[{i}]/∂{Name(k)} vs finite differences{(f.Twin != null ? " of the double twin" : string.Empty)}", fd[i, k], jacobian[i, k], tol);
                        }
                    }
                }
            }

            // 4. <J·v, w> = <v, Jᵀ·w>.
            var random = new Random(GradientCheck.StableSeed(f.Label + (isFloat ? "f" : "d"), pointIndex));
            double R(double range) => Math.Round((random.NextDouble() * 2 - 1) * range * 64) / 64;
            for (int trial = 0; trial < 3; trial++)
            {
                var v = Enumerable.Range(0, n).Select(_ => R(2)).ToArray();
                var w = Enumerable.Range(0, m).Select(_ => R(2)).ToArray();
                var (fv, jv) = f.Forward(args, v);
                CompareValue("FForward(v) value vs primal", value, fv);
                var (rv, jtw) = f.Reverse(args, w, new double[n]);
                CompareValue("FReverse(w) value vs primal", value, rv);
                double lhs = V.Dot(jv, w), rhs = V.Dot(v, jtw), s = 0;
                for (int i = 0; i < m; i++)
                {
                    for (int k = 0; k < n; k++)
                    {
                        s += Math.Abs(w[i] * jacobian[i, k] * v[k]);
                    }
                }

                Compare($"<J·v, w> (FForward) vs <v, Jᵀ·w> (FReverse), trial {trial}", lhs, rhs, agreement.Scaled(s));
            }

            // 5. FReverse accumulates.
            {
                var w = Enumerable.Range(0, m).Select(_ => R(2) + 0.5).ToArray();
                var initial = Enumerable.Range(0, n).Select(_ => R(1)).ToArray();
                var (_, once) = f.Reverse(args, w, initial, times: 1);
                var (_, twice) = f.Reverse(args, w, initial, times: 2);
                for (int k = 0; k < n; k++)
                {
                    double jtw = Enumerable.Range(0, m).Sum(i => w[i] * jacobian[i, k]);
                    var tol = agreement.Scaled(Math.Max(scale * V.MaxAbs(w) * Math.Max(1, m), 1));
                    Compare($"FReverse once: d[{Name(k)}] = {V.F(initial[k])} + (Jᵀw)", initial[k] + jtw, once[k], tol);
                    Compare($"FReverse twice on the same buffers: d[{Name(k)}] = {V.F(initial[k])} + 2(Jᵀw)", initial[k] + 2 * jtw, twice[k], tol);
                }
            }

            // 6. Inputs untouched.
            for (int i = 0; i < args.Length; i++)
            {
                if (!ArrayFunction.SameContent(pristine[i], args[i]))
                {
                    errors.Add($"{at}: input {f.Parameters[i].Name} was modified: before {ArrayFunction.Format(pristine[i])}, after {ArrayFunction.Format(args[i])}");
                }
            }
        }
    }

    /// <summary>
    /// Checks the second-order methods of a scalar-valued method (FHessian, FHessianVectorProduct) at given points:
    /// <list type="number">
    /// <item>a closed-form Hessian (when given);</item>
    /// <item>central finite differences of the generated gradient (for a float method: of its double twin's gradient);</item>
    /// <item>symmetry (to ~1e-12 relative in double);</item>
    /// <item>FHessianVectorProduct along every unit direction equals the Hessian's column, and along seeded random v equals
    ///   H·v; its hv buffers are pre-filled with garbage (they must be overwritten);</item>
    /// <item>FHessian's matrix is pre-filled with garbage; every method returns the primal value; inputs are not modified.</item>
    /// </list>
    /// </summary>
    public static class HessianCheck
    {
        public static void Check(VectorFunction f, IEnumerable<object?[]> points, Func<object?[], double[,]>? closedForm = null,
            Tolerance? closedFormTolerance = null, Tolerance? finiteDifferenceTolerance = null)
        {
            if (f.Output != OutputKind.Scalar)
            {
                throw new ArgumentException($"TEST BUG: {f.Label} is vector-valued.");
            }

            var errors = new List<string>();
            int index = 0;
            foreach (var raw in points)
            {
                var args = f.Arguments(raw);
                try
                {
                    CheckPoint(f, args, closedForm, closedFormTolerance, finiteDifferenceTolerance, index++, errors);
                }
                catch (Exception ex) when (ex is not XunitException)
                {
                    errors.Add($"{f.Describe(args)}: threw {ex}");
                }
            }

            JacobianCheck.Report(f, errors);
        }

        private static void CheckPoint(VectorFunction f, object?[] args, Func<object?[], double[,]>? closedForm, Tolerance? closedFormTolerance,
            Tolerance? finiteDifferenceTolerance, int pointIndex, List<string> errors)
        {
            string at = f.Describe(args);
            var pristine = args.Select(a => a is Array arr ? arr.Clone() : a).ToArray();
            bool isFloat = f.AnyFloat;
            var valueTol = isFloat ? new Tolerance(1e-5, 1e-6) : new Tolerance(1e-12, 1e-14);
            var agreement = isFloat ? Tolerance.AgreementFloat : Tolerance.ExactDouble;

            void Compare(string what, double expected, double actual, Tolerance tol)
            {
                if (!tol.Close(expected, actual))
                {
                    errors.Add($"{at}: {what}: expected {V.F(expected)}, got {V.F(actual)} (diff {V.F(actual - expected)}; {tol})");
                }
            }

            string Name(int k) => f.FlatName(args, k);

            double value = f.Value(args)[0];
            int n = f.FlatLength(args);
            var (gv, gradient) = f.Gradient(args);
            Compare("FGradient value vs primal", value, gv, valueTol.Scaled(Math.Abs(value)));

            var (hv0, hessian) = f.Hessian(args);
            Compare("FHessian value vs primal", value, hv0, valueTol.Scaled(Math.Abs(value)));
            double scale = Math.Max(1.0, V.MaxAbs(hessian));

            // Symmetry.
            double symmetric = isFloat ? 1e-5 : 1e-12;
            for (int i = 0; i < n; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    if (Math.Abs(hessian[i, j] - hessian[j, i]) > symmetric * scale)
                    {
                        errors.Add($"{at}: Hessian not symmetric: H[{Name(i)}, {Name(j)}] = {V.F(hessian[i, j])}, H[{Name(j)}, {Name(i)}] = {V.F(hessian[j, i])}");
                    }
                }
            }

            // 1. Closed form.
            if (closedForm != null)
            {
                var expected = closedForm(ArrayFunction.ToDoubles(args));
                if (expected.GetLength(0) != n || expected.GetLength(1) != n)
                {
                    throw new ArgumentException($"TEST BUG: closed-form Hessian of {f.Label} is {expected.GetLength(0)} × {expected.GetLength(1)}, n = {n}.");
                }

                var tol = (closedFormTolerance ?? (isFloat ? Tolerance.Float : Tolerance.ExactDouble)).Scaled(scale);
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        Compare($"H[{Name(i)}, {Name(j)}] FHessian vs closed form", expected[i, j], hessian[i, j], tol);
                    }
                }
            }

            // 2. Finite differences of the generated gradient.
            {
                double[,] fd;
                Tolerance tol;
                if (f.Twin != null)
                {
                    var twinArgs = f.Twin.Arguments(ArrayFunction.ToDoubles(args));
                    fd = f.Twin.FiniteDifferences(twinArgs, a => f.Twin.Gradient(a).Gradient);
                    tol = finiteDifferenceTolerance ?? Tolerance.Float;
                }
                else
                {
                    fd = f.FiniteDifferences(args, a => f.Gradient(a).Gradient);
                    tol = finiteDifferenceTolerance ?? (isFloat ? Tolerance.FiniteDifferenceFloat : Tolerance.FiniteDifferenceDouble);
                }

                tol = tol.Scaled(Math.Max(scale, V.MaxAbs(gradient)));
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        Compare($"H[{Name(i)}, {Name(j)}] FHessian vs finite differences of the {(f.Twin != null ? "double twin's " : string.Empty)}FGradient", fd[i, j], hessian[i, j], tol);
                    }
                }
            }

            // 3. Hessian-vector products.
            for (int k = 0; k < n; k++)
            {
                var e = new double[n];
                e[k] = 1;
                var (pv, hv) = f.HessianVectorProduct(args, e);
                Compare($"FHessianVectorProduct(e[{Name(k)}]) value vs primal", value, pv, valueTol.Scaled(Math.Abs(value)));
                for (int i = 0; i < n; i++)
                {
                    Compare($"FHessianVectorProduct(e[{Name(k)}])[{Name(i)}] vs FHessian column", hessian[i, k], hv[i], agreement.Scaled(scale));
                }
            }

            var random = new Random(GradientCheck.StableSeed(f.Label + (isFloat ? "f" : "d"), 500 + pointIndex));
            for (int trial = 0; trial < 2; trial++)
            {
                var v = Enumerable.Range(0, n).Select(_ => Math.Round((random.NextDouble() * 4 - 2) * 64) / 64).ToArray();
                var (_, hv) = f.HessianVectorProduct(args, v);
                for (int i = 0; i < n; i++)
                {
                    double expected = 0, s = 0;
                    for (int j = 0; j < n; j++)
                    {
                        expected += hessian[i, j] * v[j];
                        s += Math.Abs(hessian[i, j] * v[j]);
                    }

                    Compare($"FHessianVectorProduct(v)[{Name(i)}] vs (H·v), trial {trial}", expected, hv[i], agreement.Scaled(Math.Max(s, 1)));
                }
            }

            for (int i = 0; i < args.Length; i++)
            {
                if (!ArrayFunction.SameContent(pristine[i], args[i]))
                {
                    errors.Add($"{at}: input {f.Parameters[i].Name} was modified: before {ArrayFunction.Format(pristine[i])}, after {ArrayFunction.Format(args[i])}");
                }
            }
        }
    }
}
