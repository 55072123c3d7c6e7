using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Emit;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;
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
            new(0, I, new Const(Types.Int, "0", 0), new Binary(Types.Bool, BinaryOp.Less, I, N), LoopStep.Up, body.ToEquatableArray());

        private static For Backward(params Stmt[] body) =>
            new(0, I, new Binary(Types.Int, BinaryOp.Subtract, N, new Const(Types.Int, "1", 1)), new Binary(Types.Bool, BinaryOp.GreaterOrEqual, I, new Const(Types.Int, "0", 0)), LoopStep.Down, body.ToEquatableArray());

        private static string Text(IEnumerable<Stmt> body)
        {
            var writer = new IndentedWriter();
            CodeWriter.Statements(writer, body);
            return writer.ToString();
        }

        private static PassContext Context(Var? tape = null, string[]? adjoints = null, string[]? derivatives = null, params string[] methodLocals) =>
            new(new NameScope(new[] { "s", "a", "x", "i", "n", "tape" }), tape, new HashSet<string>(methodLocals), new HashSet<string>(adjoints ?? new string[0]), new HashSet<string>(derivatives ?? new string[0]));

        private static List<Stmt> WithTape(params Stmt[] body) =>
            new[] { (Stmt)new Declare(Tape, new TapeOp(TapeOp.TapeType, TapeOperation.Rent, null, EquatableArray<Expr>.Empty)) }.Concat(body).ToList();

        [Fact]
        public void TapeCursors_ServeReservedRecordsAndTakebacksThroughLocalCursors()
        {
            var body = WithTape(
                Loop(TapeOp.Statement(TapeOperation.PushReserved, Tape, X), new Assign(0, X, AssignOp.Set, new Binary(Types.Double, BinaryOp.Multiply, X, X))),
                Backward(new Assign(0, X, AssignOp.Set, new TapeOp(Types.Double, TapeOperation.PopReal, Tape, EquatableArray<Expr>.Empty))));

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
            var body = new List<Stmt> { Loop(new Assign(0, s, AssignOp.Add, new Index(Types.Double, new Var(Types.Array(Types.Double), "a"), EquatableArray.Of<Expr>(I)))) };
            var rewritten = LoopLocals.Apply(body, Context(methodLocals: "s"));

            Assert.Equal(
                "double s_loop = s;\nfor (i = 0; i < n; i++)\n{\n    s_loop += a[i];\n}\ns = s_loop;\n",
                Text(rewritten).Replace("\r\n", "\n"));

            // A variable that is not method-wide (a parameter) is left as it is.
            Assert.Equal(Text(body), Text(LoopLocals.Apply(body, Context())));
        }
    
        [Fact]
        public void ReservedRecords_ReserveACountedLoopsRecordsOnceAndMakeThemReserved()
        {
            var forward = new List<Stmt> { Loop(TapeOp.Statement(TapeOperation.Push, Tape, X), new Assign(0, X, AssignOp.Set, new Binary(Types.Double, BinaryOp.Multiply, X, X))) };
            var rewritten = ReservedRecords.Apply(forward, Context(Tape));

            // n trips of one real each, reserved before the loop, then recorded without a check.
            Assert.Equal(
                "tape.Reserve(n, 1, 0);\nfor (i = 0; i < n; i++)\n{\n    tape.PushReserved(x);\n    x = x * x;\n}\n",
                Text(rewritten).Replace("\r\n", "\n"));

            // Without a tape, or when the body changes the bound, nothing is reserved.
            Assert.Equal(Text(forward), Text(ReservedRecords.Apply(forward, Context())));
            var changesBound = new List<Stmt> { Loop(TapeOp.Statement(TapeOperation.Push, Tape, X), new Assign(0, N, AssignOp.Set, new Binary(Types.Int, BinaryOp.Subtract, N, new Const(Types.Int, "1", 1)))) };
            Assert.Equal(Text(changesBound), Text(ReservedRecords.Apply(changesBound, Context(Tape))));
        }

        [Fact]
        public void ReservedRecords_AnOuterLoopTakesOverTheReservationOfItsInnerLoop()
        {
            var j = new Var(Types.Int, "j");
            var inner = new For(0, j, new Const(Types.Int, "0", 0), new Binary(Types.Bool, BinaryOp.Less, j, new Const(Types.Int, "3", 3)), LoopStep.Up, EquatableArray.Of<Stmt>(TapeOp.Statement(TapeOperation.Push, Tape, X)));
            var rewritten = ReservedRecords.Apply(new List<Stmt> { Loop(inner) }, Context(Tape));

            // One reservation for the nest, before the outer loop: 3 records per outer trip.
            var reservations = IrWalker.AllStatements(rewritten).Where(s => s is ExprStmt { Expression: TapeOp { Operation: TapeOperation.Reserve } }).ToList();
            Assert.Single(reservations);
            Assert.DoesNotContain(((For)rewritten.Last()).Body, s => s is ExprStmt { Expression: TapeOp { Operation: TapeOperation.Reserve } });
            Assert.Contains("tape.Reserve(n, 3, 0);", Text(rewritten));
        }

        [Fact]
        public void DeadAdjointResets_DropResetsNothingLaterReads()
        {
            var xAdj = new Var(Types.Double, "x_adj");
            var dX = new Var(Types.Double, "dX");
            var zero = new Const(Types.Double, "0", 0);
            var backward = new List<Stmt>
            {
                new Comment("line 1"),
                new Assign(1, xAdj, AssignOp.Set, zero),
                new Assign(0, dX, AssignOp.Add, xAdj),
                new Comment("line 2"),
                new Assign(2, xAdj, AssignOp.Set, zero),
            };
            var rewritten = DeadAdjointResets.Apply(backward, Context(adjoints: new[] { "x_adj" }, derivatives: new[] { "dX" }));

            // The first reset is read by dX += x_adj: kept; the last is read by nothing: dropped with its line's comment.
            Assert.Equal("// line 1\nx_adj = 0;\ndX += x_adj;\n", Text(rewritten).Replace("\r\n", "\n"));

            // A reset of a variable that is not an adjoint is primal code: kept.
            Assert.Equal(Text(backward), Text(DeadAdjointResets.Apply(backward, Context(derivatives: new[] { "dX" }))));
        }

        [Fact]
        public void Pipeline_ListsEachPassOnceInItsOrder_AndEachKindRunsThoseOfItsStages()
        {
            Assert.Equal(
                new[] { "Inlining", "SplitReversal", "ValueReuse", "Recomputation", "ReservedRecords", "DeadAdjointResets", "LoopLocals", "TapeCursors" },
                PassPipeline.All.Select(p => p.Name));
            Assert.Equal(Optimizations.All, PassPipeline.All.Aggregate(Optimizations.None, (all, p) => all | p.Switch));

            string[] Of(DerivativeKind kind) => PassPipeline.For(DerivativeKindInfo.All.Single(k => k.Kind == kind)).Select(p => p.Name).ToArray();
            Assert.Equal(new[] { "Inlining", "SplitReversal", "ValueReuse" }, Of(DerivativeKind.Forward));
            Assert.Equal(PassPipeline.All.Select(p => p.Name), Of(DerivativeKind.Reverse));
            Assert.Equal(new[] { "Inlining", "SplitReversal", "ValueReuse", "Recomputation", "ReservedRecords", "DeadAdjointResets", "LoopLocals" }, Of(DerivativeKind.Jacobian));
            Assert.Equal(PassPipeline.All.Select(p => p.Name), Of(DerivativeKind.Hessian));

            // A switched-off pass does not run; the others still do.
            var loop = new List<Stmt> { Loop(new Assign(0, new Var(Types.Double, "s"), AssignOp.Add, X)) };
            Assert.Equal(Text(loop), Text(new PassPipeline(Optimizations.All & ~Optimizations.LoopLocals).Run(PassStage.ForwardSweep, loop, Context(methodLocals: "s"))));
            Assert.Contains("s_loop", Text(new PassPipeline(Optimizations.All).Run(PassStage.ForwardSweep, loop, Context(methodLocals: "s"))));
        }

        private static DiffMethodModel Model(string name, Parameter[] parameters, Var[] locals, Var result, params Stmt[] body) =>
            new(name, name, null, EquatableArray<TypeDecl>.Empty, name, "public static", true, Types.Double, parameters.ToEquatableArray(),
                locals.Append(result).ToEquatableArray(), EquatableArray.Of(result), body.ToEquatableArray(), DerivativeKind.Forward | DerivativeKind.Reverse, 1);

        [Fact]
        public void ValueReuse_ReadsAMathValueFromTheLocalThePrimalComputedItIn()
        {
            var c = new Var(Types.Double, "c");
            var s = new Var(Types.Double, "s");
            var z = new Var(Types.Double, "z");
            var y = new Var(Types.Double, "y");
            Intrinsic Of(MathFunction f) => new(Types.Double, f, EquatableArray.Of<Expr>(X));
            var body = new Stmt[]
            {
                new Assign(1, c, AssignOp.Set, Of(MathFunction.Cos)),
                Loop(new Assign(2, z, AssignOp.Set, Of(MathFunction.Sin))),
                new Assign(3, y, AssignOp.Set, new Binary(Types.Double, BinaryOp.Multiply, c, z)),
            };
            var model = Model("F", new[] { new Parameter("x", Types.Double, true), new Parameter("n", Types.Int, false) }, new[] { c, z }, y, body);

            var reuse = new ValueReuse(model, enabled: true);
            Assert.True(reuse.Stable("x") && reuse.Stable("c"));
            Assert.False(reuse.Stable("z"));   // written in a loop: it has earlier values
            var values = new Dictionary<Intrinsic, Var>();
            foreach (var statement in body)
            {
                reuse.Note(statement, values);
            }

            // cos x is in c; sin x, computed in a loop into z, is not a value the derivative may read.
            Assert.Equal(new[] { Of(MathFunction.Cos) }, values.Keys);
            var derivative = new Assign(0, new Var(Types.Double, "x_adj"), AssignOp.Add, new Binary(Types.Double, BinaryOp.Multiply, Of(MathFunction.Cos), Of(MathFunction.Sin)));
            Assert.Equal("x_adj += c * global::System.Math.Sin(x);\n", Text(new[] { ValueReuse.Apply(derivative, values) }).Replace("\r\n", "\n"));

            // Switched off, nothing is noted, so nothing is reused.
            var none = new Dictionary<Intrinsic, Var>();
            new ValueReuse(model, enabled: false).Note(body[0], none);
            Assert.Empty(none);
        }

        [Fact]
        public void CallInlining_PutsTheCalleesBodyInPlaceOfTheCall()
        {
            var u = new Var(Types.Double, "u");
            var r = new Var(Types.Double, "r");
            var callee = Model("G", new[] { new Parameter("u", Types.Double, true) }, new Var[0], r,
                new Assign(1, r, AssignOp.Set, new Binary(Types.Double, BinaryOp.Multiply, u, u)));
            var y = new Var(Types.Double, "y");
            var call = new DiffCall(Types.Double, null, "global::T", "G", EquatableArray.Of<Expr>(X), EquatableArray.Of(true)) { CalleeKey = "G" };
            var caller = new MethodResult("F", Model("F", new[] { new Parameter("x", Types.Double, true) }, new Var[0], y, new Assign(1, y, AssignOp.Set, call)),
                EquatableArray.Of("G"), EquatableArray<string>.Empty);
            var registry = InlineRegistry.Create(new[] { CallInlining.Candidate(new MethodResult("G", callee, EquatableArray<string>.Empty, EquatableArray<string>.Empty))! });

            var inlined = CallInlining.Apply(caller, registry).Model!;
            Assert.DoesNotContain(IrWalker.AllStatements(inlined.Body).SelectMany(IrWalker.OwnExpressions).SelectMany(IrWalker.AllExpressions), e => e is DiffCall);
            var text = Text(inlined.Body);
            Assert.Contains("x * x", text);
            Assert.Empty(IrVerifier.Prepared(inlined));

            // A callee the registry does not hold stays a call.
            Assert.Same(caller, CallInlining.Apply(caller, InlineRegistry.Create(new InlineCallee[0])));
        }
    }
}
