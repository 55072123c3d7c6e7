using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace GradGen.Tests.Arrays
{
    /// <summary>
    /// Tries to break the flow-sensitive to-be-recorded analysis of reverse mode (ToBeRecorded): a write saves the value
    /// it overwrites only when the adjoint of an earlier statement still needs it, and a counted loop storing to every
    /// element of an array (a scratch-buffer reset) counts as a complete overwrite, recorded whole (Tape.PushAll/PopAll)
    /// for double[], float[] and int[] and per element for spans.
    /// <para>
    /// Every method is checked at seeded points by <see cref="DerivativeCheck.Gradient"/> (FGradient, FForward along every
    /// unit direction and FReverse against central finite differences of the user's own primal and each other, &lt;J·v,
    /// w&gt; = &lt;v, Jᵀ·w&gt;, FReverse accumulation) and, separately, FForward along random directions vs central finite
    /// differences along the same direction, so that a wrong mode is named. The partial-overwrite methods are built so
    /// that elements a partial reset leaves alone carry over from the previous iteration and feed the result
    /// nonlinearly: a record that is wrongly skipped shows up as a wrong gradient.
    /// </para>
    /// </summary>
    public sealed class RecordingTests
    {
        // ================================================================================================================
        // Sources
        // ================================================================================================================

        private const string MainSource = @"using System;
using GradGen;

namespace Recording
{
    public static partial class Rec
    {
        // ----- 1. GMM-like scratch buffer, fully reset every outer iteration ------------------------------------------

        // tmp = x − m_j (length d, a parameter), then exp(−½‖tmp‖²)
        [Differentiable]
        public static double ScratchParamLength(double[] x, double[] m, int d, int k)
        {
            double[] tmp = new double[d];
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < d; i++)
                    tmp[i] = x[i] - m[j * d + i];
                double q = 0;
                for (int i = 0; i < d; i++)
                    q += tmp[i] * tmp[i];
                s += Math.Exp(-0.5 * q);
            }
            return Math.Log(s);
        }

        // the reset bounded by tmp.Length, used through Math.Exp
        [Differentiable]
        public static double ScratchArrayLength(double[] x, double[] m, int k)
        {
            double[] tmp = new double[x.Length];
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < tmp.Length; i++)
                    tmp[i] = x[i] - m[j * x.Length + i];
                for (int i = 0; i < tmp.Length; i++)
                    s += Math.Exp(tmp[i]) * tmp[i];
            }
            return s;
        }

        // a local length n = x.Length; the reset reads x nonlinearly; q is cubic in tmp
        [Differentiable]
        public static double ScratchLocalLength(double[] x, double[] m, int k)
        {
            int n = x.Length;
            var tmp = new double[n];
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < n; i++)
                    tmp[i] = Math.Sin(x[i] * (j + 1)) - m[j * n + i];
                double q = 0;
                for (int i = 0; i < n; i++)
                    q += tmp[i] * tmp[i] * m[j * n + i];
                s += q * q;
            }
            return s;
        }

        // two complete resets of the same buffer in one iteration, with a single store and a read in between
        [Differentiable]
        public static double ScratchTwoResets(double[] x, double[] m, int k)
        {
            int n = x.Length;
            double[] tmp = new double[n];
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < n; i++)
                    tmp[i] = x[i] * m[j * n + i];
                double a = 0;
                for (int i = 0; i < n; i++)
                    a += tmp[i] * tmp[i];
                tmp[0] = Math.Cos(a) * tmp[0];
                double u = tmp[0] * tmp[n - 1];
                for (int i = 0; i < n; i++)
                    tmp[i] = Math.Cos(x[i]) + a * m[j * n + i];
                for (int i = 0; i < n; i++)
                    s += Math.Sin(tmp[i]) * tmp[i];
                s += u * u;
            }
            return s;
        }

        // a complete reset at top level (not in a loop), then single stores and reads of the same buffer
        [Differentiable]
        public static double ResetOutsideLoops(double[] x)
        {
            int n = x.Length;
            double[] tmp = new double[n];
            for (int i = 0; i < n; i++)
                tmp[i] = x[i] * x[i] + 0.5;
            double u = tmp[0] * tmp[n - 1];
            tmp[n - 1] = Math.Exp(tmp[0]) * u;
            for (int i = 0; i < n; i++)
                tmp[i] = Math.Sin(tmp[i]) + u;
            double s = 0;
            for (int i = 0; i < n; i++)
                s += tmp[i] * tmp[i] * x[i];
            return s;
        }

        // the GMM-like scratch as a stackalloc span (recorded per element, not whole)
        [Differentiable]
        public static double ScratchSpan(double[] x, double[] m, int k)
        {
            int n = x.Length;
            Span<double> tmp = stackalloc double[n];
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < n; i++)
                    tmp[i] = x[i] - m[j * n + i];
                double q = 0;
                for (int i = 0; i < n; i++)
                    q += tmp[i] * tmp[i];
                s += Math.Exp(-0.5 * q);
                tmp[0] = tmp[0] * q;
                s += tmp[0] * tmp[n - 1];
            }
            return Math.Log(s);
        }

        // the complete reset only in one branch of an if; the other branch updates the buffer in place
        [Differentiable]
        public static double ResetInOneBranch(double[] x, double[] w, int k)
        {
            int n = x.Length;
            double[] tmp = new double[n];
            for (int i = 0; i < n; i++)
                tmp[i] = x[i];
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                if (j % 3 == 1)
                {
                    for (int i = 0; i < n; i++)
                        tmp[i] = Math.Cos(x[i] * (j + 1)) * w[i];
                }
                else
                {
                    tmp[j % n] = tmp[j % n] * 0.75 + w[j % n];
                }
                tmp[0] = tmp[0] * 0.5 + x[0];
                for (int i = 0; i < n; i++)
                    s += Math.Sin(tmp[i] * w[i]) * tmp[i];
            }
            return s;
        }

        // ----- 3. reads of the buffer inside the reset loop itself, and in-place updates after it -----------------------

        // tmp[i] = tmp[i]·x[i] + w[i]: the reset reads the element it overwrites
        [Differentiable]
        public static double ResetReadsOwnElement(double[] x, double[] w, int k)
        {
            int n = x.Length;
            double[] tmp = new double[n];
            for (int i = 0; i < n; i++)
                tmp[i] = 1;
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < n; i++)
                    tmp[i] = tmp[i] * x[i] + w[i];
                for (int i = 0; i < n; i++)
                    s += Math.Sin(tmp[i]) * (j + 1);
            }
            return s;
        }

        // tmp[i] = sin(tmp[i]) + x[i]
        [Differentiable]
        public static double ResetSinOwnElement(double[] x, double[] w, int k)
        {
            int n = x.Length;
            double[] tmp = new double[n];
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < n; i++)
                    tmp[i] = Math.Sin(tmp[i]) + x[i] * w[i];
                for (int i = 0; i < n; i++)
                    s += tmp[i] * tmp[i] * tmp[i];
            }
            return s;
        }

        // tmp[i] = tmp[(i+1) % n]·x[i]: the reset reads a neighbour, overwritten or not yet
        [Differentiable]
        public static double ResetReadsNeighbour(double[] x, double[] w, int k)
        {
            int n = x.Length;
            double[] tmp = new double[n];
            for (int i = 0; i < n; i++)
                tmp[i] = w[i];
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < n; i++)
                    tmp[i] = Math.Cos(tmp[(i + 1) % n] * x[i]) + 0.25 * w[i];
                for (int i = 0; i < n; i++)
                    s += tmp[i] * tmp[i] * w[i];
            }
            return s;
        }

        // GMM: xc = x − μ_j, qx = exp(q_j)∘xc, then qx[jj] += L[l]·xc[i] (strictly lower triangle, l++), ‖qx‖²
        [Differentiable]
        public static double TriangularUpdate(double[] x, double[] means, double[] q, double[] L, int k)
        {
            int d = x.Length;
            int tri = d * (d - 1) / 2;
            double[] xc = new double[d];
            double[] qx = new double[d];
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < d; i++)
                    xc[i] = x[i] - means[j * d + i];
                for (int i = 0; i < d; i++)
                    qx[i] = Math.Exp(q[j * d + i]) * xc[i];
                int l = j * tri;
                for (int i = 0; i < d; i++)
                {
                    for (int jj = i + 1; jj < d; jj++)
                    {
                        qx[jj] += L[l] * xc[i];
                        l++;
                    }
                }
                double sq = 0;
                for (int i = 0; i < d; i++)
                    sq += qx[i] * qx[i];
                s += Math.Exp(-0.5 * sq) * (j + 1);
            }
            return Math.Log(s);
        }

        // ----- 5. int[] index arrays recomputed each iteration ----------------------------------------------------------

        // idx[i] = (i + j) % n reset each iteration, then used to index x nonlinearly
        [Differentiable]
        public static double IndexArrayReset(double[] x, double[] w, int k)
        {
            int n = x.Length;
            int[] idx = new int[n];
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < n; i++)
                    idx[i] = (i + j) % n;
                for (int i = 0; i < n; i++)
                    s += Math.Sin(x[idx[i]] * w[i]) * x[idx[(i + 1) % n]];
            }
            return s;
        }

        // the index array partly reset (from 1), its element 0 stepped separately
        [Differentiable]
        public static double IndexArrayPartialReset(double[] x, double[] w, int k)
        {
            int n = x.Length;
            int[] idx = new int[n];
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                for (int i = 1; i < n; i++)
                    idx[i] = (i * 2 + j) % n;
                idx[0] = (idx[0] + 1) % n;
                for (int i = 0; i < n; i++)
                    s += x[idx[i]] * x[idx[i]] * w[i] + Math.Cos(x[idx[i]]);
            }
            return s;
        }

        // ----- 6. scalars --------------------------------------------------------------------------------------------

        // t overwritten in the loop, read by a later adjoint
        [Differentiable]
        public static double ScalarOverwritten(double[] x)
        {
            double s = 0;
            double t = 0;
            for (int i = 0; i < x.Length; i++)
            {
                t = Math.Exp(x[i]);
                s += t * t;
                t = Math.Sin(t) * x[i];
                s += t * s * 0.1;
            }
            return s + t * t;
        }

        // GMM's l++: an integer counter stepped in nested loops and used as an index
        [Differentiable]
        public static double NestedCounter(double[] x, double[] L, int k)
        {
            int d = x.Length;
            double s = 0;
            int l = 0;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < d; i++)
                {
                    for (int jj = i + 1; jj < d; jj++)
                    {
                        s += Math.Sin(L[l] * x[i]) * x[jj] * L[l];
                        l++;
                    }
                }
            }
            return s;
        }

        // u assigned in both branches of an if inside a loop
        [Differentiable]
        public static double BothBranches(double[] x, double[] w)
        {
            double s = 0;
            double u = 0;
            for (int i = 0; i < x.Length; i++)
            {
                if (x[i] > 0)
                    u = x[i] * x[i] * w[i];
                else
                    u = Math.Sin(x[i] + u);
                if (i % 2 == 0)
                    u = u * w[i] + 1;
                else
                    u = Math.Exp(u * 0.5);
                s += u * u;
            }
            return s;
        }

        // h = tanh(w·h + x[i]) in a while loop
        [Differentiable]
        public static double WhileRecurrence(double[] x, double w, int k)
        {
            int n = x.Length;
            double h = 0.1;
            int t = 0;
            while (t < k)
            {
                h = Math.Tanh(w * h + x[t % n]);
                t++;
            }
            return h * h + h;
        }

        // the same recurrence in a do-while, with a second carried scalar
        [Differentiable]
        public static double DoWhileRecurrence(double[] x, double w)
        {
            int i = 0;
            double h = 0.3;
            double c = 0;
            do
            {
                c = c * 0.5 + h;
                h = Math.Tanh(w * h + x[i] * c);
                i++;
            } while (i < x.Length);
            return h * c;
        }

        // ----- 7. nested: the reset two loops deep, and mainTerm[k] written for every k, passed to a callee ------------

        [Differentiable]
        public static double GmmLike(double[] alphas, double[] means, double[] x, int d, int k, int points)
        {
            double[] xc = new double[d];
            double[] mainTerm = new double[k];
            double slse = 0;
            for (int ix = 0; ix < points; ix++)
            {
                for (int ik = 0; ik < k; ik++)
                {
                    for (int id = 0; id < d; id++)
                        xc[id] = x[ix * d + id] - means[ik * d + id];
                    double sq = 0;
                    for (int id = 0; id < d; id++)
                        sq += xc[id] * xc[id];
                    mainTerm[ik] = alphas[ik] - 0.5 * sq;
                }
                slse += LogSumExp(mainTerm, k);
            }
            return slse - points * LogSumExp(alphas, k);
        }

        // the same with mainTerm bounded by its Length and a nonlinear in-place pass over xc after its reset
        [Differentiable]
        public static double GmmLikeInPlace(double[] alphas, double[] means, double[] x, int d, int points)
        {
            int k = alphas.Length;
            double[] xc = new double[d];
            double[] mainTerm = new double[k];
            double slse = 0;
            for (int ix = 0; ix < points; ix++)
            {
                for (int ik = 0; ik < mainTerm.Length; ik++)
                {
                    for (int id = 0; id < d; id++)
                        xc[id] = x[ix * d + id] - means[ik * d + id];
                    for (int id = 0; id < d; id++)
                        xc[id] = xc[id] * Math.Exp(0.1 * alphas[ik]);
                    double sq = 0;
                    for (int id = 0; id < d; id++)
                        sq += xc[id] * xc[id];
                    mainTerm[ik] = alphas[ik] - 0.5 * sq;
                }
                slse += LogSumExp(mainTerm, k);
            }
            return slse;
        }

        [Differentiable]
        public static double LogSumExp(double[] v, int count)
        {
            double mx = v[0];
            for (int i = 1; i < count; i++)
                mx = Math.Max(mx, v[i]);
            double semx = 0.0;
            for (int i = 0; i < count; i++)
                semx += Math.Exp(v[i] - mx);
            return Math.Log(semx) + mx;
        }

        // ----- 8. a·a with the same operand ---------------------------------------------------------------------------

        // Σ x[i]·x[i] · v·v + (v + x0)·(v + x0) + sin(v·v)
        [Differentiable]
        public static double SameOperand(double[] x, double v)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
                s += x[i] * x[i];
            double u = v * v;
            double t = (v + x[0]) * (v + x[0]);
            return s * u + t + Math.Sin(v * v);
        }

        // v = v·v twice (the target read by its own value), and tmp[i] = tmp[i]·tmp[i] in place
        [Differentiable]
        public static double SameOperandInPlace(double[] x, double v)
        {
            double w = v + x[0];
            w = w * w;
            w = w * w;
            double[] tmp = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
                tmp[i] = x[i] + w * 0.01;
            for (int r = 0; r < 2; r++)
                for (int i = 0; i < x.Length; i++)
                    tmp[i] = tmp[i] * tmp[i];
            double s = 0;
            for (int i = 0; i < x.Length; i++)
                s += tmp[i];
            return s + w;
        }
    }
}
";

        // ----- 2. partial overwrites: one method per (reset variant, buffer kind) ------------------------------------------

        /// <summary>
        /// Skeleton of the partial-overwrite methods: tmp (a double[] or a stackalloc span) is initialised, then every
        /// outer iteration runs RESET (which may store to only some elements), STALE (an update of the elements RESET may
        /// leave alone: read-modify-write, so their values carry over from the previous iteration) and a nonlinear use of
        /// every element. If a partial RESET were taken for a complete overwrite, STALE would not be recorded.
        /// </summary>
        private const string PartialSkeleton = @"
        [Differentiable]
        public static double NAME(double[] x, double[] w, int k, int d)
        {
            int n = x.Length;
            PRE
            DECL
            for (int i = 0; i < n; i++)
                tmp[i] = 0.5 * x[i];
            MID
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                RESET
                STALE
                for (int i = 0; i < tmp.Length; i++)
                    s += Math.Sin(tmp[i] * w[i % n] + 0.25 * j) * tmp[i];
            }
            return s;
        }
