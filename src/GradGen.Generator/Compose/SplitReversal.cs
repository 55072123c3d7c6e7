using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.AD;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;

namespace GradGen.Generator.Compose
{
    /// <summary>
    /// Split reversal of calls between [Differentiable] methods (Tapenade's split mode; its default, and GradGen's
    /// before, is joint mode). Joint: a caller's forward sweep runs the callee's primal, its backward sweep the callee's
    /// Reverse, which runs the primal again with records, then its backward sweep; so every call's primal runs twice, and
    /// in a recursion of depth d the deepest calls' primals d + 1 times (GradBench's det: the gradient's cost grew with
    /// the matrix size). Split: the caller's forward sweep calls the callee's Record, its forward sweep recording on the
    /// caller's tape and leaving there, last, the state its backward sweep starts from; the caller's backward sweep
    /// calls the callee's Backward, which takes that state back and runs the backward sweep. Every primal runs once; the
    /// price is memory, as a callee's records stay on the tape until the caller's backward sweep takes them back.
    /// </summary>
    internal static class SplitReversal
    {
        /// <summary>
        /// Whether <paramref name="model"/>'s generated code has a Record and a Backward that callers reverse split calls
        /// through: a static method with Reverse whose generated parameters are its declared ones (no struct, collection
        /// or jagged parameter taken apart into leaves, no output array or out/ref output), no operator, and whose state
        /// at the cut between the sweeps goes on a tape as it is: its locals, and the parameters it assigns, are reals,
        /// integers, bools or arrays (a span cannot go on the heap; any other value would be boxed).
        /// </summary>
        private static bool Offers(DiffMethodModel model, Optimizations optimizations) =>
            (optimizations & Optimizations.SplitReversal) != 0
            && model.IsStatic
            && (model.Kinds & DerivativeKind.Reverse) != 0
            && model.Output is null
            && model.ExtraOutputs.Count == 0
            && Operators.UserDefined(model.Name) is null
            && model.Parameters.All(p => p.Slot is null)
            && model.Locals.All(l => Recordable(l.Type))
            && !IrWalker.Writes(model.Body).Intersect(model.Parameters.Where(p => !Recordable(p.Type)).Select(p => p.Name)).Any();

        private static bool Recordable(IrType type) => type is ScalarType or TypeParameterType or ArrayType;

        /// <summary>
        /// The halves' modifiers: as accessible as the method (a private type in its signature must stay legal), but no
        /// more than internal (they are no part of the public API).
        /// </summary>
        public static string Modifiers(DiffMethodModel model)
        {
            var access = model.Modifiers.Substring(0, model.Modifiers.Length - " static".Length);
            return (access switch
            {
                "public" or "protected internal" => "internal",
                "protected" => "private protected",
                _ => access,
            }) + " static";
        }

        /// <summary>
        /// The keys of the methods whose calls are reversed split: those that offer it and that a method with Reverse calls
        /// (after inlining). Such a method's generated code has its Record and Backward, and its callers' Reverse calls
        /// them; any other has neither. Sorted, so it compares equal while these do not change.
        /// </summary>
        public static EquatableArray<string> Registry(IEnumerable<DiffMethodModel?> models, Optimizations optimizations)
        {
            var all = models.OfType<DiffMethodModel>().ToList();
            var called = new HashSet<string>(all
                .Where(m => (m.Kinds & DerivativeKind.Reverse) != 0)
                .SelectMany(m => IrWalker.AllStatements(m.Body).SelectMany(IrWalker.OwnExpressions).SelectMany(IrWalker.AllExpressions))
                .OfType<DiffCall>()
                .Where(Splittable)
                .Select(c => c.CalleeKey!));
            return all.Where(m => called.Contains(m.Key) && Offers(m, optimizations)).Select(m => m.Key).Distinct().OrderBy(k => k, System.StringComparer.Ordinal).ToEquatableArray();
        }

