using System;
using System.Collections.Generic;
using System.Linq;

namespace GradGen.Generator.Ir
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
            statements.Select(s => s.With(s.Expressions(), s.Blocks().Select(b => AtLine(b, line)).ToArray()) with { Line = s.Line == 0 ? 0 : line }).ToEquatableArray();

        /// <summary>A <c>for</c> or <c>while</c> loop with <paramref name="body"/> in place of its own.</summary>
        public static Stmt WithBody(Stmt loop, IEnumerable<Stmt> body) =>
            loop is While or For ? loop.With(loop.Expressions(), loop.Blocks().Select((b, i) => i == 0 ? body.ToEquatableArray() : b).ToArray()) : loop;

        private static Stmt Map(Stmt statement, Func<Expr, Expr> map) =>
            statement.With(statement.Expressions().Select(e => Map(e, map)).ToArray(), statement.Blocks().Select(b => Map(b, map)).ToArray());

        public static Expr Map(Expr expr, Func<Expr, Expr> map) =>
            map(expr.WithChildren(expr.Children().Select(e => Map(e, map)).ToArray()));
    }
}
