using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.AD;
using GradGen.Generator.Ir;

namespace GradGen.Generator.Analysis
{
    /// <summary>
    /// Which real variables carry a derivative: those that depend on a differentiable input ("varied") and reach the
    /// result ("useful"). Flow-insensitive, so a variable is active everywhere if it is anywhere: simple and safe.
    /// </summary>
    internal static class ActivityAnalysis
    {
        public static HashSet<string> Varied(IEnumerable<Stmt> body, IEnumerable<string> inputs)
        {
            var varied = new HashSet<string>(inputs);
            var assignments = Assignments(body);
            for (var changed = true; changed;)
            {
                changed = false;
                foreach (var (target, value) in assignments)
                {
                    if (!varied.Contains(target) && DependsOn(value, varied))
                    {
                        changed |= varied.Add(target);
                    }
                }
            }

            return varied;
        }

        /// <summary>Varied variables that also flow into one of <paramref name="outputs"/>: the ones that get tangents and adjoints.</summary>
        public static HashSet<string> Active(IEnumerable<Stmt> body, IEnumerable<string> inputs, IEnumerable<string> outputs)
        {
            var assignments = Assignments(body);
            var useful = new HashSet<string>(outputs);
            for (var changed = true; changed;)
            {
                changed = false;
                foreach (var (target, value) in assignments)
                {
                    if (useful.Contains(target))
                    {
                        foreach (var name in Carried(value))
                        {
                            changed |= useful.Add(name);
                        }
                    }
                }
            }

            var active = Varied(body, inputs);
            active.IntersectWith(useful);
            return active;
        }

        public static bool DependsOn(Expr expr, HashSet<string> variables)
        {
            foreach (var name in Carried(expr))
            {
                if (variables.Contains(name))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The variables a derivative can flow from into <paramref name="expr"/>'s value.</summary>
        public static IEnumerable<string> Carried(Expr expr)
        {
            if (!Types.IsDifferentiable(expr.Type) && Types.Leaves(expr.Type) is null && expr is not PullbackCall)
            {
                yield break;
            }

            if (expr is Var v)
            {
                yield return v.Name;
            }

            foreach (var child in Carrying(expr))
            {
                foreach (var name in Carried(child))
                {
                    yield return name;
                }
            }
        }

        /// <summary>
        /// The children a derivative can flow from: every child but those that only steer, index or size (a condition,
        /// an index, an array length, a non-wrt argument, a plain call's arguments, which the parser checked carry
        /// none). A node not named here carries from all its children: a new node is active, never silently constant.
        /// </summary>
        private static IEnumerable<Expr> Carrying(Expr expr) => expr switch
        {
            PullbackCall p => WrtArgs(p.Callee).Append(p.Seed).Concat(p.Adjoints),
            DiffCall d => WrtArgs(d),
            Conditional c => new[] { c.WhenTrue, c.WhenFalse },
            Intrinsic i when !Derivatives.HasDerivative(i.Function) => Enumerable.Empty<Expr>(),
            Index i => new[] { i.Collection },
            Member { Receiver: { } receiver } when Types.Leaves(receiver.Type) is null => Enumerable.Empty<Expr>(),
            Call or NewArray or TapeOp => Enumerable.Empty<Expr>(),
            _ => expr.Children(),
        };

        private static IEnumerable<Expr> WrtArgs(DiffCall call)
        {
            for (var i = 0; i < call.Args.Count; i++)
            {
                if (call.Wrt[i])
                {
                    yield return call.Args[i];
                }
            }
        }

        /// <summary>
        /// Every write of the body as (variable written, value): a store writes its array. An array assigned from
        /// another (<c>b = a</c>) shares its elements, so a store through either writes both: the flow goes both ways.
        /// </summary>
        private static List<(string Target, Expr Value)> Assignments(IEnumerable<Stmt> body)
        {
            var writes = new List<(string, Expr)>();
            foreach (var statement in IrWalker.AllStatements(body))
            {
                switch (statement)
                {
                    case Assign a:
                        writes.Add((a.Target.Name, a.Value));
                        writes.AddRange(IrWalker.ArraysReferenced(a.Value).Select(source => (source.Name, (Expr)a.Target)));

                        break;
                    case Store st:
                        writes.Add((((Var)st.Target.Collection).Name, st.Value));
                        break;
                    case Declare { Value: { } value } d:
                        writes.Add((d.Variable.Name, value));
                        break;
                    case ExprStmt { Expression: PullbackCall pullback }:
                        // A pullback adds to each adjoint it is given, from the arguments, the seed and the adjoints.
                        writes.AddRange(IrWalker.Writes(new[] { (Stmt)new ExprStmt(0, pullback) }).Select(name => (name, (Expr)pullback)));
                        break;
                    case AssignTuple t:
                        // Each element of a tuple-valued call may depend on every differentiable argument.
                        writes.AddRange(t.Variables.Select(target => (target.Name, t.Value)));
                        break;
                }
            }

            return writes;
        }
    }
}
