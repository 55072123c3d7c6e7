using System.Collections.Generic;
using GradGen.Generator.Ir;

namespace GradGen.Generator.Optimize
{
    /// <summary>
    /// Drops the adjoint resets (<c>v_adj = 0</c>) of a backward sweep that no later statement reads, and the line
    /// comments left above no code of their line: a reset is written after each assignment's adjoint code, and most are
    /// never read again.
    /// </summary>
    internal static class DeadAdjointResets
    {
        public static List<Stmt> Apply(List<Stmt> backward, PassContext context)
        {
            var readLater = new HashSet<string>();
            var kept = new List<Stmt>();
            for (var i = backward.Count - 1; i >= 0; i--)
            {
                var statement = backward[i];
                if (statement is Assign { Op: AssignOp.Set, Value: Const } reset && context.Adjoints.Contains(reset.Target.Name) && !readLater.Contains(reset.Target.Name))
                {
                    continue;
                }

                // A line comment stays only above the code of that line.
                if (statement is Comment && (kept.Count == 0 || kept[kept.Count - 1] is Comment || IsParameterWrite(kept[kept.Count - 1], context)))
                {
                    continue;
                }

                IrWalker.Reads(new[] { statement }, readLater);
                kept.Add(statement);
            }

            kept.Reverse();
            return kept;
        }

        /// <summary>The final <c>dX += x_adj</c> of a real parameter: no line's code.</summary>
        private static bool IsParameterWrite(Stmt statement, PassContext context) =>
            statement is Assign { Op: AssignOp.Add } write && context.DerivativeParameters.Contains(write.Target.Name);
    }
}
