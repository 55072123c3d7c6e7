using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;

namespace GradGen.Generator.Compose
{
    /// <summary>
    /// Arguments for calls of the method's own generated methods, which declare an aggregate parameter as one tuple or
    /// struct: given one argument per parameter as GradGen sees them (an aggregate's leaves apart), the arguments as declared.
    /// </summary>
    internal static class Packing
    {
        /// <summary>The parameters a body only reads (values and tangents), whose leaves therefore always equal the parameter's.</summary>
        private static readonly string[] Prefixes = { string.Empty, "v" };

        /// <summary>By value: an aggregate's leaf arguments as one aggregate (the method's own parameter when they are its leaves).</summary>
        public static IEnumerable<Expr> Values(IReadOnlyList<Parameter> parameters, IReadOnlyList<Expr> arguments) =>
            Groups(parameters, arguments).Select(g => g.Slot is not { } slot ? g.Arguments[0] : (Expr?)Own(g.Parameters, g.Arguments) ?? new AggregateValue(slot.Aggregate, g.Arguments.ToEquatableArray()));

        /// <summary>
        /// By reference: an aggregate's leaf variables as one aggregate, a local that takes their values before the call
        /// (in <paramref name="before"/>, unless the callee only writes it) and gives them back after it (in
        /// <paramref name="after"/>). Never the method's own derivative parameter: its leaves are copies, written back
        /// to it when the method returns.
        /// </summary>
        public static IEnumerable<Expr> References(
            IReadOnlyList<Parameter> parameters, IReadOnlyList<Var> arguments, PassedAs passed, NameScope names, List<Stmt> declarations, List<Stmt> before, List<Stmt> after)
        {
            foreach (var (slot, _, items) in Groups(parameters, arguments.Cast<Expr>().ToList()))
            {
                if (slot is null)
                {
                    yield return Types.IsReal(items[0].Type) ? new Ref(items[0].Type, (Var)items[0]) { Passed = passed } : items[0];
                    continue;
                }

                var aggregate = new Var(slot.Aggregate, names.Fresh(((Var)items[0]).Name + "_all"));
                declarations.Add(new Declare(aggregate, null));
                if (passed != PassedAs.Out)
                {
                    before.Add(new Assign(0, aggregate, AssignOp.Set, new AggregateValue(slot.Aggregate, items.ToEquatableArray())));
                }

                after.AddRange(items.Select((item, i) => new Assign(0, (Var)item, AssignOp.Set, Build.Leaf(aggregate, i))));
                yield return new Ref(aggregate.Type, aggregate) { Passed = passed };
            }
        }

        /// <summary>Consecutive parameters with their arguments, an aggregate's leaves together.</summary>
        private static IEnumerable<(LeafSlot? Slot, List<Parameter> Parameters, List<Expr> Arguments)> Groups(IReadOnlyList<Parameter> parameters, IReadOnlyList<Expr> arguments)
        {
            for (var i = 0; i < parameters.Count;)
            {
                var slot = parameters[i].Slot;
                var count = slot is null ? 1 : parameters.Skip(i).TakeWhile(p => p.Slot?.Parameter == slot.Parameter).Count();
                yield return (slot, parameters.Skip(i).Take(count).ToList(), arguments.Skip(i).Take(count).ToList());
                i += count;
            }
        }

        /// <summary>The method's own aggregate (<c>p</c>, <c>vP</c>) when the arguments are exactly its leaf variables.</summary>
        private static Var? Own(List<Parameter> group, List<Expr> arguments) =>
            Prefixes.Where(prefix => group.Zip(arguments, (p, a) => a is Var v && v.Name == Name(prefix, p.Name)).All(same => same))
                .Select(prefix => new Var(group[0].Slot!.Aggregate, Name(prefix, group[0].Slot!.Parameter)))
                .FirstOrDefault();

        private static string Name(string prefix, string name) => prefix.Length == 0 ? name : DerivativeNames.Parameter(prefix, name);
    }
}
