using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Xunit;
using Xunit.Sdk;

namespace GradGen.Tests.Infrastructure
{
    /// <summary>
    /// Checks the generated derivatives of a <see cref="DiffFunction"/> at given points against independent truths,
    /// collecting every mismatch of a call. First order (<see cref="Jacobian"/>, <see cref="Gradient"/>,
    /// <see cref="GradientOfScalars"/>: the same checks, the closed form stated three ways):
    /// <list type="number">
    /// <item>the Jacobian by forward columns (FForward along every unit direction) equals the Jacobian by reverse rows
    ///   (FReverse seeded with every unit output weight), FJacobian when it was generated (its matrix filled with
    ///   garbage first) and, for a scalar result, FGradient (which must overwrite the garbage in its buffers);</item>
    /// <item>a closed form (when given), evaluated in double at the exact inputs, equals each of them;</item>
    /// <item>central finite differences of the primal (for a float method: of its double twin) equal each of them;</item>
    /// <item>along seeded random v and w: FForward(v) = J·v, FReverse(w) = Jᵀ·w and &lt;J·v, w&gt; = &lt;v, Jᵀ·w&gt;;</item>
    /// <item>FReverse accumulates: from random adjoints r, once r + Jᵀw, twice on the same buffers r + 2Jᵀw;</item>
    /// <item>every generated method returns the primal value, and no input array, span or matrix is modified.</item>
    /// </list>
    /// Second order (<see cref="Hessian"/>): a closed form, finite differences of FGradient, symmetry, and
    /// FHessianVectorProduct against the Hessian.
    /// </summary>
    public static class DerivativeCheck
    {
        /// <param name="closedForm">The arguments as doubles (float inputs widened) -> the m × n Jacobian over the flat index.</param>
        /// <param name="closedFormTolerance">Overrides the default (1e-9 relative in double, 1e-3 in float).</param>
        /// <param name="exact">The closed form must be matched bit for bit, e.g. J(Ax) = A.</param>
        public static void Jacobian(DiffFunction f, IEnumerable<object?[]> points, Func<object?[], double[,]>? closedForm = null,
            Tolerance? closedFormTolerance = null, bool finiteDifferences = true, bool exact = false) =>
            AtEveryPoint(f, points, (args, index, mismatches) =>
                FirstOrderAt(f, args, closedForm, closedFormTolerance, finiteDifferences, exact, index, mismatches));

        /// <param name="closedForm">For a scalar result: the arguments as doubles (float inputs widened) -> the flat gradient.</param>
        public static void Gradient(DiffFunction f, IEnumerable<object?[]> points, Func<object?[], double[]>? closedForm = null,
            Tolerance? closedFormTolerance = null, bool finiteDifferences = true)
        {
            if (f.Result != ResultKind.Scalar)
            {
                throw new ArgumentException($"TEST BUG: {f.Label} is vector-valued: its closed form is a Jacobian.");
            }

            Jacobian(f, points, closedForm == null ? null : a => Matrices.M(closedForm(a)), closedFormTolerance, finiteDifferences);
        }

        /// <param name="closedForm">For a scalar function of scalars: all arguments as doubles (int and bool converted) -> the gradient.</param>
        public static void GradientOfScalars(DiffFunction f, IEnumerable<object?[]> points, Func<double[], double[]>? closedForm = null,
            Tolerance? closedFormTolerance = null, bool finiteDifferences = true) =>
            Gradient(f, points, closedForm == null ? null : a => closedForm(a.Select(Reflect.ToDouble).ToArray()), closedFormTolerance, finiteDifferences);

