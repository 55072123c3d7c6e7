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
    }
}
