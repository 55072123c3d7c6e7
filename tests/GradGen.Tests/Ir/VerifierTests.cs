using System.Collections.Generic;
using System.Linq;
using GradGen.Generator;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;
using GradGen.Tests.Infrastructure;
using GradGen.Tests.Robustness;
using Xunit;

namespace GradGen.Tests.Ir
{
    /// <summary>
    /// Every model the frontend builds from the test corpus (every sample and test source with [Differentiable]
    /// methods, the one the mutation fuzzer mutates) keeps the prepared dialect's invariants (<see cref="IrVerifier"/>),
    /// and the verifier itself catches each kind of break.
    /// </summary>
    public class VerifierTests
    {
        [Fact]
        public void EveryModelOfTheCorpus_KeepsThePreparedDialect()
        {
            var problems = new List<string>();
            int models = 0;
            foreach (var source in FuzzCorpus.Groups.SelectMany(g => g.Sources))
            {
                var run = GeneratorHarness.Run(new[] { (source.Name + ".cs", source.Text) }.Concat(source.Companions));
                foreach (var result in run.RunResult.Results)
                {
                    var bound = result.TrackedSteps.TryGetValue(TrackingNames.Bound, out var steps) ? steps : default;
                    foreach (var output in bound.IsDefault ? Enumerable.Empty<object>() : bound.SelectMany(s => s.Outputs).Select(o => o.Value))
                    {
                        if (output is MethodResult { Model: { } model })
                        {
                            models++;
                            problems.AddRange(IrVerifier.Prepared(model).Select(p => source.Name + " " + model.Name + ": " + p));
                        }
                    }
                }
            }

            Assert.True(models > 100, "only " + models + " models built: the corpus was not found or did not generate");
            Assert.True(problems.Count == 0, string.Join("\n", problems.Take(20)));
        }

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
    }
}
