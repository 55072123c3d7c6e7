using System.Collections.Generic;
using System.Linq;

namespace GradGen.Generator.Ir
{
    /// <summary>
    /// An expression of the IR. <see cref="Type"/> is its <see cref="IrType"/>.
    /// Each node defines its children once, here: every walker, analysis and rewriter goes through
    /// <see cref="Children"/> and <see cref="WithChildren"/>, so a new node is one record with these two members.
    /// </summary>
    public abstract record Expr(IrType Type)
    {
        /// <summary>The expressions directly inside, in evaluation order: operands, receivers, arguments, indices, items.</summary>
        public abstract IReadOnlyList<Expr> Children();

        /// <summary>This node with <see cref="Children"/> replaced, in the same order (a child that must be a variable stays one).</summary>
        public abstract Expr WithChildren(IReadOnlyList<Expr> children);

        private protected static IReadOnlyList<Expr> None { get; } = new Expr[0];

        private protected static IReadOnlyList<Expr> List(Expr? first, IEnumerable<Expr> rest) =>
            (first is null ? rest : rest.Prepend(first)).ToArray();

        /// <summary>The receiver (if there is one) and the rest of <paramref name="children"/>, as <see cref="List"/> made them.</summary>
        private protected static (Expr? Receiver, EquatableArray<Expr> Others) Split(bool hasReceiver, IReadOnlyList<Expr> children) =>
            hasReceiver ? (children[0], children.Skip(1).ToEquatableArray()) : (null, children.ToEquatableArray());
    }

    /// <summary>A node without children.</summary>
    public abstract record Leaf(IrType Type) : Expr(Type)
    {
        public sealed override IReadOnlyList<Expr> Children() => None;

        public sealed override Expr WithChildren(IReadOnlyList<Expr> children) => this;
    }

    /// <summary>A literal, kept as the C# text that spells it; <see cref="Value"/> is set for numbers.</summary>
    public sealed record Const(IrType Type, string Text, double? Value) : Leaf(Type);

    /// <summary>A local, a parameter, or a variable GradGen introduced.</summary>
    public sealed record Var(IrType Type, string Name) : Leaf(Type);

    /// <summary>A field or property read: of <see cref="Receiver"/>, or static on <see cref="StaticType"/>. A constant for AD.</summary>
    public sealed record Member(IrType Type, Expr? Receiver, string? StaticType, string Name) : Expr(Type)
    {
        public override IReadOnlyList<Expr> Children() => Receiver is null ? None : new[] { Receiver };

        public override Expr WithChildren(IReadOnlyList<Expr> children) => this with { Receiver = Receiver is null ? null : children[0] };
    }

    /// <summary><c>this</c>.</summary>
    public sealed record This(IrType Type) : Leaf(Type);

    public sealed record Unary(IrType Type, UnaryOp Op, Expr Operand) : Expr(Type)
    {
        public override IReadOnlyList<Expr> Children() => new[] { Operand };

        public override Expr WithChildren(IReadOnlyList<Expr> children) => this with { Operand = children[0] };
    }

    public sealed record Binary(IrType Type, BinaryOp Op, Expr Left, Expr Right) : Expr(Type)
    {
        public override IReadOnlyList<Expr> Children() => new[] { Left, Right };

        public override Expr WithChildren(IReadOnlyList<Expr> children) => this with { Left = children[0], Right = children[1] };
    }

    public sealed record Conditional(IrType Type, Expr Condition, Expr WhenTrue, Expr WhenFalse) : Expr(Type)
    {
        public override IReadOnlyList<Expr> Children() => new[] { Condition, WhenTrue, WhenFalse };

        public override Expr WithChildren(IReadOnlyList<Expr> children) => this with { Condition = children[0], WhenTrue = children[1], WhenFalse = children[2] };
    }

    /// <summary>An explicit or implicit numeric conversion to <see cref="Expr.Type"/>.</summary>
    public sealed record TypeCast(IrType Type, Expr Operand) : Expr(Type)
    {
        public override IReadOnlyList<Expr> Children() => new[] { Operand };

