using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;

namespace GradGen.Generator.Lowering
{
    /// <summary>
    /// Rewrites <c>return</c>, <c>break</c> and <c>continue</c> into structured code, so that both modes only ever
    /// see assignments, ifs and loops. A return becomes an assignment to the result; when code would run after it,
    /// a flag skips that code. The common guard clause <c>if (c) return a; rest</c> becomes <c>if (c) ... else rest</c>
    /// with no flag at all.
    /// </summary>
    internal sealed class ControlFlowLowering
    {
        private readonly IReadOnlyList<Var> results;
        private readonly NameScope names;
        private readonly List<Var> locals;
        private readonly Stack<LoopFrame> loops = new();
        private Var? returned;

        private ControlFlowLowering(IReadOnlyList<Var> results, NameScope names, List<Var> locals)
        {
            this.results = results;
            this.names = names;
            this.locals = locals;
        }

        public static List<Stmt> Lower(IReadOnlyList<Stmt> body, IReadOnlyList<Var> results, NameScope names, List<Var> locals)
        {
            var lowering = new ControlFlowLowering(results, names, locals);
            var lowered = lowering.LowerList(body, tail: true, out _);
            if (lowering.returned is { } flag)
            {
                // Cleared where the body starts, not only where the local is declared: a body inlined into a loop runs again.
                lowered.Insert(0, Set(flag, false));
            }

            return lowered;
        }

        /// <summary>Lowers a statement list; <paramref name="exits"/> gets the flags it may set (jumps out of it).</summary>
        private List<Stmt> LowerList(IReadOnlyList<Stmt> statements, bool tail, out HashSet<Var> exits)
        {
            exits = new HashSet<Var>();
            var output = new List<Stmt>();
            var list = statements.ToList();
            for (var i = 0; i < list.Count; i++)
            {
                var statement = list[i];
                var last = i == list.Count - 1;
                if (statement is If branch && !last)
                {
                    // if (c) { ...; return; } rest  =>  if (c) { ...; return; } else { rest }
                    var rest = list.Skip(i + 1);
                    if (AlwaysJumps(branch.Then))
                    {
                        statement = branch with { Else = branch.Else.Concat(rest).ToEquatableArray() };
                        last = true;
                    }
                    else if (AlwaysJumps(branch.Else))
                    {
                        statement = branch with { Then = branch.Then.Concat(rest).ToEquatableArray() };
                        last = true;
                    }
                }

                output.AddRange(LowerStatement(statement, tail && last, out var statementExits));
                if (statement is Return or Break or Continue)
                {
                    exits.UnionWith(statementExits);
                    break;
                }

                if (last)
                {
                    exits.UnionWith(statementExits);
                    break;
                }

                if (statementExits.Count > 0)
                {
                    // Code after a statement that may have jumped runs only if it did not.
                    var remaining = LowerList(list.Skip(i + 1).ToList(), tail, out var restExits);
                    exits.UnionWith(statementExits);
                    exits.UnionWith(restExits);
                    output.Add(new If(0, NoneSet(statementExits), remaining.ToEquatableArray(), EquatableArray<Stmt>.Empty));
                    break;
                }
            }

            return output;
        }

