namespace GradGen.Generator.Model
{
    /// <summary>A statement of the IR. <see cref="Line"/> is the 1-based source line it comes from, 0 if none.</summary>
    public abstract record Stmt(int Line);

    /// <summary><c>Target Op Value</c> with <see cref="Op"/> one of <c>=</c>, <c>+=</c>, <c>-=</c>.</summary>
    public sealed record Assign(int Line, Var Target, string Op, Expr Value) : Stmt(Line);

    /// <summary><c>Target Op Value</c> for an element of a local array (<see cref="Op"/> one of <c>=</c>, <c>+=</c>, <c>-=</c>).</summary>
    public sealed record Store(int Line, Index Target, string Op, Expr Value) : Stmt(Line);

    /// <summary>
    /// <c>(Targets...) = Value</c>: the elements of a tuple-valued call, or the value and tangent from a callee's Forward.
    /// A target is a variable, or a <see cref="TupleValue"/> of variables for a nested tuple.
    /// </summary>
    public sealed record AssignTuple(int Line, EquatableArray<Expr> Targets, Expr Value) : Stmt(Line)
    {
        /// <summary>Every variable assigned, nested ones included.</summary>
        public System.Collections.Generic.IEnumerable<Var> Variables =>
            System.Linq.Enumerable.SelectMany(Targets, t => t is TupleValue nested ? System.Linq.Enumerable.Cast<Var>(nested.Items) : new[] { (Var)t });
    }

    /// <summary>An expression evaluated for its effect (a call returning nothing, a tape push).</summary>
    public sealed record ExprStmt(int Line, Expr Expression) : Stmt(Line);

    public sealed record If(int Line, Expr Condition, EquatableArray<Stmt> Then, EquatableArray<Stmt> Else) : Stmt(Line);

    /// <summary><c>while</c> or, when <see cref="ConditionAtEnd"/>, <c>do ... while</c>.</summary>
    public sealed record While(int Line, Expr Condition, EquatableArray<Stmt> Body, bool ConditionAtEnd) : Stmt(Line)
    {
        /// <summary>A <c>for</c> loop's iterator statements: run after the body, and after a <c>continue</c>.</summary>
        public EquatableArray<Stmt> Step { get; init; } = EquatableArray<Stmt>.Empty;
    }

    /// <summary>
    /// A counted loop, <c>for (Var = Start; Condition; Step)</c>; <see cref="Step"/> is <c>++</c> or <c>--</c>.
    /// The parser produces it for canonical integer loops whose counter the body does not assign.
    /// </summary>
    public sealed record For(int Line, Var Counter, Expr Start, Expr Condition, string Step, EquatableArray<Stmt> Body) : Stmt(Line);

    public sealed record Return(int Line, Expr? Value) : Stmt(Line);

    public sealed record Break(int Line) : Stmt(Line);

    public sealed record Continue(int Line) : Stmt(Line);

    /// <summary>Declares a local of the generated method, with an optional initial value.</summary>
    public sealed record Declare(Var Variable, Expr? Value) : Stmt(0);

    /// <summary><c>throw new ArgumentException(Message, nameof(Parameter))</c> when <see cref="Condition"/> holds.</summary>
    public sealed record ThrowIf(Expr Condition, string Message, string Parameter) : Stmt(0);

    /// <summary>A comment line in the generated code.</summary>
    public sealed record Comment(string Text) : Stmt(0);
}
