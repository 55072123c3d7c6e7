using System.Collections.Generic;
using System.Linq;

namespace GradGen.Generator.Ir
{
    /// <summary>Walks IR: every statement of a body, and the variables code reads.</summary>
    internal static class IrWalker
    {
        /// <summary>Every statement of <paramref name="statements"/>, nested ones included, in order.</summary>
        public static IEnumerable<Stmt> AllStatements(IEnumerable<Stmt> statements)
        {
            foreach (var statement in statements)
            {
                yield return statement;
                foreach (var inner in AllStatements(statement.Blocks().SelectMany(b => b)))
                {
                    yield return inner;
                }
            }
        }

        /// <summary>The body of a <c>for</c> or <c>while</c> loop: its first block (a while loop's second is its step).</summary>
        public static EquatableArray<Stmt> LoopBody(Stmt loop) => loop.Blocks()[0];

        /// <summary>
        /// The name of every variable a statement writes, nested statements included, once per write: assignment
        /// targets, arrays stored into, loop counters, declared locals.
        /// </summary>
        public static IEnumerable<string> Writes(IEnumerable<Stmt> statements) => AllStatements(statements).SelectMany(WritesOf);

        /// <summary>The variables <paramref name="statements"/> give a new value, as <see cref="Writes"/> but without arrays only stored into (whose length stays).</summary>
        public static IEnumerable<string> Reassigned(IEnumerable<Stmt> statements) =>
            AllStatements(statements).Where(s => s is not Store).SelectMany(WritesOf);

        private static IEnumerable<string> WritesOf(Stmt statement) => statement switch
        {
            Assign a => new[] { a.Target.Name },
            Store st => new[] { ((Var)st.Target.Collection).Name },
            AssignTuple t => t.Variables.Select(v => v.Name),
            For f => new[] { f.Counter.Name },
            Declare d => new[] { d.Variable.Name },
            ExprStmt { Expression: PullbackCall p } => p.Adjoints.Select(a => a is Ref r ? r.Variable : a as Var).OfType<Var>().Select(v => v.Name),
            _ => Enumerable.Empty<string>(),
        };

        /// <summary>The arrays an array-valued expression may be (<c>a</c>, <c>flag ? a : b</c>): what <c>b = ...</c> makes b share elements with.</summary>
        public static IEnumerable<Var> ArraysReferenced(Expr value) => value switch
        {
            Var v when Types.ElementType(v.Type) is not null => new[] { v },
            Conditional c => ArraysReferenced(c.WhenTrue).Concat(ArraysReferenced(c.WhenFalse)),
            _ => Enumerable.Empty<Var>(),
        };

        /// <summary><paramref name="expr"/> and every expression inside it.</summary>
        public static IEnumerable<Expr> AllExpressions(Expr expr) =>
            new[] { expr }.Concat(expr.Children().SelectMany(AllExpressions));

        /// <summary>Whether <paramref name="expr"/> makes a <c>stackalloc</c> buffer.</summary>
        public static bool Stackallocs(Expr expr) => AllExpressions(expr).Any(e => e is NewArray { OnStack: true });

        public static void Reads(Expr expr, HashSet<string> into)
        {
            switch (expr)
            {
                case Var v:
                    into.Add(v.Name);
                    break;
                default:
                    foreach (var child in expr.Children())
                    {
                        Reads(child, into);
                    }

                    break;
            }
        }

        public static void Reads(IEnumerable<Stmt> statements, HashSet<string> into)
        {
            foreach (var statement in AllStatements(statements))
            {
                if (statement is Assign { Op: not AssignOp.Set } accumulate)
                {
                    into.Add(accumulate.Target.Name);
                }

                foreach (var expr in OwnExpressions(statement))
                {
                    Reads(expr, into);
                }
            }
        }

        public static bool ReadsVariable(Expr expr, string name)
        {
            var reads = new HashSet<string>();
            Reads(expr, reads);
            return reads.Contains(name);
        }

        /// <summary>The expressions a statement evaluates itself, not those of the statements it contains.</summary>
        public static IEnumerable<Expr> OwnExpressions(Stmt statement) => statement.Expressions().Skip(statement.Assigned);
    }
}
