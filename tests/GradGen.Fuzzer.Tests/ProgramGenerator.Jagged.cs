using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace GradGen.Fuzzer.Tests
{
    /// <summary>
    /// Jagged arrays and out/ref outputs (an eighth RNG stream, <see cref="Feature.Jagged"/> and <see cref="Feature.OutRef"/>),
    /// only in programs with none of the constructs of the fifth to seventh streams:
    /// <list type="bullet">
    /// <item>the entry's <c>double[][]</c> parameters (<c>float[][]</c> outside Hessian programs) with rows of different
    /// lengths, read as <c>w[i][j]</c>, <c>w.Length</c>, <c>w[i].Length</c>, through rows taken into locals
    /// (<c>var r = w[i];</c>, then <c>r[j]</c>, <c>r.Length</c>) and <c>foreach (var r in w)</c>, in nested loops over the rows
    /// and their elements; their derivatives are jagged arrays of the same shape, counted row after row in the flat index
    /// (the harness builds them so, <see cref="HarnessEmitter"/>);</item>
    /// <item><c>out</c> and <c>ref</c> parameters of type double (float outside Hessian programs) on the entry, which may
    /// also return nothing, checked through the weighted sum S = W·(its result, then its out/ref values after) for fixed
    /// weights W (a ref one's value before is an input), and on callees (returning a real or nothing) called at statement
    /// level with locals (<c>out var t</c>, <c>out t</c>, <c>out _</c>, <c>ref t</c>), inlined (the entry's type) or called
    /// (another type).</item>
    /// </list>
    /// Every choice comes from the eighth stream or, inside a program that has them, from the main one: a program
    /// without them is generated as before.
    /// </summary>
    internal sealed partial class ProgramGenerator
    {
        /// <summary>Choices of jagged arrays and out/ref outputs: an eighth stream, drawn only where they are (and its first draws).</summary>
        private readonly Random _jag;

        private readonly bool _withJagged, _withOutRef;

        private bool JagChance(double p) => _jag.NextDouble() < p;

        private int JagNext(int n) => _jag.Next(n);

        /// <summary>
        /// Adds the entry's jagged parameters and its out and ref parameters at random places (and decides whether the entry
        /// returns nothing, and the weights W of its outputs); returns whether one of them is of float.
        /// </summary>
        private bool JaggedParams(List<ParamSpec> ps, FuzzProgram p)
        {
            bool usesFloat = false;
            if (_withJagged)
            {
                int count = JagChance(0.25) ? 2 : 1;
                var names = new[] { "jw", "jv" };
                for (int k = 0; k < count; k++)
                {
                    int rows = 2 + JagNext(2);
                    var spec = new ParamSpec
                    {
                        Kind = ParamKind.Jagged,
                        Name = names[k],
                        ElementFloat = !p.Higher && JagChance(0.25),
                        RowLengths = Enumerable.Range(0, rows).Select(_ => 1 + JagNext(4)).ToArray(),
                    };
                    spec.Length = spec.RowLengths.Sum();
                    usesFloat |= spec.ElementFloat;
                    ps.Insert(JagNext(ps.Count + 1), spec);
                }
            }

            if (_withOutRef)
            {
                p.OutRefEntry = true;
                p.VoidEntry = JagChance(0.25);
                p.ReturnsFloat &= !p.VoidEntry;
                int outs = JagNext(3), refs = JagNext(3);
                if (outs + refs == 0)
                {
                    if (JagChance(0.5)) outs = 1; else refs = 1;
                }

                var specs = new List<ParamSpec>();
                for (int k = 0; k < outs; k++)
                {
                    specs.Add(new ParamSpec { Kind = ParamKind.Out, Name = k == 0 ? "oa" : "ob", ElementFloat = !p.Higher && JagChance(0.2) });
                }

                for (int k = 0; k < refs; k++)
                {
                    specs.Add(new ParamSpec { Kind = ParamKind.Ref, Name = k == 0 ? "ra" : "rb", ElementFloat = !p.Higher && JagChance(0.2) });
                }

                foreach (var spec in specs)
                {
                    usesFloat |= spec.ElementFloat;
                    ps.Insert(JagNext(ps.Count + 1), spec);
                }

                // Some of the real inputs passed in: read only, taken by value by the generated methods.
                foreach (var input in ps.Where(q => q.Kind == ParamKind.Double))
                {
                    input.In = JagChance(0.3);
                }

                // One weight per output: the result (unless void), then the out and ref parameters in declaration order.
                int m = (p.VoidEntry ? 0 : 1) + specs.Count;
                p.OutRefWeights = Enumerable.Range(0, m).Select(_ => Math.Round((JagChance(0.5) ? 1 : -1) * (0.3 + _jag.NextDouble()), 2)).ToArray();
            }

            return usesFloat;
        }

        /// <summary>
        /// A callee with out and ref parameters (double), returning a double or nothing: its parameters a real u, maybe a
        /// real v, and one to three outputs, in a random order. Not in Hessian programs (it is vector-valued: a caller of the
        /// Hessian kind could not call it, GG0005).
        /// </summary>
        private void GenerateOutRefCallee(StringBuilder sb, string name, string mods, bool inOther, bool instance)
        {
            var callee = new Callee { Type = inOther ? "Other" : "Main", Name = name, Kind = CalleeKind.OutRef, Instance = instance, Arity = 1 };
            callee.VoidResult = JagChance(0.25);
            var body = new BodyGen(this, isEntry: false, returnsFloat: false, returnsTuple: false) { HasThis = instance, OwnType = callee.Type, Void = callee.VoidResult };
            var slots = new List<(string Slot, ParamSpec Spec)> { ("u", new ParamSpec { Kind = ParamKind.Double, Name = "u" }) };
            if (JagChance(0.3))
            {
                slots.Add(("u", new ParamSpec { Kind = ParamKind.Double, Name = "v" }));
            }

            int outs = JagNext(3), refs = JagNext(2);
            if (outs + refs == 0)
            {
                outs = 1;
            }

            for (int k = 0; k < outs; k++)
            {
                slots.Add(("o", new ParamSpec { Kind = ParamKind.Out, Name = k == 0 ? "oq" : "os" }));
            }

            for (int k = 0; k < refs; k++)
            {
                slots.Add(("r", new ParamSpec { Kind = ParamKind.Ref, Name = "rq" }));
            }

            for (int k = slots.Count - 1; k > 0; k--)
            {
                int j = JagNext(k + 1);
                (slots[k], slots[j]) = (slots[j], slots[k]);
            }

            callee.Slots = slots.Select(s => s.Slot).ToList();
            foreach (var (_, spec) in slots)
            {
                body.AddParam(spec);
            }

            string sig = string.Join(", ", slots.Select(s => Declare(s.Spec)));
            string text = body.GenerateBody(2 + _rng.Next(7));
            if (body.UsesFloat)
            {
                _program.UsesFloat = true;
            }

            sb.Append("        [Differentiable").Append(JagChance(0.3) ? OutputKinds : "").AppendLine("]");
            sb.Append("        ").Append(mods).Append(callee.VoidResult ? "void " : "double ").Append(name).Append('(').Append(sig).AppendLine(")");
            sb.Append(text);
            sb.AppendLine();
            callee.PreferThis = Chance(0.5);
            _callees.Add(callee);
        }

        private sealed partial class BodyGen
        {
            /// <summary>The out parameters of this method, assigned first (C# reads none before): in scope once assigned.</summary>
            private readonly List<Var> _pendingOuts = new();

            private T JPick<T>(IReadOnlyList<T> items) => items[_g._jag.Next(items.Count)];

            /// <summary>The method's out and ref parameters.</summary>
            private List<Var> OutRefParams => _scopes[0].Where(v => v.OutRef).ToList();

            /// <summary>Assigns the out parameters first, each from an expression that reads none of them, then brings them into scope.</summary>
            private void OutPrologue()
            {
                foreach (var o in _pendingOuts)
                {
                    Line(o.Name + " = " + FloatIf(o, Expr(2)) + ";");
                }

                _scopes[0].AddRange(_pendingOuts);
                _pendingOuts.Clear();
            }

            /// <summary>The out and ref parameters maybe updated once more at the end.</summary>
            private void OutRefEpilogue()
            {
                foreach (var v in OutRefParams)
                {
                    if (!_g.JagChance(0.5))
                    {
                        continue;
                    }

                    switch (_g.JagNext(3))
                    {
                        case 0: Line(v.Name + " = " + FloatIf(v, Update(v.Name)) + ";"); break;
                        case 1: Line(v.Name + " += " + FloatIf(v, Expr(2)) + ";"); break;
                        default: Line(v.Name + " *= " + FloatIf(v, Bounded(Expr(1))) + ";"); break;
                    }
                }
            }

            private string FloatIf(Var v, string e) => v.Type == VT.F ? "(float)(" + e + ")" : e;

            /// <summary>An index into something of length <paramref name="len"/> (an int expression): by an int in scope, or the first or last.</summary>
            private string JagIndex(string len)
            {
                var ints = OfType(VT.I);
                switch (_g.JagNext(6))
                {
                    case 0 or 1 when ints.Count > 0: return JPick(ints).Name + " % " + len;
                    case 2 when ints.Count > 0: return "(" + JPick(ints).Name + " + 1) % " + len;
                    case 3 when ints.Count > 0: return len + " - 1 - " + JPick(ints).Name + " % " + len;
                    case 4: return len + " - 1";
                    default: return "0";
                }
            }

            /// <summary>A real read from a jagged parameter (<c>w[i][j]</c>, a row's length) or a row local (<c>r[j]</c>, <c>r.Length</c>); null where there is none.</summary>
            private string? JaggedRead(int depth, bool restricted)
            {
                var jagged = OfType(VT.Jag);
                var rows = OfType(VT.Row);
                if (jagged.Count == 0 && rows.Count == 0)
                {
                    return null;
                }

                if (rows.Count > 0 && (jagged.Count == 0 || _g.JagChance(0.4)))
                {
                    var r = JPick(rows);
                    return _g.JagChance(0.1)
                        ? "(" + r.Name + ".Length * " + Expr(Math.Max(depth - 1, 0), restricted) + ")"
                        : r.Name + "[" + JagIndex(r.Name + ".Length") + "]";
                }

                var w = JPick(jagged);
                string row = w.Name + "[" + JagIndex(w.Name + ".Length") + "]";
                return _g.JagNext(10) switch
                {
                    0 => "(" + row + ".Length * " + Expr(Math.Max(depth - 1, 0), restricted) + ")",
                    1 => "(" + w.Name + ".Length * " + Expr(Math.Max(depth - 1, 0), restricted) + ")",
                    _ => row + "[" + JagIndex(row + ".Length") + "]",
                };
            }

            /// <summary>The callees with out or ref parameters this body may call.</summary>
            private List<Callee> OutRefCallees => _g._callees.Where(c => (!c.Instance || (HasThis && c.Type == OwnType)) && c.Kind == CalleeKind.OutRef).ToList();

            private void JaggedStatement()
            {
                var jagged = OfType(VT.Jag);
                var rows = OfType(VT.Row);
                var writableD = OfType(VT.D).Where(v => v.Writable).ToList();
                var outRef = OutRefCallees;
                var choices = new List<(int Kind, double W)>
                {
                    (0, jagged.Count > 0 ? 1.2 : 0),                                                        // a row local
                    (1, jagged.Count > 0 && writableD.Count > 0 && _nest < 3 && _loopDepth < 2 ? 1.2 : 0),  // foreach over the rows
                    (2, jagged.Count > 0 && writableD.Count > 0 && _nest < 2 && _loopDepth == 0 ? 1.2 : 0), // nested loops over rows and elements
                    (3, jagged.Count > 0 || rows.Count > 0 ? 1.0 : 0),                                      // a local from a read
                    (4, outRef.Count > 0 ? 3.0 : 0),                                                        // a call with out/ref arguments
                    (5, 0.3),                                                                                // a plain local
                };

                switch (Weighted(choices))
                {
                    case 0:
                    {
                        var w = JPick(jagged);
                        var name = Fresh("r");
                        Line((_g.JagChance(0.5) ? "var " : w.ElemFloat ? "float[] " : "double[] ") + name + " = " + w.Name + "[" + JagIndex(w.Name + ".Length") + "];");
                        _scopes[_scopes.Count - 1].Add(new Var { Name = name, Type = VT.Row, ElemFloat = w.ElemFloat });
                        break;
                    }
                    case 1:
                    {
                        var w = JPick(jagged);
                        var target = JPick(writableD);
                        var r = Fresh("r");
                        Line("foreach (var " + r + " in " + w.Name + ")");
                        _loopDepth++;
                        _scopes.Add(new List<Var> { new Var { Name = r, Type = VT.Row, ElemFloat = w.ElemFloat } });
                        string elem = r + "[" + JagIndex(r + ".Length") + "]";
                        if (_g.JagChance(0.5))
                        {
                            Line("    " + target.Name + " = " + Squash(target.Name + " * " + elem + " + " + Expr(1)) + ";");
                        }
                        else
                        {
                            Braced(() =>
                            {
                                Line(target.Name + " += " + elem + " * " + Bounded(Expr(1)) + ";");
                                Block(1 + R.Next(3));
                            });
                        }

                        _scopes.RemoveAt(_scopes.Count - 1);
                        _loopDepth--;
                        break;
                    }
                    case 2:
                    {
                        var w = JPick(jagged);
                        var target = JPick(writableD);
                        var i = Fresh("i");
                        var j = Fresh("j");
                        Line("for (int " + i + " = 0; " + i + " < " + w.Name + ".Length; " + i + "++)");
                        _loopDepth++;
                        Braced(() =>
                        {
                            _scopes.Add(new List<Var> { new Var { Name = i, Type = VT.I } });
                            string row = w.Name + "[" + i + "]";
                            if (_g.JagChance(0.5))
                            {
                                var r = Fresh("r");
                                Line("var " + r + " = " + row + ";");
                                _scopes[_scopes.Count - 1].Add(new Var { Name = r, Type = VT.Row, ElemFloat = w.ElemFloat });
                                row = r;
                            }

                            Line("for (int " + j + " = 0; " + j + " < " + row + ".Length; " + j + "++)");
                            _loopDepth++;
                            Braced(() =>
                            {
                                _scopes.Add(new List<Var> { new Var { Name = j, Type = VT.I } });
                                switch (_g.JagNext(3))
                                {
                                    case 0: Line(target.Name + " += " + row + "[" + j + "] * " + Bounded(Expr(1)) + ";"); break;
                                    case 1: Line(target.Name + " = " + Squash(target.Name + " + " + row + "[" + j + "] * " + Expr(1)) + ";"); break;
                                    default: Line(target.Name + " = 0.5 * " + target.Name + " + " + MathCall(() => row + "[" + j + "]") + ";"); break;
                                }

                                if (_g.JagChance(0.3))
                                {
                                    Block(1 + R.Next(2));
                                }

                                _scopes.RemoveAt(_scopes.Count - 1);
                            });
                            _loopDepth--;
                            if (_g.JagChance(0.3))
                            {
                                Block(1 + R.Next(2));
                            }

                            _scopes.RemoveAt(_scopes.Count - 1);
                        });
                        _loopDepth--;
                        break;
                    }
                    case 3:
                    {
                        var name = Fresh("t");
                        Line("double " + name + " = " + (JaggedRead(3, false) ?? Expr(2)) + " * " + Bounded(Expr(1)) + ";");
                        Declare(name, VT.D, true);
                        break;
                    }
                    case 4:
                        OutRefCall(JPick(outRef));
                        break;
                    default:
                    {
                        var name = Fresh("t");
                        Line("double " + name + " = " + Expr(3) + ";");
                        Declare(name, VT.D, true);
                        break;
                    }
                }
            }

            /// <summary>
            /// A call of a callee with out and ref parameters at statement level: each out argument a new local (<c>out var t</c>),
            /// a local in scope or a discard, each ref one a local in scope (declared just before where there is none), all
            /// different, read by no other argument (README: GG0005 otherwise); its result declared, assigned to another local,
            /// or dropped.
            /// </summary>
            private void OutRefCall(Callee c)
            {
                // Locals that may be passed: double locals of this method (not parameters, not a struct's fields).
                var locals = OfType(VT.D).Where(v => v.Writable && !v.IsParam && !v.Name.Contains('.')).ToList();
                var taken = new HashSet<string>();
                var declared = new List<string>();
                var args = new List<Func<string>>();
                foreach (var slot in c.Slots)
                {
                    switch (slot)
                    {
                        case "o":
                        {
                            var free = locals.Where(v => !taken.Contains(v.Name)).ToList();
                            int r = _g.JagNext(10);
                            if (r < 3 && free.Count > 0)
                            {
                                var v = JPick(free);
                                taken.Add(v.Name);
                                args.Add(() => "out " + v.Name);
                            }
                            else if (r < 5)
                            {
                                args.Add(() => "out _");
                            }
                            else
                            {
                                var name = Fresh("t");
                                declared.Add(name);
                                taken.Add(name);
                                args.Add(() => "out var " + name);
                            }

                            break;
                        }
                        case "r":
                        {
                            var free = locals.Where(v => !taken.Contains(v.Name)).ToList();
                            string name;
                            if (free.Count > 0 && _g.JagChance(0.7))
                            {
                                name = JPick(free).Name;
                            }
                            else
                            {
                                name = Fresh("t");
                                Line("double " + name + " = " + Without(taken, () => Expr(2)) + ";");
                                Declare(name, VT.D, true);
                            }

                            taken.Add(name);
                            args.Add(() => "ref " + name);
                            break;
                        }
                        default:
                            args.Add(() => Without(taken, () => Expr(2)));
                            break;
                    }
                }

                // The real arguments are generated once every output is known, so that none reads one of them.
                var text = new List<string>();
                foreach (var a in args)
                {
                    text.Add(a());
                }

                string call = CallName(c) + "(" + string.Join(", ", text) + ")";
                var others = OfType(VT.D).Where(v => v.Writable && !taken.Contains(v.Name)).ToList();
                int how = c.VoidResult ? 2 : _g.JagNext(3);
                if (how == 0 || (how == 1 && others.Count == 0))
                {
                    var name = Fresh("t");
                    Line("double " + name + " = " + call + ";");
                    Declare(name, VT.D, true);
                }
                else if (how == 1)
                {
                    var v = JPick(others);
                    Line(v.Name + (_g.JagChance(0.5) ? " = " : " += ") + call + ";");
                }
                else
                {
                    Line(call + ";");
                }

                foreach (var name in declared)
                {
                    Declare(name, VT.D, true);
                }
            }
        }
    }
}