        /// <summary>
        /// The second-order methods of a scalar-valued method: FHessian (its matrix filled with garbage first) against a
        /// closed form (when given) and central finite differences of FGradient (of the double twin's for a float method),
        /// symmetric; FHessianVectorProduct (its buffers filled with garbage first) along every unit direction equals the
        /// Hessian's column, and along seeded random v equals H·v; every method returns the primal value; inputs unmodified.
        /// </summary>
        public static void Hessian(DiffFunction f, IEnumerable<object?[]> points, Func<object?[], double[,]>? closedForm = null,
            Tolerance? closedFormTolerance = null)
        {
            if (f.Result != ResultKind.Scalar)
            {
                throw new ArgumentException($"TEST BUG: {f.Label} is vector-valued.");
            }

            AtEveryPoint(f, points, (args, index, mismatches) => HessianAt(f, args, closedForm, closedFormTolerance, index, mismatches));
        }

        private static void AtEveryPoint(DiffFunction f, IEnumerable<object?[]> points, Action<object?[], int, Mismatches> check)
        {
            var errors = new List<string>();
            int index = 0;
            foreach (var raw in points)
            {
                var args = f.Arguments(raw);
                var mismatches = new Mismatches(f.Describe(args), f.IsFloat, errors);
                var pristine = args.Select(a => a is Array array ? array.Clone() : a).ToArray();
                try
                {
                    check(args, index++, mismatches);
                }
                catch (Exception ex) when (ex is not XunitException)
                {
                    mismatches.Add($"threw {ex}");
                }

                for (int i = 0; i < args.Length; i++)
                {
                    if (!DiffFunction.SameContent(pristine[i], args[i]))
                    {
                        mismatches.Add($"input {f.Parameters[i].Name} was modified: before {DiffFunction.Format(pristine[i])}, after {DiffFunction.Format(args[i])}");
                    }
                }
            }

            if (errors.Count > 0)
            {
                Assert.Fail($"{f.Label} ({(f.IsFloat ? "float" : "double")}): {errors.Count} mismatches\n  " + string.Join("\n  ", errors.Take(40))
                    + (errors.Count > 40 ? $"\n  ... and {errors.Count - 40} more" : string.Empty)
                    + "\n\n" + f.Source.Describe(f.Type.Name + "." + f.Name));
            }
        }