";

        private const string ResetValue = "Math.Cos(x[I] * (j + 1)) * w[I]";

        private static string Reset(string index) => ResetValue.Replace("I", index);

        private static string Stale(string index) =>
            $"tmp[{index}] = tmp[{index}] * 0.75 + Math.Sin(x[({index}) % n] * (j + 2));";

        /// <summary>Variant name → (PRE, length of the allocation, MID, RESET, STALE, array only).</summary>
        private static readonly (string Name, string Pre, string Length, string Mid, string Reset, string Stale, bool ArrayOnly)[] PartialVariants =
        {
            // really complete resets (recorded whole for arrays), followed by an update of element 0
            ("CompleteLength", "", "n", "", $"for (int i = 0; i < tmp.Length; i++) tmp[i] = {Reset("i")};", Stale("0"), false),
            ("CompleteLocal", "", "n", "", $"for (int i = 0; i < n; i++) tmp[i] = {Reset("i")};", Stale("0"), false),
            ("CompleteParam", "", "d", "", $"for (int i = 0; i < d; i++) tmp[i] = {Reset("i")};", Stale("0"), false),
            ("CompleteMirrored", "", "n", "", $"for (int i = 0; i < n; i++) tmp[n - 1 - i] = {Reset("i")};", Stale("0"), false),

            // partial resets
            ("StartsAtOne", "", "n", "", $"for (int i = 1; i < n; i++) tmp[i] = {Reset("i")};", Stale("0"), false),
            ("BoundMinusOne", "", "n", "", $"for (int i = 0; i < n - 1; i++) tmp[i] = {Reset("i")};", Stale("n - 1"), false),
            ("OtherBound", "int half = n / 2;", "n", "", $"for (int i = 0; i < half; i++) tmp[i] = {Reset("i")};",
                $"for (int i = half; i < n; i++) {Stale("i")}", false),
            ("ShiftedStore", "", "n", "", $"for (int i = 0; i < n - 1; i++) tmp[i + 1] = {Reset("i")};", Stale("0"), false),
            ("MirroredStore", "", "n", "", $"for (int i = 0; i < n - 1; i++) tmp[n - 1 - i] = {Reset("i")};", Stale("0"), false),
            ("StoreInIf", "", "n", "", $"for (int i = 0; i < n; i++) {{ if ((i + j) % 2 == 0) tmp[i] = {Reset("i")}; }}",
                $"for (int i = 0; i < n; i++) {{ if ((i + j) % 2 == 1) {Stale("i")} }}", false),
            ("Continue", "", "n", "", $"for (int i = 0; i < n; i++) {{ if (i == j % n) continue; tmp[i] = {Reset("i")}; }}", Stale("j % n"), false),
            ("Break", "", "n", "", $"for (int i = 0; i < n; i++) {{ tmp[i] = {Reset("i")}; if (i == n - 2) break; }}", Stale("n - 1"), false),
            ("LengthReassigned", "int len = n;", "len", "len = n - 1;", $"for (int i = 0; i < len; i++) tmp[i] = {Reset("i")};", Stale("n - 1"), false),
            ("ParameterReassigned", "", "d", "d = d - 1;", $"for (int i = 0; i < d; i++) tmp[i] = {Reset("i")};", Stale("d"), false),
            ("LengthInArrayElement", "int[] sizes = new int[1]; sizes[0] = n;", "sizes[0]", "sizes[0] = n - 1;",
                $"for (int i = 0; i < sizes[0]; i++) tmp[i] = {Reset("i")};", Stale("n - 1"), false),

            // re-allocated with a different length in one iteration: a partial reset, and a complete one (tmp.Length)
            ("ReallocPartial", "", "n", "", $"if (j == 1) tmp = new double[n + 1]; for (int i = 0; i < n; i++) tmp[i] = {Reset("i")};",
                Stale("tmp.Length - 1"), true),
            ("ReallocComplete", "", "n", "", $"if (j == 1) tmp = new double[n + 1]; for (int i = 0; i < tmp.Length; i++) tmp[i] = {Reset("i % n")};",
                Stale("tmp.Length - 1"), true),
        };

        private static string PartialName(string variant, bool span) => "Partial" + variant + (span ? "Span" : "Array");

        private static string PartialSource()
        {
            var methods = new List<string>();
            foreach (var v in PartialVariants)
            {
                foreach (var span in v.ArrayOnly ? new[] { false } : new[] { false, true })
                {
                    string decl = span ? $"Span<double> tmp = stackalloc double[{v.Length}];" : $"double[] tmp = new double[{v.Length}];";
                    methods.Add(PartialSkeleton
                        .Replace("NAME", PartialName(v.Name, span))
                        .Replace("PRE", v.Pre)
                        .Replace("DECL", decl)
                        .Replace("MID", v.Mid)
                        .Replace("RESET", v.Reset)
                        .Replace("STALE", v.Stale));
                }
            }

            return "using System;\nusing GradGen;\n\nnamespace Recording\n{\n    public static partial class Partial\n    {\n"
                + string.Join("\n", methods) + "\n    }\n}\n";
        }

        // ----- 4. aliasing --------------------------------------------------------------------------------------------------

        private const string AliasSource = @"using System;
