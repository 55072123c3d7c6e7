using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Model;

namespace GradGen.Generator.Ir
{
    /// <summary>
    /// The invariants of each dialect: parsed (what the frontend gives), prepared (what lowering gives and every
    /// transform relies on) and generated (the tape protocol of derivative bodies). The tests run them on every model
    /// and body the corpus builds, so a break is found where it is made, not where a later step trips on it.
    /// </summary>
    internal static class IrVerifier
    {
        /// <summary>
        /// Every way <paramref name="model"/>'s body breaks the parsed dialect's rules (what the frontend gives); empty
        /// when it keeps them. Only generated code has tape operations, pullbacks, <c>ref</c> arguments, declarations,
        /// argument checks, compound assignments and comments; a variable is a symbol: one name per parameter or local of the method (the frontend
        /// renames shadowing locals), used everywhere with the type it was declared with (up to a nullable annotation
        /// flow adds).
        /// </summary>
        public static IEnumerable<string> Parsed(DiffMethodModel model)
        {
            var declared = new Dictionary<string, IrType>();
            // A split parameter is in scope too (a class instance's other members are read from it).
            var split = model.Parameters.Where(p => p.Slot is { Index: 0 }).Select(p => (Name: p.Slot!.Parameter, Type: p.Slot.Aggregate));
            foreach (var variable in model.Parameters.Select(p => (p.Name, p.Type)).Concat(split).Concat(model.Locals.Select(l => (l.Name, l.Type))))
            {
                if (declared.ContainsKey(variable.Name))
                {
                    yield return $"'{variable.Name}' is declared twice";
                }

                declared[variable.Name] = variable.Type;
            }

            foreach (var statement in IrWalker.AllStatements(model.Body))
            {
                if (statement is Declare or ThrowIf or Comment)
                {
                    yield return $"line {statement.Line}: {statement.GetType().Name}, which only generated code has";
                }

                if (statement is Assign { Op: not AssignOp.Set } or Store { Op: not AssignOp.Set })
                {
                    // The transforms read v += e as the parser writes it, v = v + e.
                    yield return $"line {statement.Line}: a compound assignment, which only generated code has";
                }

                foreach (var e in statement.Expressions().SelectMany(IrWalker.AllExpressions))
                {
                    switch (e)
                    {
                        case PullbackCall or TapeOp or Ref:
                            yield return $"line {statement.Line}: {e.GetType().Name}, which only generated code has";
                            break;
                        case Var v when !declared.TryGetValue(v.Name, out var type):
                            yield return $"line {statement.Line}: '{v.Name}' is neither a parameter nor a declared local";
                            break;
                        case Var v when Types.Shape(v.Type) != Types.Shape(declared[v.Name]):
                            yield return $"line {statement.Line}: '{v.Name}' is used as {v.Type} but declared {declared[v.Name]}";
                            break;
                    }
                }
            }
        }

        /// <summary>
        /// Every way <paramref name="model"/>'s body breaks the prepared dialect's rules (what <c>Lowering/Preparation</c>
        /// gives); empty when it keeps them: the parsed dialect's, no <c>return</c>, <c>break</c> or <c>continue</c>
        /// left, and a [Differentiable] call in value position is a whole assigned value with variable or constant
        /// derivative arguments.
        /// </summary>
        public static IEnumerable<string> Prepared(DiffMethodModel model)
        {
            foreach (var problem in Parsed(model))
            {
                yield return problem;
            }

            foreach (var statement in IrWalker.AllStatements(model.Body))
            {
                if (statement is Return or Break or Continue)
                {
                    yield return $"line {statement.Line}: {statement.GetType().Name} left after control-flow lowering";
                }

                var roots = IrWalker.OwnExpressions(statement).ToList();
                var whole = statement is Assign or AssignTuple && roots.Count == 1 && roots[0] is DiffCall root ? root : null;
                foreach (var call in roots.SelectMany(ValueCalls).Where(c => !ReferenceEquals(c, whole)))
                {
                    yield return $"line {statement.Line}: a call of {call.Name} that is not a whole assigned value";
                }

                foreach (var call in statement.Expressions().SelectMany(IrWalker.AllExpressions).OfType<DiffCall>()
                    .Where(call => call.Args.Where((_, i) => call.Wrt[i]).Any(a => a is not (Var or Const))))
                {
                    yield return $"line {statement.Line}: a differentiable argument of {call.Name} that is not a variable or a constant";
                }
            }
        }

