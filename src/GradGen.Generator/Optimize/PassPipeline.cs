using System;
using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;

namespace GradGen.Generator.Optimize
{
    /// <summary>Where in the pipeline a pass runs, which fixes the form of the code it gets.</summary>
    [Flags]
    internal enum PassStage
    {
        None = 0,

        /// <summary>The parsed method, before differentiation (model to model, in the incremental pipeline).</summary>
        Model = 1,

        /// <summary>An analysis whose facts the transforms read; it rewrites nothing by itself.</summary>
        Facts = 2,

        /// <summary>Reverse mode's forward sweep: the primal with its records.</summary>
        ForwardSweep = 4,

        /// <summary>Reverse mode's backward sweep.</summary>
        BackwardSweep = 8,

        /// <summary>A finished derivative body that is emitted as it is (forward over reverse reads Reverse's before this).</summary>
        Method = 16,
    }

    /// <summary>What a sweep or method pass may need besides the body: the names taken, the tape, the method's locals and adjoints.</summary>
    internal sealed record PassContext(NameScope Names, Var? Tape, ISet<string> MethodLocals, ISet<string> Adjoints, ISet<string> DerivativeParameters)
    {
        /// <summary>For a whole method body, where the tape and locals are found in the body itself.</summary>
        public static PassContext Method(NameScope names) =>
            new(names, null, new HashSet<string>(), new HashSet<string>(), new HashSet<string>());
    }

    /// <summary>One optional pass: its switch (and name), the stages it runs at, and the rewrite it does there (null for passes their consumers apply: model and facts passes, recomputation).</summary>
    internal sealed record Pass(Optimizations Switch, PassStage Stages, Func<List<Stmt>, PassContext, List<Stmt>>? Rewrite)
    {
        public string Name => Switch.ToString();
    }

    /// <summary>
    /// The optional passes in the one order they run, and which of them are switched on. Each keeps every derivative
    /// exact and only makes the code faster; a kind runs those of its stages (<see cref="For"/>).
    /// </summary>
    internal sealed class PassPipeline
    {
        public static IReadOnlyList<Pass> All { get; } = new[]
        {
            new Pass(Optimizations.Inlining, PassStage.Model, null),
            new Pass(Optimizations.SplitReversal, PassStage.Model, null),
            new Pass(Optimizations.ValueReuse, PassStage.Facts, null),
            new Pass(Optimizations.Recomputation, PassStage.ForwardSweep | PassStage.BackwardSweep, null),
            new Pass(Optimizations.ReservedRecords, PassStage.ForwardSweep, ReservedRecords.Apply),
            new Pass(Optimizations.DeadAdjointResets, PassStage.BackwardSweep, DeadAdjointResets.Apply),
            new Pass(Optimizations.LoopLocals, PassStage.ForwardSweep | PassStage.BackwardSweep, LoopLocals.Apply),
            new Pass(Optimizations.TapeCursors, PassStage.Method, (body, context) => TapeCursors.Apply(body, context.Names)),
        };

        public PassPipeline(Optimizations enabled) => Enabled = enabled;

        public Optimizations Enabled { get; }

        /// <summary>The passes a derivative kind runs, in order: those of the stages its builder goes through.</summary>
        public static IEnumerable<Pass> For(DerivativeKindInfo kind) => All.Where(p => (p.Stages & kind.Stages) != 0);

        public bool IsOn(Optimizations pass) => (Enabled & pass) != 0;

        /// <summary>The switched-on passes of <paramref name="stage"/> applied to <paramref name="body"/>, in order.</summary>
        public List<Stmt> Run(PassStage stage, List<Stmt> body, PassContext context) =>
            All.Where(p => (p.Stages & stage) != 0 && p.Rewrite is not null && IsOn(p.Switch)).Aggregate(body, (b, p) => p.Rewrite!(b, context));
    }
}
