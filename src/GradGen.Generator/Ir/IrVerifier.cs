using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Model;

namespace GradGen.Generator.Ir
{
    /// <summary>
    /// The invariants of the prepared dialect, what leaves the frontend and every transform relies on. The tests run it
    /// on every model they build (a failure there is a bug in the frontend, not in the transforms that would trip on it).
    /// </summary>
    internal static class IrVerifier
    {
        /// <summary>Every way <paramref name="model"/>'s body breaks the prepared dialect's rules; empty when it keeps them.</summary>
        public static IEnumerable<string> Prepared(DiffMethodModel model)
        {
            // A variable is a symbol: one name per parameter or local of the method (the frontend renames shadowing
            // locals), used everywhere with the type it was declared with (up to a nullable annotation flow adds).
            var declared = new Dictionary<string, IrType>();
            foreach (var variable in model.Parameters.Select(p => (p.Name, p.Type)).Concat(model.Locals.Select(l => (l.Name, l.Type))))
            {
                if (declared.ContainsKey(variable.Name))
                {
                    yield return $"'{variable.Name}' is declared twice";
                }

                declared[variable.Name] = variable.Type;
            }

            foreach (var statement in IrWalker.AllStatements(model.Body))
            {
                switch (statement)
                {
                    case Return or Break or Continue:
                        yield return $"line {statement.Line}: {statement.GetType().Name} left after control-flow lowering";
                        break;
                    case Declare or ThrowIf or Comment:
                        yield return $"line {statement.Line}: {statement.GetType().Name}, which only generated code has";
                        break;
                }

                var roots = IrWalker.OwnExpressions(statement).ToList();
                var whole = statement is Assign or AssignTuple && roots.Count == 1 && roots[0] is DiffCall root ? root : null;
                foreach (var call in roots.SelectMany(ValueCalls).Where(c => !ReferenceEquals(c, whole)))
                {
                    yield return $"line {statement.Line}: a call of {call.Name} that is not a whole assigned value";
                }

                foreach (var e in statement.Expressions().SelectMany(IrWalker.AllExpressions))
                {
                    switch (e)
                    {
                        case PullbackCall or TapeOp or Ref:
                            yield return $"line {statement.Line}: {e.GetType().Name}, which only generated code has";
                            break;
                        case DiffCall call when call.Args.Where((_, i) => call.Wrt[i]).Any(a => a is not (Var or Const)):
                            yield return $"line {statement.Line}: a differentiable argument of {call.Name} that is not a variable or a constant";
                            break;
                        case Var v when !declared.TryGetValue(v.Name, out var type):
                            yield return $"line {statement.Line}: '{v.Name}' is neither a parameter nor a declared local";
                            break;
                        case Var v when Types.Shape(v.Type) != Types.Shape(declared[v.Name]):
                            yield return $"line {statement.Line}: '{v.Name}' is used as {v.Type} but declared {declared[v.Name]}";
                            break;
                    }
                }
            }
        }

        /// <summary>
        /// The [Differentiable] calls whose value a derivative can flow through: not those under a bool or an int (a
        /// condition, an index), which are evaluated as written.
        /// </summary>
        private static IEnumerable<DiffCall> ValueCalls(Expr e) => e switch
        {
            DiffCall call => e.Children().SelectMany(ValueCalls).Prepend(call),
            _ when !Types.IsReal(e.Type) && Types.TupleElements(e.Type) is null => Enumerable.Empty<DiffCall>(),
            _ => e.Children().SelectMany(ValueCalls),
        };
    }
}
