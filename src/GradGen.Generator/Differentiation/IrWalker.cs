using System.Collections.Generic;
using GradGen.Generator.Model;

namespace GradGen.Generator.Differentiation
{
    /// <summary>Which variables IR code reads.</summary>
    internal static class IrWalker
    {
        public static void Reads(Expr expr, HashSet<string> into)
        {
            switch (expr)
            {
                case Var v:
                    into.Add(v.Name);
                    break;
                case Ref r:
                    into.Add(r.Variable.Name);
                    break;
                default:
                    foreach (var child in ExpressionSplitting.Children(expr))
                    {
                        Reads(child, into);
                    }

                    break;
            }
        }

        public static void Reads(IEnumerable<Stmt> statements, HashSet<string> into)
        {
            foreach (var statement in statements)
            {
                switch (statement)
                {
                    case Assign a:
                        Reads(a.Value, into);
                        if (a.Op != "=")
                        {
                            into.Add(a.Target.Name);
                        }

                        break;
                    case AssignTuple t:
                        Reads(t.Value, into);
                        break;
                    case ExprStmt e:
                        Reads(e.Expression, into);
                        break;
                    case Declare { Value: { } value }:
                        Reads(value, into);
                        break;
                    case If i:
                        Reads(i.Condition, into);
                        Reads(i.Then, into);
                        Reads(i.Else, into);
                        break;
                    case While w:
                        Reads(w.Condition, into);
                        Reads(w.Body, into);
                        Reads(w.Step, into);
                        break;
                    case For f:
                        Reads(f.Start, into);
                        Reads(f.Condition, into);
                        Reads(f.Body, into);
                        break;
                }
            }
        }

        public static bool ReadsVariable(Expr expr, string name)
        {
            var reads = new HashSet<string>();
            Reads(expr, reads);
            return reads.Contains(name);
        }
    }
}