using GradGen;

namespace Recording
{
    public static partial class Alias
    {
        // b = a: a complete reset through b, reads and single stores through both
        [Differentiable]
        public static double WriteThroughAlias(double[] x, double[] w, int k)
        {
            int n = x.Length;
            double[] a = new double[n];
            double[] b = a;
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < n; i++)
                    b[i] = x[i] * w[i] + 0.3 * j;
                for (int i = 0; i < n; i++)
                    s += Math.Sin(a[i]) * a[i];
                a[0] = a[0] * 0.5 + x[0] * x[1];
                s += b[0] * b[0] * w[1];
            }
            return s;
        }

        // the other way round: the reset through a, the partial update through b
        [Differentiable]
        public static double WriteThroughOriginal(double[] x, double[] w, int k)
        {
            int n = x.Length;
            double[] a = new double[n];
            double[] b = a;
            for (int i = 0; i < n; i++)
                a[i] = x[i];
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                for (int i = 1; i < n; i++)
                    a[i] = Math.Cos(x[i] * (j + 1)) * w[i];
                b[0] = b[0] * 0.75 + Math.Sin(x[0] * (j + 2));
                for (int i = 0; i < n; i++)
                    s += Math.Sin(b[i] * w[i]) * a[i];
            }
            return s;
        }

        // an alias made inside the loop, after the reset of the original
        [Differentiable]
        public static double AliasInsideLoop(double[] x, double[] w, int k)
        {
            int n = x.Length;
            double[] a = new double[n];
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < n; i++)
                    a[i] = x[i] - w[i] * j;
                double[] b = a;
                b[j % n] = b[j % n] * b[(j + 1) % n];
                for (int i = 0; i < n; i++)
                    s += Math.Exp(0.3 * a[i]) * b[i];
            }
            return s;
        }

        // b = a used only to write: a (read) holds what was stored through b
        [Differentiable]
        public static double WriteOnlyAlias(double[] x, double[] w, int k)
        {
            int n = x.Length;
            double[] a = new double[n];
            for (int i = 0; i < n; i++)
                a[i] = x[i];
            double[] b = a;
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < n; i++)
                    b[i] = Math.Cos(x[i] * (j + 1)) * w[i] + 0.5 * b[i];
                for (int i = 0; i < n; i++)
                    s += Math.Sin(a[i]) * a[i];
            }
            return s;
        }

        // ping-pong buffers: cur and next swapped by reference every step
        [Differentiable]
        public static double PingPong(double[] x, double[] w, int k)
        {
            int n = x.Length;
            double[] cur = new double[n];
            double[] next = new double[n];
            for (int i = 0; i < n; i++)
                cur[i] = x[i];
            for (int t = 0; t < k; t++)
            {
                for (int i = 0; i < n; i++)
                    next[i] = Math.Tanh(w[i] * cur[i] + cur[(i + 1) % n]);
                double[] swap = cur;
                cur = next;
                next = swap;
            }
            double s = 0;
            for (int i = 0; i < n; i++)
                s += (i + 1) * cur[i] * cur[i] + next[i];
            return s;
        }
    }
}
";

        // ----- conditional aliasing (may be refused with a GG diagnostic) ---------------------------------------------------

        private const string ConditionalAliasSource = @"using System;
