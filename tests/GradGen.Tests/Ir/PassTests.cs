using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Emit;
using GradGen.Generator.Ir;
using GradGen.Generator.Optimize;
using Xunit;
using Index = GradGen.Generator.Ir.Index;

namespace GradGen.Tests.Ir
{
    /// <summary>
    /// Optional passes on hand-built IR (through InternalsVisibleTo): what each rewrites and what it must leave alone,
    /// checked on the nodes and on the C# they print as. Their numerical effect (none) is checked end to end by
    /// <c>Regression/OptimizationSwitchTests</c> and the differential fuzzer.
    /// </summary>
    public class PassTests
    {
        private static readonly Var Tape = new(TapeOp.TapeType, "tape");
        private static readonly Var X = new(Types.Double, "x");
        private static readonly Var I = new(Types.Int, "i");
        private static readonly Var N = new(Types.Int, "n");

        private static For Loop(params Stmt[] body) =>
            new(0, I, new Const(Types.Int, "0", 0), new Binary(Types.Bool, "<", I, N), "++", body.ToEquatableArray());

        private static For Backward(params Stmt[] body) =>
            new(0, I, new Binary(Types.Int, "-", N, new Const(Types.Int, "1", 1)), new Binary(Types.Bool, ">=", I, new Const(Types.Int, "0", 0)), "--", body.ToEquatableArray());

        private static string Text(IEnumerable<Stmt> body)
        {
            var writer = new IndentedWriter();
            CodeWriter.Statements(writer, body);
            return writer.ToString();
        }

        private static List<Stmt> WithTape(params Stmt[] body) =>
            new[] { (Stmt)new Declare(Tape, new TapeOp(TapeOp.TapeType, TapeOperation.Rent, null, EquatableArray<Expr>.Empty)) }.Concat(body).ToList();

        [Fact]
        public void TapeCursors_ServeReservedRecordsAndTakebacksThroughLocalCursors()
        {
            var body = WithTape(
                Loop(TapeOp.Statement(TapeOperation.PushReserved, Tape, X), new Assign(0, X, "=", new Binary(Types.Double, "*", X, X))),
                Backward(new Assign(0, X, "=", new TapeOp(Types.Double, TapeOperation.PopReal, Tape, EquatableArray<Expr>.Empty))));

            var rewritten = TapeCursors.Apply(body, new NameScope(new[] { "x", "i", "n", "tape" }));
            var text = Text(rewritten);

            // No record or takeback is left in a loop: each went through the cursor, the count given back after it.
            Assert.DoesNotContain(IrWalker.AllStatements(rewritten).Where(s => s is For).SelectMany(l => IrWalker.AllStatements(((For)l).Body)),
                s => IrWalker.OwnExpressions(s).SelectMany(IrWalker.AllExpressions).Any(e => e is TapeOp { Operation: TapeOperation.PushReserved or TapeOperation.PopReal }));
            Assert.Contains("tape_reals[tape_realTop] = x;", text);
            Assert.Matches(@"tape_realTop\w* -= 1;\s*x = tape_reals\w*\[tape_realTop\w*\];", text);
            Assert.Equal(2, rewritten.Count(s => s is ExprStmt { Expression: TapeOp { Operation: TapeOperation.SetRealCount } }));
        }

        [Fact]
        public void TapeCursors_LeaveALoopThatMayGrowTheTape()
        {
            // A record that checks for room (not reserved) may replace the buffer: no cursor may hold it.
            var body = WithTape(Loop(TapeOp.Statement(TapeOperation.Push, Tape, X)));
            Assert.Equal(Text(body), Text(TapeCursors.Apply(body, new NameScope(new[] { "x", "i", "n", "tape" }))));
        }

        [Fact]
        public void LoopLocals_CopyAMethodScalarIntoTheLoopAndBack()
        {
            var s = new Var(Types.Double, "s");
            var body = new List<Stmt> { Loop(new Assign(0, s, "+=", new Index(Types.Double, new Var("double[]", "a"), EquatableArray.Of<Expr>(I)))) };
            var rewritten = LoopLocals.Apply(body, new HashSet<string> { "s" }, new NameScope(new[] { "s", "a", "i", "n" }));

            Assert.Equal(
                "double s_loop = s;\nfor (i = 0; i < n; i++)\n{\n    s_loop += a[i];\n}\ns = s_loop;\n",
                Text(rewritten).Replace("\r\n", "\n"));

            // A variable that is not method-wide (a parameter) is left as it is.
            Assert.Equal(Text(body), Text(LoopLocals.Apply(body, new HashSet<string>(), new NameScope(new[] { "s", "a", "i", "n" }))));
        }
    }
}
