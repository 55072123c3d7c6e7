using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;

namespace GradGen.Generator.Compose
{
    /// <summary>
    /// The last step of a generated body with calls of methods that take or return a tuple or struct. Inside GradGen such
    /// a call takes one argument per leaf (<see cref="DiffCall.Packed"/>) and assigns one variable per leaf
    /// (<see cref="AssignTuple"/>); in C# it takes and returns the aggregate. Leaf values become the aggregate in place;
    /// leaf variables a callee's Reverse adds into become a local aggregate of zeros that it adds into, added back to
    /// them after the call; a result holding a struct, which C# cannot deconstruct, goes to a local read leaf by leaf.
    /// </summary>
    internal static class CallPacking
    {
        /// <param name="names">The names the body may not take, asked for only when there is something to pack.</param>
        public static List<Stmt> Apply(List<Stmt> body, System.Func<NameScope> names) =>
            IrWalker.AllStatements(body).Any(s => s is AssignTuple tuple && HoldsStruct(tuple.Value.Type) || s.Expressions().SelectMany(IrWalker.AllExpressions).Any(IsPacked))
                ? Statements(body, names())
                : body;

        private static bool IsPacked(Expr expr) => expr is Call { Packed.Count: > 0 } or DiffCall { Packed.Count: > 0 } or PullbackCall { Callee.Packed.Count: > 0 };

        private static List<Stmt> Statements(IEnumerable<Stmt> statements, NameScope names)
        {
            var output = new List<Stmt>();
            foreach (var original in statements)
            {
                var statement = original.With(original.Expressions(), original.Blocks().Select(b => Statements(b, names).ToEquatableArray()).ToArray());
                switch (statement)
                {
                    case ExprStmt { Expression: PullbackCall { Callee.Packed.Count: > 0 } or Call { Packed.Count: > 0 } } call:
                        var packed = call.Expression as Call ?? CalleeDerivatives.Reverse((PullbackCall)call.Expression);
                        var after = new List<Stmt>();
                        var args = Arguments(packed, names, statement.Line, output, after);
                        output.Add(call with { Expression = packed with { Args = args, Packed = default } });
                        output.AddRange(after);
                        break;
                    case AssignTuple { Value: var value } tuple when HoldsStruct(value.Type):
                        var result = new Var(value.Type, names.Fresh(ResultName(value)));
                        output.Add(new Declare(result, Values(value, names, output)));
                        var leaves = Leaves(value.Type, string.Empty).ToList();
                        var targets = tuple.Targets.SelectMany(t => t is AggregateValue aggregate ? aggregate.Items.AsEnumerable() : new[] { t }).ToList();
                        output.AddRange(targets.Select((target, i) => (Target: (Var)target, Leaf: leaves[i]))
                            .Where(t => t.Target.Name != "_")
                            .Select(t => new Assign(tuple.Line, t.Target, AssignOp.Set, new Member(t.Leaf.Type, result, null, t.Leaf.Path))));
                        break;
                    default:
                        output.Add(statement.With(statement.Expressions().Select(e => Values(e, names, output)).ToArray(), statement.Blocks()));
                        break;
                }
            }

            return output;
        }

        /// <summary>
        /// <paramref name="expr"/> with every call in it given its aggregates by value: no adjoint is passed by reference
        /// there. An array of structs is made in <paramref name="before"/>.
        /// </summary>
        private static Expr Values(Expr expr, NameScope names, List<Stmt> before) =>
            IrRewriter.Map(expr, e => e switch
            {
                Call { Packed.Count: > 0 } call => call with { Args = Arguments(call.Args, call.Packed, names, before), Packed = default },
                DiffCall { Packed.Count: > 0 } call => call with { Args = Arguments(call.Args, call.Packed, names, before), Packed = default },
                _ => e,
            });

        private static EquatableArray<Expr> Arguments(EquatableArray<Expr> args, EquatableArray<ArgumentGroup> packed, NameScope names, List<Stmt> before) =>
            Groups(args, packed).Select(g => Value(g.Group, g.Leaves, names, before)).ToEquatableArray();

