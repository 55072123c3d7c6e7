using System;
using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Analysis;
using GradGen.Generator.Ir;

namespace GradGen.Generator.Optimize
{
    /// <summary>
    /// Room reserved on the tape for the records of a counted loop, which it then makes with <c>Tape.PushReserved</c>
    /// and <c>Tape.PushAllReserved</c>.
    /// </summary>
    internal static class ReservedRecords
    {
        private static readonly Const Zero = Build.Num(Types.Int, 0);

        /// <summary>The forward sweep with room reserved before each counted loop that qualifies, inner loops first (an outer loop then takes their reservations over).</summary>
        public static List<Stmt> Apply(List<Stmt> forward, PassContext context) => context.Tape is { } tape ? Rewrite(forward, tape) : forward;

        /// <summary>
        /// A whole body that rents its tape (forward over reverse, whose records and their tangents were made plain):
        /// room reserved again before its counted loops, for both. Loops of its backward sweep take records back, which
        /// no reservation counts, so they reserve nothing.
        /// </summary>
        public static List<Stmt> ApplyToMethod(List<Stmt> body) =>
            body.OfType<Declare>().FirstOrDefault(d => d.Value is TapeOp { Operation: TapeOperation.Rent })?.Variable is { } tape ? Rewrite(body, tape) : body;

        private static List<Stmt> Rewrite(IEnumerable<Stmt> statements, Var tape)
        {
            var output = new List<Stmt>();
            foreach (var statement in statements)
            {
                var inner = statement.With(statement.Expressions(), statement.Blocks().Select(b => Rewrite(b, tape).ToEquatableArray()).ToArray());
                if (inner is For loop && LoopBounds.Counted(loop) is not null)
                {
                    var body = loop.Body.ToList();
                    if (Reserve(loop, body, tape) is { } reserve)
                    {
                        output.Add(reserve);
                        inner = loop with { Body = body.ToEquatableArray() };
                    }
                }

                output.Add(inner);
            }

            return output;
        }

        /// <summary>
        /// A counted loop whose records can be counted before it starts reserves room for all of them, and records
        /// them with no capacity test and no call in the loop. A call in a loop, even one never taken, makes the JIT
        /// keep the loop's values in memory across it. Counted per iteration: its own pushes (the larger branch of
        /// each if), whole arrays it records (their variables not reassigned in it), and the room reserved before a
        /// nested loop whose counts cannot change in this one, which this reservation then takes over, so an outer
        /// loop reserves for a whole nest once. Real values and integers are reserved apart, each only when nothing
        /// uncounted in the loop records into the same buffer, and only when the trip count known before the loop
        /// cannot change in it. Rewrites <paramref name="body"/>; gives the reservation, or null.
        /// </summary>
        private static Stmt? Reserve(For loop, List<Stmt> body, Var tape)
        {
            // LoopBounds.Counted vouches for the form (for (i = s; i < e; i++), or <=, or counting down with > or >=).
            // Counts may read no element, only lengths, nor may the body pass a variable by reference, nor a callee
            // reversed split record on the tape (its records are not counted).
            if (IrWalker.AllStatements(body).SelectMany(IrWalker.OwnExpressions).SelectMany(IrWalker.AllExpressions).Any(e => e is Ref or PullbackCall or DiffCall { Tape: not null }))
            {
                return null;
            }

            var counting = new Counting(tape, new HashSet<string>(IrWalker.Reassigned(body)) { loop.Counter.Name });
            var condition = (Binary)loop.Condition;
            if (!counting.Fixed(condition.Right) || !counting.Fixed(loop.Start) || condition.Right.Type != Types.Int || loop.Start.Type != Types.Int)
            {
                return null;
            }

            var (reals, ints) = counting.Count(body);
            var reserveReals = reals is not null && !Build.IsConst(reals, 0);
            var reserveInts = ints is not null && !Build.IsConst(ints, 0);
            if (!reserveReals && !reserveInts)
            {
                return null;
            }

            var reserved = counting.Rewrite(body, reserveReals, reserveInts);
            body.Clear();
            body.AddRange(reserved);

            var span = loop.Step == LoopStep.Up ? Build.IntSub(condition.Right, loop.Start) : Build.IntSub(loop.Start, condition.Right);
            var trips = Operators.IncludesBound(condition.Op) ? Build.IntAdd(span, Build.Num(Types.Int, 1)) : span;
            var perTripReals = reserveReals ? reals! : Zero;
            var perTripInts = reserveInts ? ints! : Zero;
            Stmt reserve = TapeOp.Statement(TapeOperation.Reserve, tape, trips, perTripReals, perTripInts);

            // Counts that read a length or divide are evaluated only when the loop runs: the array could still be null, the divisor zero.
            return !(trips is Const { Value: > 0 }) && IrWalker.AllExpressions(perTripReals).Concat(IrWalker.AllExpressions(perTripInts))
                    .Any(e => e is Member or Call || e is Binary { Op: BinaryOp.Divide or BinaryOp.Remainder })
                ? new If(0, Build.Compare(BinaryOp.Greater, trips, Zero), EquatableArray.Of(reserve), EquatableArray<Stmt>.Empty)
                : reserve;
        }

