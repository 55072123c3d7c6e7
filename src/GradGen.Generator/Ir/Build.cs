using System.Collections.Generic;
using System.Linq;

namespace GradGen.Generator.Ir
{
    /// <summary>
    /// Builds derivative expressions, folding the trivial cases (×1, ×−1, +0) so generated code reads like hand-written
    /// code. A null expression stands for zero.
    /// </summary>
    internal static class Build
    {
        public static Const Num(IrType type, double value) => Literals.Number(type, value);

        /// <summary>Leaf <paramref name="index"/> of the aggregate <paramref name="aggregate"/> (<see cref="Types.Leaves"/>): <c>p.Item2</c>, <c>v.Position.Z</c>.</summary>
        public static Member Leaf(Expr aggregate, int index)
        {
            var (path, type) = Types.Split(aggregate.Type)![index];
            return new Member(type, aggregate, null, path);
        }

        public static bool IsConst(Expr e, double value) => e is Const { Value: { } v } && v == value;

        public static Expr? Add(Expr? a, Expr? b) => a is null ? b
            : b is null ? a
            : b is Unary { Op: UnaryOp.Minus } nb ? Sub(a, nb.Operand)
            : new Binary(Types.Arithmetic(a.Type, b.Type), BinaryOp.Add, a, b);

        public static Expr? Sub(Expr? a, Expr? b) => b is null ? a
            : a is null ? Neg(b)
            : b is Unary { Op: UnaryOp.Minus } nb ? Add(a, nb.Operand)
            : new Binary(Types.Arithmetic(a.Type, b.Type), BinaryOp.Subtract, a, b);

        public static Expr Neg(Expr a) => a switch
        {
            Unary { Op: UnaryOp.Minus } u => u.Operand,
            Const { Value: { } v } c when Types.IsReal(c.Type) => Num(c.Type, -v),
            _ => new Unary(a.Type, UnaryOp.Minus, a),
        };

        public static Expr Mul(Expr a, Expr b)
        {
            if (IsConst(a, 1))
            {
                return b;
            }

            if (IsConst(b, 1))
            {
                return a;
            }

            if (IsConst(a, -1))
            {
                return Neg(b);
            }

            if (IsConst(b, -1))
            {
                return Neg(a);
            }

            if (a is Unary { Op: UnaryOp.Minus } na)
            {
                return Neg(Mul(na.Operand, b));
            }

            return b is Unary { Op: UnaryOp.Minus } nb ? Neg(Mul(a, nb.Operand)) : new Binary(Types.Arithmetic(a.Type, b.Type), BinaryOp.Multiply, a, b);
        }

        public static Expr Div(Expr a, Expr b)
        {
            if (IsConst(b, 1))
            {
                return a;
            }

            return a is Unary { Op: UnaryOp.Minus } na ? Neg(Div(na.Operand, b)) : new Binary(Types.Arithmetic(a.Type, b.Type), BinaryOp.Divide, a, b);
        }

        public static Expr Cast(IrType type, Expr e) => e.Type == type ? e
            : e is Const { Value: { } v } && Types.IsReal(type) ? Num(type, v)
            : new TypeCast(type, e);

        /// <summary>
        /// A derivative through a conversion between reals, taken to <paramref name="type"/> (the result's, forward; the
        /// operand's, backward): as it is between float and double, whose derivative arithmetic C# widens, converted
        /// to or from a type parameter, which C# converts neither way implicitly.
        /// </summary>
        public static Expr ThroughConversion(IrType type, Expr derivative) =>
            type is TypeParameterType || derivative.Type is TypeParameterType ? Cast(type, derivative) : derivative;

        /// <summary>A zero of the shape of <paramref name="like"/>: 0 for a real, a zero-filled array for a collection.</summary>
        public static Expr Zero(Expr like)
        {
            if (Types.ElementType(like.Type) is not { } element)
            {
                return Num(like.Type, 0);
            }

            var lengths = Types.IsMatrix(like.Type)
                ? EquatableArray.Of<Expr>(LengthOf(like, 0), LengthOf(like, 1))
                : EquatableArray.Of<Expr>(new Member(Types.Int, like, null, "Length"));
            return new NewArray(Types.IsMatrix(like.Type) ? Types.Matrix(element) : Types.Array(element), element, lengths);
        }

        /// <summary>Sets a derivative buffer to zero: a real, an array or matrix, a span, or each field of a class instance.</summary>
        public static IEnumerable<Stmt> Clear(Var buffer) =>
            buffer.Type is ClassType model
                ? model.Fields.Select((f, i) => Types.IsReal(f.Type) ? (Stmt)new SetField(0, Leaf(buffer, i), Num(f.Type, 0))
                    : new ExprStmt(0, Shapes("Clear", EquatableArray.Of<Expr>(Leaf(buffer, i)))))
                : new[] { ClearOne(buffer) };

        private static Stmt ClearOne(Var buffer) =>
            Types.IsReal(buffer.Type) ? new Assign(0, buffer, AssignOp.Set, Num(buffer.Type, 0))
            : buffer.Type is TupleType or StructType ? new Assign(0, buffer, AssignOp.Set, new Const(buffer.Type, "default", null))
            : buffer.Type is SpanType { ReadOnly: false } ? new ExprStmt(0, new Call(Types.Void, buffer, null, "Clear", EquatableArray<Expr>.Empty))
            : Types.IsJagged(buffer.Type) ? new ExprStmt(0, Shapes("ClearRows", EquatableArray.Of<Expr>(buffer)))
            : new ExprStmt(0, new Call(Types.Void, null, "global::System.Array", "Clear", EquatableArray.Of<Expr>(buffer, Num(Types.Int, 0), Length(buffer))));

