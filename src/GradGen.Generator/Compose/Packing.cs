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

        /// <summary>
        /// By value: an aggregate's leaf arguments as one aggregate (the method's own parameter when they are its leaves; a
        /// collection's one array or span as it is).
        /// Leaf arrays that are not the method's own go to an array of structs declared in <paramref name="declarations"/>
        /// and filled in <paramref name="before"/>: a caller that passes other leaf arrays (directions) gives both.
        /// </summary>
        /// <param name="itemsRead">
        /// Whether the calling body read its own collections into their item arrays already (a body the parameters are
        /// taken apart for): then it passes those, so that an <c>IEnumerable</c> is enumerated once per generated method,
        /// whatever that method calls; only a <c>List</c> itself is passed on, as an array does not convert to one.
        /// </param>
        public static IEnumerable<Expr> Values(IReadOnlyList<Parameter> parameters, IReadOnlyList<Expr> arguments, NameScope? names = null, List<Stmt>? declarations = null, List<Stmt>? before = null, bool itemsRead = false) =>
            Groups(parameters, arguments).Select(g =>
                g.Slot is not { } slot ? g.Arguments[0]
                : itemsRead && slot.Aggregate is CollectionType { IsList: false } ? g.Arguments[0]
                : (Expr?)Own(g.Parameters, g.Arguments)
                    ?? (Types.IsJagged(slot.Aggregate) ? Rows(slot, g.Arguments[0], names!, declarations!, before!, back: null)
                    : ByValue(slot.Aggregate, g.Arguments, names!, declarations!, before!)));

        /// <summary>
        /// An aggregate made from its leaves, by value: a tuple or struct in place; an array of structs declared in
        /// <paramref name="declarations"/> and filled from its leaf arrays in <paramref name="before"/>.
        /// </summary>
        public static Expr ByValue(IrType aggregate, IReadOnlyList<Expr> leaves, NameScope names, List<Stmt> declarations, List<Stmt> before) =>
            aggregate is CollectionType ? leaves[0]
            : Types.ElementLeaves(aggregate) is null ? new AggregateValue(aggregate, leaves.ToEquatableArray())
            : ArrayOf(aggregate, leaves, names, declarations, before, intoLeaves: null);

        /// <summary>
        /// By reference: an aggregate's leaf variables as one aggregate, a local that takes their values before the call
        /// (in <paramref name="before"/>, unless the callee only writes it) and gives them back after it (in
        /// <paramref name="after"/>). Never the method's own derivative parameter: its leaves are copies, written back
        /// to it when the method returns. Leaf arrays go to an array of structs the same way, element by element.
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

                if (slot.Aggregate is CollectionType)
                {
                    // A collection's derivatives are spans, which the callee adds into in place.
                    yield return items[0];
                    continue;
                }

                if (Types.ElementLeaves(slot.Aggregate) is not null)
                {
                    yield return ArrayOf(slot.Aggregate, items, names, declarations, passed == PassedAs.Out ? null : before, intoLeaves: after);
                    continue;
                }

                if (Types.IsJagged(slot.Aggregate))
                {
                    // Jagged derivatives are passed as arrays, whose rows the callee adds into or writes.
                    yield return Rows(slot, items[0], names, declarations, passed == PassedAs.Out ? null : before, after);
                    continue;
                }

                var aggregate = new Var(slot.Aggregate, names.Fresh(AggregateName(((Var)items[0]).Name, slot.Aggregate)));
                declarations.Add(new Declare(aggregate, null));
                if (passed != PassedAs.Out)
                {
                    before.Add(new Assign(0, aggregate, AssignOp.Set, new AggregateValue(slot.Aggregate, items.ToEquatableArray())));
                }

                after.AddRange(items.Select((item, i) => new Assign(0, (Var)item, AssignOp.Set, Build.Leaf(aggregate, i))));
                yield return new Ref(aggregate.Type, aggregate) { Passed = passed };
            }
        }

        /// <summary>
        /// An array of structs for the leaf arrays <paramref name="leaves"/>, declared once in <paramref name="declarations"/>
        /// (outside any loop the call is in): filled from them in <paramref name="fill"/> when given, and read back into
        /// them in <paramref name="intoLeaves"/> when given.
        /// </summary>
        /// <param name="back">How the elements go back to the leaves: set, or added to them.</param>
        public static Var ArrayOf(IrType aggregate, IReadOnlyList<Expr> leaves, NameScope names, List<Stmt> declarations, List<Stmt>? fill, List<Stmt>? intoLeaves, AssignOp back = AssignOp.Set)
        {
            // A leaf that is no variable (the zeros an inactive array's tangent or adjoint is) is a local first.
            leaves = leaves.Select(l => l is Var ? l : Declared(new Var(Types.Array(l.Type.Element!), names.Fresh("leaf")), l, declarations)).ToList();
            var element = aggregate.Element!;
            var array = new Var(Types.Array(element), names.Fresh(AggregateName(((Var)leaves[0]).Name, aggregate)));
            var counter = new Var(Types.Int, names.Fresh("i"));
            declarations.Add(new Declare(array, new NewArray(array.Type, element, EquatableArray.Of(Build.Length(leaves[0])))));
            declarations.Add(new Declare(counter, Build.Num(Types.Int, 0)));
            fill?.Add(Build.CopyElements(array, leaves, counter, intoLeaves: false));
            intoLeaves?.Add(Build.CopyElements(array, leaves, counter, intoLeaves: true, back));
            return array;
        }

        /// <summary>
        /// A jagged parameter's derivative as its generated methods take it, from the leaf that holds its elements row after
        /// row (a Jacobian's or Hessian's direction or adjoint): rows shaped like the parameter's, declared once in
        /// <paramref name="declarations"/>, filled from the leaf in <paramref name="fill"/> and copied back into it in
        /// <paramref name="back"/>, when given.
        /// </summary>
        private static Var Rows(LeafSlot slot, Expr items, NameScope names, List<Stmt> declarations, List<Stmt>? fill, List<Stmt>? back)
        {
            var rows = new Var(slot.Aggregate, names.Fresh((items is Var leaf ? leaf.Name : slot.Parameter) + "_rows"));
            declarations.Add(new Declare(rows, Build.Shapes("RowsLike", EquatableArray.Of<Expr>(new Var(slot.Aggregate, slot.Parameter)), slot.Aggregate)));
            fill?.Add(new ExprStmt(0, Build.Shapes("Unflatten", EquatableArray.Of(items, rows), Types.Void)));
            back?.Add(new ExprStmt(0, Build.Shapes("FlattenInto", EquatableArray.Of<Expr>(rows, items), Types.Void)));
            return rows;
        }

        private static Var Declared(Var variable, Expr value, List<Stmt> declarations)
        {
            declarations.Add(new Declare(variable, value));
            return variable;
        }

        /// <summary>The aggregate of leaf variables named after them without the first leaf's path: <c>b_adj</c> for <c>b_X_adj</c>, <c>b_Y_adj</c>.</summary>
        public static string AggregateName(string firstLeaf, IrType aggregate)
        {
            var path = "_" + Types.Split(aggregate)![0].Path.Replace('.', '_');
            var at = firstLeaf.IndexOf(path, System.StringComparison.Ordinal);
            return at > 0 ? firstLeaf.Remove(at, path.Length) : firstLeaf + "_all";
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
