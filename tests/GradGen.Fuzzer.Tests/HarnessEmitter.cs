using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace GradGen.Fuzzer.Tests
{
    /// <summary>
    /// Writes, for one fuzzed program, a static class <c>FuzzHarness</c> that calls the primal and every generated
    /// method with the exact signatures of the contract (CONTRACT.md), from and to flat <c>double[]</c> vectors, so
    /// that the checker calls plain delegates (spans cannot go through reflection). It is compiled only after the
    /// generator ran: a signature that differs from the contract is a compile error attributed to the program.
    /// Every method rebuilds the inputs from the flat vector and throws if a generated method modified them.
    /// </summary>
    internal static class HarnessEmitter
    {
        public const string InputModified = "GRADGEN-DIFFFUZZ input modified: ";

        /// <summary>The message of a generated method that enumerated an IEnumerable parameter more than once (the contract: exactly once).</summary>
        public const string EnumeratedTwice = "GRADGEN-DIFFFUZZ enumerated more than once: ";

        public static string Emit(FuzzProgram p)
        {
            var sb = new StringBuilder();
            string r = p.ReturnsFloat ? "float" : "double";
            string target = p.Instance ? "new Main()" : "Main";
            string g = p.GenericEntry ? "<double>" : "";
            sb.AppendLine("using System;");
            sb.AppendLine("using System.Numerics;");
            sb.Append("namespace ").AppendLine(p.Namespace);
            sb.AppendLine("{");
            sb.AppendLine("    public static class FuzzHarness");
            sb.AppendLine("    {");
            sb.AppendLine("        static double[] Slice(double[] p, int o, int n) { var a = new double[n]; Array.Copy(p, o, a, 0, n); return a; }");
            sb.AppendLine("        static double[,] Mat(double[] p, int o, int r, int c) { var a = new double[r, c]; for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) a[i, j] = p[o + i * c + j]; return a; }");
            sb.AppendLine("        static double[] Filled(int n, double v) { var a = new double[n]; Array.Fill(a, v); return a; }");
            sb.AppendLine("        static double[,] FilledMat(int r, int c, double v) { var a = new double[r, c]; for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) a[i, j] = v; return a; }");
            sb.AppendLine("        static void Out(double[] g, int o, double[] a) { Array.Copy(a, 0, g, o, a.Length); }");
            sb.AppendLine("        static void OutMat(double[] g, int o, double[,] a) { int c = a.GetLength(1); for (int i = 0; i < a.GetLength(0); i++) for (int j = 0; j < c; j++) g[o + i * c + j] = a[i, j]; }");
            sb.AppendLine("        static void Same(double[] a, double[] p, int o, string name) { for (int k = 0; k < a.Length; k++) if (BitConverter.DoubleToInt64Bits(a[k]) != BitConverter.DoubleToInt64Bits(p[o + k])) throw new InvalidOperationException(\"" + InputModified + "\" + name); }");
            sb.AppendLine("        static void SameMat(double[,] a, double[] p, int o, string name) { int c = a.GetLength(1); for (int i = 0; i < a.GetLength(0); i++) for (int j = 0; j < c; j++) if (BitConverter.DoubleToInt64Bits(a[i, j]) != BitConverter.DoubleToInt64Bits(p[o + i * c + j])) throw new InvalidOperationException(\"" + InputModified + "\" + name); }");
            PointArrayHelpers(sb, p);
            CollectionHelpers(sb, p);
            sb.AppendLine();

            if (p.OutputEntry)
            {
                OutputMethods(sb, p, target);
                sb.AppendLine("    }");
                sb.AppendLine("}");
                return sb.ToString();
            }

            if (p.OutRefEntry)
            {
                OutRefMethods(sb, p, target);
                sb.AppendLine("    }");
                sb.AppendLine("}");
                return sb.ToString();
            }

            // Primal
            Method(sb, "Primal(double[] p)", p, body =>
            {
                body.Add("double r = " + target + ".F" + g + "(" + Args(p) + ");");
            });

            // Gradient: derivative buffers pre-filled with garbage (FGradient overwrites them).
            if (true)
            {
                Method(sb, "Gradient(double[] p, double[] g)", p, body =>
                {
                    var d = GradientBuffers(p, body);
                    body.Add("double r = " + target + ".FGradient" + g + "(" + Join(Args(p), string.Join(", ", d)) + ");");
                    CopyBack(body, p, "g");
                });
            }

            // Reverse: accumulates into acc.
            Method(sb, "Reverse(double[] p, double seed, double[] acc)", p, body =>
            {
                var d = new List<string>();
                foreach (var (q, o) in Diff(p))
                {
                    switch (q.Kind)
                    {
                        case ParamKind.Double: body.Add("double d" + q.Cap + " = acc[" + o + "];"); d.Add("ref d" + q.Cap); break;
                        case ParamKind.Float: body.Add("float d" + q.Cap + " = (float)acc[" + o + "];"); d.Add("ref d" + q.Cap); break;
                        case ParamKind.Tuple: body.Add("var d" + q.Cap + " = (acc[" + o + "], acc[" + (o + 1) + "]);"); d.Add("ref d" + q.Cap); break;
                        case ParamKind.Struct: body.Add("var d" + q.Cap + " = " + Point("acc", o) + ";"); d.Add("ref d" + q.Cap); break;
                        case ParamKind.Vector3 or ParamKind.Vector2 or ParamKind.Complex or ParamKind.Quaternion or ParamKind.Matrix4x4 or ParamKind.Plane: body.Add("var d" + q.Cap + " = " + Numeric(q, "acc", o) + ";"); d.Add("ref d" + q.Cap); break;
                        case ParamKind.Matrix: body.Add("var d" + q.Cap + " = Mat(acc, " + o + ", " + q.Rows + ", " + q.Cols + ");"); d.Add("d" + q.Cap); break;
                        default: body.Add("var d" + q.Cap + " = " + Elements(q, "acc", o) + ";"); d.Add("d" + q.Cap); break;
                    }
                }

                body.Add("double r = " + target + ".FReverse" + g + "(" + Join(Args(p), "(" + r + ")seed", string.Join(", ", d)) + ");");
                CopyBack(body, p, "acc");
            });

            // Forward: tangent t; the tangent of the result goes to tan[0].
            Method(sb, "Forward(double[] p, double[] t, double[] tan)", p, body =>
            {
                body.Add("var res = " + target + ".FForward" + g + "(" + Join(Args(p), Tangents(p, "t")) + ");");
                body.Add("tan[0] = res.Tangent;");
                body.Add("double r = res.Value;");
            });

            if (p.Higher)
            {
                int n = p.FlatCount;
                Method(sb, "Jacobian(double[] p, double[,] jac)", p, body =>
                {
                    body.Add("var j = FilledMat(1, " + n + ", 123.0);");
                    body.Add("double r = " + target + ".FJacobian" + g + "(" + Join(Args(p), "j") + ");");
                    body.Add("for (int k = 0; k < " + n + "; k++) jac[0, k] = j[0, k];");
                });
                Method(sb, "Hessian(double[] p, double[,] hes)", p, body =>
                {
                    body.Add("var h = FilledMat(" + n + ", " + n + ", 123.0);");
                    body.Add("double r = " + target + ".FHessian" + g + "(" + Join(Args(p), "h") + ");");
                    body.Add("for (int i = 0; i < " + n + "; i++) for (int k = 0; k < " + n + "; k++) hes[i, k] = h[i, k];");
                });
                Method(sb, "Hvp(double[] p, double[] v, double[] hv)", p, body =>
                {
                    var d = new List<string>();
                    foreach (var (q, o) in Diff(p))
                    {
                        switch (q.Kind)
                        {
                            case ParamKind.Double: d.Add("out double hv" + q.Cap); break;
                            case ParamKind.Tuple: d.Add("out (double, double) hv" + q.Cap); break;
                            case ParamKind.Struct: d.Add("out Pt hv" + q.Cap); break;
                            case ParamKind.Complex: d.Add("out Complex hv" + q.Cap); break;
                            case ParamKind.Matrix: body.Add("var hv" + q.Cap + " = FilledMat(" + q.Rows + ", " + q.Cols + ", 123.0);"); d.Add("hv" + q.Cap); break;
                            default: body.Add("var hv" + q.Cap + " = " + Garbage(q) + ";"); d.Add("hv" + q.Cap); break;
                        }
                    }

                    body.Add("double r = " + target + ".FHessianVectorProduct" + g + "(" + Join(Args(p), Tangents(p, "v"), string.Join(", ", d)) + ");");
                    foreach (var (q, o) in Diff(p))
                    {
                        body.Add(q.Kind switch
                        {
                            ParamKind.Double => "hv[" + o + "] = hv" + q.Cap + ";",
                            ParamKind.Tuple => "hv[" + o + "] = hv" + q.Cap + ".Item1; hv[" + (o + 1) + "] = hv" + q.Cap + ".Item2;",
                            ParamKind.Struct => "hv[" + o + "] = hv" + q.Cap + ".X; hv[" + (o + 1) + "] = hv" + q.Cap + ".Y;",
                            ParamKind.Complex => Parts(q, "hv", o, "hv" + q.Cap),
                            ParamKind.Matrix => "OutMat(hv, " + o + ", hv" + q.Cap + ");",
                            _ => "Out(hv, " + o + ", " + Flat(q, "hv" + q.Cap) + ");",
                        });
                    }
                });
            }

            if (p.SingleCheck)
            {
                SingleMethods(sb, p, target);
            }

            sb.AppendLine("    }");
            sb.AppendLine("}");
            return sb.ToString();
        }

        /// <summary>
        /// PrimalSingle(p) and GradientSingle(p, g): the generic entry instantiated at float, from and to the same flat
        /// double vectors (the checker compares them with F&lt;double&gt;). Its parameters are reals, arrays, spans, tuples, ints.
        /// </summary>
        private static void SingleMethods(StringBuilder sb, FuzzProgram p, string target)
        {
            var inputs = new List<string>();
            var args = new List<string>();
            var outs = new List<string>();
            var pre = new List<string>();
            var back = new List<string>();
            int o = 0;
            foreach (var q in p.Params)
            {
                switch (q.Kind)
                {
                    case ParamKind.Int: args.Add(q.IntValue.ToString(CultureInfo.InvariantCulture)); continue;
                    case ParamKind.NoDerivative: args.Add("(float)" + q.ConstValue.ToString("R", CultureInfo.InvariantCulture)); continue;
                    case ParamKind.Double:
                        inputs.Add("float " + q.Name + " = (float)p[" + o + "];");
                        outs.Add("out float d" + q.Cap);
                        back.Add("g[" + o + "] = d" + q.Cap + ";");
                        break;
                    case ParamKind.Tuple:
                        inputs.Add("var " + q.Name + " = ((float)p[" + o + "], (float)p[" + (o + 1) + "]);");
                        outs.Add("out (float, float) d" + q.Cap);
                        back.Add("g[" + o + "] = d" + q.Cap + ".Item1; g[" + (o + 1) + "] = d" + q.Cap + ".Item2;");
                        break;
                    default: // Array, Span
                        inputs.Add("var " + q.Name + " = Array.ConvertAll(Slice(p, " + o + ", " + q.Length + "), v => (float)v);");
                        pre.Add("var d" + q.Cap + " = new float[" + q.Length + "];");
                        outs.Add("d" + q.Cap);
                        back.Add("for (int k = 0; k < " + q.Length + "; k++) g[" + o + " + k] = d" + q.Cap + "[k];");
                        break;
                }

                args.Add(q.Name);
                o += q.FlatSize;
            }

            sb.AppendLine("        public static double PrimalSingle(double[] p)");
            sb.AppendLine("        {");
            foreach (var line in inputs)
            {
                sb.Append("            ").AppendLine(line);
            }

            sb.AppendLine("            return (double)" + target + ".F<float>(" + string.Join(", ", args) + ");");
            sb.AppendLine("        }");
            sb.AppendLine();
            sb.AppendLine("        public static double GradientSingle(double[] p, double[] g)");
            sb.AppendLine("        {");
            foreach (var line in inputs.Concat(pre))
            {
                sb.Append("            ").AppendLine(line);
            }

            sb.AppendLine("            double r = " + target + ".FGradient<float>(" + Join(string.Join(", ", args), string.Join(", ", outs)) + ");");
            foreach (var line in back)
            {
                sb.Append("            ").AppendLine(line);
            }

            sb.AppendLine("            return r;");
            sb.AppendLine("        }");
            sb.AppendLine();
        }

        /// <summary>
        /// The harness of <see cref="InstrumentedCopy"/>: <c>FuzzFiniteHarness.PrimalProbe(p, path)</c> runs the instrumented
        /// copy of the program, returns its <see cref="PrimalNumerics"/> flags and writes the hash of its path to path[0].
        /// </summary>
        public static string EmitPrimalProbe(FuzzProgram p)
        {
            var sb = new StringBuilder();
            sb.AppendLine("using System;");
            sb.AppendLine("using System.Numerics;");
            if (p.Params.Any(q => q.Kind == ParamKind.Model))
            {
                sb.AppendLine("using Prm = global::" + InstrumentedCopy.Namespace(p) + ".Prm;");
            }

            if (p.UsesPoint)
            {
                // The harness's Pt is the copy's.
                sb.AppendLine("using Pt = global::" + InstrumentedCopy.Namespace(p) + ".Pt;");
            }

            sb.Append("namespace ").AppendLine(p.Namespace);
            sb.AppendLine("{");
            sb.AppendLine("    public static class FuzzFiniteHarness");
            sb.AppendLine("    {");
            sb.AppendLine("        static double[] Slice(double[] p, int o, int n) { var a = new double[n]; Array.Copy(p, o, a, 0, n); return a; }");
            sb.AppendLine("        static double[,] Mat(double[] p, int o, int r, int c) { var a = new double[r, c]; for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) a[i, j] = p[o + i * c + j]; return a; }");
            sb.AppendLine("        static void Same(double[] a, double[] p, int o, string name) { }");
            sb.AppendLine("        static void SameMat(double[,] a, double[] p, int o, string name) { }");
            PointArrayHelpers(sb, p);
            CollectionHelpers(sb, p);
            string copy = "global::" + InstrumentedCopy.Namespace(p) + ".Main";
            Method(sb, "PrimalProbe(double[] p, long[] path)", p, body =>
            {
                body.Add("FuzzFinite.Seen = false;");
                body.Add("FuzzFinite.Absorbed = false;");
                body.Add("FuzzFinite.Path = 0;");
                body.Add((p.Instance ? "new " + copy + "()" : copy) + ".F" + (p.GenericEntry ? "<double>" : "") + "(" + Args(p) + ");");
                body.Add("path[0] = FuzzFinite.Path;");
                body.Add("double r = (FuzzFinite.Seen ? 1.0 : 0.0) + (FuzzFinite.Absorbed ? 2.0 : 0.0);");
            });
            sb.AppendLine("    }");
            sb.AppendLine();
            sb.Append(InstrumentedCopy.Recorder(p));
            sb.AppendLine("}");
            return sb.ToString();
        }

        /// <summary>
        /// Collection parameters (float[] slices, a sequence that counts its enumerations) and an output entry's weights
        /// W, with W·a and its multiples.
        /// </summary>
        private static void CollectionHelpers(StringBuilder sb, FuzzProgram p)
        {
            if (p.Params.Any(q => q.ElementFloat))
            {
                sb.AppendLine("        static float[] SliceF(double[] p, int o, int n) { var a = new float[n]; for (int k = 0; k < n; k++) a[k] = (float)p[o + k]; return a; }");
                sb.AppendLine("        static float[] FilledF(int n, float v) { var a = new float[n]; Array.Fill(a, v); return a; }");
                sb.AppendLine("        static void Out(double[] g, int o, float[] a) { for (int k = 0; k < a.Length; k++) g[o + k] = a[k]; }");
                sb.AppendLine("        static void Same(float[] a, double[] p, int o, string name) { for (int k = 0; k < a.Length; k++) if (BitConverter.SingleToInt32Bits(a[k]) != BitConverter.SingleToInt32Bits((float)p[o + k])) throw new InvalidOperationException(\"" + InputModified + "\" + name); }");
            }

            if (p.Params.Any(q => q.Kind == ParamKind.Collection && q.Passed == Passed.Once))
            {
                sb.AppendLine("        public sealed class OnceSeq<T> : System.Collections.Generic.IEnumerable<T>");
                sb.AppendLine("        {");
                sb.AppendLine("            private readonly T[] _items;");
                sb.AppendLine("            public OnceSeq(T[] items) { _items = items; }");
                sb.AppendLine("            public int Enumerations;");
                sb.AppendLine("            public System.Collections.Generic.IEnumerator<T> GetEnumerator() { Enumerations++; foreach (var item in _items) yield return item; }");
                sb.AppendLine("            System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();");
                sb.AppendLine("        }");
            }

            if (p.OutRefEntry)
            {
                sb.AppendLine("        static readonly double[] WR = { " + string.Join(", ", p.OutRefWeights.Select(w => w.ToString("R", CultureInfo.InvariantCulture))) + " };");
            }

            if (p.OutputEntry)
            {
                sb.AppendLine("        static readonly double[] W = { " + string.Join(", ", p.OutputWeights.Select(w => w.ToString("R", CultureInfo.InvariantCulture))) + " };");
                sb.AppendLine("        static double Dot(double[] a) { double s = 0; for (int k = 0; k < W.Length; k++) s += W[k] * a[k]; return s; }");
                sb.AppendLine("        static double[] Scaled(double s) { var a = new double[W.Length]; for (int k = 0; k < W.Length; k++) a[k] = s * W[k]; return a; }");
                sb.AppendLine("        static void AddOut(double[] g, int o, double[] a) { for (int k = 0; k < a.Length; k++) g[o + k] += a[k]; }");
            }
        }

        /// <summary>
        /// The harness of an output entry <c>void F(..., double[] o)</c>, the vector-valued function from the inputs and o's
        /// contents before to o's contents after, as the scalar W·(o after) for the program's fixed weights W, with the
        /// delegates of a scalar entry: Primal runs F on a copy of o (the truth); Gradient is FReverse with the seed W in
        /// dO and zero adjoints (dO then holds the adjoint of o's contents before); Reverse is FReverse with the seed
        /// seed·W and the adjoints pre-filled (dO's result added to acc's part for o, since dO is overwritten); Forward is
        /// FForward with dO the tangent of o's contents before, W·dO after; Jacobian is W·FJacobian (m × n), one row.
        /// Each returns W·(o after).
        /// </summary>
        private static void OutputMethods(StringBuilder sb, FuzzProgram p, string target)
        {
            var output = p.Params.First(q => q.Kind == ParamKind.Output);
            string dO = "d" + output.Cap;
            Method(sb, "Primal(double[] p)", p, body =>
            {
                body.Add(target + ".F(" + Args(p) + ");");
                body.Add("double r = Dot(" + output.Name + ");");
            });

            List<string> Adjoints(List<string> body, string? from, string seed)
            {
                var d = new List<string>();
                foreach (var (q, o) in Diff(p))
                {
                    string at = from + "[" + o + "]";
                    switch (q.Kind)
                    {
                        case ParamKind.Output: body.Add("var " + dO + " = Scaled(" + seed + ");"); d.Add(dO); break;
                        case ParamKind.Double: body.Add("double d" + q.Cap + " = " + (from == null ? "0.0" : at) + ";"); d.Add("ref d" + q.Cap); break;
                        case ParamKind.Float: body.Add("float d" + q.Cap + " = " + (from == null ? "0f" : "(float)" + at) + ";"); d.Add("ref d" + q.Cap); break;
                        case ParamKind.Tuple: body.Add("var d" + q.Cap + " = " + (from == null ? "(0.0, 0.0)" : "(" + at + ", " + from + "[" + (o + 1) + "])") + ";"); d.Add("ref d" + q.Cap); break;
                        case ParamKind.Struct: body.Add("var d" + q.Cap + " = " + (from == null ? "new Pt()" : Point(from, o)) + ";"); d.Add("ref d" + q.Cap); break;
                        case ParamKind.Vector3 or ParamKind.Vector2 or ParamKind.Complex or ParamKind.Quaternion or ParamKind.Matrix4x4 or ParamKind.Plane: body.Add("var d" + q.Cap + " = " + (from == null ? "default(" + q.Kind + ")" : Numeric(q, from, o)) + ";"); d.Add("ref d" + q.Cap); break;
                        case ParamKind.Matrix: body.Add("var d" + q.Cap + " = " + (from == null ? "new double[" + q.Rows + ", " + q.Cols + "]" : "Mat(" + from + ", " + o + ", " + q.Rows + ", " + q.Cols + ")") + ";"); d.Add("d" + q.Cap); break;
                        default: body.Add("var d" + q.Cap + " = " + (from == null ? Zeros(q) : Elements(q, from, o)) + ";"); d.Add("d" + q.Cap); break;
                    }
                }

                return d;
            }

            Method(sb, "Gradient(double[] p, double[] g)", p, body =>
            {
                var d = Adjoints(body, null, "1.0");
                body.Add(target + ".FReverse(" + Join(Args(p), string.Join(", ", d)) + ");");
                CopyBack(body, p, "g");
                body.Add("double r = Dot(" + output.Name + ");");
            });

            Method(sb, "Reverse(double[] p, double seed, double[] acc)", p, body =>
            {
                var d = Adjoints(body, "acc", "seed");
                body.Add(target + ".FReverse(" + Join(Args(p), string.Join(", ", d)) + ");");
                CopyBack(body, p, "acc", skipOutput: true);
                body.Add("AddOut(acc, " + Diff(p).First(t => t.P.Kind == ParamKind.Output).Offset + ", " + dO + ");");
                body.Add("double r = Dot(" + output.Name + ");");
            });

            Method(sb, "Forward(double[] p, double[] t, double[] tan)", p, body =>
            {
                body.Add("var " + dO + " = Slice(t, " + Diff(p).First(d => d.P.Kind == ParamKind.Output).Offset + ", " + output.Length + ");");
                body.Add(target + ".FForward(" + Join(Args(p), Tangents(p, "t")) + ");");
                body.Add("tan[0] = Dot(" + dO + ");");
                body.Add("double r = Dot(" + output.Name + ");");
            });

            if (p.Higher)
            {
                int n = p.FlatCount;
                Method(sb, "Jacobian(double[] p, double[,] jac)", p, body =>
                {
                    body.Add("var j = FilledMat(" + output.Length + ", " + n + ", 123.0);");
                    body.Add(target + ".FJacobian(" + Join(Args(p), "j") + ");");
                    body.Add("for (int k = 0; k < " + n + "; k++) { double sum = 0; for (int i = 0; i < W.Length; i++) sum += W[i] * j[i, k]; jac[0, k] = sum; }");
                    body.Add("double r = Dot(" + output.Name + ");");
                });
            }
        }

        /// <summary>
        /// The harness of an entry with out and ref parameters (<see cref="FuzzProgram.OutRefEntry"/>), the vector-valued
        /// function from its inputs (a ref parameter's value before among them) to its result and its out/ref values after,
        /// as the scalar S = WR·(result, out/ref values after) for the program's fixed weights WR (no result term for a void
        /// entry), with the delegates of a scalar entry: Gradient is FReverse with the seeds WR (the result's and, in dOa and
        /// dRa, the outputs') into zero adjoints, a ref parameter's adjoint (of its value before) read back from its dRa;
        /// Reverse is FReverse with the seeds seed·WR and the input adjoints pre-filled (a ref parameter's, which dRa
        /// overwrites, added to acc); Forward is FForward with dRa the tangent of the ref value before, WR·(its tangents
        /// after); Jacobian is WR·FJacobian (one row per output). Each returns S. A non-void entry also has
        /// GradientOfResult (FGradient, the gradient of the result alone, README) and ReverseOfResult (FReverse seeded with
        /// 1 for the result and 0 for the outputs), which the checker compares.
        /// </summary>
        private static void OutRefMethods(StringBuilder sb, FuzzProgram p, string target)
        {
            var outputs = p.Params.Where(q => q.Kind is ParamKind.Out or ParamKind.Ref).ToList();
            int first = p.VoidEntry ? 0 : 1; // the place in WR of the first out/ref output
            string r = p.ReturnsFloat ? "float" : "double";
            string Sum(string? result, System.Func<ParamSpec, string> value) => string.Join(" + ",
                (result == null ? Enumerable.Empty<string>() : new[] { "WR[0] * (double)" + result })
                .Concat(outputs.Select((q, k) => "WR[" + (first + k) + "] * (double)" + value(q))));
            string Res = p.VoidEntry ? "" : "var res = ";

            Method(sb, "Primal(double[] p)", p, body =>
            {
                body.Add(Res + target + ".F(" + Args(p) + ");");
                body.Add("double r = " + Sum(p.VoidEntry ? null : "res", q => q.Name) + ";");
            });

            // The derivative arguments of FReverse: seedOf(i) the seed of output i (WR's order), from the adjoints pre-filled.
            List<string> Adjoints(List<string> body, string? from, System.Func<int, string> seedOf)
            {
                var d = new List<string>();
                foreach (var (q, o) in Diff(p))
                {
                    string at = from + "[" + o + "]";
                    switch (q.Kind)
                    {
                        case ParamKind.Out or ParamKind.Ref:
                            body.Add(q.Element + " d" + q.Cap + " = (" + q.Element + ")(" + seedOf(first + outputs.IndexOf(q)) + ");");
                            d.Add("ref d" + q.Cap);
                            break;
                        case ParamKind.Double: body.Add("double d" + q.Cap + " = " + (from == null ? "0.0" : at) + ";"); d.Add("ref d" + q.Cap); break;
                        case ParamKind.Float: body.Add("float d" + q.Cap + " = " + (from == null ? "0f" : "(float)" + at) + ";"); d.Add("ref d" + q.Cap); break;
                        case ParamKind.Tuple: body.Add("var d" + q.Cap + " = " + (from == null ? "(0.0, 0.0)" : "(" + at + ", " + from + "[" + (o + 1) + "])") + ";"); d.Add("ref d" + q.Cap); break;
                        case ParamKind.Struct: body.Add("var d" + q.Cap + " = " + (from == null ? "new Pt()" : Point(from, o)) + ";"); d.Add("ref d" + q.Cap); break;
                        case ParamKind.Vector3 or ParamKind.Vector2 or ParamKind.Complex or ParamKind.Quaternion or ParamKind.Matrix4x4 or ParamKind.Plane: body.Add("var d" + q.Cap + " = " + (from == null ? "default(" + q.Kind + ")" : Numeric(q, from, o)) + ";"); d.Add("ref d" + q.Cap); break;
                        case ParamKind.Matrix: body.Add("var d" + q.Cap + " = " + (from == null ? "new double[" + q.Rows + ", " + q.Cols + "]" : "Mat(" + from + ", " + o + ", " + q.Rows + ", " + q.Cols + ")") + ";"); d.Add("d" + q.Cap); break;
                        default: body.Add("var d" + q.Cap + " = " + (from == null ? Zeros(q) : Elements(q, from, o)) + ";"); d.Add("d" + q.Cap); break;
                    }
                }

                if (!p.VoidEntry)
                {
                    d.Insert(0, "(" + r + ")(" + seedOf(0) + ")");
                }

                return d;
            }

            Method(sb, "Gradient(double[] p, double[] g)", p, body =>
            {
                var d = Adjoints(body, null, i => "WR[" + i + "]");
                body.Add(Res + target + ".FReverse(" + Join(Args(p), string.Join(", ", d)) + ");");
                CopyBack(body, p, "g");
                body.Add("double r = " + Sum(p.VoidEntry ? null : "res", q => q.Name) + ";");
            });

            Method(sb, "Reverse(double[] p, double seed, double[] acc)", p, body =>
            {
                var d = Adjoints(body, "acc", i => "seed * WR[" + i + "]");
                body.Add(Res + target + ".FReverse(" + Join(Args(p), string.Join(", ", d)) + ");");
                CopyBack(body, p, "acc", addRefs: true);
                body.Add("double r = " + Sum(p.VoidEntry ? null : "res", q => q.Name) + ";");
            });

            Method(sb, "Forward(double[] p, double[] t, double[] tan)", p, body =>
            {
                foreach (var (q, o) in Diff(p).Where(d => d.P.Kind is ParamKind.Out or ParamKind.Ref))
                {
                    body.Add(q.Element + " d" + q.Cap + (q.Kind == ParamKind.Ref ? " = (" + q.Element + ")t[" + o + "];" : ";"));
                }

                body.Add(Res + target + ".FForward(" + Join(Args(p), Tangents(p, "t")) + ");");
                body.Add("tan[0] = " + Sum(p.VoidEntry ? null : "res.Tangent", q => "d" + q.Cap) + ";");
                body.Add("double r = " + Sum(p.VoidEntry ? null : "res.Value", q => q.Name) + ";");
            });

            if (p.Higher)
            {
                int n = p.FlatCount;
                int m = first + outputs.Count;
                Method(sb, "Jacobian(double[] p, double[,] jac)", p, body =>
                {
                    body.Add("var j = FilledMat(" + m + ", " + n + ", 123.0);");
                    body.Add(Res + target + ".FJacobian(" + Join(Args(p), "j") + ");");
                    body.Add("for (int k = 0; k < " + n + "; k++) { double sum = 0; for (int i = 0; i < WR.Length; i++) sum += WR[i] * j[i, k]; jac[0, k] = sum; }");
                    body.Add("double r = " + Sum(p.VoidEntry ? null : "res", q => q.Name) + ";");
                });
            }

            if (p.VoidEntry)
            {
                return;
            }

            Method(sb, "GradientOfResult(double[] p, double[] g)", p, body =>
            {
                var d = GradientBuffers(p, body);
                body.Add("var res = " + target + ".FGradient(" + Join(Args(p), string.Join(", ", d)) + ");");
                CopyBack(body, p, "g");
                body.Add("double r = " + Sum("res", q => q.Name) + ";");
            });

            Method(sb, "ReverseOfResult(double[] p, double[] g)", p, body =>
            {
                var d = Adjoints(body, null, i => i == 0 ? "1.0" : "0.0");
                body.Add("var res = " + target + ".FReverse(" + Join(Args(p), string.Join(", ", d)) + ");");
                CopyBack(body, p, "g");
                body.Add("double r = " + Sum("res", q => q.Name) + ";");
            });
        }

        /// <summary>Copies the derivative locals d… that FGradient or FReverse filled into the flat array <paramref name="flat"/>.</summary>
        private static void CopyBack(List<string> body, FuzzProgram p, string flat, bool skipOutput = false, bool addRefs = false)
        {
            // An out parameter has no place in the flat index; a ref one's derivative is that of its value before.
            foreach (var (q, o) in Diff(p).Where(d => (!skipOutput || d.P.Kind != ParamKind.Output) && d.P.Kind != ParamKind.Out))
            {
                body.Add(q.Kind switch
                {
                    ParamKind.Ref when addRefs => flat + "[" + o + "] += d" + q.Cap + ";",
                    ParamKind.Double or ParamKind.Float or ParamKind.Ref => flat + "[" + o + "] = d" + q.Cap + ";",
                    ParamKind.Tuple => flat + "[" + o + "] = d" + q.Cap + ".Item1; " + flat + "[" + (o + 1) + "] = d" + q.Cap + ".Item2;",
                    ParamKind.Struct => flat + "[" + o + "] = d" + q.Cap + ".X; " + flat + "[" + (o + 1) + "] = d" + q.Cap + ".Y;",
                    ParamKind.Vector3 or ParamKind.Vector2 or ParamKind.Complex or ParamKind.Quaternion or ParamKind.Matrix4x4 or ParamKind.Plane => Parts(q, flat, o, "d" + q.Cap),
                    ParamKind.Matrix => "OutMat(" + flat + ", " + o + ", d" + q.Cap + ");",
                    _ => "Out(" + flat + ", " + o + ", " + Flat(q, "d" + q.Cap) + ");",
                });
            }
        }

        private static string Join(params string[] parts) => string.Join(", ", parts.Where(s => s.Length > 0));

        private static IEnumerable<(ParamSpec P, int Offset)> Diff(FuzzProgram p)
        {
            int o = 0;
            foreach (var q in p.Params)
            {
                if (q.Differentiable)
                {
                    yield return (q, o);
                    o += q.FlatSize;
                }
            }
        }

        private static string Args(FuzzProgram p) => string.Join(", ", p.Params.Select(q => q.Kind switch
        {
            ParamKind.Int => q.IntValue.ToString(CultureInfo.InvariantCulture),
            ParamKind.Out => "out " + q.Name,
            ParamKind.Ref => "ref " + q.Name,
            ParamKind.NoDerivative => q.ConstValue.ToString("R", CultureInfo.InvariantCulture),
            ParamKind.ConstCollection => (q.CollectionType == "List" ? "new System.Collections.Generic.List<double> { " : "new double[] { ")
                + string.Join(", ", q.ConstValues.Select(c => c.ToString("R", CultureInfo.InvariantCulture))) + " }",
            _ => q.Name,
        }));

        private static string Tangents(FuzzProgram p, string vector) => string.Join(", ", Diff(p).Select(d => d.P.Kind switch
        {
            ParamKind.Double => vector + "[" + d.Offset + "]",
            ParamKind.Float => "(float)" + vector + "[" + d.Offset + "]",
            ParamKind.Tuple => "(" + vector + "[" + d.Offset + "], " + vector + "[" + (d.Offset + 1) + "])",
            ParamKind.Struct => Point(vector, d.Offset),
            ParamKind.Vector3 or ParamKind.Vector2 or ParamKind.Complex or ParamKind.Quaternion or ParamKind.Matrix4x4 or ParamKind.Plane => Numeric(d.P, vector, d.Offset),
            ParamKind.Matrix => "Mat(" + vector + ", " + d.Offset + ", " + d.P.Rows + ", " + d.P.Cols + ")",
            ParamKind.Output => "d" + d.P.Cap, // declared by the caller: it is read after the call
            ParamKind.Out => "out d" + d.P.Cap, // declared by the caller
            ParamKind.Ref => "ref d" + d.P.Cap, // declared by the caller, with the tangent of its value before
            _ => Elements(d.P, vector, d.Offset),
        }));

        /// <summary>Pts(p, o, n): a Pt[] of n elements from 2n flat values, element by element (the flat index's order); Flat(a): back.</summary>
        private static void PointArrayHelpers(StringBuilder sb, FuzzProgram p)
        {
            if (p.Params.Any(q => q.Kind == ParamKind.Jagged))
            {
                // Jagged arrays from their flat values, row after row (the flat index's order), and back.
                sb.AppendLine("        static double[][] Jag(double[] p, int o, int[] n) { var a = new double[n.Length][]; for (int i = 0; i < n.Length; i++) { a[i] = new double[n[i]]; Array.Copy(p, o, a[i], 0, n[i]); o += n[i]; } return a; }");
                sb.AppendLine("        static float[][] JagF(double[] p, int o, int[] n) { var a = new float[n.Length][]; for (int i = 0; i < n.Length; i++) { a[i] = new float[n[i]]; for (int k = 0; k < n[i]; k++) a[i][k] = (float)p[o + k]; o += n[i]; } return a; }");
                sb.AppendLine("        static double[] FlatJ(double[][] a) { var f = new System.Collections.Generic.List<double>(); foreach (var r in a) f.AddRange(r); return f.ToArray(); }");
                sb.AppendLine("        static float[] FlatJ(float[][] a) { var f = new System.Collections.Generic.List<float>(); foreach (var r in a) f.AddRange(r); return f.ToArray(); }");
            }

            if (p.Params.Any(q => q.Kind == ParamKind.Model))
            {
                sb.AppendLine("        static Prm Model(double[] v, int o, int n, int k) => new Prm { A = v[o], B = v[o + 1], W = n == 0 ? null : Slice(v, o + 2, n), N = k };");
                sb.AppendLine("        static double[] Flat(Prm m) { var f = new double[2 + (m.W?.Length ?? 0)]; f[0] = m.A; f[1] = m.B; if (m.W != null) Array.Copy(m.W, 0, f, 2, m.W.Length); return f; }");
            }

            if (p.Params.Any(q => q.IsPoints))
            {
                sb.AppendLine("        static Pt[] Pts(double[] p, int o, int n) { var a = new Pt[n]; for (int k = 0; k < n; k++) a[k] = new Pt { X = p[o + 2 * k], Y = p[o + 2 * k + 1] }; return a; }");
                sb.AppendLine("        static double[] Flat(Pt[] a) { var f = new double[2 * a.Length]; for (int k = 0; k < a.Length; k++) { f[2 * k] = a[k].X; f[2 * k + 1] = a[k].Y; } return f; }");
            }
        }

        /// <summary>An array argument, double[] or Pt[], from its flat values in vector at offset.</summary>
        private static string Elements(ParamSpec q, string vector, int offset) => q.Kind == ParamKind.Jagged
            ? (q.ElementFloat ? "JagF(" : "Jag(") + vector + ", " + offset + ", new[] { " + string.Join(", ", q.RowLengths) + " })"
            : (q.IsPoints ? "Pts(" : q.Kind == ParamKind.Model ? "Model(" : q.ElementFloat ? "SliceF(" : "Slice(") + vector + ", " + offset + ", " + q.Length
            + (q.Kind == ParamKind.Model ? ", " + q.IntValue.ToString(CultureInfo.InvariantCulture) : "") + ")";

        /// <summary>A Vector3, Vector2, Complex, Quaternion, Plane or Matrix4x4 from its flat values in vector at offset (as floats but Complex; a struct's fields in declaration order).</summary>
        private static string Numeric(ParamSpec q, string vector, int o) => q.Kind switch
        {
            ParamKind.Vector3 => "new Vector3((float)" + vector + "[" + o + "], (float)" + vector + "[" + (o + 1) + "], (float)" + vector + "[" + (o + 2) + "])",
            ParamKind.Vector2 => "new Vector2((float)" + vector + "[" + o + "], (float)" + vector + "[" + (o + 1) + "])",
            ParamKind.Quaternion or ParamKind.Plane or ParamKind.Matrix4x4 =>
                "new " + q.Kind + "(" + string.Join(", ", Enumerable.Range(o, q.FlatSize).Select(k => "(float)" + vector + "[" + k + "]")) + ")",
            _ => "new Complex(" + vector + "[" + o + "], " + vector + "[" + (o + 1) + "])",
        };

        /// <summary>Stores the components of a Vector3, Vector2 or Complex local into flat[o...].</summary>
        private static string Parts(ParamSpec q, string flat, int o, string local) => string.Join(" ", (q.Kind switch
        {
            ParamKind.Vector3 => new[] { ".X", ".Y", ".Z" },
            ParamKind.Vector2 => new[] { ".X", ".Y" },
            ParamKind.Quaternion => new[] { ".X", ".Y", ".Z", ".W" },
            ParamKind.Plane => new[] { ".Normal.X", ".Normal.Y", ".Normal.Z", ".D" },
            ParamKind.Matrix4x4 => Enumerable.Range(0, 16).Select(k => ".M" + (1 + k / 4) + (1 + k % 4)).ToArray(),
            _ => new[] { ".Real", ".Imaginary" },
        }).Select((m, k) => flat + "[" + (o + k) + "] = " + local + m + ";"));

        /// <summary>A derivative array pre-filled with garbage (FGradient and FHessianVectorProduct overwrite it).</summary>
        /// <summary>
        /// FGradient's derivative arguments: out slots for reals and values, buffers pre-filled with garbage (declared in
        /// <paramref name="body"/>) for arrays and the rest, which FGradient must overwrite. An out parameter has none; a
        /// ref one is an input whose derivative is an out real.
        /// </summary>
        private static List<string> GradientBuffers(FuzzProgram p, List<string> body)
        {
            var d = new List<string>();
            foreach (var (q, _) in Diff(p))
            {
                switch (q.Kind)
                {
                    case ParamKind.Out: break;
                    case ParamKind.Double or ParamKind.Float or ParamKind.Ref: d.Add("out " + (q.Kind == ParamKind.Double ? "double" : q.Kind == ParamKind.Float ? "float" : q.Element) + " d" + q.Cap); break;
                    case ParamKind.Tuple: d.Add("out (double, double) d" + q.Cap); break;
                    case ParamKind.Struct: d.Add("out Pt d" + q.Cap); break;
                    case ParamKind.Vector3 or ParamKind.Vector2 or ParamKind.Complex or ParamKind.Quaternion or ParamKind.Matrix4x4 or ParamKind.Plane: d.Add("out " + q.Kind + " d" + q.Cap); break;
                    case ParamKind.Matrix:
                        body.Add("var d" + q.Cap + " = FilledMat(" + q.Rows + ", " + q.Cols + ", 123.0);");
                        d.Add("d" + q.Cap);
                        break;
                    default:
                        body.Add("var d" + q.Cap + " = " + Garbage(q) + ";");
                        d.Add("d" + q.Cap);
                        break;
                }
            }

            return d;
        }

        private static string Garbage(ParamSpec q) => q.IsPoints || q.Kind is ParamKind.Model or ParamKind.Jagged ? Elements(q, "Filled(" + q.FlatSize + ", 123.0)", 0)
            : q.ElementFloat ? "FilledF(" + q.Length + ", 123f)" : "Filled(" + q.Length + ", 123.0)";

        /// <summary>A derivative array of zeros (an output method's FReverse adds into it).</summary>
        private static string Zeros(ParamSpec q) => q.IsPoints || q.Kind is ParamKind.Model or ParamKind.Jagged ? Elements(q, "Filled(" + q.FlatSize + ", 0.0)", 0)
            : q.ElementFloat ? "FilledF(" + q.Length + ", 0f)" : "Filled(" + q.Length + ", 0.0)";

        /// <summary>The flat values of an array local, double[] or Pt[].</summary>
        private static string Flat(ParamSpec q, string local) => q.IsPoints || q.Kind == ParamKind.Model ? "Flat(" + local + ")" : q.Kind == ParamKind.Jagged ? "FlatJ(" + local + ")" : local;

        /// <summary>The program's Pt from two elements of a flat vector (its object initializer serves both of its forms).</summary>
        private static string Point(string vector, int offset) =>
            "new Pt { X = " + vector + "[" + offset + "], Y = " + vector + "[" + (offset + 1) + "] }";

        /// <summary>A harness method: builds the inputs from p, runs the body (which sets r), checks the inputs, returns r.</summary>
        private static void Method(StringBuilder sb, string signature, FuzzProgram p, System.Action<List<string>> fill)
        {
            var body = new List<string>();
            foreach (var (q, o) in Diff(p))
            {
                body.Add(q.Kind switch
                {
                    ParamKind.Double => "double " + q.Name + " = p[" + o + "];",
                    ParamKind.Float => "float " + q.Name + " = (float)p[" + o + "];",
                    ParamKind.Ref => q.ElementFloat ? "float " + q.Name + " = (float)p[" + o + "];" : "double " + q.Name + " = p[" + o + "];",
                    ParamKind.Out => q.Element + " " + q.Name + " = " + q.Element + ".NaN;",
                    ParamKind.Tuple => "var " + q.Name + " = (p[" + o + "], p[" + (o + 1) + "]);",
                    ParamKind.Struct => "var " + q.Name + " = " + Point("p", o) + ";",
                    ParamKind.Vector3 or ParamKind.Vector2 or ParamKind.Complex or ParamKind.Quaternion or ParamKind.Matrix4x4 or ParamKind.Plane => "var " + q.Name + " = " + Numeric(q, "p", o) + ";",
                    ParamKind.Matrix => "var " + q.Name + " = Mat(p, " + o + ", " + q.Rows + ", " + q.Cols + ");",
                    ParamKind.Collection => "var " + q.Name + " = " + q.Passed switch
                    {
                        Passed.List => "new System.Collections.Generic.List<" + q.Element + ">(" + Elements(q, "p", o) + ")",
                        Passed.Once => "new OnceSeq<" + q.Element + ">(" + Elements(q, "p", o) + ")",
                        _ => Elements(q, "p", o),
                    } + ";",
                    _ => "var " + q.Name + " = " + Elements(q, "p", o) + ";",
                });
            }

            fill(body);
            bool generated = !signature.StartsWith("Primal", System.StringComparison.Ordinal);
            foreach (var (q, o) in Diff(p))
            {
                if (q.Kind is ParamKind.Array or ParamKind.Span or ParamKind.Model or ParamKind.Jagged || q.IsPoints)
                {
                    body.Add("Same(" + Flat(q, q.Name) + ", p, " + o + ", \"" + q.Name + "\");");
                }
                else if (q.Kind == ParamKind.Matrix)
                {
                    body.Add("SameMat(" + q.Name + ", p, " + o + ", \"" + q.Name + "\");");
                }
                else if (q.Kind == ParamKind.Collection && q.Passed != Passed.Once)
                {
                    body.Add("Same(" + q.Name + (q.Passed == Passed.List ? ".ToArray()" : "") + ", p, " + o + ", \"" + q.Name + "\");");
                }
                else if (q.Kind == ParamKind.Collection && generated)
                {
                    // Each generated method reads an IEnumerable once (the contract); the primal may enumerate it as it likes.
                    body.Add("if (" + q.Name + ".Enumerations > 1) throw new InvalidOperationException(\"" + EnumeratedTwice + "\" + " + "\"" + q.Name + " (\" + " + q.Name + ".Enumerations + \" times)\");");
                }
            }

            body.Add("return r;");
            sb.Append("        public static double ").AppendLine(signature);
            sb.AppendLine("        {");
            foreach (var line in body)
            {
                sb.Append("            ").AppendLine(line);
            }

            sb.AppendLine("        }");
            sb.AppendLine();
        }
    }
}