        /// <summary>Element <paramref name="index"/> of each of <paramref name="arrays"/>: an array of structs' element as its leaves (<c>ps_X[i]</c>, <c>ps_Y[i]</c>).</summary>
        public static List<Expr> Elements(IEnumerable<Expr> arrays, Expr index) =>
            arrays.Select(a => (Expr)new Index(a.Type.Element!, a, EquatableArray.Of(index))).ToList();

        /// <summary>
        /// <c>for (i = 0; i &lt; array.Length; i++)</c>: element i of an array of structs set from element i of its leaf
        /// arrays, or each leaf array's element i set from it, or added to (<paramref name="intoLeaves"/>, <paramref name="back"/>).
        /// </summary>
        public static For CopyElements(Expr array, IReadOnlyList<Expr> leaves, Var counter, bool intoLeaves, AssignOp back = AssignOp.Set)
        {
            var element = new Index(array.Type.Element!, array, EquatableArray.Of<Expr>(counter));
            var leafElements = Elements(leaves, counter);
            var body = intoLeaves
                ? leafElements.Select((l, k) => (Stmt)new Store(0, (Index)l, back, Leaf(element, k)))
                : new[] { new Store(0, element, AssignOp.Set, new AggregateValue(element.Type, leafElements.ToEquatableArray())) };
            return new For(0, counter, Num(Types.Int, 0), Compare(BinaryOp.Less, counter, Length(array)), LoopStep.Up, body.ToEquatableArray());
        }

        /// <summary>A check or clearing of derivative arrays, or a collection's elements, by the runtime's <c>Shapes</c> (see there why calls).</summary>
        /// <param name="type">What it returns when not a test (bool) nor a clearing (void).</param>
        public static Call Shapes(string name, EquatableArray<Expr> arrays, IrType? type = null) =>
            new(type ?? (name == "Clear" ? Types.Void : Types.Bool), null, "global::GradGen.Runtime.Shapes", name, arrays);

        /// <summary>
        /// Zeroes a derivative buffer just made from <paramref name="made"/> when that may be a <c>stackalloc</c>, which
        /// is zeroed only where the module does not skip locals' initialisation (<c>[SkipLocalsInit]</c>); nothing otherwise.
        /// </summary>
        public static IEnumerable<Stmt> ClearIfOnStack(Var buffer, Expr made) =>
            IrWalker.Stackallocs(made) ? Clear(buffer) : System.Array.Empty<Stmt>();

        /// <summary><c>a.Length</c> of an array or span.</summary>
        public static Expr Length(Expr array) => new Member(Types.Int, array, null, "Length");

        public static Expr LengthOf(Expr matrix, int dimension) =>
            new Call(Types.Int, matrix, null, "GetLength", EquatableArray.Of<Expr>(Num(Types.Int, dimension)));

        public static Expr Math(MathFunction function, IrType type, params Expr[] args) =>
            new Intrinsic(type, function, EquatableArray.Of(args));

        public static Expr Compare(BinaryOp op, Expr a, Expr b) => new Binary(Types.Bool, op, a, b);

        /// <summary><c>value == null</c> (or <c>!=</c>, by <paramref name="op"/>): a test of the reference itself.</summary>
        public static Expr NullTest(BinaryOp op, Expr value) => Compare(op, value, new Const(value.Type, "null", null));

        /// <summary>An int sum: constants folded, no zero term, and <c>e − 1 + 1</c> as e.</summary>
        public static Expr IntAdd(Expr a, Expr b) =>
            a is Const { Value: { } x } && b is Const { Value: { } y } ? Num(Types.Int, x + y)
            : IsConst(b, 0) ? a : IsConst(a, 0) ? b
            : IsConst(b, 1) && a is Binary { Op: BinaryOp.Subtract } less && IsConst(less.Right, 1) ? less.Left
            : new Binary(Types.Int, BinaryOp.Add, a, b);

        /// <summary>An int difference, without a zero term.</summary>
        public static Expr IntSub(Expr a, Expr b) => IsConst(b, 0) ? a : new Binary(Types.Int, BinaryOp.Subtract, a, b);

        /// <summary>An int product, constants folded, without a factor one.</summary>
        public static Expr IntMul(Expr a, Expr b) =>
            a is Const { Value: { } x } && b is Const { Value: { } y } ? Num(Types.Int, x * y)
            : IsConst(a, 0) || IsConst(b, 0) ? Num(Types.Int, 0)
            : IsConst(a, 1) ? b : IsConst(b, 1) ? a
            : new Binary(Types.Int, BinaryOp.Multiply, a, b);

        /// <summary>The larger of two ints, folded when both are constants.</summary>
        public static Expr IntMax(Expr a, Expr b) =>
            a is Const { Value: { } x } && b is Const { Value: { } y } ? Num(Types.Int, System.Math.Max(x, y))
            : a.Equals(b) ? a
            : Choose(Compare(BinaryOp.GreaterOrEqual, a, b), a, b);

        /// <summary><c>c ? a : b</c>, of the wider type when one is a float and the other a double (a float's partial times a double derivative).</summary>
        public static Expr Choose(Expr condition, Expr whenTrue, Expr whenFalse) =>
            new Conditional(Types.IsReal(whenTrue.Type) && Types.IsReal(whenFalse.Type) ? Types.Arithmetic(whenTrue.Type, whenFalse.Type) : whenTrue.Type, condition, whenTrue, whenFalse);
    }
}