        public override Expr WithChildren(IReadOnlyList<Expr> children) => this with { Operand = children[0] };
    }

    /// <summary>A <c>Math</c>/<c>MathF</c> function GradGen knows the derivative of.</summary>
    public sealed record Intrinsic(IrType Type, MathFunction Function, EquatableArray<Expr> Args) : Expr(Type)
    {
        public override IReadOnlyList<Expr> Children() => Args;

        public override Expr WithChildren(IReadOnlyList<Expr> children) => this with { Args = children.ToEquatableArray() };
    }

    /// <summary>
    /// A call through which no derivative flows: on <see cref="Receiver"/> or static on <see cref="StaticType"/>.
    /// Also the runtime helpers generated code calls (the tape).
    /// </summary>
    public sealed record Call(IrType Type, Expr? Receiver, string? StaticType, string Name, EquatableArray<Expr> Args) : Expr(Type)
    {
        /// <summary>For a callee's derivative, the aggregates its arguments make, as <see cref="DiffCall.Packed"/>.</summary>
        public EquatableArray<ArgumentGroup> Packed { get; init; }

        /// <summary>A generic method's type arguments as written after its name (<c>&lt;T&gt;</c>, <c>&lt;double&gt;</c>), or empty.</summary>
        public string TypeArguments { get; init; } = string.Empty;

        public override IReadOnlyList<Expr> Children() => List(Receiver, Args);

        public override Expr WithChildren(IReadOnlyList<Expr> children)
        {
            var (receiver, args) = Split(Receiver is not null, children);
            return this with { Receiver = receiver, Args = args };
        }
    }

    /// <summary><c>new Type(Args)</c> of an object no derivative flows into: the exception of a <c>throw</c>.</summary>
    public sealed record New(IrType Type, EquatableArray<Expr> Args) : Expr(Type)
    {
        public override IReadOnlyList<Expr> Children() => Args;

        public override Expr WithChildren(IReadOnlyList<Expr> children) => this with { Args = children.ToEquatableArray() };
    }

    /// <summary>
    /// A call to another [Differentiable] method; <see cref="Wrt"/> says which arguments have derivatives.
    /// After preparation every differentiable argument is a variable or a constant, and the call is the whole right-hand side.
    /// </summary>
    public sealed record DiffCall(
        IrType Type,
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

        /// <summary>A generic callee's type arguments (<c>&lt;T&gt;</c>): its derivatives are called with them too.</summary>
        public string TypeArguments { get; init; } = string.Empty;

        /// <summary>
        /// Empty, or, when the callee takes a differentiated tuple or struct, how its arguments make its declared
        /// parameters: such an aggregate takes one argument per leaf, as the callee's model has one parameter per leaf.
        /// Compose/CallPacking makes the aggregates in the finished body.
        /// </summary>
        public EquatableArray<ArgumentGroup> Packed { get; init; }

        /// <summary>
        /// Set in a Reverse body when the call is reversed split (see <c>SplitReversal</c>): the forward sweep calls the
        /// callee's Record, which leaves on this tape what its Backward, called in the backward sweep, takes back.
        /// </summary>
        public Var? Tape { get; init; }

        public override IReadOnlyList<Expr> Children() => Tape is null ? List(Receiver, Args) : List(Receiver, Args.Append(Tape));

        public override Expr WithChildren(IReadOnlyList<Expr> children)
        {
            var (receiver, args) = Split(Receiver is not null, Tape is null ? children : children.Take(children.Count - 1).ToArray());
            return this with { Receiver = receiver, Args = args, Tape = Tape is null ? null : (Var)children[children.Count - 1] };
        }
    }

    /// <summary>A declared parameter of a call whose aggregates are split (<see cref="DiffCall.Packed"/>): the aggregate its leaf arguments make, or one argument as it is.</summary>
    public sealed record ArgumentGroup(IrType? Aggregate)
    {
        public static readonly ArgumentGroup AsIs = new((IrType?)null);

        /// <summary>An aggregate of adjoints the callee adds into (a Reverse's), rather than a value it reads.</summary>
        public bool Accumulates { get; init; }

