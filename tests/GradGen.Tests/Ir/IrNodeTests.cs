using System;
using System.Collections.Generic;
using System.Linq;
using GradGen.Generator;
using GradGen.Generator.Emit;
using GradGen.Generator.Ir;
using Index = GradGen.Generator.Ir.Index;
using Microsoft.CodeAnalysis;
using Xunit;

namespace GradGen.Tests.Ir
{
    /// <summary>
    /// Every IR node defines its children once (<see cref="Expr.Children"/>/<see cref="Expr.WithChildren"/>,
    /// <see cref="Stmt.Expressions"/>/<see cref="Stmt.Blocks"/>/<see cref="Stmt.With"/>), and every walker and rewriter goes
    /// through them. These tests hold each node to it: rebuilding from its own children gives it back, and replacing the
    /// children puts each replacement where it was read from. A node added without a sample here fails the coverage check.
    /// </summary>
    public class IrNodeTests
    {
        private static readonly Var X = new(Types.Double, "x");
        private static readonly Var A = new(Types.Array(Types.Double), "a");
        private static readonly Var I = new(Types.Int, "i");
        private static readonly Const One = new(Types.Double, "1.0", 1);

        private static DiffCall Callee(Expr? receiver) =>
            new(Types.Double, receiver, receiver is null ? "global::N.T" : null, "G", EquatableArray.Of<Expr>(X, One), EquatableArray.Of(true, false));

        /// <summary>One of each expression node, several where a node's children depend on an optional part.</summary>
        public static IEnumerable<Expr> Expressions() => new Expr[]
        {
            One,
            X,
            new This(new NamedType("global::N.T")),
            new Member(Types.Double, null, "global::N.T", "K"),
            new Member(Types.Double, new This(new NamedType("global::N.T")), null, "K"),
            new Unary(Types.Double, UnaryOp.Minus, X),
            new Binary(Types.Double, BinaryOp.Multiply, X, One),
            new Conditional(Types.Double, new Binary(Types.Bool, BinaryOp.Greater, X, One), X, One),
            new TypeCast(Types.Float, X),
            new Intrinsic(Types.Double, MathFunction.Atan2, EquatableArray.Of<Expr>(X, One)),
            new Call(Types.Double, null, "global::N.T", "H", EquatableArray.Of<Expr>(One)),
            new Call(Types.Int, A, null, "GetLength", EquatableArray.Of<Expr>(new Const(Types.Int, "0", 0))),
            Callee(null),
            Callee(new This(new NamedType("global::N.T"))),
            new PullbackCall(Callee(new This(new NamedType("global::N.T"))), One, EquatableArray.Of<Expr>(new Ref(Types.Double, new Var(Types.Double, "x_adj")), new Ref(Types.Double, new Var(Types.Double, "y_adj")))),
            new Index(Types.Double, A, EquatableArray.Of<Expr>(I)),
            new NewArray(Types.Array(Types.Double), Types.Double, EquatableArray.Of<Expr>(I)),
            new New(new NamedType("global::System.ArgumentException"), EquatableArray.Of<Expr>(new Const(Types.String, "\"x\"", null), X)),
            new AggregateValue(Types.Tuple((Types.Double, ""), (Types.Double, "")), EquatableArray.Of<Expr>(X, One)),
            new Ref(Types.Double, X),
            new TapeOp(Types.Void, TapeOperation.Push, new Var(TapeOp.TapeType, "tape"), EquatableArray.Of<Expr>(X)),
            new TapeOp(Types.Int, TapeOperation.PopAllAt, null, EquatableArray.Of<Expr>(A, I, A)),
        };

        public static IEnumerable<Stmt> Statements()
        {
            var block = EquatableArray.Of<Stmt>(new Assign(3, X, AssignOp.Add, One));
            var other = EquatableArray.Of<Stmt>(new Break(4), new Continue(5));
            return new Stmt[]
            {
                new Assign(1, X, AssignOp.Set, One),
                new Store(1, new Index(Types.Double, A, EquatableArray.Of<Expr>(I)), AssignOp.Subtract, X),
                new SetField(1, new Member(Types.Double, new Var(new ClassType("global::N.C", EquatableArray.Of(new StructField("W", Types.Double))), "c"), null, "W"), X),
                new AssignTuple(1, EquatableArray.Of<Expr>(X, new AggregateValue(Types.Tuple((Types.Double, ""), (Types.Double, "")), EquatableArray.Of<Expr>(new Var(Types.Double, "u"), new Var(Types.Double, "w")))), Callee(null)),
                new ExprStmt(1, new Call(Types.Void, null, "global::N.T", "Log", EquatableArray.Of<Expr>(X))),
                new If(1, new Binary(Types.Bool, BinaryOp.Greater, X, One), block, other),
                new While(1, new Binary(Types.Bool, BinaryOp.Less, I, new Const(Types.Int, "3", 3)), block, ConditionAtEnd: true) { Step = other },
                new For(1, I, new Const(Types.Int, "0", 0), new Binary(Types.Bool, BinaryOp.Less, I, new Const(Types.Int, "3", 3)), LoopStep.Up, block),
                new Return(1, X),
                new Return(1, null),
                new Break(1),
                new Continue(1),
                new Declare(X, One),
                new Declare(X, null),
                new ThrowIf(new Binary(Types.Bool, BinaryOp.NotEqual, I, new Const(Types.Int, "3", 3)), "wrong length", "a"),
                new Throw(1, new New(new NamedType("global::System.InvalidOperationException"), EquatableArray<Expr>.Empty)),
                new Comment("a comment"),
            };
        }