        private static void FirstOrderAt(DiffFunction f, object?[] args, Func<object?[], double[,]>? closedForm, Tolerance? closedFormTolerance,
            bool finiteDifferences, bool exact, int pointIndex, Mismatches check)
        {
            string Name(int k) => f.FlatName(args, k);
            string Entry(int i, int k) => $"∂out[{i}]/∂{Name(k)}";

            var value = f.Value(args);
            int m = value.Length;
            int n = f.FlatLength(args);

            // 1. The Jacobian by forward columns, by reverse rows, and as FJacobian and FGradient give it.
            var byColumns = new double[m, n];
            for (int k = 0; k < n; k++)
            {
                var (fv, tangent) = f.Forward(args, Unit(n, k));
                check.Values($"FForward(e[{Name(k)}]) value vs primal", value, fv);
                if (tangent.Length != m)
                {
                    check.Add($"FForward(e[{Name(k)}]).Tangent has {tangent.Length} elements, {m} expected");
                    return;
                }

                for (int i = 0; i < m; i++)
                {
                    byColumns[i, k] = tangent[i];
                }
            }

            var byRows = new double[m, n];
            for (int i = 0; i < m; i++)
            {
                var (rv, row) = f.Reverse(args, Unit(m, i), new double[n]);
                check.Values($"FReverse(seed e[{i}]) value vs primal", value, rv);
                for (int k = 0; k < n; k++)
                {
                    byRows[i, k] = row[k];
                }
            }

            double scale = Math.Max(1.0, Matrices.MaxAbs(byColumns));
            var ways = new List<(string Name, double[,] Jacobian)> { ("FForward columns", byColumns), ("FReverse rows", byRows) };
            if (f.Has("Jacobian"))
            {
                var expectedType = f.AllFloat ? typeof(float[,]) : typeof(double[,]);
                if (f.MatrixParameterType("Jacobian") != expectedType)
                {
                    check.Add($"FJacobian takes {f.MatrixParameterType("Jacobian")}, expected {expectedType}");
                }

                var (jv, jacobian) = f.Jacobian(args, m);
                check.Values("FJacobian value vs primal", value, jv);
                ways.Add(("FJacobian", jacobian));
            }

            if (f.Result == ResultKind.Scalar)
            {
                var (gv, gradient) = f.Gradient(args);
                check.Compare("FGradient value vs primal", value[0], gv, check.Value);
                for (int k = 0; k < n; k++)
                {
                    if (gradient[k] == DiffFunction.Garbage)
                    {
                        check.Add($"FGradient did not write the derivative of {Name(k)}");
                    }
                }

                ways.Add(("FGradient", Matrices.M(gradient)));
            }

            foreach (var (way, jacobian) in ways.Skip(1))
            {
                check.Entries($"{way} vs FForward columns", byColumns, jacobian, Entry, check.Agreement.Scaled(scale));
            }

            // 2. Closed form.
            if (closedForm != null)
            {
                var expected = closedForm(DiffFunction.ToDoubles(args));
                if (expected.GetLength(0) != m || expected.GetLength(1) != n)
                {
                    throw new ArgumentException($"TEST BUG: closed form of {f.Label} is {expected.GetLength(0)} × {expected.GetLength(1)}, the method has {m} outputs and {n} inputs.");
                }

                var tolerance = (closedFormTolerance ?? check.ClosedForm).Scaled(scale);
                foreach (var (way, jacobian) in ways)
                {
                    check.Entries($"{way} vs closed form", expected, jacobian, Entry, exact ? null : tolerance);
                }
            }

            // 3. Finite differences (of the double twin for a float method).
            if (finiteDifferences)
            {
                var fd = f.Twin != null
                    ? f.Twin.FiniteDifferences(f.Twin.Arguments(DiffFunction.ToDoubles(args)), f.Twin.Value)
                    : f.FiniteDifferences(args, f.Value);
                var tolerance = (f.Twin != null ? Tolerance.Float : f.IsFloat ? Tolerance.FiniteDifferenceFloat : Tolerance.FiniteDifferenceDouble)
                    .Scaled(Math.Max(scale, Matrices.MaxAbs(value)));
                foreach (var (way, jacobian) in ways)
                {
                    check.Entries($"{way} vs finite differences{(f.Twin != null ? " of the double twin" : string.Empty)}", fd, jacobian, Entry, tolerance);
                }
            }

            // 4. Seeded random directions: each mode against the other's Jacobian, and <J·v, w> = <v, Jᵀ·w>.
            var random = new Random(StableSeed(f.Label + (f.IsFloat ? "f" : "d"), pointIndex));
            double R(double range) => Math.Round((random.NextDouble() * 2 - 1) * range * 64) / 64;
            for (int trial = 0; trial < 3; trial++)
            {
                var v = Enumerable.Range(0, n).Select(_ => R(2)).ToArray();
                var w = Enumerable.Range(0, m).Select(_ => R(2) + (trial == 0 ? 3 : 0)).ToArray();
                var (fv, jv) = f.Forward(args, v);
                check.Values("FForward(v) value vs primal", value, fv);
                var (rv, jtw) = f.Reverse(args, w, new double[n]);
                check.Values("FReverse(w) value vs primal", value, rv);
                double dotScale = 0;
                for (int i = 0; i < m; i++)
                {
                    double expected = 0, s = 0;
                    for (int k = 0; k < n; k++)
                    {
                        expected += byRows[i, k] * v[k];
                        s += Math.Abs(byRows[i, k] * v[k]);
                        dotScale += Math.Abs(w[i] * byColumns[i, k] * v[k]);
                    }

                    check.Compare($"FForward(v)[{i}] vs (J·v)[{i}] by FReverse rows, trial {trial}", expected, jv[i], check.Agreement.Scaled(s));
                }

                var transposed = check.Agreement.Scaled(scale * w.Sum(Math.Abs));
                for (int k = 0; k < n; k++)
                {
                    double expected = Enumerable.Range(0, m).Sum(i => w[i] * byColumns[i, k]);
                    check.Compare($"FReverse(w, zero buffers)[{Name(k)}] vs (Jᵀ·w)[{Name(k)}] by FForward columns, trial {trial}", expected, jtw[k], transposed);
                }

                check.Compare($"<J·v, w> (FForward) vs <v, Jᵀ·w> (FReverse), trial {trial}", Matrices.Dot(v, jtw), Matrices.Dot(jv, w), check.Agreement.Scaled(dotScale));
            }

            // 5. FReverse accumulates into its buffers.
            {
                var w = Enumerable.Range(0, m).Select(_ => 1.75 + Math.Round(random.NextDouble() * 64) / 64).ToArray();
                var initial = Enumerable.Range(0, n).Select(_ => R(1)).ToArray();
                var (_, once) = f.Reverse(args, w, initial, times: 1);
                var (_, twice) = f.Reverse(args, w, initial, times: 2);
                var tolerance = check.Agreement.Scaled(Math.Max(scale * w.Sum(), 1));
                for (int k = 0; k < n; k++)
                {
                    double jtw = Enumerable.Range(0, m).Sum(i => w[i] * byColumns[i, k]);
                    check.Compare($"FReverse once: d[{Name(k)}] = {F(initial[k])} + (Jᵀw)", initial[k] + jtw, once[k], tolerance);
                    check.Compare($"FReverse twice on the same buffers: d[{Name(k)}] = {F(initial[k])} + 2(Jᵀw)", initial[k] + 2 * jtw, twice[k], tolerance);
                }
            }
        }