using GradGen;

namespace Recording
{
    public static partial class CondAlias
    {
        // b = flag ? a : c at top level
        [Differentiable]
        public static double TopLevel(double[] x, double[] w, bool flag, int k)
        {
            int n = x.Length;
            double[] a = new double[n];
            double[] c = new double[n];
            for (int i = 0; i < n; i++)
            {
                a[i] = x[i];
                c[i] = w[i];
            }
            double[] b = flag ? a : c;
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < n; i++)
                    b[i] = Math.Cos(x[i] * (j + 1)) + 0.5 * b[i] * w[i];
                for (int i = 0; i < n; i++)
                    s += Math.Sin(a[i]) * c[i];
            }
            return s;
        }

        // b chosen every iteration: j % 2 == 0 ? a : c
        [Differentiable]
        public static double InLoop(double[] x, double[] w, int k)
        {
            int n = x.Length;
            double[] a = new double[n];
            double[] c = new double[n];
            for (int i = 0; i < n; i++)
            {
                a[i] = x[i];
                c[i] = w[i];
            }
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                double[] b = j % 2 == 0 ? a : c;
                for (int i = 0; i < n; i++)
                    b[i] = Math.Cos(x[i] * (j + 1)) * w[i];
                for (int i = 0; i < n; i++)
                    s += Math.Sin(a[i]) * c[i];
            }
            return s;
        }
    }
}
";

        // ----- 5. float scratch buffers (template: double and float in one compilation) ----------------------------------

        private const string FloatTemplate = @"
namespace Recording
{
    public static partial class Flt_real
    {
        // GMM-like scratch of length d (a parameter)
        [Differentiable]
        public static real Scratch(real[] x, real[] m, int d, int k)
        {
            real[] tmp = new real[d];
            real s = 0r;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < d; i++)
                    tmp[i] = x[i] - m[j * d + i];
                real q = 0r;
                for (int i = 0; i < d; i++)
                    q += tmp[i] * tmp[i];
                s += MathR.Exp(-0.5r * q);
            }
            return MathR.Log(s);
        }

        // reset bounded by tmp.Length, then a second in-place nonlinear pass
        [Differentiable]
        public static real ScratchInPlace(real[] x, real[] w, int k)
        {
            real[] tmp = new real[x.Length];
            real s = 0r;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < tmp.Length; i++)
                    tmp[i] = x[i] * w[i] + 0.25r * j;
                for (int i = 0; i < tmp.Length; i++)
                    tmp[i] = MathR.Sin(tmp[i]) * tmp[i];
                for (int i = 0; i < tmp.Length; i++)
                    s += tmp[i] * w[i];
            }
            return s;
        }

        // partial reset (from 1): element 0 carries over and feeds the result nonlinearly
        [Differentiable]
        public static real PartialStartsAtOne(real[] x, real[] w, int k)
        {
            int n = x.Length;
            real[] tmp = new real[n];
            for (int i = 0; i < n; i++)
                tmp[i] = 0.5r * x[i];
            real s = 0r;
            for (int j = 0; j < k; j++)
            {
                for (int i = 1; i < n; i++)
                    tmp[i] = MathR.Cos(x[i] * (j + 1)) * w[i];
                tmp[0] = tmp[0] * 0.75r + MathR.Sin(x[0] * (j + 2));
                for (int i = 0; i < n; i++)
                    s += MathR.Sin(tmp[i] * w[i] + 0.25r * j) * tmp[i];
            }
            return s;
        }
    }
}
";

        // ----- probes: constructs the analysis may not see (reads outside the adjoint code it looks at) --------------------

        private const string ProbeSource = @"using System;
using GradGen;

namespace Recording
{
    public static partial class Probe
    {
        // The int[] cnt is reset by the i loop, whose inner loop's bound cnt[i] is read again by the backward loop.
        // cnt[0] is then reused as the bound of a second loop.
        [Differentiable]
        public static double InnerBoundFromResetArray(double[] x, double[] w)
        {
            int n = x.Length;
            int[] cnt = new int[n];
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                cnt[i] = i % 3 + 1;
                for (int r = 0; r < cnt[i]; r++)
                    s += Math.Sin(x[i] * w[r % n] + r);
            }
            cnt[0] = n;
            for (int r = 0; r < cnt[0]; r++)
                s += x[r] * x[r] * w[0];
            return s;
        }

        // l += step, with step changing every iteration: undoing the step needs the step of that iteration
        [Differentiable]
        public static double VariableIntegerStep(double[] x, int k)
        {
            int n = x.Length;
            int l = 0;
            int step = 0;
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                step = j % 2 + 1;
                l = l + step;
                s += Math.Sin(x[l % n]) * x[(l + 1) % n];
            }
            return s;
        }

        // the same with l++ (a constant step): the control for the probe above
        [Differentiable]
        public static double ConstantIntegerStep(double[] x, int k)
        {
            int n = x.Length;
            int l = 0;
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                l++;
                s += Math.Sin(x[l % n]) * x[(l + 1) % n];
            }
            return s;
        }

        // w[at[0]]: an index read from an int[] element that the loop itself changes
        [Differentiable]
        public static double IndexFromChangingElement(double[] w, double[] x)
        {
            int n = x.Length;
            int[] at = new int[1];
            double s = 0;
            for (int k = 0; k < n; k++)
            {
                s += Math.Sin(w[at[0]]) * x[k];
                at[0] = (2 * k + 1) % w.Length;
            }
            return s;
        }

        // the same with a scalar int index: the control for the probe above
        [Differentiable]
        public static double IndexFromChangingScalar(double[] w, double[] x)
        {
            int n = x.Length;
            int at = 0;
            double s = 0;
            for (int k = 0; k < n; k++)
            {
                s += Math.Sin(w[at]) * x[k];
                at = (2 * k + 1) % w.Length;
            }
            return s;
        }

        // b = a; the adjoint of a[0] is added through a, read through b, in the same backward loop
        [Differentiable]
        public static double AliasSameElement(double[] x)
        {
            int n = x.Length;
            double[] a = new double[2];
            double[] b = a;
            double s = 0;
            for (int k = 0; k < n; k++)
            {
                b[0] = Math.Sin(x[k]) + 0.5 * b[0];
                s += a[0] * a[0];
            }
            return s;
        }

        // the same with b active (read into the result) and a active from the start: only the adjoint bookkeeping differs
        [Differentiable]
        public static double AliasSameElementActive(double[] x)
        {
            int n = x.Length;
            double[] a = new double[2];
            a[1] = x[0];
            double[] b = a;
            double s = 0;
            for (int k = 0; k < n; k++)
            {
                b[0] = Math.Sin(x[k]) + 0.5 * b[0];
                s += a[0] * a[0] + 0.25 * b[1] * b[1];
            }
            return s;
        }

        // the same without the alias: the control for the probe above
        [Differentiable]
        public static double NoAliasSameElement(double[] x)
        {
            int n = x.Length;
            double[] a = new double[2];
            double s = 0;
            for (int k = 0; k < n; k++)
            {
                a[0] = Math.Sin(x[k]) + 0.5 * a[0];
                s += a[0] * a[0];
            }
            return s;
        }

        // the control for InnerBoundFromResetArray: the inner bound in a scalar, reused after the loop
        [Differentiable]
        public static double InnerBoundFromScalar(double[] x, double[] w)
        {
            int n = x.Length;
            int m = 0;
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                m = i % 3 + 1;
                for (int r = 0; r < m; r++)
                    s += Math.Sin(x[i] * w[r % n] + r);
            }
            m = n;
            for (int r = 0; r < m; r++)
                s += x[r] * x[r] * w[0];
            return s;
        }

        // a counted loop whose bound lim[0] is stored to inside the loop: the loop stops early
        [Differentiable]
        public static double LoopBoundElementChangedInLoop(double[] x)
        {
            int n = x.Length;
            int[] lim = new int[1];
            lim[0] = n;
            double s = 0;
            for (int j = 0; j < lim[0]; j++)
            {
                s += Math.Sin(x[j]) * x[j];
                if (j == 2)
                    lim[0] = 1;
            }
            return s;
        }

        // the same with the bound in a scalar: the control for the probe above
        [Differentiable]
        public static double LoopBoundScalarChangedInLoop(double[] x)
        {
            int n = x.Length;
            int lim = n;
            double s = 0;
            for (int j = 0; j < lim; j++)
            {
                s += Math.Sin(x[j]) * x[j];
                if (j == 2)
                    lim = 1;
            }
            return s;
        }

        // x[k++]·x[k++]: the same text twice is not the same value
        [Differentiable]
        public static double PostIncrementOperands(double[] x)
        {
            int k = 0;
            double s = 0;
            while (k + 1 < x.Length)
                s += x[k++] * x[k++];
            return s;
        }
    }
}
";

        // ----- a local that refers to an array parameter (one source each: generated code that does not compile fails only its test)

        private const string InputReadAliasSource = @"using System;