        /// <summary>What one loop body records per iteration, and how its records become reserved ones.</summary>
        private sealed class Counting
        {
            private readonly Var tape;
            private readonly HashSet<string> reassigned;

            public Counting(Var tape, HashSet<string> reassigned)
            {
                this.tape = tape;
                this.reassigned = reassigned;
            }

            /// <summary>Whether <paramref name="e"/> has the same value at every iteration: variables the body does not reassign, lengths.</summary>
            public bool Fixed(Expr e) => IrWalker.AllExpressions(e).All(x => x switch
            {
                Const or Binary or Unary or TypeCast or Conditional => true,
                Var v => !reassigned.Contains(v.Name),
                Member { Name: "Length", Receiver: Var } => true,
                Call { Name: "GetLength", Receiver: Var } => true,
                _ => false,
            });

            /// <summary>
            /// Records per iteration, real values and integers apart, at most (the larger branch of each if); null for
            /// a buffer into which something records that cannot be counted.
            /// </summary>
            public (Expr? Reals, Expr? Ints) Count(IReadOnlyList<Stmt> statements, bool inBranch = false)
            {
                (Expr? Reals, Expr? Ints) total = (Zero, Zero);
                for (var i = 0; i < statements.Count; i++)
                {
                    var statement = statements[i];
                    (Expr? Reals, Expr? Ints) counts;
                    // In a branch only single values are counted: a nested count or a length read before the loop
                    // would be evaluated where the program might never evaluate it.
                    if (!inBranch && Nested(statement) is { } nested)
                    {
                        // The nested loop that follows records only into the room it reserved, in the buffers it reserved.
                        var loopAfter = i + 1 < statements.Count && statements[i + 1] is For ? statements[++i] : null;
                        var (otherReals, otherInts) = loopAfter is null ? (false, false) : Touches(IrWalker.AllStatements(new[] { loopAfter }));
                        counts = (
                            Build.IsConst(nested.Args[1], 0) && otherReals ? null : Times(nested.Args[0], nested.Args[1]),
                            Build.IsConst(nested.Args[2], 0) && otherInts ? null : Times(nested.Args[0], nested.Args[2]));
                    }
                    else if (statement is If branch)
                    {
                        var (thenReals, thenInts) = Count(branch.Then, inBranch: true);
                        var (elseReals, elseInts) = Count(branch.Else, inBranch: true);
                        counts = (Either(thenReals, elseReals, Build.IntMax), Either(thenInts, elseInts, Build.IntMax));
                    }
                    else if (Record(statement) is { } record && !(inBranch && TapeCall(statement)!.Operation == TapeOperation.PushAll))
                    {
                        counts = record;
                    }
                    else
                    {
                        var (real, integer) = Touches(IrWalker.AllStatements(new[] { statement }));
                        counts = (real ? null : Zero, integer ? null : Zero);
                    }

                    total = (Either(total.Reals, counts.Reals, Build.IntAdd), Either(total.Ints, counts.Ints, Build.IntAdd));
                }

                return total;
            }

            /// <summary>The statements again, the counted records of the reserved buffers made in reserved room, the room nested loops reserved in them taken over.</summary>
            public List<Stmt> Rewrite(IEnumerable<Stmt> statements, bool reals, bool ints) => statements.Select(statement => statement switch
            {
                _ when Nested(statement) is { } nested => TakeOver(statement, nested, reals, ints),
                If branch => branch with
                {
                    Then = Rewrite(branch.Then, reals, ints).ToEquatableArray(),
                    Else = Rewrite(branch.Else, reals, ints).ToEquatableArray(),
                },
                // A record of one buffer only: of integers when it counts no real value.
                _ when Record(statement) is { } record && (Build.IsConst(record.Reals, 0) ? ints : reals) && TapeCall(statement) is { } call =>
                    new ExprStmt(statement.Line, call with { Operation = TapeOp.Reserved(call.Operation) }),
                _ => statement,
            }).OfType<Stmt>().ToList();

