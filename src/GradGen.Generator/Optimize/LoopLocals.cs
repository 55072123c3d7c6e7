using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;

namespace GradGen.Generator.Optimize
{
    /// <summary>
    /// Gives each innermost loop of generated code its own copies of the method-wide scalars it assigns (a running
    /// maximum, a packed-storage index, a recorded temporary, an adjoint it resets): copied in before the loop, back
    /// after it.
    /// <para>
    /// Why: a derivative method is long, and the JIT often leaves a variable that lives through all of it in memory,
    /// a store and a load per iteration on the loop's critical path (ADBench's GMM, GradBench's lse). A copy that lives
    /// only through the loop is kept in a register. The rewrite is only a renaming inside the loop, so it holds for any
    /// loop (control-flow lowering has turned <c>break</c> and <c>return</c> into flags); loops that nest a loop or take
    /// a variable by reference are left as they are.
    /// </para>
    /// </summary>
    internal static class LoopLocals
    {
        /// <summary>Rewrites a sweep; <see cref="PassContext.MethodLocals"/>, the scalars declared for the whole method, are the only ones worth a copy.</summary>
        public static List<Stmt> Apply(List<Stmt> sweep, PassContext context) => Rewrite(sweep, context.MethodLocals, context.Names);

        private static List<Stmt> Rewrite(IEnumerable<Stmt> statements, ISet<string> methodLocals, NameScope names)
        {
            var output = new List<Stmt>();
            foreach (var statement in statements)
            {
                switch (statement)
                {
                    case For or While when Carried(statement, methodLocals) is { Count: > 0 } carried:
                        var copies = carried.Select(v => (Outer: v, Local: new Var(v.Type, names.Fresh(v.Name + "_loop")))).ToList();
                        output.AddRange(copies.Select(c => new Declare(c.Local, c.Outer)));
                        output.AddRange(IrRewriter.Map(EquatableArray.Of(statement), e => e is Var v && copies.FirstOrDefault(c => c.Outer.Name == v.Name) is { Local: { } local } ? local : e));
                        output.AddRange(copies.Select(c => new Assign(0, c.Outer, AssignOp.Set, c.Local)));
                        break;
                    case For or While:
                        output.Add(IrRewriter.WithBody(statement, Rewrite(IrWalker.LoopBody(statement), methodLocals, names)));
                        break;
                    case If branch:
                        output.Add(branch with { Then = Rewrite(branch.Then, methodLocals, names).ToEquatableArray(), Else = Rewrite(branch.Else, methodLocals, names).ToEquatableArray() });
                        break;
                    default:
                        output.Add(statement);
                        break;
                }
            }

            return output;
        }

        /// <summary>The method-wide int and real scalars an innermost loop assigns, other than a for loop's counter; none for a loop that cannot be renamed.</summary>
        private static List<Var> Carried(Stmt loop, ISet<string> methodLocals)
        {
            var inside = IrWalker.AllStatements(new[] { loop }).Skip(1).ToList();
            if (inside.Any(s => s is For or While)
                || inside.Prepend(loop).SelectMany(IrWalker.OwnExpressions).SelectMany(IrWalker.AllExpressions).Any(e => e is Ref or PullbackCall))
            {
                return new List<Var>();
            }

            var counter = (loop as For)?.Counter.Name;
            return inside.OfType<Assign>().Select(a => a.Target)
                .Where(v => v.Name != counter && methodLocals.Contains(v.Name) && (v.Type == Types.Int || Types.IsReal(v.Type)))
                .Distinct()
                .ToList();
        }
    }
}
