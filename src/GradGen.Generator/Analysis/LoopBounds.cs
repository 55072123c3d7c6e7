using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;

namespace GradGen.Generator.Analysis
{
    /// <summary>What a counted loop's header says about its iterations.</summary>
    internal static class LoopBounds
    {
        /// <summary>
        /// For <c>for (i = s; i &lt; e; i++)</c> (or <c>&lt;=</c>, or counting down with <c>&gt;</c>, <c>&gt;=</c>) whose
        /// bounds the body cannot change: the first and last counter values of the backward loop (the forward loop's last
        /// and first), computed from the bounds again, so nothing about the loop is recorded and its trip count is known
        /// before it starts. Null for other loops.
        /// </summary>
        public static (Expr First, Expr Last)? Counted(For loop)
        {
            if (loop.Condition is not Binary { Left: Var counter, Op: BinaryOp.Less or BinaryOp.LessOrEqual or BinaryOp.Greater or BinaryOp.GreaterOrEqual } condition
                || counter != loop.Counter
                || (loop.Step == LoopStep.Up) != Operators.IsLess(condition.Op))
            {
                return null;
            }

            var assigned = new HashSet<string>(IrWalker.Writes(loop.Body)) { counter.Name };
            bool Invariant(Expr e) =>
                !IrWalker.AllExpressions(e).Any(x => x is Var v && assigned.Contains(v.Name) || x is Call { Name: not "GetLength" } || x is DiffCall);
            if (!Invariant(condition.Right) || !Invariant(loop.Start))
            {
                return null;
            }

            var one = Build.Num(Types.Int, 1);
            var first = condition.Op switch
            {
                BinaryOp.Less => Build.IntSub(condition.Right, one),
                BinaryOp.Greater => Build.IntAdd(condition.Right, one),
                _ => condition.Right,
            };
            return (first, loop.Start);
        }
    }
}
