using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.AD;
using GradGen.Generator.Analysis;
using GradGen.Generator.Ir;

namespace GradGen.Generator.Lowering
{
    /// <summary>
    /// Names the intermediate values derivatives need: in an assignment that carries a derivative, every nested
    /// function call (Math, [Differentiable] or plain) moves into a temporary <c>t1</c>, <c>t2</c>... so it is computed
    /// once in the primal pass and reused by the derivative (e<sup>x</sup> is its own derivative), and every call to a
    /// [Differentiable] method becomes the whole right-hand side of an assignment whose differentiable arguments are
    /// variables or constants, ready for its Forward/Reverse. A conditional expression that holds such calls becomes
    /// an if statement, so its untaken branch is still never evaluated.
    /// </summary>
    internal sealed class ExpressionSplitting
    {
        private readonly HashSet<string> varied;
        private readonly NameScope names;
        private readonly List<Var> locals;

        private ExpressionSplitting(HashSet<string> varied, NameScope names, List<Var> locals)
        {
            this.varied = varied;
            this.names = names;
            this.locals = locals;
        }

        public static List<Stmt> Split(IEnumerable<Stmt> body, HashSet<string> varied, NameScope names, List<Var> locals) =>
            new ExpressionSplitting(varied, names, locals).SplitList(body);

        private List<Stmt> SplitList(IEnumerable<Stmt> statements)
        {
            var output = new List<Stmt>();
            foreach (var statement in statements)
            {
                switch (statement)
                {
                    case Assign assign when ActivityAnalysis.DependsOn(assign.Value, varied):
                        SplitAssignment(assign, output);
                        break;
                    case Store { Target: { Collection: Var array } element } store when element.Indices.Any(i => IrWalker.ReadsVariable(i, array.Name)):
                        // q[q[2] < 0.9 ? 2 : 0] = v: the backward sweep puts the element back after the store, when q[2]
                        // may read otherwise, so the index is computed once into a local.
                        var indices = element.Indices.Select(i => IrWalker.ReadsVariable(i, array.Name) ? Hoist(i, store.Line, output) : i);
                        output.AddRange(SplitList(new[] { store with { Target = element with { Indices = indices.ToEquatableArray() } } }));
                        break;
                    case Store store when ActivityAnalysis.DependsOn(store.Value, varied):
                        // A store's element may be overwritten before the backward sweep needs it, so a call at the
                        // root goes through a temporary too: e^x, tanh x... are then not recomputed.
                        var value = SplitRoot(store.Value, store.Line, output);
                        output.Add(store with { Value = value is DiffCall or Intrinsic ? Hoist(value, store.Line, output) : value });
                        break;
                    case AssignTuple { Value: DiffCall } tuple:
                        output.Add(tuple with { Value = SplitRoot(tuple.Value, tuple.Line, output) });
                        break;
                    default:
                        // Branches and loops: their blocks split in turn (lowering has moved a loop's step into its body).
                        output.Add(statement.With(statement.Expressions(), statement.Blocks().Select(block => SplitList(block).ToEquatableArray()).ToArray()));
                        break;
                }
            }

            return output;
        }

        private void SplitAssignment(Assign assign, List<Stmt> output)
        {
            if (assign.Value is Conditional conditional && HasCall(conditional))
            {
                // v = c ? a : b  =>  if (c) v = a; else v = b;
                output.AddRange(SplitList(new[]
                {
                    new If(assign.Line, conditional.Condition, EquatableArray.Of<Stmt>(assign with { Value = conditional.WhenTrue }), EquatableArray.Of<Stmt>(assign with { Value = conditional.WhenFalse })),
                }));
                return;
            }

            if (assign.Value is DiffCall call && Types.IsRealCollection(assign.Target.Type) && IrWalker.ReadsVariable(call, assign.Target.Name))
            {
                // y = G(y) => t = G(y); y = t: the pullback needs the old y and the new y's adjoint, which then live apart.
                var result = Hoist(SplitRoot(call, assign.Line, output), assign.Line, output);
                output.Add(assign with { Value = result });
                return;
            }

            output.Add(assign with { Value = SplitRoot(assign.Value, assign.Line, output) });
        }

        private Expr SplitRoot(Expr expr, int line, List<Stmt> output)
        {
            // (A callee whose tuple holds other types has a GG0002 of its own, which blocks this method: left as it is.)
            if (expr is Member { Receiver: DiffCall tupleCall } element && Types.TupleElements(tupleCall.Type) is { } elementTypes)
            {
                // G(x).Item2 from a branch: the call assigns every element, as a deconstruction would, and one is read.
                var elements = elementTypes.Select(type => NewTemp(type, ActivityAnalysis.DependsOn(tupleCall, varied))).ToList();
                output.Add(new AssignTuple(line, elements.ToEquatableArray<Expr>(), SplitRoot(tupleCall, line, output)));
                return elements[Types.TupleItemIndex(element.Name)];
            }

            if (expr is DiffCall call)
            {
                var args = call.Args.Select((a, i) =>
                {
                    var split = SplitInner(a, line, output);
                    return call.Wrt[i] && split is not (Var or Const) ? Hoist(split, line, output) : split;
                });
                return call with { Args = args.ToEquatableArray() };
            }

            // Integer and Boolean children (conditions, indices, receivers) come back from SplitInner as they are.
            return expr.WithChildren(expr.Children().Select(child => SplitInner(child, line, output)).ToArray());
        }

        private Expr SplitInner(Expr expr, int line, List<Stmt> output)
        {
            if (!Types.IsReal(expr.Type) && expr is not DiffCall)
            {
                // Integer and Boolean operands are evaluated as written: short-circuits and all.
                return expr;
            }

            if (expr is Conditional conditional && HasCall(conditional))
            {
                var temp = NewTemp(conditional.Type, ActivityAnalysis.DependsOn(conditional, varied));
                output.AddRange(SplitList(new[]
                {
                    new If(line, conditional.Condition, EquatableArray.Of<Stmt>(new Assign(line, temp, AssignOp.Set, conditional.WhenTrue)), EquatableArray.Of<Stmt>(new Assign(line, temp, AssignOp.Set, conditional.WhenFalse))),
                }));
                return temp;
            }

            var split = SplitRoot(expr, line, output);
            return split is DiffCall || split is Call call && call.Type != Types.Void || split is Intrinsic i && Derivatives.HasDerivative(i.Function)
                ? Hoist(split, line, output)
                : split;
        }

        private Var Hoist(Expr value, int line, List<Stmt> output)
        {
            var temp = NewTemp(value.Type, ActivityAnalysis.DependsOn(value, varied));
            output.Add(new Assign(line, temp, AssignOp.Set, value));
            return temp;
        }

        private Var NewTemp(IrType type, bool isVaried)
        {
            var temp = new Var(type, names.Numbered("t"));
            locals.Add(temp);
            if (isVaried)
            {
                varied.Add(temp.Name);
            }

            return temp;
        }

        private static bool HasCall(Conditional conditional) =>
            ContainsCall(conditional.WhenTrue) || ContainsCall(conditional.WhenFalse);

        private static bool ContainsCall(Expr expr) => expr switch
        {
            DiffCall or Call or Intrinsic => true,
            _ => expr.Children().Any(ContainsCall),
        };
    }
}
