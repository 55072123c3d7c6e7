using System.Collections.Generic;
using System.Linq;

namespace GradGen.Generator.Ir
{
    /// <summary>
    /// A statement of the IR. <see cref="Line"/> is the 1-based source line it comes from, 0 if none.
    /// Each statement defines its parts once, here: the expressions it holds and the blocks it contains, which every
    /// walker and rewriter goes through, so a new statement is one record with these members.
    /// </summary>
    public abstract record Stmt(int Line)
    {
        /// <summary>
        /// The expressions the statement holds directly: first the <see cref="Assigned"/> variables it only assigns
        /// (targets, a loop counter, a declared local), then those it evaluates.
        /// </summary>
        public abstract IReadOnlyList<Expr> Expressions();

        /// <summary>How many of the first <see cref="Expressions"/> are assigned, not evaluated.</summary>
        public abstract int Assigned { get; }

        /// <summary>The statement lists nested in this one (a branch, a loop body).</summary>
        public abstract IReadOnlyList<EquatableArray<Stmt>> Blocks();

        /// <summary>This statement with its <see cref="Expressions"/> and <see cref="Blocks"/> replaced, in the same order.</summary>
        public abstract Stmt With(IReadOnlyList<Expr> expressions, IReadOnlyList<EquatableArray<Stmt>> blocks);

        private protected static IReadOnlyList<Expr> NoExpressions { get; } = new Expr[0];

        private protected static IReadOnlyList<EquatableArray<Stmt>> NoBlocks { get; } = new EquatableArray<Stmt>[0];
    }

    /// <summary>A statement that holds no expression and no block.</summary>
    public abstract record PlainStmt(int Line) : Stmt(Line)
    {
        public sealed override IReadOnlyList<Expr> Expressions() => NoExpressions;

        public sealed override int Assigned => 0;

        public sealed override IReadOnlyList<EquatableArray<Stmt>> Blocks() => NoBlocks;

        public sealed override Stmt With(IReadOnlyList<Expr> expressions, IReadOnlyList<EquatableArray<Stmt>> blocks) => this;
    }

    /// <summary>A statement that holds expressions and no block.</summary>
    public abstract record SimpleStmt(int Line) : Stmt(Line)
    {
        public sealed override IReadOnlyList<EquatableArray<Stmt>> Blocks() => NoBlocks;

        public sealed override Stmt With(IReadOnlyList<Expr> expressions, IReadOnlyList<EquatableArray<Stmt>> blocks) => With(expressions);

        protected abstract Stmt With(IReadOnlyList<Expr> expressions);
    }

    /// <summary><c>Target Op Value</c> with <see cref="Op"/> one of <c>=</c>, <c>+=</c>, <c>-=</c>.</summary>
    public sealed record Assign(int Line, Var Target, AssignOp Op, Expr Value) : SimpleStmt(Line)
    {
        public override IReadOnlyList<Expr> Expressions() => new Expr[] { Target, Value };

        public override int Assigned => 1;

        protected override Stmt With(IReadOnlyList<Expr> expressions) => this with { Target = (Var)expressions[0], Value = expressions[1] };
    }

    /// <summary><c>Target Op Value</c> for an element of a local array (<see cref="Op"/> one of <c>=</c>, <c>+=</c>, <c>-=</c>).</summary>
    public sealed record Store(int Line, Index Target, AssignOp Op, Expr Value) : SimpleStmt(Line)
    {
        /// <summary>The element's array and indices are evaluated: none of them is assigned.</summary>
        public override IReadOnlyList<Expr> Expressions() => new Expr[] { Target, Value };

        public override int Assigned => 0;

        protected override Stmt With(IReadOnlyList<Expr> expressions) => this with { Target = (Index)expressions[0], Value = expressions[1] };
    }

    /// <summary>
    /// <c>Target = Value</c> for a field of a class instance: only where a generated method writes the derivative
    /// instance it was given (a class parameter's); never in a body the passes see.
    /// </summary>
    public sealed record SetField(int Line, Member Target, Expr Value) : SimpleStmt(Line)
    {
        public override IReadOnlyList<Expr> Expressions() => new Expr[] { Target, Value };

        public override int Assigned => 0;

        protected override Stmt With(IReadOnlyList<Expr> expressions) => this with { Target = (Member)expressions[0], Value = expressions[1] };
    }

    /// <summary>
    /// <c>(Targets...) = Value</c>: the elements of a tuple-valued call, or the value and tangent from a callee's Forward.
    /// A target is a variable, or a <see cref="AggregateValue"/> of variables for a nested tuple.
    /// </summary>
    public sealed record AssignTuple(int Line, EquatableArray<Expr> Targets, Expr Value) : SimpleStmt(Line)
    {
        /// <summary>Every variable assigned, nested ones included.</summary>
        public IEnumerable<Var> Variables => Targets.SelectMany(t => t is AggregateValue nested ? nested.Items.Cast<Var>() : new[] { (Var)t });

        public override IReadOnlyList<Expr> Expressions() => Targets.Append(Value).ToArray();

        public override int Assigned => Targets.Count;

        protected override Stmt With(IReadOnlyList<Expr> expressions) =>
            this with { Targets = expressions.Take(Targets.Count).ToEquatableArray(), Value = expressions[Targets.Count] };
    }

