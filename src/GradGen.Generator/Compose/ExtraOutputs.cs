using System;
using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;

namespace GradGen.Generator.Compose
{
    /// <summary>
    /// The generated methods of a method with out and ref reals (<c>double F(double x, out double y, ref double z)</c>):
    /// inside GradGen it is the tuple-valued <c>(double, double y, double z) __FTuple(x, z)</c> (<see cref="DiffMethodModel.ExtraOutputs"/>),
    /// generated as any vector-valued method (<see cref="OutputArray.Returning"/>). The methods the contract names take
    /// the out and ref parameters as the method does, each with its derivative after the derivatives of the inputs, in
    /// declaration order: FForward's <c>out dY</c> receives y's tangent, its <c>ref dZ</c> holds z's tangent before and
    /// receives it after; FReverse's <c>ref dY</c> and <c>ref dZ</c> hold the seeds of y and z after and receive their
    /// adjoints before (zero for an out one); FGradient is the result's (the outputs' seeds zero); FJacobian's rows are
    /// the result and then the outputs, its columns the inputs, a ref one's value before among them.
    /// </summary>
    internal static class ExtraOutputs
    {
        public static IEnumerable<GeneratedMethod> Of(DiffMethodModel model, Func<DiffMethodModel, IEnumerable<GeneratedMethod>> generate)
        {
            var returning = OutputArray.Returning(model);
            foreach (var method in generate(returning))
            {
                yield return method;
            }

            var extras = model.ExtraOutputs;
            var value = model.Returns is ScalarType { Kind: ScalarKind.Void } ? null : model.Returns;
            var names = new NameScope(DerivativeNames.Taken(model).Concat(extras.SelectMany(e => new[] { e.Name, Derivative(e.Name) })));
            var primalArguments = JacobianBuilder.Primal(model, itemsRead: false).ToList();
            // The inputs, a ref output's value before among them.
            var inputs = DerivativeSignatures.Declared(model.Parameters).Where(p => p.Wrt).ToList();

            // Element i of the tuple the function returns (itself when it returns one value), and the extra outputs' places.
            var items = (value is null ? 0 : 1) + extras.Count;
            Expr Item(Expr tuple, int i) => items == 1 ? tuple : Build.Leaf(tuple, i);
            var first = value is null ? 0 : 1;

            // The parameters as the method declares them, an out one where it stands, a ref one by reference.
            IEnumerable<(string Type, string Name)> Primal()
            {
                var declared = DerivativeSignatures.Primal(model.Parameters).ToList();
                for (int i = 0, k = 0; i < declared.Count + extras.Count(e => !e.IsRef); i++)
                {
                    var extra = extras.FirstOrDefault(e => e.Position == i);
                    yield return extra is null ? declared[k++] : extra.IsRef ? ("ref " + declared[k++].Type, extra.Name) : ("out " + extra.Type, extra.Name);
                }
            }

            // The derivatives, in declaration order: the inputs' as Forward or Reverse takes them, the extra outputs' by reference.
            IEnumerable<(string Type, string Name)> Derivatives(bool forward)
            {
                var inputDerivatives = (forward ? DerivativeSignatures.Tangents(model.Parameters, "d") : DerivativeSignatures.Adjoints(model.Parameters, "d", "ref ")).ToList();
                var declared = DerivativeSignatures.Declared(model.Parameters).Where(p => p.Wrt).Select(p => p.Name).ToList();
                var order = Primal().Select(p => p.Name).ToList();
                return order.Select(name => extras.FirstOrDefault(e => e.Name == name) is { } extra
                        ? ((forward && !extra.IsRef ? "out " : "ref ") + extra.Type, Derivative(name))
                        : declared.IndexOf(name) is var at && at >= 0 ? inputDerivatives[at] : default)
                    .Where(d => d.Item2 is not null);
            }

            string Signature(IrType returns, string name, IEnumerable<(string Type, string Name)> parameters) =>
                $"{model.Modifiers} {returns} {name}{model.TypeParameters}({DerivativeSignatures.Declare(parameters)}){model.Constraints}";

            // The extra outputs (and, given, their derivatives) taken from what the function returned, then the result.
            List<Stmt> Finish(Expr values, Expr? tangents, Expr? result)
            {
                var body = extras.SelectMany((e, i) => new[] { (Stmt)new Assign(0, new Var(e.Type, e.Name), AssignOp.Set, Item(values, first + i)) }
                    .Concat(tangents is null ? Array.Empty<Stmt>() : new Stmt[] { new Assign(0, new Var(e.Type, Derivative(e.Name)), AssignOp.Set, Item(tangents, first + i)) })).ToList();
                body.Add(new Return(0, result));
                return body;
            }

            var refs = inputs.Select(p => new Var(Types.Adjoint(p.Type), Derivative(p.Name))).Select(d => Types.IsValue(d.Type) ? new Ref(d.Type, d) : (Expr)d).ToList();
            var extraDerivatives = extras.Select(e => new Var(e.Type, Derivative(e.Name))).ToList();

            if ((model.Kinds & DerivativeKind.Forward) != 0)
            {
                var forwardType = DerivativeSignatures.ForwardReturn(model.ReturnType);
                var forward = new Var(forwardType, names.Fresh("forward"));
                var tangents = DerivativeSignatures.Declared(model.Parameters).Where(p => p.Wrt).Select(p => (Expr)new Var(Types.Tangent(p.Type), Derivative(p.Name)));
                var call = JacobianBuilder.SelfCall(returning, forwardType, DerivativeNames.Forward(returning.Name), primalArguments.Concat(tangents));
                var (values, tangentValues) = (new Member(model.ReturnType, forward, null, "Value"), new Member(model.ReturnType, forward, null, "Tangent"));
                var result = value is null ? null : new AggregateValue(DerivativeSignatures.ForwardReturn(value), EquatableArray.Of(Item(values, 0), Item(tangentValues, 0)));
                yield return new GeneratedMethod(
                    $"Computes {model.Name}, its out and ref outputs, and their directional derivatives along the d… arguments (forward mode).",
                    Signature(value is null ? Types.Void : DerivativeSignatures.ForwardReturn(value), DerivativeNames.Forward(model.Name), Primal().Concat(Derivatives(forward: true))),
                    Finish(values, tangentValues, result).Prepend(new Declare(forward, call)).ToList(),
                    Optimize: false);
            }

            if ((model.Kinds & DerivativeKind.Reverse) != 0)
            {
                var seed = value is null ? null : new Var(value, "seed");
                var returned = new Var(model.ReturnType, names.Fresh("value"));
                var seeds = new Var(model.ReturnType, names.Fresh("seeds"));
                var seedItems = (seed is null ? extraDerivatives : extraDerivatives.Prepend(seed)).Cast<Expr>().ToList();
                var call = JacobianBuilder.SelfCall(returning, model.ReturnType, DerivativeNames.Reverse(returning.Name), primalArguments.Append(seeds).Concat(refs));
                var body = new List<Stmt> { new Declare(seeds, items == 1 ? seedItems[0] : new AggregateValue(model.ReturnType, seedItems.ToEquatableArray())) };
                body.AddRange(extraDerivatives.Select(d => new Assign(0, d, AssignOp.Set, Build.Num(d.Type, 0))));
                body.Add(new Declare(returned, call));
                yield return new GeneratedMethod(
                    $"Computes {model.Name} and its out and ref outputs, and adds to the d… arguments of the inputs the adjoint of the seeds (seed, and the outputs' d… arguments, which then hold their adjoints before) (reverse mode).",
                    Signature(value ?? Types.Void, DerivativeNames.Reverse(model.Name), Primal().Concat(seed is null ? Enumerable.Empty<(string, string)>() : new[] { (seed.Type.ToString(), seed.Name) }).Concat(Derivatives(forward: false))),
                    body.Concat(Finish(returned, null, value is null ? null : Item(returned, 0))).ToList(),
                    Optimize: false);

                if (value is not null)
                {
                    // The result's gradient: the outputs' seeds zero.
                    var gradientSeeds = new AggregateValue(model.ReturnType, new[] { Build.Num(value, 1) }.Concat(extras.Select(e => Build.Num(e.Type, 0))).ToEquatableArray<Expr>());
                    var gradientCall = JacobianBuilder.SelfCall(returning, model.ReturnType, DerivativeNames.Reverse(returning.Name), primalArguments.Append(gradientSeeds).Concat(refs));
                    yield return new GeneratedMethod(
                        $"Computes {model.Name} and its out and ref outputs, and writes the gradient of its result to the derivative parameters (previous contents are overwritten).",
                        Signature(value, DerivativeNames.Gradient(model.Name), Primal().Concat(DerivativeSignatures.Adjoints(model.Parameters, "d", "out "))),
                        inputs.SelectMany(p => Build.Clear(new Var(Types.Adjoint(p.Type), Derivative(p.Name))))
                            .Append(new Declare(returned, gradientCall))
                            .Concat(Finish(returned, null, Item(returned, 0)))
                            .ToList(),
                        Optimize: false);
                }
            }

            if ((model.Kinds & DerivativeKind.Jacobian) != 0)
            {
                var (jacobian, returned, call) = OutputArray.JacobianCall(model, returning, names, primalArguments);
                yield return new GeneratedMethod(
                    $"Computes {model.Name} and its out and ref outputs, and fills {jacobian.Name}[i, j] with the derivative of output i (the result, then the out and ref parameters after) with respect to flat input j.",
                    Signature(value ?? Types.Void, DerivativeNames.Jacobian(model.Name), Primal().Append((jacobian.Type.ToString(), jacobian.Name))),
                    Finish(returned, null, value is null ? null : Item(returned, 0)).Prepend(call).ToList(),
                    Optimize: false);
            }
        }

        private static string Derivative(string parameter) => DerivativeNames.Parameter("d", parameter);
    }
}
