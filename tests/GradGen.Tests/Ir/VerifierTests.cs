using System.Collections.Generic;
using System.Linq;
using GradGen.Generator;
using GradGen.Generator.Compose;
using GradGen.Generator.Ir;
using Microsoft.CodeAnalysis;
using GradGen.Generator.Model;
using GradGen.Tests.Infrastructure;
using GradGen.Tests.Robustness;
using Xunit;

namespace GradGen.Tests.Ir
{
    /// <summary>
    /// Every model and derivative body the generator builds from the test corpus (every sample and test source with
    /// [Differentiable] methods, the one the mutation fuzzer mutates) keeps its dialect's invariants
    /// (<see cref="IrVerifier"/>): parsed, prepared, generated; and the verifier itself catches each kind of break.
    /// </summary>
    public class VerifierTests
    {
        [Fact]
        public void EveryModelAndBodyOfTheCorpus_KeepsItsDialect()
        {
            var problems = new List<string>();
            int models = 0, bodies = 0;
            foreach (var source in FuzzCorpus.Groups.SelectMany(g => g.Sources))
            {
                var run = GeneratorHarness.Run(new[] { (source.Name + ".cs", source.Text) }.Concat(source.Companions));
                foreach (var result in run.RunResult.Results)
                {
                    foreach (var model in Models(result, TrackingNames.Methods))
                    {
                        problems.AddRange(IrVerifier.Parsed(model).Select(p => source.Name + " " + model.Name + " (parsed): " + p));
                    }

                    foreach (var model in Models(result, TrackingNames.Bound))
                    {
                        models++;
                        problems.AddRange(IrVerifier.Prepared(model).Select(p => source.Name + " " + model.Name + ": " + p));
                    }

                    // Every derivative body, with every pass on and with all off (calls reversed split, and all joint).
                    var inlined = Models(result, TrackingNames.Inlined).ToList();
                    foreach (var model in inlined)
                    {
                        foreach (var optimizations in new[] { Optimizations.All, Optimizations.None })
                        {
                            foreach (var method in DerivativeMethods.Of(model, aggressiveOptimization: true, optimizations, new HashSet<string>(SplitReversal.Registry(inlined, optimizations))))
                            {
                                bodies++;
                                problems.AddRange(IrVerifier.Generated(method.Body).Select(p => source.Name + " " + method.Signature + ": " + p));
                            }
                        }
                    }
                }
            }

            Assert.True(models > 100, "only " + models + " models built: the corpus was not found or did not generate");
            Assert.True(bodies > 500, "only " + bodies + " derivative bodies built");
            Assert.True(problems.Count == 0, string.Join("\n", problems.Distinct().Take(20)));
        }

        private static IEnumerable<DiffMethodModel> Models(GeneratorRunResult result, string step) =>
            (result.TrackedSteps.TryGetValue(step, out var steps) ? steps : default) is { IsDefault: false } found
                ? found.SelectMany(s => s.Outputs).Select(o => o.Value).OfType<MethodResult>().Select(m => m.Model).OfType<DiffMethodModel>()
                : Enumerable.Empty<DiffMethodModel>();