        /// <summary>How many of the call's arguments the parameter takes.</summary>
        public int Count => Aggregate is null ? 1 : Types.Split(Aggregate)!.Length;
    }

    /// <summary>
    /// One user-written [DerivativeOf] method: of which method (<see cref="TargetKey"/>), which derivative it stands for,
    /// and how to call it: static on <see cref="StaticType"/>, or on the receiver of the call when null.
    /// </summary>
    public sealed record CustomDerivative(string TargetKey, CalleeDerivative Kind, string Name, string? StaticType, string MethodKey);

    /// <summary>The derivative methods of a callee that a caller's derivatives call: generated ones, or [DerivativeOf] methods standing for them.</summary>
    [System.Flags]
    public enum CalleeDerivative
    {
        None = 0,

        /// <summary><c>FForward</c>, which the caller's Forward calls.</summary>
        Forward = 1,

        /// <summary><c>FReverse</c>, which the caller's Reverse calls.</summary>
        Reverse = 2,

        /// <summary><c>FReverseTangent</c> (forward mode over Reverse), which the caller's Hessian methods call.</summary>
        ReverseTangent = 4,
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
    public sealed record PullbackCall(DiffCall Callee, Expr Seed, EquatableArray<Expr> Adjoints) : Expr(Types.Void)
    {
        public override IReadOnlyList<Expr> Children() => Callee.Children().Append(Seed).Concat(Adjoints).ToArray();

        public override Expr WithChildren(IReadOnlyList<Expr> children)
        {
            int own = Callee.Children().Count;
            return this with
            {
                Callee = (DiffCall)Callee.WithChildren(children.Take(own).ToArray()),
                Seed = children[own],
                Adjoints = children.Skip(own + 1).ToEquatableArray(),
            };
        }
    }

    /// <summary>An element of an array, matrix or span: <c>a[i]</c>, <c>m[i, j]</c>.</summary>
    public sealed record Index(IrType Type, Expr Collection, EquatableArray<Expr> Indices) : Expr(Type)
    {
        public override IReadOnlyList<Expr> Children() => List(Collection, Indices);

        public override Expr WithChildren(IReadOnlyList<Expr> children) => this with { Collection = children[0], Indices = children.Skip(1).ToEquatableArray() };
    }

    /// <summary><c>new T[n]</c> or <c>new T[m, n]</c>, zero-filled.</summary>
    public sealed record NewArray(IrType Type, IrType ElementType, EquatableArray<Expr> Lengths) : Expr(Type)
    {
        /// <summary><c>stackalloc T[n]</c> into a span rather than a heap array.</summary>
        public bool OnStack { get; init; }

        public override IReadOnlyList<Expr> Children() => Lengths;

        public override Expr WithChildren(IReadOnlyList<Expr> children) => this with { Lengths = children.ToEquatableArray() };
    }

    /// <summary>An aggregate made from its items: a tuple literal <c>(a, b)</c>, or a struct from its leaves (<see cref="Types.Leaves"/>).</summary>
    public sealed record AggregateValue(IrType Type, EquatableArray<Expr> Items) : Expr(Type)
    {
        public override IReadOnlyList<Expr> Children() => Items;

        public override Expr WithChildren(IReadOnlyList<Expr> children) => this with { Items = children.ToEquatableArray() };
    }

    /// <summary>A <c>ref</c> argument: how generated code hands adjoint accumulators to a callee's Reverse.</summary>
    public sealed record Ref(IrType Type, Var Variable) : Expr(Type)
    {
        public PassedAs Passed { get; init; } = PassedAs.Ref;

        public override IReadOnlyList<Expr> Children() => new[] { Variable };

        public override Expr WithChildren(IReadOnlyList<Expr> children) => this with { Variable = (Var)children[0] };
    }

    public enum MathFunction
    {
        Sin, Cos, Tan, Asin, Acos, Atan, Atan2, Sinh, Cosh, Tanh,
        Exp, Log, Log2, Log10, Pow, Sqrt, Cbrt, Abs, Min, Max, Clamp, FusedMultiplyAdd,
        Floor, Ceiling, Round, Truncate,
    }
}
