using System.Linq;
using GradGen.Generator.Optimize;

namespace GradGen.Generator.Model
{
    /// <summary>
    /// The optional passes (their order and stages: <c>PassPipeline.All</c>). Each keeps every derivative exact and only makes the code faster;
    /// each can be switched off (the MSBuild property <c>GradGenDisabledOptimizations</c>, names separated by <c>;</c> or
    /// <c>,</c>) to bisect a wrong derivative or to test the others without it. Lowering and splitting are not
    /// optional: the transforms need their form.
    /// </summary>
    [System.Flags]
    public enum Optimizations
    {
        None = 0,

        /// <summary>Small callees of the same type are differentiated inline in their callers (<c>CallInlining</c>).</summary>
        Inlining = 1,

        /// <summary>Derivative code reads Math values the primal computed (<c>ValueReuse</c>).</summary>
        ValueReuse = 2,

        /// <summary>Loops of known trip count reserve their tape room once and record without checks (<c>ReservedRecords</c>).</summary>
        ReservedRecords = 4,

        /// <summary>Adjoint resets no later code reads are dropped (<c>DeadAdjointResets</c>).</summary>
        DeadAdjointResets = 8,

        /// <summary>Loop-carried method locals get loop-local copies the JIT keeps in registers (<c>LoopLocals</c>).</summary>
        LoopLocals = 16,

        /// <summary>Loops record into and take back from the tape's buffers through local cursors (<c>TapeCursors</c>).</summary>
        TapeCursors = 32,

        /// <summary>Calls between [Differentiable] methods are reversed split: the callee's primal runs once, recording on the caller's tape (<c>SplitReversal</c>).</summary>
        SplitReversal = 64,

        /// <summary>Cheap values a loop assigns are computed again in the backward sweep instead of being recorded (<c>ToBeRecorded</c>).</summary>
        Recomputation = 128,

        All = Inlining | ValueReuse | ReservedRecords | DeadAdjointResets | LoopLocals | TapeCursors | SplitReversal | Recomputation,
    }

    public static class OptimizationSettings
    {
        /// <summary>The MSBuild property that lists the optimizations to switch off.</summary>
        public const string Property = "GradGenDisabledOptimizations";

        /// <summary>Every optimization but those <paramref name="disabled"/> names (case-insensitive; unknown names are ignored).</summary>
        public static Optimizations Enabled(string? disabled) =>
            (disabled ?? string.Empty).Split(';', ',')
                .Select(name => name.Trim())
                .Aggregate(Optimizations.All, (enabled, name) =>
                    System.Enum.TryParse<Optimizations>(name, ignoreCase: true, out var off) && off != Optimizations.All ? enabled & ~off : enabled);
    }
}
