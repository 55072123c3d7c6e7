using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;

namespace GradGen.Generator.AD
{
    /// <summary>A primal statement as reverse mode sees it: its backward code and what the forward sweep records for it.</summary>
    internal class Node
    {
        public Node(Stmt primal, int depth)
        {
            Primal = primal;
            Depth = depth;
        }

        public Stmt Primal { get; }

        /// <summary>How many loops enclose the statement: 0 means it runs at most once per call.</summary>
        public int Depth { get; }
    }

    /// <summary>An assignment: <c>v = e</c>, or <c>(u, v) = G(...)</c> for a tuple-valued call.</summary>
    internal sealed class AssignNode : Node
    {
        public AssignNode(Stmt primal, int depth, List<Stmt> backward)
            : base(primal, depth)
        {
            (Targets, Value) = Parts(primal);
            ReadsTarget = Targets.Any(t => IrWalker.ReadsVariable(Value, t.Name));
            Backward = backward;
            Undo = primal is Assign single ? Inverse(single) : null;
        }

        /// <summary>What an assignment or tuple assignment assigns, and its value.</summary>
        public static (List<Var> Targets, Expr Value) Parts(Stmt primal) => primal switch
        {
            Assign assign => (new List<Var> { assign.Target }, assign.Value),
            _ => (((AssignTuple)primal).Variables.ToList(), ((AssignTuple)primal).Value),
        };

        public List<Var> Targets { get; }

        public Expr Value { get; }

        /// <summary>Whether the value reads a variable the assignment overwrites.</summary>
        public bool ReadsTarget { get; }

        public List<Stmt> Backward { get; }

        /// <summary>For an integer step <c>v = v ± e</c> (e not reading v): the opposite step, which restores v with no record.</summary>
        public Assign? Undo { get; }

        /// <summary>Where the saved values went (null entries: the tape), when recorded.</summary>
        public List<Var?>? Slots { get; set; }

        private static Assign? Inverse(Assign assign) =>
            assign.Target.Type == Types.Int
            && assign.Value is Binary { Op: BinaryOp.Add or BinaryOp.Subtract } step
            && step.Left == assign.Target
            && !IrWalker.ReadsVariable(step.Right, assign.Target.Name)
                ? new Assign(0, assign.Target, AssignOp.Set, new Binary(Types.Int, step.Op == BinaryOp.Add ? BinaryOp.Subtract : BinaryOp.Add, assign.Target, step.Right))
                : null;
    }

    internal sealed class StoreNode : Node
    {
        public StoreNode(Store primal, int depth, List<Stmt> backward)
            : base(primal, depth) => Backward = backward;

        public new Store Primal => (Store)base.Primal;

        public string ArrayName => ((Var)Primal.Target.Collection).Name;

        public List<Stmt> Backward { get; }

        public Var? Slot { get; set; }
    }

    internal sealed class IfNode : Node
    {
        public IfNode(If primal, int depth, List<Node> then, List<Node> otherwise)
            : base(primal, depth)
        {
            Then = then;
            Else = otherwise;
        }

        public List<Node> Then { get; }

        public List<Node> Else { get; }

        public bool Replayed { get; set; }

        public Var? Decision { get; set; }
    }

    internal sealed class LoopNode : Node
    {
        public LoopNode(Stmt primal, int depth, List<Node> body)
            : base(primal, depth) => Body = body;

        public List<Node> Body { get; }

        public bool Replayed { get; set; }

        public Var? Trips { get; set; }

        public Var? Start { get; set; }

        /// <summary>The backward loop's first and last counter values when they can be computed again.</summary>
        public (Expr First, Expr Last)? ReverseBounds { get; init; }
    }
}
