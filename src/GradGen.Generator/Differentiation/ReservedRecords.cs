using System;
using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Model;

namespace GradGen.Generator.Differentiation
{
    /// <summary>Room reserved on the tape for the records of a counted loop, made by <c>Tape.PushReserved</c>.</summary>
    internal static class ReservedRecords
    {
        /// <summary>
        /// A counted loop that records values at its own level (not in a nested loop) reserves room for all of them
        /// before it, and records them with <c>PushReserved</c>: no capacity test and no call in the loop. A call in a
        /// loop, even one never taken, makes the JIT keep the loop's values in memory across it. Real values and
        /// integers are reserved apart, each only when nothing else in the loop records into the same buffer (a nested
        /// loop's records would use up the room), and only when the trip count known before the loop cannot change in
        /// it. Rewrites <paramref name="body"/>; gives the reservation, or null.
        /// </summary>
        public static Stmt? Reserve(For loop, List<Stmt> body, Var? tape)
        {
            // ReverseBounds vouches for the form (for (i = s; i < e; i++), or <=, or counting down with > or >=) and
            // that the body assigns no variable of the bounds; no element or member but a length may be read either,
            // nor may the body pass a variable by reference.
            var condition = (Binary)loop.Condition;
            var written = new HashSet<string>(IrWalker.Writes(body));
            bool Fixed(Expr bound) => IrWalker.AllExpressions(bound).All(e => e switch
            {
                Const or Binary or Unary or TypeCast => true,
                Var v => v.Type == Types.Int || Types.ElementType(v.Type) is not null && !written.Contains(v.Name),
                Member { Name: "Length", Receiver: Var } => true,
                Call { Name: "GetLength", Receiver: Var } => true,
                _ => false,
            });
            if (!Fixed(condition.Right) || !Fixed(loop.Start)
                || IrWalker.AllStatements(body).SelectMany(IrWalker.OwnExpressions).SelectMany(IrWalker.AllExpressions).Any(e => e is Ref or PullbackCall))
            {
                return null;
            }

            // Calls on the tape, if there is one yet: no other code is a record.
            Call? TapeCallIn(Stmt statement) => statement is ExprStmt { Expression: Call call } && tape is not null && call.Receiver == tape ? call : null;
            Call? OwnRecord(Stmt statement) => TapeCallIn(statement) is { Name: "Push", Args: { Count: 1 } args } push
                && (Types.IsReal(args[0].Type) || args[0].Type is Types.Int or Types.Bool) ? push : null;
            bool IsReal(Call record) => Types.IsReal(record.Args[0].Type);

            // Records per iteration, of real values or of integers: the larger branch of each if.
            int PerIteration(IEnumerable<Stmt> statements, bool real) => statements.Sum(s => s is If branch
                ? Math.Max(PerIteration(branch.Then, real), PerIteration(branch.Else, real))
                : OwnRecord(s) is { } record && IsReal(record) == real ? 1 : 0);

            IEnumerable<Stmt> OwnLevel(IEnumerable<Stmt> statements) =>
                statements.SelectMany(s => s is If branch ? OwnLevel(branch.Then).Concat(OwnLevel(branch.Else)) : new[] { s });
            var others = IrWalker.AllStatements(OwnLevel(body).Where(s => OwnRecord(s) is null)).Select(TapeCallIn).OfType<Call>().ToList();
            bool Alone(bool real) => !others.Any(c => c.Name == "Reserve" || c.Args.Any(a => real
                ? Types.IsReal(a.Type) || Types.IsRealCollection(a.Type)
                : a.Type is Types.Int or Types.Bool || Types.ElementType(a.Type) == Types.Int));
            var reals = Alone(real: true) ? PerIteration(body, real: true) : 0;
            var ints = Alone(real: false) ? PerIteration(body, real: false) : 0;
            if (reals + ints == 0)
            {
                return null;
            }

            List<Stmt> Reserved(IEnumerable<Stmt> statements) => statements.Select(statement =>
                OwnRecord(statement) is { } record && (IsReal(record) ? reals : ints) > 0
                    ? new ExprStmt(statement.Line, record with { Name = "PushReserved" })
                    : statement is If branch
                        ? branch with { Then = Reserved(branch.Then).ToEquatableArray(), Else = Reserved(branch.Else).ToEquatableArray() }
                        : statement).ToList();
            var reserved = Reserved(body);
            body.Clear();
            body.AddRange(reserved);

            var span = loop.Step == "++" ? Build.IntSub(condition.Right, loop.Start) : Build.IntSub(loop.Start, condition.Right);
            var trips = condition.Op.EndsWith("=", StringComparison.Ordinal) ? Build.IntAdd(span, Build.Num(Types.Int, 1)) : span;
            return new ExprStmt(0, new Call(Types.Void, tape, null, "Reserve", EquatableArray.Of(trips, Build.Num(Types.Int, reals), Build.Num(Types.Int, ints))));
        }
    }
}