        /// <summary>
        /// Every way a generated body breaks the tape protocol and the generated dialect; empty when it keeps them. A tape
        /// is rented (declared from <c>Tape.Rent()</c>) before any operation on it and returned once, at the top level,
        /// after all of them, or is a caller's (declared from a tape parameter: split reversal's halves) and never
        /// returned; a record into reserved room lies in a loop that a reservation on that tape precedes (in the
        /// same block, or around an enclosing loop); a cursor's count is given back only after it was read; no
        /// <c>break</c> or <c>continue</c> is left, and a <c>return</c> only ends the body.
        /// </summary>
        public static IEnumerable<string> Generated(IReadOnlyList<Stmt> body)
        {
            var problems = new List<string>();
            var rented = new HashSet<Var>();
            var callers = new HashSet<Var>();
            var returned = new HashSet<Var>();
            var counted = new HashSet<(Var, TapeOperation)>();
            Block(body, topLevel: true, reservedFor: new HashSet<Var>(), inLoop: false);
            return problems;

            void Block(IReadOnlyList<Stmt> block, bool topLevel, HashSet<Var> reservedFor, bool inLoop)
            {
                var reservedHere = new HashSet<Var>(reservedFor);
                for (var i = 0; i < block.Count; i++)
                {
                    var statement = block[i];
                    switch (statement)
                    {
                        case Break or Continue:
                            problems.Add($"{statement.GetType().Name} left in generated code");
                            break;
                        case Return when !topLevel || i != block.Count - 1:
                            problems.Add("a return that does not end the body");
                            break;
                        case Declare { Variable: var tape, Value: TapeOp { Operation: TapeOperation.Rent } }:
                            rented.Add(tape);
                            break;
                        case Declare { Variable: var tape, Value: Var { Type: var type } } when type == TapeOp.TapeType:
                            rented.Add(tape);
                            callers.Add(tape);
                            break;
                    }

                    foreach (var op in IrWalker.OwnExpressions(statement).SelectMany(IrWalker.AllExpressions).OfType<TapeOp>())
                    {
                        Operation(op, topLevel, inLoop ? reservedHere : reservedFor);
                    }

                    // A reservation covers the loop after it (in an if that tests its trip count, or bare) and every loop inside that.
                    var reservation = (statement is If { Then: { Count: 1 } guarded, Else.Count: 0 } ? guarded[0] : statement) is ExprStmt { Expression: TapeOp { Operation: TapeOperation.Reserve, Tape: Var reserving } }
                        ? reserving
                        : null;
                    var isLoop = statement is For or While;
                    foreach (var inner in statement.Blocks())
                    {
                        Block(inner, topLevel: false, isLoop ? reservedHere : reservedFor, inLoop || isLoop);
                    }

                    reservedHere = new HashSet<Var>(reservedFor);
                    if (reservation is not null)
                    {
                        reservedHere.Add(reservation);
                    }
                }
            }

            void Operation(TapeOp op, bool topLevel, HashSet<Var> reserved)
            {
                var tape = op.Operation == TapeOperation.Return ? op.Args[0] as Var : op.Tape as Var;
                if (tape is null)
                {
                    return;
                }

                if (!rented.Contains(tape))
                {
                    problems.Add($"{op.Operation} on '{tape.Name}' before it is rented");
                }

                if (returned.Contains(tape))
                {
                    problems.Add($"{op.Operation} on '{tape.Name}' after it is returned");
                }

                switch (op.Operation)
                {
                    case TapeOperation.Return:
                        returned.Add(tape);
                        if (callers.Contains(tape))
                        {
                            problems.Add($"'{tape.Name}', a caller's tape, returned");
                        }

                        if (!topLevel)
                        {
                            problems.Add($"'{tape.Name}' returned inside a block");
                        }

                        break;
                    case TapeOperation.PushReserved or TapeOperation.PushAllReserved when !reserved.Contains(tape):
                        problems.Add($"{op.Operation} on '{tape.Name}' in no loop a reservation precedes");
                        break;
                    case TapeOperation.RealCount or TapeOperation.IntCount:
                        counted.Add((tape, op.Operation));
                        break;
                    case TapeOperation.SetRealCount when !counted.Contains((tape, TapeOperation.RealCount)):
                    case TapeOperation.SetIntCount when !counted.Contains((tape, TapeOperation.IntCount)):
                        problems.Add($"{op.Operation} on '{tape.Name}' before its count was read");
                        break;
                }
            }
        }

        /// <summary>
        /// The [Differentiable] calls whose value a derivative can flow through: not those under a bool or an int (a
        /// condition, an index), which are evaluated as written.
        /// </summary>
        private static IEnumerable<DiffCall> ValueCalls(Expr e) => e switch
        {
            DiffCall call => e.Children().SelectMany(ValueCalls).Prepend(call),
            _ when !Types.IsReal(e.Type) && Types.Leaves(e.Type) is null => Enumerable.Empty<DiffCall>(),
            _ => e.Children().SelectMany(ValueCalls),
        };
    }
}