        private static void HessianAt(DiffFunction f, object?[] args, Func<object?[], double[,]>? closedForm, Tolerance? closedFormTolerance,
            int pointIndex, Mismatches check)
        {
            string Name(int k) => f.FlatName(args, k);

            double value = f.Value(args)[0];
            int n = f.FlatLength(args);
            var (gv, gradient) = f.Gradient(args);
            check.Compare("FGradient value vs primal", value, gv, check.Value.Scaled(Math.Abs(value)));
            var (hv0, hessian) = f.Hessian(args);
            check.Compare("FHessian value vs primal", value, hv0, check.Value.Scaled(Math.Abs(value)));
            double scale = Math.Max(1.0, Matrices.MaxAbs(hessian));

            double symmetric = f.IsFloat ? 1e-5 : 1e-12;
            for (int i = 0; i < n; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    if (Math.Abs(hessian[i, j] - hessian[j, i]) > symmetric * scale)
                    {
                        check.Add($"Hessian not symmetric: H[{Name(i)}, {Name(j)}] = {F(hessian[i, j])}, H[{Name(j)}, {Name(i)}] = {F(hessian[j, i])}");
                    }
                }
            }

            string Entry(int i, int j) => $"H[{Name(i)}, {Name(j)}]";
            if (closedForm != null)
            {
                var expected = closedForm(DiffFunction.ToDoubles(args));
                if (expected.GetLength(0) != n || expected.GetLength(1) != n)
                {
                    throw new ArgumentException($"TEST BUG: closed-form Hessian of {f.Label} is {expected.GetLength(0)} × {expected.GetLength(1)}, n = {n}.");
                }

                check.Entries("FHessian vs closed form", expected, hessian, Entry, (closedFormTolerance ?? check.ClosedForm).Scaled(scale));
            }