            /// <summary>A nested loop's reservation without the buffers this loop reserves for it; null when nothing is left.</summary>
            private static Stmt? TakeOver(Stmt statement, TapeOp nested, bool reals, bool ints)
            {
                var args = EquatableArray.Of(nested.Args[0], reals ? Zero : nested.Args[1], ints ? Zero : nested.Args[2]);
                if (Build.IsConst(args[1], 0) && Build.IsConst(args[2], 0))
                {
                    return null;
                }

                var left = new ExprStmt(0, nested with { Args = args });
                return statement is If guarded ? guarded with { Then = EquatableArray.Of<Stmt>(left) } : left;
            }

            /// <summary>Records of <paramref name="trips"/> iterations of <paramref name="perTrip"/> each; no length is read for a loop that does not run.</summary>
            private static Expr Times(Expr trips, Expr perTrip) => trips is Const { Value: { } count }
                ? Build.IntMul(Build.Num(Types.Int, Math.Max(count, 0)), perTrip)
                : Build.IsConst(perTrip, 0) ? perTrip
                : Build.Choose(Build.Compare(BinaryOp.Greater, trips, Zero), Build.IntMul(trips, perTrip), Zero);

            private TapeOp? TapeCall(Stmt statement) => statement is ExprStmt { Expression: TapeOp call } && call.Tape == tape ? call : null;

            /// <summary>
            /// A push of one value, or a record of whole arrays whose variables the body does not reassign: how many
            /// real values and integers it records. Null for anything else.
            /// </summary>
            private (Expr Reals, Expr Ints)? Record(Stmt statement)
            {
                var one = Build.Num(Types.Int, 1);
                switch (TapeCall(statement))
                {
                    case { Operation: TapeOperation.Push, Args: { Count: 1 } args } when Types.IsReal(args[0].Type):
                        return (one, Zero);
                    case { Operation: TapeOperation.Push, Args: { Count: 1 } args } when (args[0].Type == Types.Int || args[0].Type == Types.Bool):
                        return (Zero, one);
                    case { Operation: TapeOperation.PushAll, Args: var arrays } when arrays.All(a => a is Var && Fixed(a) && Types.ElementType(a.Type) is { } element && Types.IsReal(element)):
                        return (arrays.Select(Build.Length).Aggregate(Build.IntAdd), Zero);
                    case { Operation: TapeOperation.PushAll, Args: { Count: 1 } arrays } when arrays[0] is Var && Fixed(arrays[0]) && Types.ElementType(arrays[0].Type) == Types.Int:
                        return (Zero, Build.Length(arrays[0]));
                    default:
                        return null;
                }
            }

            /// <summary>
            /// The room a nested loop reserved (what <see cref="Reserve"/> made: a call, or a call in an if that tests
            /// the trip count), when its counts are the same at every iteration of this loop.
            /// </summary>
            private TapeOp? Nested(Stmt statement) =>
                (statement is If { Then: { Count: 1 } then, Else.Count: 0 } guarded && Fixed(guarded.Condition) ? TapeCall(then[0]) : TapeCall(statement))
                    is { Operation: TapeOperation.Reserve } reserve && reserve.Args.All(Fixed) ? reserve : null;

            /// <summary>Whether tape calls among <paramref name="statements"/> record real values, or integers.</summary>
            private (bool Reals, bool Ints) Touches(IEnumerable<Stmt> statements)
            {
                var calls = statements.Select(TapeCall).OfType<TapeOp>().ToList();
                return (
                    calls.Any(c => c.Operation == TapeOperation.Reserve ? !Build.IsConst(c.Args[1], 0) : c.Args.Any(a => Types.IsReal(a.Type) || Types.IsRealCollection(a.Type))),
                    calls.Any(c => c.Operation == TapeOperation.Reserve ? !Build.IsConst(c.Args[2], 0) : c.Args.Any(a => (a.Type == Types.Int || a.Type == Types.Bool) || Types.ElementType(a.Type) == Types.Int)));
            }

            private static Expr? Either(Expr? a, Expr? b, Func<Expr, Expr, Expr> combine) => a is null || b is null ? null : combine(a, b);
        }
    }
}
