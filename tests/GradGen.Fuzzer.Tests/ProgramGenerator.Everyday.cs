using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace GradGen.Fuzzer.Tests
{
    /// <summary>
    /// Everyday C# constructs (a sixth RNG stream, <see cref="Feature.Everyday"/>): guard clauses that throw, throw
    /// expressions, switch expressions and statements with relational patterns and <c>when</c> guards, <c>is</c>
    /// patterns, floating-point <c>%</c>, <c>Convert.ToDouble</c>, local functions (expression and block bodies, guard
    /// clauses, a void one writing a captured local), delegate locals, plain helpers given a lambda or a method group
    /// or taking <c>ref</c>/<c>out</c> parameters, LINQ over arrays, <c>params</c> callees and array initializers,
    /// assignments and <c>++</c>/<c>--</c> inside conditions and indexers, and objects made in the body whose
    /// [Differentiable] instance method is called. Every choice of these comes from the sixth stream or, inside a
    /// program that has them, from the main one: a program without them is generated as before.
    /// <para>
    /// A thrown exception's message starts with "fz": where the primal throws one, the checker requires every generated
    /// method to throw the same (type and message).
    /// </para>
    /// </summary>
    internal sealed partial class ProgramGenerator
    {
        /// <summary>Choices of the everyday constructs: a sixth stream, drawn only where <see cref="_withEveryday"/> holds (and its first draw).</summary>
        private readonly Random _every;

        private readonly bool _withEveryday;

        /// <summary>The Hlp class (an object made in the body), its Eval's text once used.</summary>
        private string? _helperClass;

        private bool EveryChance(double p) => _every.NextDouble() < p;

        private int EveryNext(int n) => _every.Next(n);

        /// <summary>Plain (not [Differentiable]) helpers: given a lambda or a method for a Func, or with ref/out parameters; inlined by GradGen.</summary>
        private const string PlainHelpers =
            "    public static class Fx\n" +
            "    {\n" +
            "        public static double Apply(Func<double, double> f, double v) => 0.5 * f(v) + 0.25 * f(0.5 * v);\n" +
            "\n" +
            "        public static double Twice(Func<double, double> f, double v)\n" +
            "        {\n" +
            "            double r = f(v);\n" +
            "            return f(Math.Tanh(r));\n" +
            "        }\n" +
            "\n" +
            "        public static double Blend(double v, Func<double, double> e)\n" +
            "        {\n" +
            "            if (v < 0.0) return 0.5 * e(v);\n" +
            "            return 0.5 * e(v) + 0.25 * v * v;\n" +
            "        }\n" +
            "\n" +
            "        public static double Combine(Func<double, double, double> f, double a, double b) => f(a, b) - 0.5 * f(b, a);\n" +
            "\n" +
            "        public static void Clamp(ref double v, double lo, double hi)\n" +
            "        {\n" +
            "            if (v < lo) v = lo;\n" +
            "            else if (v > hi) v = hi;\n" +
            "        }\n" +
            "\n" +
            "        public static void Scale(ref double v, double k) => v *= k;\n" +
            "\n" +
            "        public static void Split(double v, out double whole, out double rest)\n" +
            "        {\n" +
            "            whole = Math.Sin(v);\n" +
            "            rest = 0.5 * v - 0.25 * whole;\n" +
            "        }\n" +
            "    }\n";

        private string EverydayMembers()
        {
            var sb = new StringBuilder();
            sb.AppendLine();
            sb.Append(PlainHelpers);
            if (_helperClass != null)
            {
                sb.AppendLine();
                sb.Append(_helperClass);
            }

            return sb.ToString();
        }

        /// <summary>The Hlp class, its Eval generated at its first use (it may call the callees generated so far).</summary>
        private void EnsureHelper()
        {
            if (_helperClass != null)
            {
                return;
            }

            _helperClass = "";
            var body = new BodyGen(this, isEntry: false, returnsFloat: false, returnsTuple: false) { OwnType = "Hlp", InHelper = true };
            body.AddParam(new ParamSpec { Kind = ParamKind.Double, Name = "u" });
            string e = body.TopExpr(3);
            if (body.UsesFloat)
            {
                _program.UsesFloat = true;
            }

            var sb = new StringBuilder();
            sb.AppendLine("    public sealed partial class Hlp");
            sb.AppendLine("    {");
            sb.AppendLine("        private readonly double _a;");
            sb.AppendLine("        private readonly double _b;");
            sb.AppendLine();
            sb.AppendLine("        public Hlp(double a, double b)");
            sb.AppendLine("        {");
            sb.AppendLine("            _a = a;");
            sb.AppendLine("            _b = b;");
            sb.AppendLine("        }");
            sb.AppendLine();
            sb.Append("        [Differentiable").Append(_kinds).AppendLine("]");
            sb.AppendLine("        public double Eval(double u) => _a * " + e + " + _b * Math.Sin(u);");
            sb.AppendLine("    }");
            _helperClass = sb.ToString();
        }

        private sealed partial class BodyGen
        {
            /// <summary>Inside a lambda or local function: span locals and parameters (ref structs) cannot be captured.</summary>
            private int _closure;

            /// <summary>Variables a statement modifies while it is generated (GG0005 where it also reads them).</summary>
            private readonly HashSet<string> _hidden = new();

            /// <summary>Generates text with these variables out of scope: a statement that modifies them in a condition, a ref or out argument or a local function must not read them.</summary>
            private string Without(IEnumerable<string> names, Func<string> text)
            {
                var added = names.Where(n => _hidden.Add(n)).ToList();
                try
                {
                    return text();
                }
                finally
                {
                    foreach (var n in added)
                    {
                        _hidden.Remove(n);
                    }
                }
            }

            /// <summary>Generating Hlp.Eval: no Hlp made in it (it would call itself).</summary>
            public bool InHelper;

            public string TopExpr(int depth) => Expr(depth);

            private int ENext(int n) => _g.EveryNext(n);

            private bool EChance(double p) => _g.EveryChance(p);

            private T EPick<T>(IReadOnlyList<T> items) => items[_g.EveryNext(items.Count)];

            /// <summary>Three increasing thresholds in about (-1, 1.2), at least 0.2 apart.</summary>
            private (string A, string B, string C) Thresholds()
            {
                double a = Math.Round(-1.0 + _g._every.NextDouble() * 0.6, 2);
                double b = Math.Round(a + 0.2 + _g._every.NextDouble() * 0.5, 2);
                double c = Math.Round(b + 0.2 + _g._every.NextDouble() * 0.5, 2);
                return (Lit(a), Lit(b), Lit(c));
            }

            /// <summary>An entry's parameter (or its element) never overwritten: its value is the fuzz point's, in [-1.5, 1.5].</summary>
            private bool IsInput(Var v) => _isEntry && (v.IsParam || v.Name.Contains('.')) && !v.Writable;

            /// <summary>A scalar variable in scope (a parameter, local, element), or null.</summary>
            private Var? SomeScalar(bool paramsOnly = false)
            {
                var ds = OfType(VT.D).Where(v => !paramsOnly || IsInput(v)).ToList();
                return ds.Count == 0 ? null : EPick(ds);
            }

            /// <summary>A new exception whose message starts with "fz" (the checker wants every generated method to throw it alike).</summary>
            private string NewException(string? what)
            {
                if (what == null)
                {
                    return "new ArgumentException(\"fz: no value\")";
                }

                switch (ENext(5))
                {
                    case 0: return "new ArgumentException(\"fz: " + what + "\")";
                    case 1: return "new ArgumentOutOfRangeException(\"" + what + "\", \"fz: out of range\")";
                    case 2: return "new InvalidOperationException($\"fz: " + what + " = {" + what + "}\")";
                    case 3: return "new ArgumentException(\"fz: bad \" + " + (what.Contains('.') ? "\"" + what + "\"" : "nameof(" + what + ")") + ")";
                    default: return "new InvalidOperationException(\"fz: \" + " + what + ".ToString(System.Globalization.CultureInfo.InvariantCulture))";
                }
            }

            /// <summary>A test of a variable that rarely holds at the fuzz points (a parameter beyond 1.45) or never (NaN, huge).</summary>
            private string RareTest(Var v)
            {
                bool param = IsInput(v);
                switch (ENext(param ? 5 : 3))
                {
                    case 0: return "double.IsNaN(" + v.Name + ")";
                    case 1: return "!double.IsFinite(" + v.Name + ")";
                    case 2: return "Math.Abs(" + v.Name + ") > 1e6";
                    case 3: return v.Name + " > 1.45";
                    default: return v.Name + " is < -1.46 or double.NaN";
                }
            }

            private void EverydayStatement()
            {
                var writableD = OfType(VT.D).Where(v => v.Writable).ToList();
                var localArrays = OfType(VT.Arr).Where(v => v.Writable).ToList();
                var arrays = OfType(VT.Arr);
                var acts = OfType(VT.Act);
                var choices = new List<(int Kind, double W)>
                {
                    (0, OfType(VT.D).Count > 0 ? 1.0 : 0),                      // guard clause that throws
                    (1, 0.6),                                                     // a local from a throw expression
                    (2, OfType(VT.I).Count > 0 ? 0.6 : 0),                      // switch expression on an int
                    (3, 1.0),                                                     // switch expression on a real
                    (4, writableD.Count > 0 && _nest < 3 ? 0.6 : 0),            // switch statement on a real
                    (5, 1.2),                                                     // local function
                    (6, 0.8),                                                     // delegate local
                    (7, writableD.Count > 0 ? 0.8 : 0.3),                       // ref/out helpers
                    (8, arrays.Count > 0 ? 1.2 : 0),                             // LINQ
                    (9, 0.5),                                                     // array initializer
                    (10, _nest < 3 && _loopDepth < 2 ? 0.5 : 0),                // while (--k > 0)
                    (11, writableD.Count > 0 && _nest < 3 ? 0.6 : 0),           // if ((w = ...) > c)
                    (12, localArrays.Count > 0 ? 0.5 : 0),                      // a[p++] = v
                    (13, 0.5),                                                    // an object made in the body
                    (14, acts.Count > 0 ? 1.0 : 0),                              // a void local function called
                    (15, 1.5),                                                    // a local of an everyday expression
                };
                double total = choices.Sum(c => c.W);
                double r = _g._every.NextDouble() * total;
                int kind = choices.Last(c => c.W > 0).Kind;
                foreach (var c in choices)
                {
                    if (r < c.W)
                    {
                        kind = c.Kind;
                        break;
                    }

                    r -= c.W;
                }

                switch (kind)
                {
                    case 0:
                        GuardClause();
                        break;
                    case 1:
                    {
                        var name = Fresh("t");
                        var v = SomeScalar(paramsOnly: true) ?? SomeScalar();
                        string cond = v == null ? "double.IsFinite(" + Expr(1, true) + ")" : v.Name + (IsInput(v) && EChance(0.5) ? " < 1.47" : " is not double.NaN");
                        string what = v?.Name ?? "x";
                        Line("double " + name + " = " + cond + " ? " + Expr(2, true) + " : throw " + (v == null ? "new InvalidOperationException(\"fz: not finite\")" : NewException(what)) + ";");
                        Declare(name, VT.D, true);
                        break;
                    }
                    case 2:
                    {
                        var name = Fresh("t");
                        Line("double " + name + " = " + IntSwitch(false) + ";");
                        Declare(name, VT.D, true);
                        break;
                    }
                    case 3:
                    {
                        var name = Fresh("t");
                        Line("double " + name + " = " + RealSwitch(false) + ";");
                        Declare(name, VT.D, true);
                        break;
                    }
                    case 4:
                        SwitchStatement(_g.Pick(writableD));
                        break;
                    case 5:
                        LocalFunction(writableD);
                        break;
                    case 6:
                        DelegateLocal();
                        break;
                    case 7:
                        RefOutHelper(writableD);
                        break;
                    case 8:
                    {
                        if (EChance(0.3))
                        {
                            var name = Fresh("u");
                            var arr = EPick(arrays);
                            var t = Fresh("e");
                            Line("double[] " + name + " = " + arr.Name + ".Select(" + t + " => " + InClosure(new[] { (t, VT.D) }, () => Expr(2, true)) + ").ToArray();");
                            Declare(name, VT.Arr, true);
                        }
                        else
                        {
                            var name = Fresh("t");
                            Line("double " + name + " = " + Linq(2) + ";");
                            Declare(name, VT.D, true);
                        }

                        break;
                    }
                    case 9:
                    {
                        var name = Fresh("u");
                        int len = 2 + ENext(3);
                        // The first a double (of floats alone new[] would make a float[]).
                        var items = string.Join(", ", Enumerable.Range(0, len).Select(k => k == 0 ? Squash(Expr(2)) : Expr(2)));
                        Line((EChance(0.5) ? "var " + name + " = new[] { " : "double[] " + name + " = { ") + items + " };");
                        Declare(name, VT.Arr, true);
                        break;
                    }
                    case 10:
                    {
                        var k = Fresh("k");
                        Line("int " + k + " = " + (2 + ENext(4)) + ";");
                        Line(EChance(0.5) ? "while (--" + k + " > 0)" : "while (" + k + "-- > 1)");
                        _loopDepth++;
                        Braced(() =>
                        {
                            _scopes.Add(new List<Var> { new Var { Name = k, Type = VT.I } });
                            Block(2 + R.Next(3));
                            _scopes.RemoveAt(_scopes.Count - 1);
                        });
                        _loopDepth--;
                        break;
                    }
                    case 11:
                    {
                        // The value assigned must not read the variable (reading and modifying it in one statement: GG0005).
                        var w = _g.Pick(writableD);
                        string value = Without(new[] { w.Name }, () => Expr(2, true));
                        Line("if ((" + w.Name + " = " + value + ") " + (EChance(0.5) ? "> " : "< ") + Const() + ")");
                        Braced(() => Block(1 + R.Next(3)));
                        if (EChance(0.4))
                        {
                            Line("else");
                            Braced(() => Block(1 + R.Next(2)));
                        }

                        break;
                    }
                    case 12:
                    {
                        var arr = EPick(localArrays);
                        var pk = Fresh("pk");
                        Line("int " + pk + " = 0;");
                        // The value must not read the array or the counter (reading and modifying them in one statement: GG0005).
                        if (EChance(0.5))
                        {
                            Line("while (" + pk + " < " + arr.Name + ".Length) " + arr.Name + "[" + pk + "++] = " + Without(new[] { arr.Name }, () => Expr(2, true)) + ";");
                        }
                        else
                        {
                            int count = 1 + ENext(3);
                            for (int q = 0; q < count; q++)
                            {
                                Line(arr.Name + "[" + pk + "++ % " + arr.Name + ".Length] = " + Without(new[] { arr.Name }, () => Expr(2, true)) + ";");
                            }
                        }

                        Declare(pk, VT.I, false);
                        break;
                    }
                    case 13:
                    {
                        _g.EnsureHelper();
                        var name = Fresh("ob");
                        Line("var " + name + " = new Hlp(" + Const() + ", " + Const() + ");");
                        Declare(name, VT.Obj, false);
                        break;
                    }
                    case 14:
                    {
                        var act = EPick(acts);
                        Line(act.Name + "(" + Without(new[] { act.Writes! }, () => Expr(2, true)) + ");");
                        break;
                    }
                    default:
                    {
                        var name = Fresh("t");
                        Line("double " + name + " = " + EverydayExpr(3, false) + ";");
                        Declare(name, VT.D, true);
                        break;
                    }
                }
            }

            private void GuardClause()
            {
                var arrays = OfType(VT.Arr).Where(a => a.IsParam && _isEntry).ToList();
                if (arrays.Count > 0 && EChance(0.15))
                {
                    var a = EPick(arrays);
                    // (ArgumentNullException.ThrowIfNull(a) of a differentiable array is GG0019: its conversion to object.)
                    Line("if (" + a.Name + " is null) throw new ArgumentNullException(\"" + a.Name + "\", \"fz: null\");");
                    return;
                }

                if (EChance(0.1))
                {
                    Line("System.Diagnostics.Debug.Assert(" + Expr(1, true) + " < 1e9);");
                    return;
                }

                if (arrays.Count > 0 && EChance(0.15))
                {
                    // A throw after ?? (a local alias of a parameter array, or a discard _ = a ?? throw ..., is GG0005).
                    var a = EPick(arrays);
                    string checkedArray = "(" + a.Name + " ?? throw new ArgumentNullException(\"" + a.Name + "\", \"fz: null\"))";
                    if (EChance(0.5))
                    {
                        var len = Fresh("ln");
                        Line("int " + len + " = " + checkedArray + ".Length;");
                        Declare(len, VT.I, false);
                    }
                    else
                    {
                        var first = Fresh("t");
                        Line("double " + first + " = " + checkedArray + "[0];");
                        Declare(first, VT.D, true);
                    }

                    return;
                }

                var v = EPick(OfType(VT.D));
                Line("if (" + RareTest(v) + ") throw " + NewException(v.Name) + ";");
            }

            /// <summary>Generates a closure's text with its parameters in scope and span locals out of it.</summary>
            private string InClosure(IEnumerable<(string Name, VT Type)> parameters, Func<string> body)
            {
                _scopes.Add(parameters.Select(p => new Var { Name = p.Name, Type = p.Type }).ToList());
                _closure++;
                _nest++;
                try
                {
                    return body();
                }
                finally
                {
                    _nest--;
                    _closure--;
                    _scopes.RemoveAt(_scopes.Count - 1);
                }
            }

            /// <summary>
            /// The subject of a pattern: a variable, or (not in a condition or a ?: branch, where a computed subject is GG0005)
            /// an expression cast to double (it may be a float, whose patterns would need float constants); null if none.
            /// </summary>
            private string? SwitchSubject(bool restricted)
            {
                var v = SomeScalar();
                return v != null && (restricted || EChance(0.7)) ? v.Name : restricted ? null : "((double)" + Expr(1, true) + ")";
            }

            /// <summary>A switch expression on a real: relational patterns, and/or/not, when guards, NaN arms that throw.</summary>
            private string RealSwitch(bool restricted)
            {
                string E() => Expr(2, true);
                if (SwitchSubject(restricted) is not { } subject)
                {
                    return E();
                }

                var (a, b, c) = Thresholds();
                var arms = new List<string>();
                // No arm throws inside a condition, a ?: branch or another arm (GG0005).
                if (!restricted && EChance(0.3))
                {
                    arms.Add("double.NaN => throw " + NewException(subject.StartsWith("(", StringComparison.Ordinal) ? null : subject));
                }

                if (!restricted && !subject.StartsWith("(", StringComparison.Ordinal) && EChance(0.2))
                {
                    arms.Add("> 1e6 => throw new ArgumentOutOfRangeException(\"" + subject + "\", \"fz: huge\")");
                }

                switch (ENext(3))
                {
                    case 0:
                        arms.Add("< " + a + " => " + E());
                        arms.Add("< " + b + " when " + Condition() + " => " + E());
                        arms.Add(">= " + b + " and < " + c + " => " + E());
                        break;
                    case 1:
                        arms.Add("< " + a + " or > " + c + " => " + E());
                        arms.Add("not < " + b + " => " + E());
                        break;
                    default:
                        arms.Add("> " + b + " when " + Condition() + " => " + E());
                        arms.Add("> " + a + " => " + E());
                        break;
                }

                arms.Add("_ => " + E());
                return "(" + subject + " switch { " + string.Join(", ", arms) + " })";
            }

            /// <summary>A switch expression on an int in scope: constants, or, relational, when guards.</summary>
            private string IntSwitch(bool restricted)
            {
                var iv = EPick(OfType(VT.I));
                string subject = restricted || EChance(0.5) ? iv.Name : "(" + iv.Name + " % 3)";
                string E() => Expr(2, true);
                var arms = new List<string> { "0 => " + E(), "1 or 2 => " + E() };
                if (EChance(0.5))
                {
                    arms.Add("> 3 when " + Condition() + " => " + E());
                }

                if (!restricted && EChance(0.2))
                {
                    arms.Add("< -100 => throw new ArgumentOutOfRangeException(\"" + iv.Name + "\", \"fz: negative\")");
                }

                arms.Add("_ => " + E());
                return "(" + subject + " switch { " + string.Join(", ", arms) + " })";
            }

            /// <summary>A switch statement on a real with pattern case labels (and a when guard) updating a local.</summary>
            private void SwitchStatement(Var w)
            {
                var subject = SwitchSubject(false)!;
                var (a, b, c) = Thresholds();
                Line("switch (" + subject + ")");
                Line("{");
                _indent++;
                if (EChance(0.3))
                {
                    Line("case double.NaN:");
                    Line("    throw new ArgumentException(\"fz: NaN\");");
                }

                Line("case < " + a + ":");
                Line("    " + w.Name + " += " + Expr(2) + ";");
                Line("    break;");
                Line("case < " + b + " when " + Condition() + ":");
                Line("    " + w.Name + " = " + Update(w.Name) + ";");
                Line("    break;");
                if (EChance(0.5))
                {
                    Line("case >= " + b + " and < " + c + ":");
                    Line("case > " + Lit(Math.Round(double.Parse(c, CultureInfo.InvariantCulture) + 0.5, 2)) + ":");
                }
                else
                {
                    Line("case >= " + b + " and < " + c + ":");
                }

                Line("    " + w.Name + " *= " + Bounded(Expr(1)) + ";");
                Line("    break;");
                Line("default:");
                Line("    " + w.Name + " -= " + Expr(2) + ";");
                Line("    break;");
                _indent--;
                Line("}");
            }

            /// <summary>A condition with an is pattern: relational, and/or/not, constant, NaN.</summary>
            private string PatternCondition()
            {
                var ints = OfType(VT.I);
                if (ints.Count > 0 && EChance(0.2))
                {
                    var iv = EPick(ints);
                    return EChance(0.5) ? iv.Name + " is 0 or 2" : iv.Name + " is > 1 and < 4";
                }

                if (SwitchSubject(true) is not { } subject)
                {
                    return Expr(1, true) + " > " + Const();
                }

                var (a, b, _) = Thresholds();
                switch (ENext(5))
                {
                    case 0: return subject + " is > " + a + " and < " + b;
                    case 1: return subject + " is < " + a + " or > " + b;
                    case 2: return subject + " is not > " + a;
                    case 3: return subject + " is not double.NaN and >= " + b;
                    default: return subject + " is >= " + a;
                }
            }

            /// <summary>A local function: expression-bodied, block-bodied with a guard clause, or void writing a captured local.</summary>
            private void LocalFunction(List<Var> writableD)
            {
                var t = Fresh("t");
                int form = ENext(writableD.Count > 0 ? 3 : 2);
                if (form == 0)
                {
                    var name = Fresh("lf");
                    Line("double " + name + "(double " + t + ") => " + InClosure(new[] { (t, VT.D) }, () => Expr(3, true)) + ";");
                    Declare(name, VT.Fn, false);
                    _scopes[_scopes.Count - 1].Last().LocalFunction = true;
                    return;
                }

                if (form == 1)
                {
                    var name = Fresh("lf");
                    Line("double " + name + "(double " + t + ")");
                    Braced(() => InClosure(new[] { (t, VT.D) }, () =>
                    {
                        if (EChance(0.7))
                        {
                            Line("if (" + (EChance(0.5) ? t + (EChance(0.5) ? " > " : " < ") + Const() : Condition()) + ") return " + Expr(2, true) + ";");
                        }

                        if (EChance(0.6))
                        {
                            var q = Fresh("t");
                            Line("double " + q + " = " + Expr(2, true) + ";");
                            Declare(q, VT.D, true);
                            if (EChance(0.5))
                            {
                                Line(q + " = " + Update(q) + ";");
                            }
                        }

                        if (EChance(0.3))
                        {
                            Line("if (" + RareTest(new Var { Name = t, Type = VT.D }) + ") throw new ArgumentException(\"fz: local\");");
                        }

                        Line("return " + Expr(3, true) + ";");
                        return "";
                    }));
                    Declare(name, VT.Fn, false);
                    _scopes[_scopes.Count - 1].Last().LocalFunction = true;
                    return;
                }

                // A void local function writing a local it captures.
                var w = _g.Pick(writableD);
                var act = Fresh("bf");
                Line("void " + act + "(double " + t + ")");
                Braced(() => InClosure(new[] { (t, VT.D) }, () =>
                {
                    switch (ENext(3))
                    {
                        case 0: Line(w.Name + " += " + t + " * " + Bounded(Expr(1, true)) + ";"); break;
                        case 1: Line(w.Name + " = 0.5 * " + w.Name + " + " + Squash(t + " + " + Expr(1, true)) + ";"); break;
                        default:
                            Line("if (" + t + " > " + Const() + ") " + w.Name + " -= " + Expr(1, true) + ";");
                            Line("else " + w.Name + " += " + t + ";");
                            break;
                    }

                    return "";
                }));
                Declare(act, VT.Act, false);
                _scopes[_scopes.Count - 1].Last().Writes = w.Name;
                Line(act + "(" + Without(new[] { w.Name }, () => Expr(2, true)) + ");");
            }

            /// <summary>A delegate local: a lambda of one or two reals, or a method group (a local function, a static callee).</summary>
            private void DelegateLocal()
            {
                var name = Fresh("fd");
                if (EChance(0.25))
                {
                    var p = Fresh("t");
                    var q = Fresh("t");
                    Line("Func<double, double, double> " + name + " = (" + p + ", " + q + ") => " + InClosure(new[] { (p, VT.D), (q, VT.D) }, () => Expr(2, true)) + ";");
                    Declare(name, VT.Fn2, false);
                    return;
                }

                var group = MethodGroup();
                if (group != null && EChance(0.3))
                {
                    Line("Func<double, double> " + name + " = " + group + ";");
                }
                else
                {
                    var t = Fresh("t");
                    Line("Func<double, double> " + name + " = " + t + " => " + InClosure(new[] { (t, VT.D) }, () => Expr(3, true)) + ";");
                }

                Declare(name, VT.Fn, false);
            }

            /// <summary>A method group of one real: a local function in scope, or a static scalar callee of one parameter; null if none.</summary>
            private string? MethodGroup()
            {
                var groups = OfType(VT.Fn).Where(f => f.LocalFunction).Select(f => f.Name)
                    .Concat(Callees.Where(c => c.Kind == CalleeKind.Scalar && c.Arity == 1 && !c.Instance).Select(c => CallName(c))).ToList();
                return groups.Count == 0 ? null : EPick(groups);
            }

            /// <summary>A Func argument: a lambda (capturing), a method group, or a delegate local.</summary>
            private string FuncArgument()
            {
                var group = MethodGroup();
                if (group != null && EChance(0.3))
                {
                    return group;
                }

                var delegates = OfType(VT.Fn).Where(f => !f.LocalFunction).ToList();
                if (delegates.Count > 0 && EChance(0.2))
                {
                    return EPick(delegates).Name;
                }

                var t = Fresh("t");
                return t + " => " + InClosure(new[] { (t, VT.D) }, () => Expr(2, true));
            }

            private void RefOutHelper(List<Var> writableD)
            {
                // A ref or out argument that is a tuple's element or a struct's field is GG0005: locals and parameters only.
                writableD = writableD.Where(v => !v.Name.Contains('.')).ToList();
                if (writableD.Count > 0 && EChance(0.6))
                {
                    var w = _g.Pick(writableD);
                    if (EChance(0.6))
                    {
                        Line("Fx.Clamp(ref " + w.Name + ", " + Lit(-1.5 - ENext(3) * 0.5) + ", " + Lit(1.5 + ENext(3) * 0.5) + ");");
                    }
                    else
                    {
                        Line("Fx.Scale(ref " + w.Name + ", " + Without(new[] { w.Name }, () => Bounded(Expr(1, true))) + ");");
                    }

                    return;
                }

                if (writableD.Count >= 2 && EChance(0.3))
                {
                    var a = _g.Pick(writableD);
                    var b = _g.Pick(writableD.Where(v => v != a).ToList());
                    Line("Fx.Split(" + Without(new[] { a.Name, b.Name }, () => Expr(2, true)) + ", out " + a.Name + ", out " + b.Name + ");");
                    return;
                }

                var p = Fresh("p");
                var q = Fresh("q");
                Line("Fx.Split(" + Expr(2) + ", out var " + p + ", out double " + q + ");");
                Declare(p, VT.D, true);
                Declare(q, VT.D, true);
            }

            /// <summary>A call of a params callee: a list of values, an array initializer, or an array in scope.</summary>
            private string ParamsCall(Callee c)
            {
                string Arg() => Expr(1);
                var arrays = OfType(VT.Arr);
                string rest;
                switch (_g._withEveryday ? ENext(3) : 0)
                {
                    case 1:
                        rest = "new[] { " + string.Join(", ", Enumerable.Range(0, 1 + ENext(3)).Select(k => k == 0 ? Squash(Arg()) : Arg())) + " }";
                        break;
                    case 2 when arrays.Count > 0:
                        rest = EPick(arrays).Name;
                        break;
                    default:
                        rest = string.Join(", ", Enumerable.Range(0, 1 + (_g._withEveryday ? ENext(3) : 0)).Select(_ => Arg()));
                        break;
                }

                return CallName(c) + "(" + Arg() + ", " + rest + ")";
            }

            /// <summary>A LINQ reduction of an array in scope.</summary>
            private string Linq(int depth)
            {
                var arrays = OfType(VT.Arr);
                var arr = EPick(arrays);
                var ints = OfType(VT.I);
                var t = Fresh("e");
                string Sel(int d = 2) => t + " => " + InClosure(new[] { (t, VT.D) }, () => Expr(Math.Max(d, 1), true));
                // Min and Max only of an entry's array parameter (distinct random elements: no tie where the derivative jumps).
                bool distinct = arr.IsParam && _isEntry;
                switch (ENext(12))
                {
                    case 0: return arr.Name + ".Sum()";
                    case 1: return arr.Name + ".Sum(" + Sel(depth) + ")";
                    case 2: return arr.Name + ".Average(" + (EChance(0.5) ? "" : Sel(depth)) + ")";
                    case 3 when distinct: return arr.Name + "." + (EChance(0.5) ? "Max" : "Min") + "(" + (EChance(0.3) ? "" : t + " => " + t + " * " + PosConst() + " + " + Squash(t)) + ")";
                    case 4: return arr.Name + ".Where(" + t + " => " + t + (EChance(0.5) ? " > " : " < ") + Const() + ").Sum(" + (EChance(0.3) ? "" : Sel(1)) + ")";
                    case 5:
                    {
                        var other = EPick(arrays);
                        var p = Fresh("e");
                        var q = Fresh("e");
                        return arr.Name + ".Zip(" + other.Name + ", (" + p + ", " + q + ") => " + InClosure(new[] { (p, VT.D), (q, VT.D) }, () => p + " * " + q + " + " + Expr(1, true)) + ").Sum()";
                    }
                    case 6:
                    {
                        var i = Fresh("i");
                        string count = ints.Count > 0 && EChance(0.5) ? EPick(ints).Name : EChance(0.5) ? arr.Name + ".Length" : (1 + ENext(4)).ToString(CultureInfo.InvariantCulture);
                        return "Enumerable.Range(0, " + count + ").Select(" + i + " => " + InClosure(new[] { (i, VT.I) }, () =>
                            (EChance(0.5) ? arr.Name + "[" + i + " % " + arr.Name + ".Length]" : "Convert.ToDouble(" + i + ")") + " * " + Expr(1, true)) + ").Sum()";
                    }
                    case 7:
                    {
                        var acc = Fresh("ac");
                        var v = Fresh("e");
                        return arr.Name + ".Aggregate(" + Squash(Expr(1)) + ", (" + acc + ", " + v + ") => " + InClosure(new[] { (acc, VT.D), (v, VT.D) }, () =>
                            "0.5 * " + acc + " + " + Squash(v + " * " + Expr(1, true))) + ")";
                    }
                    case 8:
                    {
                        // Count(predicate) of a differentiable array is GG0019 (its IEnumerable<double>): Count() only.
                        string count = arr.Name + ".Count()";
                        return EChance(0.5) ? "(double)" + count : "Convert.ToDouble(" + count + ")";
                    }
                    case 9: return arr.Name + ".Select(" + Sel(1) + ").Sum()";
                    case 10 when distinct: return arr.Name + ".Select(" + t + " => " + t + " * " + PosConst() + ").Max()";
                    default: return "(" + arr.Name + ".Sum(" + Sel(depth) + ") / " + Positive(Expr(1)) + ")";
                }
            }

            /// <summary>An expression of an everyday construct; in a condition or a ?: branch (restricted) only those computed in place.</summary>
            private string EverydayExpr(int depth, bool restricted)
            {
                string E() => Expr(Math.Max(depth - 1, 0), restricted);
                var ints = OfType(VT.I);
                var fns = OfType(VT.Fn);
                var fn2s = OfType(VT.Fn2);
                var objs = OfType(VT.Obj);
                var arrays = OfType(VT.Arr);
                var paramsCallees = Callees.Where(c => c.Kind == CalleeKind.ParamsArg).ToList();
                var choices = new List<(int Kind, double W)>
                {
                    (0, 1.0),                                          // Convert.ToDouble
                    (1, 1.0),                                          // %
                    (2, 0.8),                                          // switch expression on a real
                    (3, ints.Count > 0 ? 0.5 : 0),                     // switch expression on an int
                    (4, restricted ? 0 : 0.6),                         // a throw expression
                    (5, restricted || fns.Count == 0 ? 0 : 2.0),       // a local function or delegate called
                    (6, restricted || fn2s.Count == 0 ? 0 : 1.0),      // a delegate of two reals
                    (7, restricted ? 0 : 1.0),                         // a plain helper given a lambda or method
                    (8, restricted || arrays.Count == 0 ? 0 : 1.5),    // LINQ
                    (9, restricted || paramsCallees.Count == 0 ? 0 : 1.0), // params callee
                    (10, restricted || objs.Count == 0 ? 0 : 1.5),     // an object's [Differentiable] method
                    (11, restricted || InHelper ? 0 : 0.2),            // an object made in place
                };
                double total = choices.Sum(c => c.W);
                double r = _g._every.NextDouble() * total;
                int kind = choices.Last(c => c.W > 0).Kind;
                foreach (var c in choices)
                {
                    if (r < c.W)
                    {
                        kind = c.Kind;
                        break;
                    }

                    r -= c.W;
                }

                switch (kind)
                {
                    case 0:
                        if (ints.Count > 0 && EChance(0.4))
                        {
                            return "Convert.ToDouble(" + EPick(ints).Name + ")";
                        }

                        if (EChance(0.15))
                        {
                            UsesFloat = true;
                            return "Convert.ToDouble((float)" + Squash(E()) + ")";
                        }

                        return "Convert.ToDouble(" + E() + ")";
                    case 1:
                        // Floating-point %: the divisor bounded away from 0, the dividend within a few divisors (jumps are rare).
                        switch (ENext(3))
                        {
                            case 0: return "((2.0 + 1.5 * Math.Tanh(" + E() + ")) % (1.3 + 0.2 * Math.Sin(" + E() + ")))";
                            case 1: return "(2.5 * Math.Tanh(" + E() + ") % 1.1)";
                            default: return "(Math.Sin(" + E() + ") % 0.75 + " + E() + ")";
                        }
                    case 2: return RealSwitch(restricted);
                    case 3: return IntSwitch(restricted);
                    case 4:
                    {
                        var v = SomeScalar(paramsOnly: true);
                        return v != null
                            ? "(" + v.Name + " < 1.47 ? " + Expr(Math.Max(depth - 1, 0), true) + " : throw " + NewException(v.Name) + ")"
                            : "(double.IsNaN(" + Expr(Math.Max(depth - 1, 0), true) + ") ? throw new InvalidOperationException(\"fz: NaN\") : " + Expr(Math.Max(depth - 1, 0), true) + ")";
                    }
                    case 5:
                        return EPick(fns).Name + "(" + E() + ")";
                    case 6:
                        return EChance(0.5) ? EPick(fn2s).Name + "(" + E() + ", " + E() + ")" : "Fx.Combine(" + EPick(fn2s).Name + ", " + E() + ", " + E() + ")";
                    case 7:
                        switch (ENext(4))
                        {
                            case 0: return "Fx.Apply(" + FuncArgument() + ", " + E() + ")";
                            case 1: return "Fx.Twice(" + FuncArgument() + ", " + E() + ")";
                            case 2: return "Fx.Blend(" + E() + ", " + FuncArgument() + ")";
                            default:
                            {
                                var p = Fresh("t");
                                var q = Fresh("t");
                                return "Fx.Combine((" + p + ", " + q + ") => " + InClosure(new[] { (p, VT.D), (q, VT.D) }, () => Expr(1, true)) + ", " + E() + ", " + E() + ")";
                            }
                        }

                    case 8: return Linq(depth - 1);
                    case 9: return ParamsCall(EPick(paramsCallees));
                    case 10: return EPick(objs).Name + ".Eval(" + E() + ")";
                    default:
                        _g.EnsureHelper();
                        return "new Hlp(" + Const() + ", " + Const() + ").Eval(" + E() + ")";
                }
            }
        }
    }
}
