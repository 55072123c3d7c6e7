using System.Collections.Generic;
using System.Linq;

namespace GradGen.Generator.Ir
{
    /// <summary>
    /// What generated code does with the runtime tape (<c>GradGen.Runtime.Tape</c>). The forward sweep records values the
    /// backward sweep needs and takes them back in reverse order; loops of known trip count reserve room first and then
    /// record into it without checks; derivative buffers are lent by the tape and given back with it.
    /// </summary>
    public enum TapeOperation
    {
        /// <summary><c>Tape.Rent()</c>: a pooled tape (static).</summary>
        Rent,

        /// <summary><c>Tape.Return(tape)</c>: back to the pool with every buffer it lent (static).</summary>
        Return,

        /// <summary><c>tape.Push(v)</c>: a real, an int, a bool, an array reference or an object.</summary>
        Push,

        /// <summary><c>tape.PushReserved(v)</c>: a real, an int or a bool into room a <see cref="Reserve"/> made.</summary>
        PushReserved,

        /// <summary><c>tape.PushAll(a[, b])</c>: the contents of whole arrays.</summary>
        PushAll,

        /// <summary><c>tape.PushAllReserved(a[, b])</c>: the same into reserved room.</summary>
        PushAllReserved,

        /// <summary><c>tape.PopReal()</c>, <c>PopInt()</c>, <c>PopBool()</c>, <c>PopObject()</c>: a value taken back.</summary>
        PopReal,
        PopInt,
        PopBool,
        PopObject,

        /// <summary><c>tape.PopAll(a[, b])</c>: whole arrays put back, in the reverse order of their <see cref="PushAll"/>.</summary>
        PopAll,

        /// <summary><c>tape.Reserve(trips, realsPerTrip, intsPerTrip)</c>.</summary>
        Reserve,

        /// <summary><c>tape.Rent&lt;T&gt;(n)</c> or <c>(rows, columns)</c>: a zeroed buffer lent until the tape is returned.</summary>
        RentBuffer,

        /// <summary><c>tape.Reals</c>, <c>tape.RealCount</c>, <c>tape.Ints</c>, <c>tape.IntCount</c>: a buffer and its count, for a cursor.</summary>
        Reals,
        RealCount,
        Ints,
        IntCount,

        /// <summary><c>tape.RoomToSplit</c>: whether a callee may still record on the tape (split reversal).</summary>
        RoomToSplit,

        /// <summary><c>tape.SetRealCount(top)</c>, <c>tape.SetIntCount(top)</c>: a cursor's count given back.</summary>
        SetRealCount,
        SetIntCount,

        /// <summary><c>Tape.PushAllAt(buffer, top, a[, b])</c>, <c>Tape.PopAllAt(...)</c>: whole arrays through a cursor, returning the new top (static).</summary>
        PushAllAt,
        PopAllAt,
    }

    /// <summary>
    /// An operation on the tape <see cref="Tape"/> (null for the static ones): a node of its own, so passes match
    /// operations, not method names, and the writer alone knows how each is spelled.
    /// </summary>
    public sealed record TapeOp(IrType Type, TapeOperation Operation, Expr? Tape, EquatableArray<Expr> Args) : Expr(Type)
    {
        /// <summary>The runtime type.</summary>
        public static readonly IrType TapeType = new NamedType("global::GradGen.Runtime.Tape");

        public override IReadOnlyList<Expr> Children() => List(Tape, Args);

        public override Expr WithChildren(IReadOnlyList<Expr> children)
        {
            var (tape, args) = Split(Tape is not null, children);
            return this with { Tape = tape, Args = args };
        }

        /// <summary>A statement that performs an operation returning nothing.</summary>
        public static Stmt Statement(TapeOperation operation, Expr tape, params Expr[] args) =>
            new ExprStmt(0, new TapeOp(Types.Void, operation, tape, args.ToEquatableArray()));

        /// <summary>Whether the operation takes one value back.</summary>
        public bool IsPop => Operation is TapeOperation.PopReal or TapeOperation.PopInt or TapeOperation.PopBool or TapeOperation.PopObject;

        /// <summary>The record made in room already reserved, for a record; the operation itself otherwise.</summary>
        public static TapeOperation Reserved(TapeOperation record) => record switch
        {
            TapeOperation.Push => TapeOperation.PushReserved,
            TapeOperation.PushAll => TapeOperation.PushAllReserved,
            _ => record,
        };

        /// <summary>The record that checks for room, for a record into reserved room; the operation itself otherwise.</summary>
        public static TapeOperation Unreserved(TapeOperation record) => record switch
        {
            TapeOperation.PushReserved => TapeOperation.Push,
            TapeOperation.PushAllReserved => TapeOperation.PushAll,
            _ => record,
        };
    }
}
