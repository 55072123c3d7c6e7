using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;

namespace GradGen.Generator.Compose
{
    /// <summary>
    /// Arguments for calls of the method's own generated methods, which declare a tuple parameter as one tuple: given one
    /// argument per parameter as GradGen sees them (a tuple's elements apart), the arguments as declared.
    /// </summary>
    internal static class Packing
    {
        private static readonly string[] Prefixes = { string.Empty, "d", "v", "hv" };

        /// <summary>By value: a tuple's element arguments as one tuple (the method's own tuple when they are its elements).</summary>
        public static IEnumerable<Expr> Values(IReadOnlyList<Parameter> parameters, IReadOnlyList<Expr> arguments) =>
            Groups(parameters, arguments).Select(g => g.Slot is not { } slot ? g.Arguments[0] : (Expr?)Own(g.Parameters, g.Arguments) ?? new TupleValue(slot.Tuple, g.Arguments.ToEquatableArray()));

        /// <summary>
        /// By reference: a tuple's element variables as one tuple (the method's own, or a local that takes their values
        /// before the call, in <paramref name="before"/>, unless the callee only writes it, and gives them back after
        /// it, in <paramref name="after"/>).
        /// </summary>
        public static IEnumerable<Expr> References(
            IReadOnlyList<Parameter> parameters, IReadOnlyList<Var> arguments, PassedAs passed, NameScope names, List<Stmt> declarations, List<Stmt> before, List<Stmt> after)
        {
            foreach (var (slot, group, items) in Groups(parameters, arguments.Cast<Expr>().ToList()))
            {
                if (slot is null)
                {
                    yield return Types.IsReal(items[0].Type) ? new Ref(items[0].Type, (Var)items[0]) { Passed = passed } : items[0];
                    continue;
                }

                if (Own(group, items) is Var own)
                {
                    yield return new Ref(own.Type, own) { Passed = passed };
                    continue;
                }

                var tuple = new Var(slot.Tuple, names.Fresh(((Var)items[0]).Name + "_tuple"));
                declarations.Add(new Declare(tuple, null));
                if (passed != PassedAs.Out)
                {
                    before.Add(new Assign(0, tuple, AssignOp.Set, new TupleValue(slot.Tuple, items.ToEquatableArray())));
                }

                after.AddRange(items.Select((item, i) => new Assign(0, (Var)item, AssignOp.Set, new Member(item.Type, tuple, null, Types.TupleItem(i)))));
                yield return new Ref(tuple.Type, tuple) { Passed = passed };
            }
        }

        /// <summary>Consecutive parameters with their arguments, a tuple's elements together.</summary>
        private static IEnumerable<(TupleSlot? Slot, List<Parameter> Parameters, List<Expr> Arguments)> Groups(IReadOnlyList<Parameter> parameters, IReadOnlyList<Expr> arguments)
        {
            for (var i = 0; i < parameters.Count;)
            {
                var slot = parameters[i].Slot;
                var count = slot is null ? 1 : parameters.Skip(i).TakeWhile(p => p.Slot?.Parameter == slot.Parameter).Count();
                yield return (slot, parameters.Skip(i).Take(count).ToList(), arguments.Skip(i).Take(count).ToList());
                i += count;
            }
        }

        /// <summary>The method's own tuple (<c>p</c>, <c>dP</c>, <c>vP</c>, <c>hvP</c>) when the arguments are exactly its element variables.</summary>
        private static Var? Own(List<Parameter> group, List<Expr> arguments) =>
            Prefixes.Where(prefix => group.Zip(arguments, (p, a) => a is Var v && v.Name == Name(prefix, p.Name)).All(same => same))
                .Select(prefix => new Var(group[0].Slot!.Tuple, Name(prefix, group[0].Slot!.Parameter)))
                .FirstOrDefault();

        private static string Name(string prefix, string name) => prefix.Length == 0 ? name : DerivativeNames.Parameter(prefix, name);
    }
}