        private List<Stmt> LowerStatement(Stmt statement, bool tail, out HashSet<Var> exits)
        {
            exits = new HashSet<Var>();
            switch (statement)
            {
                case Return ret:
                    // Runs at most once and nothing reads the result before: it overwrites nothing worth saving.
                    // An aggregate's leaves go to one result each (the parser returns aggregates as literals), one leaf too.
                    // A result returned as itself (an output array's local) needs no assignment.
                    var assigns = (ret.Value is AggregateValue aggregate ? aggregate.Items.AsEnumerable() : new[] { ret.Value! })
                        .Select((item, i) => (Item: item, Result: results[i]))
                        .Where(r => r.Item != r.Result)
                        .Select(r => (Stmt)new Assign(ret.Line, r.Result, AssignOp.Set, r.Item))
                        .ToList();
                    if (tail)
                    {
                        return assigns;
                    }

                    returned ??= Flag("returned");
                    exits.Add(returned);
                    assigns.Add(Set(returned, true));
                    return assigns;
                case Break:
                    var breakFrame = loops.Peek();
                    breakFrame.Broke ??= Flag("broke");
                    exits.Add(breakFrame.Broke);
                    return new List<Stmt> { Set(breakFrame.Broke, true) };
                case Continue:
                    var continueFrame = loops.Peek();
                    continueFrame.Continued ??= Flag("continued");
                    exits.Add(continueFrame.Continued);
                    return new List<Stmt> { Set(continueFrame.Continued, true) };
                case If branch:
                    var then = LowerList(branch.Then, tail, out var thenExits);
                    var otherwise = LowerList(branch.Else, tail, out var elseExits);
                    exits.UnionWith(thenExits);
                    exits.UnionWith(elseExits);
                    return new List<Stmt> { branch with { Then = then.ToEquatableArray(), Else = otherwise.ToEquatableArray() } };
                case While loop:
                    return LowerWhile(loop, exits);
                case For loop:
                    // The parser only makes a For when the body cannot break or return, so only continue remains.
                    var frame = new LoopFrame();
                    loops.Push(frame);
                    var body = LowerList(loop.Body, tail: false, out _);
                    loops.Pop();
                    return new List<Stmt> { loop with { Body = WithContinueReset(frame, body).ToEquatableArray() } };
                default:
                    return new List<Stmt> { statement };
            }
        }

        private List<Stmt> LowerWhile(While loop, HashSet<Var> exits)
        {
            var frame = new LoopFrame();
            loops.Push(frame);
            var body = LowerList(loop.Body, tail: false, out var bodyExits);
            var step = LowerList(loop.Step, tail: false, out _);
            loops.Pop();

            var leaves = new HashSet<Var>(bodyExits.Where(f => f == frame.Broke || f == returned));
            var statements = WithContinueReset(frame, body);
            if (step.Count > 0)
            {
                // A for loop's iterator runs after continue, but not after break or return.
                statements.AddRange(leaves.Count > 0 ? new List<Stmt> { new If(0, NoneSet(leaves), step.ToEquatableArray(), EquatableArray<Stmt>.Empty) } : step);
            }

            var condition = leaves.Count == 0 ? loop.Condition
                : loop.Condition is Const { Text: "true" } ? NoneSet(leaves)
                : new Binary(Types.Bool, BinaryOp.And, NoneSet(leaves), loop.Condition);
            if (bodyExits.Contains(returned!))
            {
                exits.Add(returned!);
            }

            var output = new List<Stmt>();
            if (frame.Broke is not null)
            {
                output.Add(Set(frame.Broke, false));
            }

            output.Add(new While(loop.Line, condition, statements.ToEquatableArray(), loop.ConditionAtEnd));
            return output;
        }

        private static List<Stmt> WithContinueReset(LoopFrame frame, List<Stmt> body)
        {
            if (frame.Continued is null)
            {
                return body;
            }

            var statements = new List<Stmt> { Set(frame.Continued, false) };
            statements.AddRange(body);
            return statements;
        }

        /// <summary>True when every path through the list ends in return, break or continue.</summary>
        private static bool AlwaysJumps(EquatableArray<Stmt> statements) =>
            statements.Count > 0 && statements[statements.Count - 1] switch
            {
                Return or Break or Continue => true,
                If branch => AlwaysJumps(branch.Then) && AlwaysJumps(branch.Else),
                _ => false,
            };

        private static Expr NoneSet(IEnumerable<Var> flags) =>
            flags.OrderBy(f => f.Name, System.StringComparer.Ordinal)
                .Select(f => (Expr)new Unary(Types.Bool, UnaryOp.Not, f))
                .Aggregate((a, b) => new Binary(Types.Bool, BinaryOp.And, a, b));

        private static Assign Set(Var flag, bool value) => new(0, flag, AssignOp.Set, new Const(Types.Bool, value ? "true" : "false", null));

        private Var Flag(string name)
        {
            var flag = new Var(Types.Bool, names.Fresh(name));
            locals.Add(flag);
            return flag;
        }

        private sealed class LoopFrame
        {
            public Var? Broke { get; set; }

            public Var? Continued { get; set; }
        }
    }
}