using GradGen;

namespace Recording
{
    public static partial class InputRead
    {
        // v = x, only read: Σ sin(v[i])·v[i]
        [Differentiable]
        public static double ReadsInputThroughLocal(double[] x)
        {
            double[] v = x;
            double s = 0;
            for (int i = 0; i < v.Length; i++)
                s += Math.Sin(v[i]) * v[i];
            return s;
        }
    }
}
";

        private const string InputWriteAliasSource = @"using System;
using GradGen;

namespace Recording
{
    public static partial class InputWrite
    {
        // tmp = x (a parameter), then stores through tmp: a write the caller sees
        [Differentiable]
        public static double WritesInputThroughLocal(double[] x, int k)
        {
            double[] tmp = x;
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < tmp.Length; i++)
                    tmp[i] = Math.Sin(tmp[i]) + 0.5;
                for (int i = 0; i < tmp.Length; i++)
                    s += tmp[i] * tmp[i];
            }
            return s;
        }
    }
}
";

        private const string PooledBufferSource = @"using System;
using System.Buffers;
using GradGen;

namespace Recording
{
    public static partial class Pooled
    {
        // a scratch buffer rented from ArrayPool every iteration and returned at its end: usually the same array again
        [Differentiable]
        public static double RentedScratch(double[] x, double[] w, int k)
        {
            int n = x.Length;
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                double[] tmp = ArrayPool<double>.Shared.Rent(n);
                for (int i = 0; i < n; i++)
                    tmp[i] = Math.Sin(x[i] * (j + 1)) * w[i];
                for (int i = 0; i < n; i++)
                    s += tmp[i] * tmp[i] * tmp[i];
                ArrayPool<double>.Shared.Return(tmp);
            }
            return s;
        }
    }
}
";

        private static readonly Lazy<LoadedSource> PooledBuffers = new(() => GeneratorHarness.CompileAndLoad(PooledBufferSource, "Recording_Pooled"));

        private static readonly Lazy<LoadedSource> InputReads = new(() => GeneratorHarness.CompileAndLoad(InputReadAliasSource, "Recording_InputRead"));

        private static readonly Lazy<LoadedSource> InputWrites = new(() => GeneratorHarness.CompileAndLoad(InputWriteAliasSource, "Recording_InputWrite"));

        private static readonly Lazy<LoadedSource> Main = new(() => GeneratorHarness.CompileAndLoad(MainSource, "Recording_Main"));

        private static readonly Lazy<LoadedSource> Partials = new(() => GeneratorHarness.CompileAndLoad(PartialSource(), "Recording_Partial"));

        private static readonly Lazy<LoadedSource> Aliases = new(() => GeneratorHarness.CompileAndLoad(AliasSource, "Recording_Alias"));

        private static readonly Lazy<LoadedSource> ConditionalAliases = new(() =>
            GeneratorHarness.CompileAndLoad(ConditionalAliasSource, "Recording_CondAlias"));

        private static readonly Lazy<LoadedSource> Floats = new(() =>
            GeneratorHarness.CompileAndLoad(SourceTemplate.Both(FloatTemplate), "Recording_Float"));

        private static readonly Lazy<LoadedSource> Probes = new(() => GeneratorHarness.CompileAndLoad(ProbeSource, "Recording_Probe"));

        // ================================================================================================================
        // Checking
        // ================================================================================================================

        /// <summary>Seeded values rounded to 1/64 (exact in float), in [−range, range].</summary>
        private static double[] Vec(int seed, int n, double range = 1.0)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, n).Select(_ => Math.Round((random.NextDouble() * 2 - 1) * range * 64) / 64).ToArray();
        }

        private static object?[] P(params object?[] args) => args;

        private static DiffFunction Fn(Lazy<LoadedSource> source, string type, string method) =>
            new(source.Value, source.Value.GetType("Recording." + type), method);

        /// <summary>
        /// The full <see cref="DerivativeCheck.Gradient"/>, and forward mode against finite differences along random directions.
        /// Both always run, so that a failure says whether forward mode is wrong too or only reverse mode.
        /// </summary>
        private static void Check(DiffFunction f, params object?[][] points)
        {
            var forwardErrors = ForwardVsFiniteDifferences(f, points);
            string? reverseFailure = null;
            try
            {
                DerivativeCheck.Gradient(f, points);
            }
            catch (Xunit.Sdk.XunitException ex)
            {
                reverseFailure = ex.Message;
            }

            if (reverseFailure != null || forwardErrors.Count > 0)
            {
                Assert.Fail(ForwardReport(f, forwardErrors) + "\n\n"
                    + (reverseFailure ?? f.Label + ": DerivativeCheck (every mode vs central differences and each other): ok\n\n"
                        + f.Source.Describe(f.Type.Name + "." + f.Name)));
            }
        }

        private static void CheckForwardAgainstFiniteDifferences(DiffFunction f, object?[][] points)
        {
            var errors = ForwardVsFiniteDifferences(f, points);
            Assert.True(errors.Count == 0, ForwardReport(f, errors) + "\n\n" + f.Source.Describe(f.Type.Name + "." + f.Name));
        }

        private static string ForwardReport(DiffFunction f, List<string> errors) =>
            $"{f.Label}: FForward vs central differences along random directions: "
            + (errors.Count == 0 ? "ok" : $"{errors.Count} mismatches\n  " + string.Join("\n  ", errors));

        /// <summary>FForward(v).Tangent vs the central difference of the primal along v, for three seeded v per point.</summary>
        private static List<string> ForwardVsFiniteDifferences(DiffFunction f, object?[][] points)
        {
            var errors = new List<string>();
            int pointIndex = 0;
            foreach (var raw in points)
            {
                var args = f.Arguments(raw);
                int n = f.FlatLength(args);
                var random = new Random(DerivativeCheck.StableSeed(f.Label + "/fd-direction", pointIndex++));
                for (int trial = 0; trial < 3 && n > 0; trial++)
                {
                    var v = Enumerable.Range(0, n).Select(_ => Math.Round((random.NextDouble() * 2 - 1) * 64) / 64).ToArray();
                    double tangent;
                    try
                    {
                        tangent = f.Forward(args, v).Tangent[0];
                    }
                    catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
                    {
                        errors.Add($"{f.Describe(args)}: FForward threw {ex.GetType().Name}: {ex.Message}");
                        break;
                    }

                    double scale = 1;
                    for (int k = 0; k < n; k++)
                    {
                        scale = Math.Max(scale, Math.Abs(f.ReadFlat(args, k)));
                    }

                    double h = 1e-6 * scale;
                    var plus = args;
                    var minus = args;
                    for (int k = 0; k < n; k++)
                    {
                        int kk = k;
                        plus = f.WithFlat(plus, kk, e => e + h * v[kk]).Args;
                        minus = f.WithFlat(minus, kk, e => e - h * v[kk]).Args;
                    }

                    double fd = (f.Value(plus)[0] - f.Value(minus)[0]) / (2 * h);
                    double tol = 1e-5 * Math.Max(1, Math.Max(Math.Abs(fd), Math.Abs(f.Value(args)[0])));
                    if (!(Math.Abs(tangent - fd) <= tol))
                    {
                        errors.Add($"{f.Describe(args)}: FForward along v=[{string.Join(", ", v.Select(e => e.ToString("R", CultureInfo.InvariantCulture)))}]: "
                            + $"tangent {tangent:G10}, central difference {fd:G10} (diff {tangent - fd:G3}, tol {tol:G3})");
                    }
                }
            }

            return errors;
        }

        private static void CheckMain(string method, params object?[][] points) => Check(Fn(Main, "Rec", method), points);

        // ================================================================================================================
        // 1. scratch buffers fully reset every iteration
        // ================================================================================================================

        [Fact]
        public void ScratchResetWithParameterLength() => CheckMain("ScratchParamLength",
            P(Vec(1, 3), Vec(2, 9), 3, 3), P(Vec(3, 4), Vec(4, 8), 4, 2), P(Vec(5, 2), Vec(6, 2), 2, 1));

        [Fact]
        public void ScratchResetBoundedByArrayLength() => CheckMain("ScratchArrayLength",
            P(Vec(7, 3), Vec(8, 9), 3), P(Vec(9, 5), Vec(10, 10), 2), P(Vec(11, 2), Vec(12, 0), 0));

        [Fact]
        public void ScratchResetWithLocalLength() => CheckMain("ScratchLocalLength",
            P(Vec(13, 3), Vec(14, 9), 3), P(Vec(15, 4), Vec(16, 8), 2));

        [Fact]
        public void ScratchTwoResetsPerIteration() => CheckMain("ScratchTwoResets",
            P(Vec(17, 3), Vec(18, 9), 3), P(Vec(19, 4), Vec(20, 8), 2), P(Vec(21, 1), Vec(22, 2), 2));

        [Fact]
        public void ScratchStackallocSpanReset() => CheckMain("ScratchSpan",
            P(Vec(26, 3), Vec(27, 9), 3), P(Vec(28, 4), Vec(29, 8), 2), P(Vec(30, 2), Vec(37, 2), 1));

        [Fact]
        public void CompleteResetInOneBranchOnly() => CheckMain("ResetInOneBranch",
            P(Vec(38, 3), Vec(39, 3), 5), P(Vec(40, 4), Vec(63, 4), 4));

        [Fact]
        public void ResetOutsideLoopsThenSingleStores() => CheckMain("ResetOutsideLoops",
            P(Vec(23, 3)), P(Vec(24, 5)), P(Vec(25, 1)));

        // ================================================================================================================
        // 2. partial overwrites (and complete ones for comparison), double[] and stackalloc span
        // ================================================================================================================

        public static IEnumerable<object[]> PartialCases() =>
            PartialVariants.SelectMany(v => (v.ArrayOnly ? new[] { false } : new[] { false, true }).Select(span => new object[] { v.Name, span }));

        /// <summary>
        /// Regression guard, fixed, for ("ParameterReassigned", span): <c>stackalloc double[d]</c>, then <c>d = d - 1;</c> once at top level.
        /// ToBeRecorded.Fixed takes a variable written once outside loops and branches for a fixed length, but a
        /// parameter written once has two values; so <c>for (i = 0; i &lt; d; i++) tmp[i] = ...</c> (which leaves the last
        /// element alone) counts as a complete overwrite. For a span nothing is recorded whole, so the following
        /// <c>tmp[d] = tmp[d] * 0.75 + ...</c> is not recorded and the backward sweep sees the last iteration's tmp[d]
        /// everywhere. (double[] is saved by the PushAll/PopAll snapshot, which restores every element.)
        /// </summary>
        [Theory]
        [MemberData(nameof(PartialCases))]
        public void PartialOrCompleteReset(string variant, bool span)
        {
            var f = Fn(Partials, "Partial", PartialName(variant, span));
            Check(f, P(Vec(31, 4), Vec(32, 4), 3, 4), P(Vec(33, 3, 1.4), Vec(34, 3, 1.4), 4, 3), P(Vec(35, 5), Vec(36, 5), 2, 5));
        }

        // ================================================================================================================
        // 3. reads inside the reset loop, in-place updates after it
        // ================================================================================================================

        [Fact]
        public void ResetReadsTheElementItOverwrites() => CheckMain("ResetReadsOwnElement",
            P(Vec(41, 3), Vec(42, 3), 3), P(Vec(43, 4), Vec(44, 4), 2));

        [Fact]
        public void ResetAppliesSinToTheElementItOverwrites() => CheckMain("ResetSinOwnElement",
            P(Vec(45, 3), Vec(46, 3), 3), P(Vec(47, 4), Vec(48, 4), 4));

        [Fact]
        public void ResetReadsANeighbour() => CheckMain("ResetReadsNeighbour",
            P(Vec(49, 3), Vec(50, 3), 3), P(Vec(51, 4), Vec(52, 4), 2), P(Vec(53, 1), Vec(54, 1), 3));

        [Fact]
        public void TriangularInPlaceUpdateAfterReset() => CheckMain("TriangularUpdate",
            P(Vec(55, 3), Vec(56, 6), Vec(57, 6, 0.5), Vec(58, 6), 2),
            P(Vec(59, 4), Vec(60, 12), Vec(61, 12, 0.5), Vec(62, 18), 3));

        // ================================================================================================================
        // 4. aliasing
        // ================================================================================================================

        [Fact]
        public void AliasResetThroughCopyReadThroughOriginal() => Check(Fn(Aliases, "Alias", "WriteThroughAlias"),
            P(Vec(71, 3), Vec(72, 3), 3), P(Vec(73, 4), Vec(74, 4), 2));

        [Fact]
        public void AliasPartialResetThroughOriginalUpdateThroughCopy() => Check(Fn(Aliases, "Alias", "WriteThroughOriginal"),
            P(Vec(75, 3), Vec(76, 3), 3), P(Vec(77, 4), Vec(78, 4), 4));

        [Fact]
        public void AliasMadeInsideTheLoop() => Check(Fn(Aliases, "Alias", "AliasInsideLoop"),
            P(Vec(79, 3), Vec(80, 3), 3), P(Vec(81, 4), Vec(82, 4), 5));

        /// <summary>
        /// Regression guard, fixed (activity analysis, forward and reverse): with <c>double[] b = a;</c> where b is only written (never read into
        /// the result), b is not "useful" so it gets no tangent or adjoint, and its stores drop their derivatives although
        /// they change a, which is read. ActivityAnalysis ignores aliasing (ToBeRecorded does track alias classes).
        /// </summary>
        [Fact]
        public void AliasUsedOnlyForWriting() => Check(Fn(Aliases, "Alias", "WriteOnlyAlias"),
            P(Vec(89, 3), Vec(90, 3), 3), P(Vec(65, 4), Vec(66, 4), 2));

        [Fact]
        public void PingPongBuffersSwappedByReference() => Check(Fn(Aliases, "Alias", "PingPong"),
            P(Vec(83, 3), Vec(84, 3), 3), P(Vec(85, 4), Vec(86, 4), 4), P(Vec(87, 2), Vec(88, 2), 0));

        /// <summary>
        /// <c>double[] b = flag ? a : c;</c>: either the generator refuses it with a GG diagnostic (and generates nothing
        /// for the method), or the derivatives are right.
        /// </summary>
        /// <remarks>Regression guard (forward and reverse): b once got no tangent/adjoint — see <see cref="AliasUsedOnlyForWriting"/>.</remarks>
        [Theory]
        [InlineData("TopLevel")]
        [InlineData("InLoop")]
        public void ConditionalAlias(string method)
        {
            var source = ConditionalAliases.Value;
            var type = source.GetType("Recording.CondAlias");
            bool generated = source.Run.GeneratedSources.Keys.Any(k => k.EndsWith("." + method + ".g.cs", StringComparison.Ordinal));
            var errors = source.Run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("GG", StringComparison.Ordinal)).ToList();
            if (!generated)
            {
                Assert.True(errors.Count > 0, "CondAlias." + method + " was not generated and no GG error explains why.\n" + source.Describe());
                return;
            }

            var f = new DiffFunction(source, type, method);
            if (method == "TopLevel")
            {
                Check(f, P(Vec(91, 3), Vec(92, 3), true, 3), P(Vec(93, 3), Vec(94, 3), false, 3), P(Vec(95, 4), Vec(96, 4), true, 2));
            }
            else
            {
                Check(f, P(Vec(97, 3), Vec(98, 3), 3), P(Vec(99, 4), Vec(100, 4), 4));
            }
        }

        // ================================================================================================================
        // 5. int[] index arrays, float scratch, span scratch (span: see the partial cases above)
        // ================================================================================================================

        [Fact]
        public void IndexArrayResetEveryIteration() => CheckMain("IndexArrayReset",
            P(Vec(101, 3), Vec(102, 3), 3), P(Vec(103, 5), Vec(104, 5), 4));

        [Fact]
        public void IndexArrayPartlyReset() => CheckMain("IndexArrayPartialReset",
            P(Vec(105, 3), Vec(106, 3), 4), P(Vec(107, 5), Vec(108, 5), 3));

        [Theory]
        [InlineData("Scratch")]
        [InlineData("ScratchInPlace")]
        [InlineData("PartialStartsAtOne")]
        public void FloatScratchBuffer(string method)
        {
            var source = Floats.Value;
            var twin = new DiffFunction(source, source.GetType("Recording.Flt_double"), method);
            var f = new DiffFunction(source, source.GetType("Recording.Flt_float"), method, twin);
            var points = method == "Scratch"
                ? new[] { P(Vec(111, 3), Vec(112, 9), 3, 3), P(Vec(113, 4), Vec(114, 8), 4, 2) }
                : new[] { P(Vec(115, 3), Vec(116, 3), 3), P(Vec(117, 4), Vec(118, 4), 4) };
            DerivativeCheck.Gradient(f, points);

            // The double twin is the same code in double: check it fully as well.
            Check(twin, points);
        }

        // ================================================================================================================
        // 6. scalars
        // ================================================================================================================

        [Fact]
        public void ScalarOverwrittenInLoopAndReadLater() => CheckMain("ScalarOverwritten",
            P(Vec(121, 3)), P(Vec(122, 5)), P(Vec(123, 1)));

        [Fact]
        public void IntegerCounterSteppedInNestedLoops() => CheckMain("NestedCounter",
            P(Vec(124, 3), Vec(125, 6), 2), P(Vec(126, 4), Vec(127, 18), 3));

        [Fact]
        public void ScalarAssignedInBothBranches() => CheckMain("BothBranches",
            P(Vec(128, 4), Vec(129, 4)), P(Vec(130, 5), Vec(131, 5)));

        [Fact]
        public void WhileLoopRecurrence() => CheckMain("WhileRecurrence",
            P(Vec(132, 3), 0.75, 5), P(Vec(133, 4), -1.25, 3), P(Vec(134, 2), 0.5, 0));

        [Fact]
        public void DoWhileLoopRecurrence() => CheckMain("DoWhileRecurrence",
            P(Vec(135, 3), 0.75), P(Vec(136, 5), -1.25), P(Vec(137, 1), 0.5));

        // ================================================================================================================
        // 7. nested: reset two loops deep, mainTerm overwritten for every k and passed to a callee
        // ================================================================================================================

        [Fact]
        public void GmmLikeNestedResetsAndCallee() => CheckMain("GmmLike",
            P(Vec(141, 3), Vec(142, 6), Vec(143, 8), 2, 3, 4),
            P(Vec(144, 2), Vec(145, 6), Vec(146, 9), 3, 2, 3));

        [Fact]
        public void GmmLikeWithInPlacePassOverScratch() => CheckMain("GmmLikeInPlace",
            P(Vec(147, 3), Vec(148, 6), Vec(149, 8), 2, 4),
            P(Vec(150, 2), Vec(151, 6), Vec(152, 9), 3, 3));

        // ================================================================================================================
        // 8. a·a
        // ================================================================================================================

        [Fact]
        public void SameOperandProductMatchesClosedForm()
        {
            var f = Fn(Main, "Rec", "SameOperand");
            var points = new[] { P(Vec(161, 3), 0.75), P(Vec(162, 5), -1.25), P(new[] { 0.5 }, 0.0) };
            DerivativeCheck.Gradient(f, points, a =>
            {
                var x = (double[])a[0]!;
                double v = (double)a[1]!;
                double s = x.Sum(e => e * e), u = v * v;
                var gx = x.Select(e => 2 * e * u).ToArray();
                gx[0] += 2 * (v + x[0]);
                double gv = s * 2 * v + 2 * (v + x[0]) + Math.Cos(v * v) * 2 * v;
                return gx.Append(gv).ToArray();
            });
            CheckForwardAgainstFiniteDifferences(f, points);
        }

        [Fact]
        public void SameOperandProductInPlaceMatchesClosedForm()
        {
            var f = Fn(Main, "Rec", "SameOperandInPlace");
            var points = new[] { P(Vec(163, 3), 0.75), P(Vec(164, 4), -0.5) };
            DerivativeCheck.Gradient(f, points, a =>
            {
                // w = (v + x0)⁴; tmp_i = (x_i + 0.01w)⁴; f = Σ tmp_i + w
                var x = (double[])a[0]!;
                double v = (double)a[1]!;
                double b = v + x[0], w = Math.Pow(b, 4), dw = 4 * b * b * b;
                var gx = new double[x.Length];
                double dfdw = 1;
                for (int i = 0; i < x.Length; i++)
                {
                    double c = x[i] + 0.01 * w, dc = 4 * c * c * c;
                    gx[i] += dc;
                    dfdw += dc * 0.01;
                }

                gx[0] += dfdw * dw;
                return gx.Append(dfdw * dw).ToArray();
            });
            CheckForwardAgainstFiniteDifferences(f, points);
        }

        // ================================================================================================================
        // probes
        // ================================================================================================================

        /// <summary>
        /// Regression guard, fixed (reverse only): the i loop stores cnt[i] for every i < n = cnt's length, so it counts as a complete overwrite
        /// of cnt and cnt leaves the pending set after it. But the backward i loop reads cnt[i] again: the inner loop
        /// <c>for (r = 0; r &lt; cnt[i]; r++)</c> is replayed from its bounds (ReverseBounds), and VisitLoop's readInside
        /// (CollectReads) looks only at adjoint statements, not at nested loops' ReverseBounds. So <c>cnt[0] = n;</c> after
        /// the loop is not recorded and the backward inner loop for i = 0 runs n times instead of once.
        /// </summary>
        [Fact]
        public void InnerLoopBoundReadFromResetIntArray() => Check(Fn(Probes, "Probe", "InnerBoundFromResetArray"),
            P(Vec(171, 4), Vec(172, 4)), P(Vec(173, 3), Vec(174, 3)));

        /// <summary>
        /// Regression guard, fixed (reverse only): <c>l = l + step</c> is undone by <c>l = l - step</c> (AssignNode.Undo) instead of a record, but
        /// ToBeRecorded adds only l to the pending set, not the variables the undo reads. <c>step = j % 2 + 1</c> is then
        /// never recorded, every undo uses the last iteration's step, and the indices l % n of the backward sweep are wrong.
        /// </summary>
        [Fact]
        public void IntegerStepThatChangesEveryIteration() => Check(Fn(Probes, "Probe", "VariableIntegerStep"),
            P(Vec(175, 5), 4), P(Vec(176, 7), 5));

        [Fact]
        public void IntegerStepConstant() => Check(Fn(Probes, "Probe", "ConstantIntegerStep"),
            P(Vec(177, 5), 4), P(Vec(178, 7), 5));

        /// <summary>
        /// Regression guard, fixed (reverse only, AccumulateInLocals): <c>dW[at[0]] += ...</c> in the backward loop is summed in a local and added
        /// once after the loop, because its index reads no variable the loop assigns; but at[0] is an element the loop
        /// restores (a Store, which AccumulateInLocals does not count as a change), so everything lands on w[at[0]] as it
        /// was before the loop.
        /// </summary>
        [Fact]
        public void IndexReadFromIntArrayElementChangedInLoop() => Check(Fn(Probes, "Probe", "IndexFromChangingElement"),
            P(Vec(179, 3), Vec(180, 4)), P(Vec(181, 5), Vec(182, 6)));

        [Fact]
        public void IndexReadFromIntScalarChangedInLoop() => Check(Fn(Probes, "Probe", "IndexFromChangingScalar"),
            P(Vec(183, 3), Vec(184, 4)), P(Vec(185, 5), Vec(186, 6)));

        /// <summary>
        /// Regression guard, fixed (activity analysis, forward and reverse): a is never written directly, only through b = a, so a is not
        /// "varied" and s = Σ a[0]² gets derivative 0.
        /// </summary>
        [Fact]
        public void AliasAdjointAddedAndReadInSameBackwardLoop() => Check(Fn(Probes, "Probe", "AliasSameElement"),
            P(Vec(187, 3)), P(Vec(188, 5)));

        /// <summary>
        /// Regression guard, fixed (reverse only, AccumulateInLocals): a_adj[0] += 2a[0]·s_adj is summed in a local until after the backward loop
        /// (a_adj is used once in the loop body), but b_adj is the same buffer (b = a) and the backward code of
        /// <c>b[0] = sin(x[k]) + 0.5·b[0]</c> reads b_adj[0] in the same loop, so it misses those contributions.
        /// </summary>
        [Fact]
        public void AliasAdjointAddedAndReadInSameBackwardLoopActive() => Check(Fn(Probes, "Probe", "AliasSameElementActive"),
            P(Vec(193, 3)), P(Vec(194, 5)));

        [Fact]
        public void InnerLoopBoundReadFromScalar() => Check(Fn(Probes, "Probe", "InnerBoundFromScalar"),
            P(Vec(195, 4), Vec(196, 4)), P(Vec(197, 3), Vec(198, 3)));

        /// <summary>
        /// Regression guard, fixed (reverse only, ReverseBounds): the loop bound lim[0] is taken as invariant because the loop body only stores to
        /// an element of lim (ReverseBounds' Invariant looks at Assign targets, not stores). The loop stops at j = 2, but the
        /// backward loop starts from lim[0] - 1 = 0.
        /// </summary>
        [Fact]
        public void LoopBoundReadFromIntArrayElementChangedInLoop() => Check(Fn(Probes, "Probe", "LoopBoundElementChangedInLoop"),
            P(Vec(199, 5)), P(Vec(200, 4)), P(Vec(201, 2)));

        [Fact]
        public void LoopBoundReadFromIntScalarChangedInLoop() => Check(Fn(Probes, "Probe", "LoopBoundScalarChangedInLoop"),
            P(Vec(202, 5)), P(Vec(203, 4)), P(Vec(204, 2)));

        [Fact]
        public void SameElementWithoutAlias() => Check(Fn(Probes, "Probe", "NoAliasSameElement"),
            P(Vec(189, 3)), P(Vec(190, 5)));

        /// <summary>
        /// An array from a call (here ArrayPool.Rent, which hands back the array returned the iteration before) is not
        /// necessarily a new array: either refused with a GG error, or the derivatives are right.
        /// </summary>
        /// <remarks>
        /// Regression guard, fixed (reverse only): <c>tmp = Rent(n)</c> is taken for a new array (VisitAssign drops tmp's elements from the
        /// pending set), so the stores of the reset are not recorded, while Rent hands back the same array every
        /// iteration. Also the adjoint buffer is made with a second Rent call: <c>tmp_adj = new double[Rent(n).Length]</c>.
        /// </remarks>
        [Fact]
        public void ScratchRentedFromArrayPoolEveryIteration()
        {
            var source = PooledBuffers.Value;
            if (!source.Run.GeneratedSources.ContainsKey("Recording.Pooled.RentedScratch.g.cs"))
            {
                var diagnostics = GeneratorHarness.Analyze(source.Run.InputCompilation);
                Assert.Contains(diagnostics, d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("GG", StringComparison.Ordinal));
                return;
            }

            Check(Fn(PooledBuffers, "Pooled", "RentedScratch"), P(Vec(208, 3), Vec(209, 3), 3), P(Vec(210, 4), Vec(211, 4), 2));
        }

        /// <summary><c>double[] v = x;</c> (x an array parameter) is refused with GG0005 on the local, and nothing is generated for it.</summary>
        [Fact]
        public void ReadInputThroughLocalAlias()
        {
            var source = InputReads.Value;
            Assert.False(source.Run.GeneratedSources.ContainsKey("Recording.InputRead.ReadsInputThroughLocal.g.cs"));
            var diagnostics = GeneratorHarness.Analyze(source.Run.InputCompilation);
            Assert.Contains(diagnostics, d => d.Id == "GG0005" && d.GetMessage(CultureInfo.InvariantCulture).Contains("referring to the parameter 'x'"));
        }

        /// <summary>
        /// <c>double[] tmp = x;</c> then stores through tmp modify the caller's array: either refused with a GG error, or the
        /// generated methods leave x as it was (contract: inputs are never modified) — checked on copies, since the
        /// primal itself modifies its input, so finite differences of it are meaningless here.
        /// </summary>
        /// <remarks>Refused with GG0005, as <see cref="ReadInputThroughLocalAlias"/> is.</remarks>
        [Fact]
        public void WriteToInputThroughLocalAlias()
        {
            var source = InputWrites.Value;
            if (!source.Run.GeneratedSources.ContainsKey("Recording.InputWrite.WritesInputThroughLocal.g.cs"))
            {
                var diagnostics = GeneratorHarness.Analyze(source.Run.InputCompilation);
                Assert.Contains(diagnostics, d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("GG", StringComparison.Ordinal)
                    && d.GetMessage(CultureInfo.InvariantCulture).Contains("tmp"));
                return;
            }

            var f = Fn(InputWrites, "InputWrite", "WritesInputThroughLocal");
            var x = Vec(205, 3);
            var args = f.Arguments(P(x, 2));
            f.Gradient(args);
            Assert.True(x.SequenceEqual((double[])args[0]!), "WritesInputThroughLocalGradient modified its input x: before "
                + DiffFunction.Format(x) + ", after " + DiffFunction.Format(args[0]) + "\n\n" + source.Describe("InputWrite.WritesInputThroughLocal"));
            args = f.Arguments(P(x, 2));
            f.Forward(args, new double[3]);
            Assert.True(x.SequenceEqual((double[])args[0]!), "WritesInputThroughLocalForward modified its input x: before "
                + DiffFunction.Format(x) + ", after " + DiffFunction.Format(args[0]) + "\n\n" + source.Describe("InputWrite.WritesInputThroughLocal"));
        }

        /// <summary>x[k++]·x[k++] must not be taken for a·a: either refused with a GG error on the method, or right.</summary>
        [Fact]
        public void PostIncrementOperandsAreNotTheSameOperand()
        {
            var source = Probes.Value;
            bool generated = source.Run.GeneratedSources.ContainsKey("Recording.Probe.PostIncrementOperands.g.cs");
            if (!generated)
            {
                var diagnostics = GeneratorHarness.Analyze(source.Run.InputCompilation);
                int line = ProbeSource.Replace("\r\n", "\n").Split('\n').ToList().FindIndex(l => l.Contains("x[k++] * x[k++]")) + 1;
                Assert.Contains(diagnostics, d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("GG", StringComparison.Ordinal)
                    && d.Location.GetLineSpan().StartLinePosition.Line + 1 == line);
                return;
            }

            Check(Fn(Probes, "Probe", "PostIncrementOperands"), P(Vec(191, 4)), P(Vec(192, 5)));
        }
    }
}