        /// <summary>One argument by value: as it is, an aggregate of its leaves, or an array of structs made from its leaf arrays.</summary>
        private static Expr Value(ArgumentGroup group, List<Expr> leaves, NameScope names, List<Stmt> before) =>
            group.Aggregate is { } aggregate ? Packing.ByValue(aggregate, leaves, names, before, before) : leaves[0];

        /// <summary>
        /// The arguments of a callee's Reverse or ReverseTangent, which add into their references: a group of leaf
        /// references (or leaf arrays) as a local aggregate (or array) of zeros, made in <paramref name="before"/>, whose
        /// leaves are added to the variables in <paramref name="after"/>. Adding what the callee added, not copying the
        /// sums back, keeps a variable right when the call adds into it twice (<c>G(p, p.X)</c>, <c>G(p, p)</c>).
        /// </summary>
        private static EquatableArray<Expr> Arguments(Call call, NameScope names, int line, List<Stmt> before, List<Stmt> after) =>
            Groups(call.Args, call.Packed).Select(g =>
            {
                if (g.Group.Aggregate is not { } aggregate || !g.Group.Accumulates)
                {
                    return Value(g.Group, g.Leaves.Select(l => Values(l, names, before)).ToList(), names, before);
                }

                if (aggregate is CollectionType)
                {
                    // A collection's adjoint is the caller's buffer for its array, which the callee adds into.
                    return g.Leaves[0];
                }

                if (Types.ElementLeaves(aggregate) is not null)
                {
                    return Packing.ArrayOf(aggregate, g.Leaves, names, before, fill: null, intoLeaves: after, AssignOp.Add);
                }

                var first = (Ref)g.Leaves[0];
                var variables = g.Leaves.Select(l => ((Ref)l).Variable).ToList();
                var local = new Var(aggregate, names.Fresh(Packing.AggregateName(first.Variable.Name, aggregate)));
                before.Add(new Declare(local, new AggregateValue(aggregate, variables.Select(v => (Expr)Build.Num(v.Type, 0)).ToEquatableArray())));
                after.AddRange(variables.Select((v, i) => new Assign(line, v, AssignOp.Add, Build.Leaf(local, i))));
                return (Expr)new Ref(aggregate, local) { Passed = first.Passed };
            }).ToEquatableArray();

        /// <summary>The arguments by declared parameter: an aggregate's leaves together.</summary>
        private static IEnumerable<(ArgumentGroup Group, List<Expr> Leaves)> Groups(EquatableArray<Expr> args, EquatableArray<ArgumentGroup> packed)
        {
            var start = 0;
            foreach (var group in packed)
            {
                yield return (group, args.Skip(start).Take(group.Count).ToList());
                start += group.Count;
            }
        }

        /// <summary>The local for a call's result, named after the method: <c>mid</c> for <c>Geo.Mid(...)</c>.</summary>
        private static string ResultName(Expr call)
        {
            var name = call switch { Call c => c.Name, DiffCall d => d.Name, _ => "result" };
            name = name.Split('<')[0];
            name = char.ToLowerInvariant(name[0]) + name.Substring(1);

            // Base gives base, a keyword: base_.
            return Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) == Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? name : name + "_";
        }

        private static bool HoldsStruct(IrType type) => type is StructType || type is TupleType tuple && tuple.Elements.Any(HoldsStruct);

        /// <summary>The reals of a value, with their paths: a tuple's elements in order, each taken apart if an aggregate.</summary>
        private static IEnumerable<(string Path, IrType Type)> Leaves(IrType type, string prefix) =>
            type is TupleType tuple
                ? tuple.Elements.SelectMany((e, i) => Leaves(e, prefix + Types.TupleItem(i) + "."))
                : Types.Leaves(type)?.Select(l => (prefix + l.Path, l.Type)) ?? new[] { (prefix.TrimEnd('.'), type) };
    }
}