            var fd = f.Twin != null
                ? f.Twin.FiniteDifferences(f.Twin.Arguments(DiffFunction.ToDoubles(args)), a => f.Twin.Gradient(a).Gradient)
                : f.FiniteDifferences(args, a => f.Gradient(a).Gradient);
            var fdTolerance = (f.Twin != null ? Tolerance.Float : f.IsFloat ? Tolerance.FiniteDifferenceFloat : Tolerance.FiniteDifferenceDouble)
                .Scaled(Math.Max(scale, Matrices.MaxAbs(gradient)));
            check.Entries($"FHessian vs finite differences of the {(f.Twin != null ? "double twin's " : string.Empty)}FGradient", fd, hessian, Entry, fdTolerance);

            for (int k = 0; k < n; k++)
            {
                var (pv, hv) = f.HessianVectorProduct(args, Unit(n, k));
                check.Compare($"FHessianVectorProduct(e[{Name(k)}]) value vs primal", value, pv, check.Value.Scaled(Math.Abs(value)));
                for (int i = 0; i < n; i++)
                {
                    check.Compare($"FHessianVectorProduct(e[{Name(k)}])[{Name(i)}] vs FHessian column", hessian[i, k], hv[i], check.Agreement.Scaled(scale));
                }
            }

            var random = new Random(StableSeed(f.Label + (f.IsFloat ? "f" : "d"), 500 + pointIndex));
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

                    check.Compare($"FHessianVectorProduct(v)[{Name(i)}] vs (H·v), trial {trial}", expected, hv[i], check.Agreement.Scaled(Math.Max(s, 1)));
                }
            }
        }

        private static double[] Unit(int n, int k)
        {
            var e = new double[n];
            e[k] = 1;
            return e;
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

        /// <summary>The mismatches found at one point, with the tolerances of its precision.</summary>
        private sealed class Mismatches
        {
            private readonly string _at;
            private readonly List<string> _errors;

            public Mismatches(string at, bool isFloat, List<string> errors)
            {
                _at = at;
                _errors = errors;
                Value = isFloat ? new Tolerance(1e-5, 1e-6) : new Tolerance(1e-12, 1e-14);
                Agreement = isFloat ? Tolerance.AgreementFloat : Tolerance.ExactDouble;
                ClosedForm = isFloat ? Tolerance.Float : Tolerance.ExactDouble;
            }

            /// <summary>A generated method's value against the primal's.</summary>
            public Tolerance Value { get; }

            /// <summary>Two modes of the same generated code.</summary>
            public Tolerance Agreement { get; }

            /// <summary>Generated code against a closed form evaluated in double.</summary>
            public Tolerance ClosedForm { get; }

            public void Add(string error) => _errors.Add($"{_at}: {error}");

            public void Compare(string what, double expected, double actual, Tolerance tolerance)
            {
                if (!tolerance.Close(expected, actual))
                {
                    Add($"{what}: expected {F(expected)}, got {F(actual)} (diff {F(actual - expected)}; {tolerance})");
                }
            }

            public void Values(string what, double[] expected, double[] actual)
            {
                if (expected.Length != actual.Length)
                {
                    Add($"{what}: {actual.Length} outputs, {expected.Length} expected");
                    return;
                }

                for (int i = 0; i < expected.Length; i++)
                {
                    Compare($"{what} [{i}]", expected[i], actual[i], Value);
                }
            }

            /// <summary>Entry by entry; a null tolerance asks for bit-for-bit equality.</summary>
            public void Entries(string what, double[,] expected, double[,] actual, Func<int, int, string> entry, Tolerance? tolerance)
            {
                for (int i = 0; i < expected.GetLength(0); i++)
                {
                    for (int j = 0; j < expected.GetLength(1); j++)
                    {
                        if (tolerance is { } t)
                        {
                            Compare($"{entry(i, j)}: {what}", expected[i, j], actual[i, j], t);
                        }
                        else if (!expected[i, j].Equals(actual[i, j]))
                        {
                            Add($"{entry(i, j)}: {what} must be exactly {F(expected[i, j])}, got {actual[i, j].ToString("R", CultureInfo.InvariantCulture)}");
                        }
                    }
                }
            }
        }
    }
}