    /// <summary>An expression evaluated for its effect (a call returning nothing, a tape push).</summary>
    public sealed record ExprStmt(int Line, Expr Expression) : SimpleStmt(Line)
    {
        public override IReadOnlyList<Expr> Expressions() => new[] { Expression };

        public override int Assigned => 0;

        protected override Stmt With(IReadOnlyList<Expr> expressions) => this with { Expression = expressions[0] };
    }

    public sealed record If(int Line, Expr Condition, EquatableArray<Stmt> Then, EquatableArray<Stmt> Else) : Stmt(Line)
    {
        public override IReadOnlyList<Expr> Expressions() => new[] { Condition };

        public override int Assigned => 0;

        public override IReadOnlyList<EquatableArray<Stmt>> Blocks() => new[] { Then, Else };

        public override Stmt With(IReadOnlyList<Expr> expressions, IReadOnlyList<EquatableArray<Stmt>> blocks) =>
            this with { Condition = expressions[0], Then = blocks[0], Else = blocks[1] };
    }

    /// <summary><c>while</c> or, when <see cref="ConditionAtEnd"/>, <c>do ... while</c>.</summary>
    public sealed record While(int Line, Expr Condition, EquatableArray<Stmt> Body, bool ConditionAtEnd) : Stmt(Line)
    {
        /// <summary>A <c>for</c> loop's iterator statements: run after the body, and after a <c>continue</c>.</summary>
        public EquatableArray<Stmt> Step { get; init; } = EquatableArray<Stmt>.Empty;

        public override IReadOnlyList<Expr> Expressions() => new[] { Condition };

        public override int Assigned => 0;

        public override IReadOnlyList<EquatableArray<Stmt>> Blocks() => new[] { Body, Step };

        public override Stmt With(IReadOnlyList<Expr> expressions, IReadOnlyList<EquatableArray<Stmt>> blocks) =>
            this with { Condition = expressions[0], Body = blocks[0], Step = blocks[1] };
    }

    /// <summary>
    /// A counted loop, <c>for (Var = Start; Condition; Step)</c>; <see cref="Step"/> is <c>++</c> or <c>--</c>.
    /// The parser produces it for canonical integer loops whose counter the body does not assign.
    /// </summary>
    public sealed record For(int Line, Var Counter, Expr Start, Expr Condition, LoopStep Step, EquatableArray<Stmt> Body) : Stmt(Line)
    {
        public override IReadOnlyList<Expr> Expressions() => new[] { Counter, Start, Condition };

        public override int Assigned => 1;

        public override IReadOnlyList<EquatableArray<Stmt>> Blocks() => new[] { Body };

        public override Stmt With(IReadOnlyList<Expr> expressions, IReadOnlyList<EquatableArray<Stmt>> blocks) =>
            this with { Counter = (Var)expressions[0], Start = expressions[1], Condition = expressions[2], Body = blocks[0] };
    }

    public sealed record Return(int Line, Expr? Value) : SimpleStmt(Line)
    {
        public override IReadOnlyList<Expr> Expressions() => Value is null ? NoExpressions : new[] { Value };

        public override int Assigned => 0;

        protected override Stmt With(IReadOnlyList<Expr> expressions) => this with { Value = Value is null ? null : expressions[0] };
    }

    public sealed record Break(int Line) : PlainStmt(Line);

    public sealed record Continue(int Line) : PlainStmt(Line);

    /// <summary>Declares a local of the generated method, with an optional initial value.</summary>
    public sealed record Declare(Var Variable, Expr? Value) : SimpleStmt(0)
    {
        public override IReadOnlyList<Expr> Expressions() => Value is null ? new[] { Variable } : new[] { Variable, Value };

        public override int Assigned => 1;

        protected override Stmt With(IReadOnlyList<Expr> expressions) =>
            this with { Variable = (Var)expressions[0], Value = Value is null ? null : expressions[1] };
    }

    /// <summary>
    /// <c>throw Exception;</c> of the user's code: it ends the call before any backward work, so reverse mode keeps it in
    /// the forward sweep only, and no derivative flows into the exception.
    /// </summary>
    public sealed record Throw(int Line, Expr Exception) : SimpleStmt(Line)
    {
        public override IReadOnlyList<Expr> Expressions() => new[] { Exception };

        public override int Assigned => 0;

        protected override Stmt With(IReadOnlyList<Expr> expressions) => this with { Exception = expressions[0] };

        /// <summary><c>throw new ArgumentException(message, nameof(parameter));</c></summary>
        public static Throw Argument(string message, string parameter) => new(0, new New(
            new NamedType("global::System.ArgumentException"),
            EquatableArray.Of<Expr>(new Const(Types.String, Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(message, quote: true), null), new Const(Types.String, $"nameof({parameter})", null))));
    }

    /// <summary><c>throw new ArgumentException(Message, nameof(Parameter))</c> when <see cref="Condition"/> holds.</summary>
    public sealed record ThrowIf(Expr Condition, string Message, string Parameter) : SimpleStmt(0)
    {
        public override IReadOnlyList<Expr> Expressions() => new[] { Condition };

        public override int Assigned => 0;

        protected override Stmt With(IReadOnlyList<Expr> expressions) => this with { Condition = expressions[0] };
    }

    /// <summary>A comment line in the generated code.</summary>
    public sealed record Comment(string Text) : PlainStmt(0);
}