        /// <summary>A call of a [Differentiable] method through its generated derivatives as they are: no user-written ones, no receiver, no arguments packed into aggregates.</summary>
        public static bool Splittable(DiffCall call) => call is { Custom: null, Receiver: null, Packed.Count: 0, CalleeKey: not null };

        /// <summary>
        /// Record's and Backward's bodies from Reverse's <paramref name="sweeps"/>, working on the caller's tape, the
        /// parameter <paramref name="callerTape"/>. The state at the cut is every variable the forward sweep writes and the
        /// backward sweep reads: Record pushes it after its forward sweep, Backward pops it before its backward sweep.
        /// When the tape holds <c>Tape.SplitLimit</c> values already, Record runs <paramref name="primal"/> and Backward
        /// <paramref name="reverse"/> instead (joint reversal, on a tape of the callee's own): the last record, a flag,
        /// says which.
        /// </summary>
        public static (List<Stmt> Record, List<Stmt> Backward) Halves(DiffMethodModel model, Sweeps sweeps, Var callerTape, NameScope names, Expr primal, Expr reverse)
        {
            var tape = sweeps.Tape ?? new Var(TapeOp.TapeType, names.Fresh("tape"));
            var written = new HashSet<string>(IrWalker.Writes(sweeps.Forward));
            var read = new HashSet<string>();
            IrWalker.Reads(sweeps.Backward, read);
            var state = sweeps.Locals.Concat(sweeps.Declarations).OfType<Declare>().Select(d => d.Variable)
                .Concat(sweeps.Adjoints.Select(a => a.Adjoint))
                .Concat(model.Parameters.Select(p => new Var(p.Type, p.Name)))
                .Where(v => written.Contains(v.Name) && read.Contains(v.Name) && v.Name != tape.Name)
                .ToList();
            if (state.FirstOrDefault(v => !Recordable(v.Type)) is { } other)
            {
                // Offers rules these out; reported as GradGen's own error (GG0021), never emitted.
                throw new System.InvalidOperationException($"split reversal: '{other.Name}' ({other.Type}) is live between the sweeps");
            }

            var useTape = new Declare(tape, callerTape);
            var split = new Var(Types.Bool, names.Fresh("split"));
            var value = new Var(model.ReturnType, names.Fresh("value"));
            var recorded = sweeps.Forward
                .Concat(state.Select(v => Runtime.Push(tape, v)))
                .Append(new Assign(0, value, AssignOp.Set, sweeps.Returned));
            var record = sweeps.Locals
                .Concat(sweeps.Adjoints.Select(a => new Declare(a.Adjoint, Types.IsReal(a.Adjoint.Type) ? Build.Num(a.Adjoint.Type, 0) : null)))
                .Concat(sweeps.Declarations)
                .Append(useTape)
                .Append(new Declare(value, null))
                .Append(new Declare(split, new TapeOp(Types.Bool, TapeOperation.RoomToSplit, tape, EquatableArray<Expr>.Empty)))
                .Append(new If(0, split, recorded.ToEquatableArray(), EquatableArray.Of<Stmt>(new Assign(0, value, AssignOp.Set, primal))))
                .Append(Runtime.Push(tape, split))
                .Append(new Return(0, value))
                .ToList();
            var taken = Enumerable.Reverse(state).Select(v => (Stmt)new Assign(0, v, AssignOp.Set, Runtime.Pop(tape, v.Type))).Concat(sweeps.Backward);
            var backward = sweeps.Locals
                .Concat(sweeps.Adjoints.Select(a => new Declare(a.Adjoint, a.Initial)))
                .Concat(sweeps.Declarations)
                .Append(useTape)
                .Append(new If(0, Runtime.Pop(tape, Types.Bool), taken.ToEquatableArray(), EquatableArray.Of<Stmt>(new ExprStmt(0, reverse))))
                .ToList();
            return (record, backward);
        }
    }
}
