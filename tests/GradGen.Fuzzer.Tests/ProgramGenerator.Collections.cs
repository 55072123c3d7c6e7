using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace GradGen.Fuzzer.Tests
{
    /// <summary>
    /// Collection parameters and output arrays (a seventh RNG stream, <see cref="Feature.Collections"/>):
    /// <list type="bullet">
    /// <item>the entry's parameters of IReadOnlyList, IList, List, IReadOnlyCollection, ICollection and IEnumerable of
    /// double or float (maybe a [NoDerivative] one of constants), read by indexer and Count where the type has them,
    /// foreach, loops over Count and LINQ (Sum, Average, Min/Max of the entry's own, Select(...).Sum(), Where, Zip,
    /// Aggregate, Count(), Select(...).ToArray()), guarded against null (as the output is), and passed on to callees whose
    /// parameter is a collection interface (a collection of a type that converts, a constant one, an array, or an array
    /// made in place);</item>
    /// <item>void callees that fill one double[] or float[] output parameter from a real and maybe a double[] or a
    /// collection (reading the output's contents before or not, maybe returning early, maybe filling it through another
    /// such callee), called on local arrays (new ones, ones already filled, an Euler-like loop stepping a local through
    /// one), inlined (the entry's type) or called (another type);</item>
    /// <item>in about a third of these programs the entry itself is such a void method (<see cref="FuzzProgram.OutputEntry"/>),
    /// checked through W·(its output's contents after) for fixed weights W: FForward, FReverse and FJacobian all reduce
    /// to the gradient of that scalar, whose truth is the primal run on a copy of the output array.</item>
    /// </list>
    /// Every choice comes from the seventh stream or, inside a program that has them, from the main one: a program
    /// without them is generated as before.
    /// </summary>
    internal sealed partial class ProgramGenerator
    {
        /// <summary>The kinds of an output method with its Jacobian (it has no gradient nor Hessian).</summary>
        private const string OutputKinds = "(Kinds = DerivativeKinds.Forward | DerivativeKinds.Reverse | DerivativeKinds.Jacobian)";

        private static readonly string[] AllCollectionTypes = { "IReadOnlyList", "IList", "List", "IReadOnlyCollection", "ICollection", "IEnumerable" };

        /// <summary>A callee's collection parameter: an interface (a List&lt;T&gt; parameter takes only a List, not the caller's IReadOnlyList).</summary>
        private static readonly string[] CalleeCollectionTypes = { "IReadOnlyList", "IList", "IReadOnlyCollection", "ICollection", "IEnumerable" };

        /// <summary>Choices of the collections and output arrays: a seventh stream, drawn only where <see cref="_withCollections"/> holds (and its first draw).</summary>
        private readonly Random _coll;

        private readonly bool _withCollections;

        private bool CollChance(double p) => _coll.NextDouble() < p;

        private static bool Indexed(string type) => type is "IReadOnlyList" or "IList" or "List";

        private static bool Counted(string type) => type != "IEnumerable";

        /// <summary>Whether a collection of static type <paramref name="from"/> converts to <paramref name="to"/> (an array, "", to every one).</summary>
        private static bool Converts(string from, string to) => from == to || to == "IEnumerable" || from is "" or "List"
            || (from == "IList" && to == "ICollection") || (from == "IReadOnlyList" && to == "IReadOnlyCollection");

        /// <summary>
        /// Adds one or two collection parameters (and maybe a [NoDerivative] one, and the output of an output entry) at
        /// random places; returns whether one is of float.
        /// </summary>
        private bool CollectionParams(List<ParamSpec> ps, bool higher, bool outputEntry)
        {
            bool usesFloat = false;
            int count = outputEntry && CollChance(0.3) ? 0 : 1 + (CollChance(0.35) ? 1 : 0);
            var names = new[] { "xs", "ys" }; // not v: the harness's Hvp has a parameter v
            for (int k = 0; k < count; k++)
            {
                var type = AllCollectionTypes[_coll.Next(AllCollectionTypes.Length)];
                var spec = new ParamSpec
                {
                    Kind = ParamKind.Collection,
                    Name = names[k],
                    CollectionType = type,
                    // float elements: not in Hessian programs (as float parameters).
                    ElementFloat = !higher && CollChance(0.25),
                    Length = 2 + _coll.Next(4),
                    Passed = type == "List" ? Passed.List : type == "IEnumerable" && CollChance(0.4) ? Passed.Once : CollChance(0.5) ? Passed.List : Passed.Array,
                };
                usesFloat |= spec.ElementFloat;
                ps.Insert(_coll.Next(ps.Count + 1), spec);
            }

            if (CollChance(0.15))
            {
                // Constant data: distinct values, read by indexer, Count, foreach and LINQ.
                int n = 2 + _coll.Next(3);
                var values = Enumerable.Range(0, n).Select(j => Math.Round(-0.9 + 0.45 * j + 0.2 * _coll.NextDouble(), 2)).ToArray();
                ps.Insert(_coll.Next(ps.Count + 1), new ParamSpec { Kind = ParamKind.ConstCollection, Name = "cc", CollectionType = new[] { "IReadOnlyList", "IList", "List", "IEnumerable" }[_coll.Next(4)], ConstValues = values, Length = n });
            }

            if (outputEntry)
            {
                int m = 2 + _coll.Next(3);
                ps.Insert(_coll.Next(ps.Count + 1), new ParamSpec { Kind = ParamKind.Output, Name = "o", Length = m });
                _program.OutputWeights = Enumerable.Range(0, m).Select(_ => Math.Round((CollChance(0.5) ? 1 : -1) * (0.3 + _coll.NextDouble()), 2)).ToArray();
            }

            return usesFloat;
        }

        /// <summary>
        /// A void callee filling its output array <c>o</c> (double[] or float[]) from a real <c>u</c> and maybe a double[]
        /// or a collection, in a random order of parameters.
        /// </summary>
        private void GenerateFill(StringBuilder sb, string name, string mods, bool inOther, bool instance)
        {
            var callee = new Callee { Type = inOther ? "Other" : "Main", Name = name, Kind = CalleeKind.Fill, Instance = instance, Arity = 1 };
            callee.ElementFloat = !_program.Higher && CollChance(0.2);
            var body = new BodyGen(this, isEntry: false, returnsFloat: false, returnsTuple: false) { HasThis = instance, OwnType = callee.Type, Void = true };
            var slots = new List<(string Slot, ParamSpec Spec)>
            {
                ("u", new ParamSpec { Kind = ParamKind.Double, Name = "u" }),
                ("o", new ParamSpec { Kind = ParamKind.Output, Name = "o", ElementFloat = callee.ElementFloat }),
            };
            switch (_coll.Next(3))
            {
                case 1:
                    callee.FillArray = true;
                    slots.Add(("a", new ParamSpec { Kind = ParamKind.Array, Name = "a", Length = -1 }));
                    break;
                case 2:
                    callee.CollectionType = CalleeCollectionTypes[_coll.Next(CalleeCollectionTypes.Length)];
                    slots.Add(("cv", new ParamSpec { Kind = ParamKind.Collection, Name = "cv", CollectionType = callee.CollectionType, Length = -1 }));
                    break;
            }

            for (int k = slots.Count - 1; k > 0; k--)
            {
                int j = _coll.Next(k + 1);
                (slots[k], slots[j]) = (slots[j], slots[k]);
            }

            callee.Slots = slots.Select(s => s.Slot).ToList();
            foreach (var (_, spec) in slots)
            {
                body.AddParam(spec);
            }

            string sig = string.Join(", ", slots.Select(s => s.Spec.Kind == ParamKind.Output ? (s.Spec.ElementFloat ? "float[] o" : "double[] o") : Declare(s.Spec)));
            string text = body.GenerateBody(2 + _rng.Next(7));
            if (body.UsesFloat || callee.ElementFloat)
            {
                _program.UsesFloat = true;
            }

            sb.Append("        [Differentiable").Append(_program.Higher || CollChance(0.3) ? OutputKinds : "").AppendLine("]");
            sb.Append("        ").Append(mods).Append("void ").Append(name).Append('(').Append(sig).AppendLine(")");
            sb.Append(text);
            sb.AppendLine();
            callee.PreferThis = Chance(0.5);
            _callees.Add(callee);
        }

        private sealed partial class BodyGen
        {
            private bool CChance(double p) => _g.CollChance(p);

            private int CNext(int n) => _g._coll.Next(n);

            private T CPick<T>(IReadOnlyList<T> items) => items[_g._coll.Next(items.Count)];

            /// <summary>
            /// The void callees filling an output array this body may call: none in a method with the Hessian kind (a Hessian
            /// through a vector-valued callee is GG0005, documented), that is in a Hessian program's scalar methods.
            /// </summary>
            private List<Callee> Fills => _g._program.Higher && !Void ? new List<Callee>() : _g._callees.Where(c => (!c.Instance || (HasThis && c.Type == OwnType)) && c.Kind == CalleeKind.Fill).ToList();

            /// <summary>The output array of this void method.</summary>
            private Var OutputVar => _scopes[0].First(v => v.Output);

            /// <summary>A one-line loop over the elements of <paramref name="o"/>, its counter in scope: <paramref name="statement"/> writes the line for the element.</summary>
            private void OverElements(Var o, Action<string> statement)
            {
                var i = Fresh("j");
                Line("for (int " + i + " = 0; " + i + " < " + o.Name + ".Length; " + i + "++)");
                _scopes.Add(new List<Var> { new Var { Name = i, Type = VT.I } });
                _loopDepth++;
                statement(o.Name + "[" + i + "]");
                _loopDepth--;
                _scopes.RemoveAt(_scopes.Count - 1);
            }

            /// <summary>A void method's body: maybe the output set first (from its contents before or not), the statements, then the output written.</summary>
            private void OutputBody(int budget)
            {
                var o = OutputVar;
                bool isFloat = o.Type == VT.FArr;
                string Value(string e) => isFloat ? "(float)(" + e + ")" : e;
                if (CChance(0.3))
                {
                    OverElements(o, elem =>
                    {
                        switch (CNext(3))
                        {
                            case 0: Line("    " + elem + " = " + (isFloat ? "0f" : "0.0") + ";"); break;
                            case 1: Line("    " + elem + " = " + Value("0.5 * " + elem + " + " + Expr(1)) + ";"); break;
                            default: Line("    " + elem + " = " + Value(Expr(2)) + ";"); break;
                        }
                    });
                }

                Statements(budget);
                if (CChance(0.75))
                {
                    OverElements(o, elem =>
                    {
                        switch (CNext(4))
                        {
                            case 0: Line("    " + elem + " = " + Value(Expr(3)) + ";"); break;
                            case 1: Line("    " + elem + " += " + Value(Expr(2)) + ";"); break;
                            case 2: Line("    " + elem + " = " + Value(elem + " * " + Bounded(Expr(1)) + " + " + Expr(2)) + ";"); break;
                            default: Line("    " + elem + " *= " + Value(Bounded(Expr(2))) + ";"); break;
                        }
                    });
                }
                else
                {
                    Line(o.Name + "[" + Index(o) + "] = " + Value(Expr(3)) + ";");
                }
            }

            /// <summary>A collection index: by an int in scope modulo Count, or the first or last element.</summary>
            private string CollIndex(Var v)
            {
                var ints = OfType(VT.I);
                string len = v.Type == VT.Coll ? v.Name + ".Count" : v.Name + ".Length";
                switch (R.Next(5))
                {
                    case 0 when ints.Count > 0: return _g.Pick(ints).Name + " % " + len;
                    case 1 when ints.Count > 0: return "(" + _g.Pick(ints).Name + " + 1) % " + len;
                    case 2 when ints.Count > 0: return len + " - 1 - " + _g.Pick(ints).Name + " % " + len;
                    case 3: return len + " - 1";
                    default: return "0";
                }
            }

            /// <summary>
            /// A real from a collection or a local float[] in scope, parenthesized where it is not a primary expression; in a
            /// condition or a ?: branch (restricted) only an element or a count. Null where there is none.
            /// </summary>
            private string? CollectionExpr(int depth, bool restricted)
            {
                var colls = OfType(VT.Coll);
                var indexed = colls.Where(v => Indexed(v.CollType)).Concat(OfType(VT.FArr)).ToList();
                var counted = colls.Where(v => Counted(v.CollType)).ToList();
                var subjects = colls.Concat(OfType(VT.FArr)).ToList();
                var choices = new List<(int Kind, double W)>
                {
                    (0, indexed.Count > 0 ? 3.0 : 0),                 // an element
                    (1, counted.Count > 0 ? 0.4 : 0),                 // a Count times something
                    (2, !restricted && subjects.Count > 0 ? 3.0 : 0), // LINQ
                };
                if (choices.All(c => c.W == 0))
                {
                    return null;
                }

                switch (Weighted(choices))
                {
                    case 0:
                    {
                        var v = _g.Pick(indexed);
                        return v.Name + "[" + CollIndex(v) + "]";
                    }
                    case 1:
                        return "(" + _g.Pick(counted).Name + ".Count * " + Expr(Math.Max(depth - 1, 0), restricted) + ")";
                    default:
                        return CollectionLinq(_g.Pick(subjects), depth - 1);
                }
            }

            private int Weighted(List<(int Kind, double W)> choices)
            {
                double total = choices.Sum(c => c.W);
                double r = R.NextDouble() * total;
                foreach (var c in choices)
                {
                    if (r < c.W)
                    {
                        return c.Kind;
                    }

                    r -= c.W;
                }

                return choices.Last(c => c.W > 0).Kind;
            }

            /// <summary>A LINQ reduction of a collection or a float[] (its elements of float where it is one).</summary>
            private string CollectionLinq(Var v, int depth)
            {
                bool isFloat = v.Type == VT.FArr || v.ElemFloat;
                VT et = isFloat ? VT.F : VT.D;
                var t = Fresh("e");
                string Sel(int d) => t + " => " + InClosure(new[] { (t, et) }, () => Expr(Math.Max(d, 1), true));
                // Min and Max only of the entry's own collections (distinct random elements, or distinct constants).
                bool distinct = v.IsParam && _isEntry && v.Type == VT.Coll;
                var partners = OfType(VT.Coll, VT.FArr, VT.Arr).ToList();
                switch (R.Next(11))
                {
                    case 0: return v.Name + ".Sum()";
                    case 1: return v.Name + ".Sum(" + Sel(depth) + ")";
                    case 2: return v.Name + ".Average(" + (Chance(0.5) ? "" : Sel(depth)) + ")";
                    case 3 when distinct: return v.Name + "." + (Chance(0.5) ? "Max" : "Min") + "(" + (Chance(0.4) ? "" : t + " => " + t + " * " + PosConst() + " + " + Squash(t)) + ")";
                    case 4: return v.Name + ".Where(" + t + " => " + t + (Chance(0.5) ? " > " : " < ") + Const() + ").Sum(" + (Chance(0.4) ? "" : Sel(1)) + ")";
                    case 5:
                    {
                        var other = _g.Pick(partners);
                        var p = Fresh("e");
                        var q = Fresh("e");
                        VT ot = other.Type == VT.FArr || other.ElemFloat ? VT.F : VT.D;
                        return v.Name + ".Zip(" + other.Name + ", (" + p + ", " + q + ") => " + InClosure(new[] { (p, et), (q, ot) }, () => p + " * " + q + " + " + Expr(1, true)) + ").Sum()";
                    }
                    case 6:
                    {
                        var acc = Fresh("ac");
                        var e = Fresh("e");
                        return v.Name + ".Aggregate(" + Squash(Expr(1)) + ", (" + acc + ", " + e + ") => " + InClosure(new[] { (acc, VT.D), (e, et) }, () =>
                            "0.5 * " + acc + " + " + Squash(e + " * " + Expr(1, true))) + ")";
                    }
                    case 7: return "(double)" + v.Name + ".Count()";
                    case 8 when distinct: return v.Name + ".Select(" + t + " => " + t + " * " + PosConst() + ").Max()";
                    case 9: return "(" + v.Name + ".Sum(" + Sel(depth) + ") / " + Positive(Expr(1)) + ")";
                    default: return v.Name + ".Select(" + Sel(depth) + ").Sum()";
                }
            }

            /// <summary>
            /// An argument for a collection parameter of interface <paramref name="type"/>: a collection in scope whose type
            /// converts, an array, or an array made in place; never <paramref name="exclude"/>.
            /// </summary>
            private string? CollectionArgument(string type, bool isFloat, string? exclude, bool restricted = false)
            {
                var candidates = OfType(VT.Coll).Where(v => v.ElemFloat == isFloat && Converts(v.CollType, type))
                    .Concat(OfType(isFloat ? VT.FArr : VT.Arr))
                    .Where(v => v.Name != exclude).ToList();
                if (candidates.Count > 0 && (restricted || Chance(0.8)))
                {
                    return _g.Pick(candidates).Name;
                }

                // (An array initializer in a condition or a branch of ?: is GG0005, as documented: none there.)
                if (restricted)
                {
                    return null;
                }

                int n = 1 + R.Next(3);
                return Without(exclude == null ? Array.Empty<string>() : new[] { exclude }, () => isFloat
                    ? "new[] { " + string.Join(", ", Enumerable.Range(0, n).Select(_ => "(float)" + Squash(Expr(1)))) + " }"
                    : "new[] { " + string.Join(", ", Enumerable.Range(0, n).Select(k => k == 0 ? Squash(Expr(1)) : Expr(1))) + " }");
            }

            private void CollectionStatement()
            {
                var colls = OfType(VT.Coll);
                var writableD = OfType(VT.D).Where(v => v.Writable).ToList();
                var fills = Fills;
                var choices = new List<(int Kind, double W)>
                {
                    (0, colls.Count > 0 && writableD.Count > 0 ? 1.5 : 0),                                       // foreach
                    (1, colls.Any(v => Counted(v.CollType)) && _nest < 3 && _loopDepth < 2 ? 1.0 : 0),          // for over Count
                    (2, colls.Count > 0 || OfType(VT.FArr).Count > 0 ? 1.5 : 0),                                   // a local from LINQ or an element
                    (3, fills.Count > 0 ? 3.0 : 0),                                                               // a local array filled by a callee
                    (4, colls.Any(v => !v.NoDeriv) ? 0.5 : 0),                                                    // Select(...).ToArray()
                    (5, writableD.Count > 0 && (colls.Count > 0 || OfType(VT.FArr).Count > 0) ? 1.0 : 0),        // w += from a collection
                    (6, fills.Count > 0 && _nest < 2 && _loopDepth == 0 ? 0.8 : 0),                              // a local stepped through a callee in a loop
                    (7, 0.3),                                                                                      // a plain local
                    (8, colls.Count > 0 || Void ? 0.3 : 0),                                                        // a null guard
                };

                switch (Weighted(choices))
                {
                    case 0:
                    {
                        var v = _g.Pick(colls);
                        var w = _g.Pick(writableD);
                        var e = Fresh("e");
                        Line("foreach (" + (Chance(0.5) ? "var " : v.ElemFloat ? "float " : "double ") + e + " in " + v.Name + ")");
                        _scopes.Add(new List<Var> { new Var { Name = e, Type = v.ElemFloat ? VT.F : VT.D } });
                        _loopDepth++;
                        if (Chance(0.7))
                        {
                            Line("    " + w.Name + " = " + (Chance(0.5) ? Squash(w.Name + " * " + e + " + " + Expr(1)) : w.Name + " + " + e + " * " + Bounded(Expr(1))) + ";");
                        }
                        else
                        {
                            Braced(() => Block(1 + R.Next(3)));
                        }

                        _loopDepth--;
                        _scopes.RemoveAt(_scopes.Count - 1);
                        break;
                    }
                    case 1:
                    {
                        var v = _g.Pick(colls.Where(c => Counted(c.CollType)).ToList());
                        var i = Fresh("i");
                        Line("for (int " + i + " = 0; " + i + " < " + v.Name + ".Count; " + i + "++)");
                        _loopDepth++;
                        Braced(() =>
                        {
                            _scopes.Add(new List<Var> { new Var { Name = i, Type = VT.I } });
                            if (Indexed(v.CollType) && writableD.Count > 0)
                            {
                                var w = _g.Pick(writableD);
                                Line(w.Name + " += " + v.Name + "[" + i + "] * " + Bounded(Expr(1)) + ";");
                            }

                            Block(1 + R.Next(3));
                            _scopes.RemoveAt(_scopes.Count - 1);
                        });
                        _loopDepth--;
                        break;
                    }
                    case 2:
                    {
                        var name = Fresh("t");
                        Line("double " + name + " = " + (CollectionExpr(3, false) ?? Expr(2)) + ";");
                        Declare(name, VT.D, true);
                        break;
                    }
                    case 3:
                        FillCall(_g.Pick(fills), null);
                        break;
                    case 4:
                    {
                        var v = _g.Pick(colls.Where(c => !c.NoDeriv).ToList());
                        var name = Fresh("u");
                        var t = Fresh("e");
                        Line("double[] " + name + " = " + v.Name + ".Select(" + t + " => " + InClosure(new[] { (t, v.ElemFloat ? VT.F : VT.D) }, () => "(double)(" + Expr(2, true) + ")") + ").ToArray();");
                        Declare(name, VT.Arr, true);
                        break;
                    }
                    case 5:
                    {
                        var w = _g.Pick(writableD);
                        Line(w.Name + (Chance(0.5) ? " += " : " = 0.5 * " + w.Name + " + ") + (CollectionExpr(2, false) ?? Expr(1)) + ";");
                        break;
                    }
                    case 6:
                        SteppedFill(_g.Pick(fills));
                        break;
                    case 8:
                    {
                        // A guard of a collection parameter or of the output (never null here): accepted, and never taken.
                        var guarded = colls.Select(v => v.Name).Concat(Void ? new[] { OutputVar.Name } : Array.Empty<string>()).ToList();
                        var name = _g.Pick(guarded);
                        switch (R.Next(3))
                        {
                            case 0: Line("ArgumentNullException.ThrowIfNull(" + name + ");"); break;
                            case 1: Line("if (" + name + " is null) throw new ArgumentNullException(nameof(" + name + "));"); break;
                            default: Line("if (" + name + " == null) throw new ArgumentNullException(\"" + name + "\", \"fz: null\");"); break;
                        }

                        break;
                    }
                    default:
                    {
                        var name = Fresh("t");
                        Line("double " + name + " = " + Expr(3) + ";");
                        Declare(name, VT.D, true);
                        break;
                    }
                }
            }

            /// <summary>The arguments of a call of a Fill callee whose output is <paramref name="target"/> (never read by the other arguments).</summary>
            private string FillArguments(Callee c, string target) => string.Join(", ", c.Slots.Select(slot => slot switch
            {
                "o" => target,
                "u" => Without(new[] { target }, () => Expr(2)),
                "a" => ArrayArgument(target),
                _ => CollectionArgument(c.CollectionType, false, target)!,
            }));

            /// <summary>A double[] argument other than <paramref name="exclude"/>: an array in scope or one made in place.</summary>
            private string ArrayArgument(string exclude)
            {
                var arrays = OfType(VT.Arr).Where(v => v.Name != exclude).ToList();
                if (arrays.Count > 0 && Chance(0.85))
                {
                    return _g.Pick(arrays).Name;
                }

                return Without(new[] { exclude }, () => "new[] { " + Squash(Expr(1)) + ", " + Expr(1) + " }");
            }

            /// <summary>
            /// A Fill callee called on a local array: a new one (of a constant length, an array's or a collection's), or one
            /// in scope of its element type (its contents before are the callee's input where it reads them).
            /// </summary>
            private void FillCall(Callee c, string? into)
            {
                VT type = c.ElementFloat ? VT.FArr : VT.Arr;
                var existing = OfType(type).Where(v => !v.IsParam && v.Writable && !v.Output).ToList();
                var own = Void ? OfType(type).FirstOrDefault(v => v.Output) : null;
                string target;
                if (into != null)
                {
                    target = into;
                }
                else if (own != null && CChance(0.3))
                {
                    // An output method filling its own output through another (README: "fill its output by passing it on").
                    target = own.Name;
                }
                else if (existing.Count > 0 && CChance(0.3))
                {
                    target = CPick(existing).Name;
                }
                else
                {
                    target = Fresh(c.ElementFloat ? "fk" : "k");
                    var arrays = OfType(VT.Arr, VT.FArr).ToList();
                    var counted = OfType(VT.Coll).Where(v => Counted(v.CollType)).ToList();
                    string len = arrays.Count > 0 && CChance(0.3) ? CPick(arrays).Name + ".Length"
                        : counted.Count > 0 && CChance(0.3) ? CPick(counted).Name + ".Count"
                        : (2 + CNext(3)).ToString(CultureInfo.InvariantCulture);
                    Line("var " + target + " = new " + (c.ElementFloat ? "float" : "double") + "[" + len + "];");
                    if (!c.ElementFloat && CChance(0.3))
                    {
                        MaybeFill(target, () => Expr(1));
                    }

                    Declare(target, type, true);
                }

                Line(CallName(c) + "(" + FillArguments(c, target) + ");");
            }

            /// <summary>A local array stepped through a Fill callee in a loop (explicit Euler: y += h·f(y)).</summary>
            private void SteppedFill(Callee c)
            {
                var y = Fresh("y");
                var k = Fresh(c.ElementFloat ? "fk" : "k");
                int len = 2 + CNext(3);
                Line("var " + y + " = new double[" + len + "];");
                var j = Fresh("j");
                Line("for (int " + j + " = 0; " + j + " < " + y + ".Length; " + j + "++) " + y + "[" + j + "] = " + Squash(Expr(1)) + ";");
                Line("var " + k + " = new " + (c.ElementFloat ? "float" : "double") + "[" + (CChance(0.5) ? y + ".Length" : (2 + CNext(3)).ToString(CultureInfo.InvariantCulture)) + "];");
                Declare(y, VT.Arr, true);
                Declare(k, c.ElementFloat ? VT.FArr : VT.Arr, true);
                var s = Fresh("s");
                Line("for (int " + s + " = 0; " + s + " < " + (2 + CNext(3)) + "; " + s + "++)");
                _loopDepth++;
                Braced(() =>
                {
                    _scopes.Add(new List<Var> { new Var { Name = s, Type = VT.I } });
                    Line(CallName(c) + "(" + FillArguments(c, k) + ");");
                    var i = Fresh("j");
                    Line("for (int " + i + " = 0; " + i + " < " + y + ".Length; " + i + "++) " + y + "[" + i + "] += " + PosConst() + " * " + k + "[" + i + " % " + k + ".Length];");
                    _scopes.RemoveAt(_scopes.Count - 1);
                });
                _loopDepth--;
            }
        }
    }
}