        [Fact]
        public void EveryNodeType_HasASample()
        {
            var concrete = typeof(Expr).Assembly.GetTypes().Where(t => !t.IsAbstract && (typeof(Expr).IsAssignableFrom(t) || typeof(Stmt).IsAssignableFrom(t)));
            var sampled = Expressions().Select(e => e.GetType()).Concat(Statements().Select(s => s.GetType())).ToHashSet();
            Assert.Empty(concrete.Where(t => !sampled.Contains(t)).Select(t => t.Name));
        }

        [Fact]
        public void Expressions_RebuildFromTheirChildren_AndPutEachReplacementWhereItWasRead()
        {
            foreach (var expr in Expressions())
            {
                var children = expr.Children();
                Assert.Equal(expr, expr.WithChildren(children));

                // Distinct replacements of the same kind (a variable stays a variable): each comes back in its place.
                var replaced = children.Select((c, k) => (Expr)new Var(c.Type, "r" + k)).ToArray();
                Assert.Equal(replaced, expr.WithChildren(replaced).Children());
            }
        }

        [Fact]
        public void Statements_RebuildFromTheirParts_AndPutEachReplacementWhereItWasRead()
        {
            foreach (var statement in Statements())
            {
                var expressions = statement.Expressions();
                var blocks = statement.Blocks();
                Assert.Equal(statement, statement.With(expressions, blocks));
                Assert.InRange(statement.Assigned, 0, expressions.Count);
                Assert.All(expressions.Take(statement.Assigned), e => Assert.True(e is Var or AggregateValue, statement.GetType().Name + " assigns " + e));

                // A target that must stay an element or a member keeps its kind, with a new array or receiver.
                var replaced = expressions.Select((e, k) => e switch
                {
                    Index index => index with { Collection = new Var(index.Collection.Type, "r" + k) },
                    Member { Receiver: { } receiver } member when statement is SetField => member with { Receiver = new Var(receiver.Type, "r" + k) },
                    _ => (Expr)new Var(e.Type, "r" + k),
                }).ToArray();
                var newBlocks = blocks.Select((b, k) => EquatableArray.Of<Stmt>(new Comment("block " + k))).ToArray();
                var rebuilt = statement.With(replaced, newBlocks);
                Assert.Equal(replaced, rebuilt.Expressions());
                Assert.Equal(newBlocks, rebuilt.Blocks());
            }
        }

        [Fact]
        public void EveryTapeOperation_IsWrittenAsAMemberOfTheRuntimeTape()
        {
            var tape = new Var(TapeOp.TapeType, "tape");
            var members = typeof(GradGen.Runtime.Tape).GetMembers().Select(m => m.Name).ToHashSet();
            foreach (TapeOperation operation in Enum.GetValues(typeof(TapeOperation)))
            {
                var text = CodeWriter.Expression(new TapeOp(Types.Array(Types.Double), operation, tape, EquatableArray.Of<Expr>(I)));
                var member = text.Substring(text.LastIndexOf('.') + 1).Split('<', '(')[0];
                Assert.Contains(member, members);
            }
        }

        private sealed record Unknown() : Leaf(Types.Double);

        [Fact]
        public void Writer_FailsLoudlyOnANodeItHasNoCaseFor_AndTheGeneratorReportsGG0021InsteadOfThrowing()
        {
            var ex = Assert.Throws<InvalidOperationException>(() => CodeWriter.Expression(new Binary(Types.Double, BinaryOp.Add, X, new Unknown())));
            Assert.Contains("Unknown", ex.Message);

            var sources = new List<string>();
            var diagnostics = new List<Diagnostic>();
            GradientGenerator.EmitOrReport((name, _) => sources.Add(name), diagnostics.Add, "N.T.F.g.cs", "F", () => CodeWriter.Expression(new Unknown()));
            Assert.Empty(sources);
            var d = Assert.Single(diagnostics);
            Assert.Equal("GG0021", d.Id);
            Assert.Equal(DiagnosticSeverity.Error, d.Severity);
            Assert.Contains("'F'", d.GetMessage());

            GradientGenerator.EmitOrReport((name, _) => sources.Add(name), diagnostics.Add, "N.T.F.g.cs", "F", () => "// ok");
            Assert.Equal(new[] { "N.T.F.g.cs" }, sources);
        }
    }
}
