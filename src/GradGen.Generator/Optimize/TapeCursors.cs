using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;

namespace GradGen.Generator.Optimize
{
    /// <summary>
    /// Loops of a finished derivative body whose only tape operations are records in reserved room
    /// (<c>PushReserved</c>, <c>PushAllReserved</c>) and takebacks (<c>PopReal</c>, <c>PopInt</c>, <c>PopBool</c>,
    /// <c>PopAll</c>) work on the tape's buffers through local cursors: <c>tape_reals[tape_realTop] = p; tape_realTop += 1;</c>,
    /// <c>tape_realTop -= 1; p = tape_reals[tape_realTop];</c>, <c>tape_realTop = Tape.PopAllAt(tape_reals, tape_realTop, u);</c>,
    /// the counts given back to the tape after the loop.
    /// <para>
    /// Why: the tape's count is a field, so each record is a load and a store of it, and the next record waits for the
    /// store: a chain through memory on every iteration (GradBench's lse: derivative 1.93 primals with it, 1.54 with a
    /// cursor). A local cursor lives in a register. It is valid because neither a reserved record nor a takeback can
    /// grow, and so replace, the buffer; a loop with any other use of the tape keeps the calls.
    /// </para>
    /// Applied last, to the bodies that are emitted as they are: forward mode over reverse mode reads the calls.
    /// </summary>
    internal static class TapeCursors
    {
        public static List<Stmt> Apply(List<Stmt> body, NameScope names)
        {
            var tape = body.OfType<Declare>().Select(d => d.Variable).FirstOrDefault(v => v.Type == TapeOp.TapeType);
            return tape is null ? body : new Rewriter(tape, names).Statements(body);
        }

        /// <summary>A tape buffer: what its records are, the tape operations that give it, its count and set the count, and the names of its cursor's locals.</summary>
        private sealed record Buffer(IrType ElementType, TapeOperation Array, TapeOperation Count, TapeOperation SetCount, string ArrayName, string TopName);

        private static readonly Buffer Reals = new(Types.Double, TapeOperation.Reals, TapeOperation.RealCount, TapeOperation.SetRealCount, "reals", "realTop");

        private static readonly Buffer Ints = new(Types.Int, TapeOperation.Ints, TapeOperation.IntCount, TapeOperation.SetIntCount, "ints", "intTop");

        private sealed class Rewriter
        {
            private readonly Var tape;
            private readonly NameScope names;
            private Dictionary<Buffer, (Var Array, Var Top)> cursors = new();

            public Rewriter(Var tape, NameScope names)
            {
                this.tape = tape;
                this.names = names;
            }

            public List<Stmt> Statements(IEnumerable<Stmt> statements)
            {
                var output = new List<Stmt>();
                foreach (var statement in statements)
                {
                    switch (statement)
                    {
                        case For or While when cursors.Count == 0 && BuffersOf(statement) is { Count: > 0 } used:
                            cursors = used.ToDictionary(b => b, b => (
                                new Var(Types.Array(b.ElementType), names.Fresh($"{tape.Name}_{b.ArrayName}")),
                                new Var(Types.Int, names.Fresh($"{tape.Name}_{b.TopName}"))));
                            foreach (var pair in cursors)
                            {
                                output.Add(new Declare(pair.Value.Array, new TapeOp(pair.Value.Array.Type, pair.Key.Array, tape, EquatableArray<Expr>.Empty)));
                                output.Add(new Declare(pair.Value.Top, new TapeOp(Types.Int, pair.Key.Count, tape, EquatableArray<Expr>.Empty)));
                            }

                            output.Add(IrRewriter.WithBody(statement, Statements(IrWalker.LoopBody(statement))));
                            output.AddRange(cursors.Select(pair => TapeOp.Statement(pair.Key.SetCount, tape, pair.Value.Top)));
                            cursors = new Dictionary<Buffer, (Var Array, Var Top)>();
                            break;
                        case For or While:
                            output.Add(IrRewriter.WithBody(statement, Statements(IrWalker.LoopBody(statement))));
                            break;
                        case If branch:
                            output.Add(branch with { Condition = cursors.Count == 0 ? branch.Condition : TakeBack(branch.Condition, output), Then = Statements(branch.Then).ToEquatableArray(), Else = Statements(branch.Else).ToEquatableArray() });
                            break;
                        case ExprStmt { Expression: TapeOp call } when cursors.Count > 0 && call.Tape == tape && WholeBuffer(call) is { } whole:
                            // Whole arrays: top = Tape.PushAllAt(tape_reals, top, a, b), and PopAllAt.
                            var cursor = cursors[whole];
                            var at = call.Operation == TapeOperation.PopAll ? TapeOperation.PopAllAt : TapeOperation.PushAllAt;
                            output.Add(new Assign(statement.Line, cursor.Top, AssignOp.Set, new TapeOp(Types.Int, at, null, call.Args.Prepend(cursor.Top).Prepend(cursor.Array).ToEquatableArray())));
                            break;
                        case ExprStmt { Expression: TapeOp { Operation: TapeOperation.PushReserved } push } when cursors.Count > 0 && push.Tape == tape:
                            var buffer = BufferOf(push.Args[0].Type)!;
                            var (array, top) = cursors[buffer];
                            var value = push.Args[0] switch
                            {
                                Const { Text: var text } constant when constant.Type == Types.Bool => Build.Num(Types.Int, text == "true" ? 1 : 0),
                                var decision when decision.Type == Types.Bool => Build.Choose(decision, Build.Num(Types.Int, 1), Build.Num(Types.Int, 0)),
                                var recorded => Build.Cast(buffer.ElementType, recorded),
                            };
                            output.Add(new Store(statement.Line, new Index(buffer.ElementType, array, EquatableArray.Of<Expr>(top)), AssignOp.Set, value));
                            output.Add(new Assign(0, top, AssignOp.Add, Build.Num(Types.Int, 1)));
                            break;
                        case var _ when cursors.Count > 0:
                            var taken = new List<Stmt>();
                            var rewritten = IrRewriter.Map(EquatableArray.Of(statement), e => TakeBack(e, taken))[0];
                            output.AddRange(taken);
                            output.Add(rewritten);
                            break;
                        default:
                            output.Add(statement);
                            break;
                    }
                }

                return output;
            }