        [Fact]
        public void Verifier_CatchesEachBreak()
        {
            var x = new Var(Types.Double, "x");
            var y = new Var(Types.Double, "y");
            var call = new DiffCall(Types.Double, null, "global::T", "G", EquatableArray.Of<Expr>(new Binary(Types.Double, BinaryOp.Multiply, x, x)), EquatableArray.Of(true));
            DiffMethodModel Model(params Stmt[] body) => new("k", "h", null, EquatableArray<TypeDecl>.Empty, "F", "public static", true, Types.Double,
                EquatableArray.Of(new Parameter("x", Types.Double, true)), EquatableArray.Of(y), EquatableArray.Of(y), body.ToEquatableArray(), DerivativeKind.Forward, 1);

            Assert.Empty(IrVerifier.Prepared(Model(new Assign(1, y, AssignOp.Set, x))));
            Assert.Contains("control-flow lowering", Assert.Single(IrVerifier.Prepared(Model(new Return(1, x)))));
            Assert.Contains("not a variable or a constant", Assert.Single(IrVerifier.Prepared(Model(new Assign(1, y, AssignOp.Set, call)))));
            Assert.Contains("not a whole assigned value", Assert.Single(IrVerifier.Prepared(Model(new Assign(1, y, AssignOp.Set, new Binary(Types.Double, BinaryOp.Add, call with { Args = EquatableArray.Of<Expr>(x) }, x))))));
            Assert.Contains("neither a parameter", Assert.Single(IrVerifier.Prepared(Model(new Assign(1, y, AssignOp.Set, new Var(Types.Double, "z"))))));
            Assert.Contains("used as float but declared double", Assert.Single(IrVerifier.Prepared(Model(new Assign(1, y, AssignOp.Set, new Var(Types.Float, "x"))))));
            var twice = Model(new Assign(1, y, AssignOp.Set, x)) with { Locals = EquatableArray.Of(y, new Var(Types.Double, "x")) };
            Assert.Contains("declared twice", Assert.Single(IrVerifier.Prepared(twice)));
            Assert.Contains("only generated code", Assert.Single(IrVerifier.Prepared(Model(new ExprStmt(1, new TapeOp(Types.Void, TapeOperation.Push, null, EquatableArray.Of<Expr>(x)))))));

            // A call under a condition is evaluated as written: allowed anywhere.
            Assert.Empty(IrVerifier.Prepared(Model(new If(1, new Binary(Types.Bool, BinaryOp.Greater, call with { Args = EquatableArray.Of<Expr>(x) }, x), EquatableArray.Of<Stmt>(new Assign(2, y, AssignOp.Set, x)), EquatableArray<Stmt>.Empty))));
        }

        [Fact]
        public void GeneratedVerifier_CatchesEachBreakOfTheTapeProtocol()
        {
            var tape = new Var(TapeOp.TapeType, "tape");
            var x = new Var(Types.Double, "x");
            var i = new Var(Types.Int, "i");
            var n = new Var(Types.Int, "n");
            Stmt Rent() => new Declare(tape, new TapeOp(TapeOp.TapeType, TapeOperation.Rent, null, EquatableArray<Expr>.Empty));
            Stmt Return() => new ExprStmt(0, new TapeOp(Types.Void, TapeOperation.Return, null, EquatableArray.Of<Expr>(tape)));
            Stmt Op(TapeOperation operation, params Expr[] args) => TapeOp.Statement(operation, tape, args);
            For Loop(params Stmt[] body) => new(0, i, Build.Num(Types.Int, 0), Build.Compare(BinaryOp.Less, i, n), LoopStep.Up, body.ToEquatableArray());
            var reserve = Op(TapeOperation.Reserve, n, Build.Num(Types.Int, 1), Build.Num(Types.Int, 0));

            Assert.Empty(IrVerifier.Generated(new[] { Rent(), reserve, Loop(Op(TapeOperation.PushReserved, x)), Return(), new Return(0, x) }));
            Assert.Empty(IrVerifier.Generated(new[] { Rent(), reserve, Loop(Loop(Op(TapeOperation.PushReserved, x))), Return() }));

            Assert.Contains("before it is rented", Assert.Single(IrVerifier.Generated(new[] { Op(TapeOperation.Push, x), Rent(), Return() })));
            Assert.Contains("after it is returned", Assert.Single(IrVerifier.Generated(new[] { Rent(), Return(), Op(TapeOperation.Push, x) })));
            Assert.Contains("returned inside a block", Assert.Single(IrVerifier.Generated(new[] { Rent(), (Stmt)Loop(Return()) })));
            Assert.Contains("no loop a reservation precedes", Assert.Single(IrVerifier.Generated(new[] { Rent(), Loop(Op(TapeOperation.PushReserved, x)), Return() })));
            Assert.Contains("no loop a reservation precedes", Assert.Single(IrVerifier.Generated(new[] { Rent(), reserve, Loop(), Loop(Op(TapeOperation.PushReserved, x)), Return() })));
            Assert.Contains("before its count was read", Assert.Single(IrVerifier.Generated(new[] { Rent(), Op(TapeOperation.SetRealCount, Build.Num(Types.Int, 0)), Return() })));
            Assert.Contains("does not end the body", Assert.Single(IrVerifier.Generated(new[] { Rent(), Return(), new Return(0, x), new Return(0, x) })));
            Assert.Contains("Break left", Assert.Single(IrVerifier.Generated(new[] { Rent(), Loop(new Break(0)), Return() })));
        }
    }
}
