namespace GradGen.Generator.Model
{
    /// <summary>An expression of the IR. <see cref="Type"/> is C# source text: <c>double</c>, <c>int</c>, or a global:: name.</summary>
    public abstract record Expr(string Type);

    /// <summary>A literal, kept as the C# text that spells it; <see cref="Value"/> is set for numbers.</summary>
    public sealed record Const(string Type, string Text, double? Value) : Expr(Type);

    /// <summary>A local, a parameter, or a variable GradGen introduced.</summary>
    public sealed record Var(string Type, string Name) : Expr(Type);

    /// <summary>A field or property read: of <see cref="Receiver"/>, or static on <see cref="StaticType"/>. A constant for AD.</summary>
    public sealed record Member(string Type, Expr? Receiver, string? StaticType, string Name) : Expr(Type);

    /// <summary><c>this</c>.</summary>
    public sealed record This(string Type) : Expr(Type);

    public sealed record Unary(string Type, string Op, Expr Operand) : Expr(Type);

    public sealed record Binary(string Type, string Op, Expr Left, Expr Right) : Expr(Type);

    public sealed record Conditional(string Type, Expr Condition, Expr WhenTrue, Expr WhenFalse) : Expr(Type);

    /// <summary>An explicit or implicit numeric conversion to <see cref="Expr.Type"/>.</summary>
    public sealed record TypeCast(string Type, Expr Operand) : Expr(Type);

    /// <summary>A <c>Math</c>/<c>MathF</c> function GradGen knows the derivative of.</summary>
    public sealed record Intrinsic(string Type, MathFunction Function, EquatableArray<Expr> Args) : Expr(Type);

    /// <summary>
    /// A call through which no derivative flows: on <see cref="Receiver"/> or static on <see cref="StaticType"/>.
    /// Also the runtime helpers generated code calls (the tape).
    /// </summary>
    public sealed record Call(string Type, Expr? Receiver, string? StaticType, string Name, EquatableArray<Expr> Args) : Expr(Type);

    /// <summary>
    /// A call to another [Differentiable] method; <see cref="Wrt"/> says which arguments have derivatives.
    /// After preparation every differentiable argument is a variable or a constant, and the call is the whole right-hand side.
    /// </summary>
    public sealed record DiffCall(
        string Type,
        Expr? Receiver,
        string? StaticType,
        string Name,
        EquatableArray<Expr> Args,
        EquatableArray<bool> Wrt) : Expr(Type)
    {
        /// <summary>Set when the callee is no [Differentiable] method: its derivatives are user-written [DerivativeOf] methods.</summary>
        public CustomDerivatives? Custom { get; init; }

        /// <summary>The key of a [Differentiable] callee (see <see cref="DiffMethodModel.Key"/>): what inlining looks it up by.</summary>
        public string? CalleeKey { get; init; }
    }

    /// <summary>The [DerivativeOf] methods of a callee: its key (<see cref="TargetKey"/>) when parsed, and the methods to call once bound.</summary>
    public sealed record CustomDerivatives(string TargetKey)
    {
        public CustomDerivative? Forward { get; init; }

        public CustomDerivative? Reverse { get; init; }

        public CustomDerivative? ReverseTangent { get; init; }
    }

    /// <summary>
    /// A callee's Reverse in the backward sweep: <see cref="Callee"/>'s arguments, the seed, then where the adjoint of
    /// each differentiable argument accumulates (a <see cref="Ref"/> to a real, or an array).
    /// </summary>
    public sealed record PullbackCall(DiffCall Callee, Expr Seed, EquatableArray<Expr> Adjoints) : Expr(Types.Void);

    /// <summary>An element of an array, matrix or span: <c>a[i]</c>, <c>m[i, j]</c>.</summary>
    public sealed record Index(string Type, Expr Collection, EquatableArray<Expr> Indices) : Expr(Type);

    /// <summary><c>new T[n]</c> or <c>new T[m, n]</c>, zero-filled.</summary>
    public sealed record NewArray(string Type, string ElementType, EquatableArray<Expr> Lengths) : Expr(Type)
    {
        /// <summary><c>stackalloc T[n]</c> into a span rather than a heap array.</summary>
        public bool OnStack { get; init; }
    }

    /// <summary>A tuple literal <c>(a, b)</c>.</summary>
    public sealed record TupleValue(string Type, EquatableArray<Expr> Items) : Expr(Type);

    /// <summary>A <c>ref</c> argument: how generated code hands adjoint accumulators to a callee's Reverse.</summary>
    public sealed record Ref(string Type, Var Variable) : Expr(Type)
    {
        /// <summary><c>ref</c>, or <c>out</c> for a parameter the callee overwrites.</summary>
        public string Keyword { get; init; } = "ref";
    }

    public enum MathFunction
    {
        Sin, Cos, Tan, Asin, Acos, Atan, Atan2, Sinh, Cosh, Tanh,
        Exp, Log, Log2, Log10, Pow, Sqrt, Cbrt, Abs, Min, Max, Clamp, FusedMultiplyAdd,
        Floor, Ceiling, Round, Truncate,
    }
}
