using System;
using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Model;

namespace GradGen.Generator.Differentiation
{
    /// <summary>Rebuilds IR with every expression passed through a function, innermost first.</summary>
    internal static class IrRewriter
    {
        /// <summary>
        /// Maps every expression, innermost first, including the variables statements assign (a target's map must
        /// give a variable back).
        /// </summary>
        public static EquatableArray<Stmt> Map(EquatableArray<Stmt> statements, Func<Expr, Expr> map) =>
            statements.Select(s => Map(s, map)).ToEquatableArray();

        /// <summary>The statements, nested ones included, with their source line set to <paramref name="line"/>.</summary>
        public static EquatableArray<Stmt> AtLine(EquatableArray<Stmt> statements, int line) =>
            statements.Select(s => (s switch
            {
                If i => i with { Then = AtLine(i.Then, line), Else = AtLine(i.Else, line) },
                While w => w with { Body = AtLine(w.Body, line), Step = AtLine(w.Step, line) },
                For f => f with { Body = AtLine(f.Body, line) },
                _ => s,
            }) with { Line = s.Line == 0 ? 0 : line }).ToEquatableArray();

        /// <summary>A <c>for</c> or <c>while</c> loop with <paramref name="body"/> in place of its own.</summary>
        public static Stmt WithBody(Stmt loop, IEnumerable<Stmt> body) => loop switch
        {
            While w => w with { Body = body.ToEquatableArray() },
            For f => f with { Body = body.ToEquatableArray() },
            _ => loop,
        };

        private static Stmt Map(Stmt statement, Func<Expr, Expr> map) => statement switch
        {
            Assign a => a with { Target = (Var)Map(a.Target, map), Value = Map(a.Value, map) },
            Store s => s with { Target = (Index)Map(s.Target, map), Value = Map(s.Value, map) },
            AssignTuple t => t with { Targets = t.Targets.Select(e => Map(e, map)).ToEquatableArray(), Value = Map(t.Value, map) },
            ExprStmt e => e with { Expression = Map(e.Expression, map) },
            If i => i with { Condition = Map(i.Condition, map), Then = Map(i.Then, map), Else = Map(i.Else, map) },
            While w => w with { Condition = Map(w.Condition, map), Body = Map(w.Body, map), Step = Map(w.Step, map) },
            For f => f with { Counter = (Var)Map(f.Counter, map), Start = Map(f.Start, map), Condition = Map(f.Condition, map), Body = Map(f.Body, map) },
            Return { Value: { } value } r => r with { Value = Map(value, map) },
            Declare d => d with { Variable = (Var)Map(d.Variable, map), Value = d.Value is null ? null : Map(d.Value, map) },
            ThrowIf t => t with { Condition = Map(t.Condition, map) },
            _ => statement,
        };

        private static Expr Map(Expr expr, Func<Expr, Expr> map)
        {
            EquatableArray<Expr> All(EquatableArray<Expr> items) => items.Select(e => Map(e, map)).ToEquatableArray();
            Expr? Maybe(Expr? e) => e is null ? null : Map(e, map);

            return map(expr switch
            {
                Unary u => u with { Operand = Map(u.Operand, map) },
                Binary b => b with { Left = Map(b.Left, map), Right = Map(b.Right, map) },
                Conditional c => c with { Condition = Map(c.Condition, map), WhenTrue = Map(c.WhenTrue, map), WhenFalse = Map(c.WhenFalse, map) },
                TypeCast c => c with { Operand = Map(c.Operand, map) },
                Intrinsic i => i with { Args = All(i.Args) },
                Call c => c with { Receiver = Maybe(c.Receiver), Args = All(c.Args) },
                DiffCall d => d with { Receiver = Maybe(d.Receiver), Args = All(d.Args) },
                Member m => m with { Receiver = Maybe(m.Receiver) },
                Index i => i with { Collection = Map(i.Collection, map), Indices = All(i.Indices) },
                NewArray n => n with { Lengths = All(n.Lengths) },
                TupleValue t => t with { Items = All(t.Items) },
                _ => expr,
            });
        }
    }
}