            /// <summary><paramref name="expr"/> with a takeback from the tape read through its cursor, which <paramref name="before"/> steps back first.</summary>
            private Expr TakeBack(Expr expr, List<Stmt> before) => IrRewriter.Map(EquatableArray.Of<Stmt>(new ExprStmt(0, expr)), e =>
            {
                if (e is not TapeOp { Args.Count: 0 } pop || pop.Tape != tape || PopBuffer(pop.Operation) is not { } buffer)
                {
                    return e;
                }

                var (array, top) = cursors[buffer];
                before.Add(new Assign(0, top, AssignOp.Subtract, Build.Num(Types.Int, 1)));
                var element = new Index(buffer.ElementType, array, EquatableArray.Of<Expr>(top));
                return pop.Operation == TapeOperation.PopBool ? Build.Compare(BinaryOp.NotEqual, element, Build.Num(Types.Int, 0)) : element;
            })[0] is ExprStmt { Expression: var mapped } ? mapped : expr;

            /// <summary>
            /// The buffers a loop records into or takes back from, when a cursor can serve every tape operation in it: a
            /// reserved record as a statement of its own, or at most one takeback in a statement, evaluated whenever the
            /// statement is (not in a loop's condition, a branch of <c>?:</c> or the right of <c>&amp;&amp;</c>).
            /// Null when some use of the tape cannot be served.
            /// </summary>
            private HashSet<Buffer>? BuffersOf(Stmt loop)
            {
                // Loop headers and a while loop's step are left as they are: none may use the tape.
                var headers = IrWalker.AllStatements(new[] { loop }).Where(s => s is For or While)
                    .SelectMany(s => IrWalker.OwnExpressions(s).Concat(s is While w ? IrWalker.AllStatements(w.Step).SelectMany(IrWalker.OwnExpressions) : Enumerable.Empty<Expr>()));
                if (headers.Any(UsesTape))
                {
                    return null;
                }

                var used = new HashSet<Buffer>();
                foreach (var statement in IrWalker.AllStatements(IrWalker.LoopBody(loop)).Where(s => s is not (For or While)))
                {
                    if (statement is ExprStmt { Expression: TapeOp record } && record.Tape == tape && !record.Args.Any(UsesTape)
                        && (record is { Operation: TapeOperation.PushReserved, Args.Count: 1 } ? BufferOf(record.Args[0].Type) : WholeBuffer(record)) is { } target)
                    {
                        used.Add(target);
                        continue;
                    }

                    var expressions = IrWalker.OwnExpressions(statement).ToList();
                    var pops = expressions.Sum(e => Pops(e, conditional: false));
                    if (pops == 0)
                    {
                        continue;
                    }

                    if (pops != 1 || statement is AssignTuple or Return)
                    {
                        return null;
                    }

                    // Exactly one takeback and no other use of the tape: its buffer.
                    used.Add(expressions.SelectMany(IrWalker.AllExpressions).OfType<TapeOp>().Where(c => c.Tape == tape).Select(c => PopBuffer(c.Operation)!).Single());
                }

                return used;
            }

            /// <summary>
            /// How many takebacks <paramref name="expr"/> makes, counting 2 for any other use of the tape: another call on
            /// it, the tape itself as a value, a takeback evaluated only sometimes, or one among a callee's pullback
            /// arguments (which the rewrite does not reach). Zero exactly when it does not use the tape.
            /// </summary>
            private int Pops(Expr expr, bool conditional)
            {
                if (expr is TapeOp call && call.Tape == tape)
                {
                    return call.Args.Count == 0 && PopBuffer(call.Operation) is not null && !conditional ? 1 : 2 + call.Args.Sum(a => Pops(a, conditional));
                }

                return expr switch
                {
                    _ when expr == tape => 2,
                    PullbackCall pullback => UsesTape(pullback) ? 2 : 0,
                    Conditional c => Pops(c.Condition, conditional) + Pops(c.WhenTrue, true) + Pops(c.WhenFalse, true),
                    Binary { Op: BinaryOp.And or BinaryOp.Or } b => Pops(b.Left, conditional) + Pops(b.Right, true),
                    _ => expr.Children().Sum(e => Pops(e, conditional)),
                };
            }

            private bool UsesTape(Expr expr) => IrWalker.AllExpressions(expr).Any(e => e == tape);

            private static Buffer? BufferOf(IrType recordedType) =>
                Types.IsReal(recordedType) ? Reals : (recordedType == Types.Int || recordedType == Types.Bool) ? Ints : null;

            /// <summary>The buffer of a whole-array record made in reserved room or taken back, null for any other call.</summary>
            private static Buffer? WholeBuffer(TapeOp call) =>
                call is { Operation: TapeOperation.PushAllReserved or TapeOperation.PopAll, Args.Count: > 0 } && Types.ElementType(call.Args[0].Type) is { } element ? BufferOf(element) : null;

            private static Buffer? PopBuffer(TapeOperation operation) => operation switch
            {
                TapeOperation.PopReal => Reals,
                TapeOperation.PopInt or TapeOperation.PopBool => Ints,
                _ => null,
            };
        }
    }
}
