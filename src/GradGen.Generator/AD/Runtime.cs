using GradGen.Generator.Ir;

namespace GradGen.Generator.AD
{
    /// <summary>The GradGen runtime types generated code uses.</summary>
    internal static class Runtime
    {
        /// <summary><c>Tape tape = Tape.Rent();</c></summary>
        public static Stmt RentTape(Var tape) => new Declare(tape, new TapeOp(TapeOp.TapeType, TapeOperation.Rent, null, EquatableArray<Expr>.Empty));

        /// <summary><c>Tape.Return(tape);</c></summary>
        public static Stmt ReturnTape(Var tape) => new ExprStmt(0, new TapeOp(Types.Void, TapeOperation.Return, null, EquatableArray.Of<Expr>(tape)));

        /// <summary><c>tape.Rent&lt;T&gt;(lengths)</c>: a zeroed buffer of <paramref name="type"/> (<c>T[]</c> or <c>T[,]</c>) lent until the tape is returned.</summary>
        public static TapeOp RentBuffer(Var tape, IrType type, params Expr[] lengths) => new(type, TapeOperation.RentBuffer, tape, lengths.ToEquatableArray());

        /// <summary>Throws, naming <paramref name="matrix"/>, unless it is a <paramref name="rows"/> × <paramref name="columns"/> matrix.</summary>
        public static Stmt RequireShape(Var matrix, Expr rows, Expr columns, string message) =>
            new ThrowIf(
                new Binary(Types.Bool, BinaryOp.Or, Build.NullTest(BinaryOp.Equal, matrix), new Binary(Types.Bool, BinaryOp.Or, Build.Compare(BinaryOp.NotEqual, Build.LengthOf(matrix, 0), rows), Build.Compare(BinaryOp.NotEqual, Build.LengthOf(matrix, 1), columns))),
                $"{matrix.Name} {message}",
                matrix.Name);

        /// <summary><c>tape.Push(value)</c>: a real (a generic one as a double), an int, a bool or an array as it is, anything else as an object.</summary>
        public static Stmt Push(Var tape, Expr value) =>
            TapeOp.Statement(TapeOperation.Push, tape, value.Type is TypeParameterType ? new TypeCast(Types.Double, value)
                : Types.IsReal(value.Type) || (value.Type == Types.Int || value.Type == Types.Bool) || Types.ElementType(value.Type) is not null ? value : new TypeCast(Types.Object, value));

        /// <summary>The value of <paramref name="type"/> that <see cref="Push"/> recorded last, taken back.</summary>
        public static Expr Pop(Var tape, IrType type) => type switch
        {
            ScalarType { Kind: ScalarKind.Bool } => new TapeOp(type, TapeOperation.PopBool, tape, EquatableArray<Expr>.Empty),
            ScalarType { Kind: ScalarKind.Int } => new TapeOp(type, TapeOperation.PopInt, tape, EquatableArray<Expr>.Empty),
            ScalarType { Kind: ScalarKind.Double } => new TapeOp(type, TapeOperation.PopReal, tape, EquatableArray<Expr>.Empty),
            ScalarType { Kind: ScalarKind.Float } or TypeParameterType => new TypeCast(type, new TapeOp(Types.Double, TapeOperation.PopReal, tape, EquatableArray<Expr>.Empty)),
            _ => new TypeCast(type, new TapeOp(Types.Object, TapeOperation.PopObject, tape, EquatableArray<Expr>.Empty)),
        };
    }
}
