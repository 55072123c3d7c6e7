using System;
using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;

namespace GradGen.Generator.Compose
{
    /// <summary>
    /// The generated methods of a void method that fills an output array (<c>void F(double[] x, double[] y)</c>, as
    /// Enzyme's duplicated arguments): inside GradGen it is the vector-valued <c>double[] __FArray(x, y)</c>, whose
    /// result starts as a copy of y's contents (<see cref="DiffMethodModel.Output"/>). That method and its derivatives
    /// are generated as for any array-valued method, with the method's accessibility (its callers fill arrays through them); the ones the contract names call them and fill y and its derivative:
    /// FForward writes the tangent of y's contents after into dY, which holds that of its contents before; FReverse
    /// takes the seed of y's contents after from dY, which then holds their adjoint before; FJacobian's columns count
    /// y's contents before among the inputs, its rows y's contents after.
    /// </summary>
    internal static class OutputArray
    {
        public static IEnumerable<GeneratedMethod> Of(DiffMethodModel model, Func<DiffMethodModel, IEnumerable<GeneratedMethod>> generate)
        {
            var returning = Returning(model);
            foreach (var method in generate(returning))
            {
                yield return method;
            }

            var output = model.Output!;
            var array = new Var(model.ReturnType, output);
            var derivative = new Var(Types.Adjoint(model.ReturnType), DerivativeNames.Parameter("d", output));
            var names = new NameScope(DerivativeNames.Taken(model));
            var primal = JacobianBuilder.Primal(model, itemsRead: false).ToList();
            var declared = DerivativeSignatures.Declared(model.Parameters).ToList();
            // The output is none of what the method reads: an array, a span over it, a collection that is it.
            var checks = declared.Where(p => p.Name != output && (Types.IsRealCollection(p.Type) && !Types.IsMatrix(p.Type) || p.Type is CollectionType))
                .Select(p => (Stmt)new ThrowIf(
                    Build.Shapes(p.Type is ArrayType ? "Shared" : p.Type is SpanType ? "Overlaps" : "SameObject", EquatableArray.Of<Expr>(new Var(p.Type, p.Name), array)),
                    $"{output} must not be {p.Name}: {model.Name} writes {output} and reads {p.Name}.",
                    output))
                .ToList();

            // The checks, the call of the private method, and copies of what it returns into the array (and its derivative).
            List<Stmt> Body(IEnumerable<Stmt> call, params (Expr Value, Var Into)[] copies) =>
                checks.Concat(call).Concat(copies.Select(c => (Stmt)new ExprStmt(0, Build.Shapes("CopyOut", EquatableArray.Of(c.Value, (Expr)c.Into), Types.Void)))).Append(new Return(0, null)).ToList();

            string Signature(string name, IEnumerable<(string Type, string Name)> parameters) =>
                $"{model.Modifiers} void {name}{model.TypeParameters}({DerivativeSignatures.Declare(parameters)}){model.Constraints}";

            if ((model.Kinds & DerivativeKind.Forward) != 0)
            {
                var forwardType = DerivativeSignatures.ForwardReturn(model.ReturnType);
                var forward = new Var(forwardType, names.Fresh("forward"));
                var tangents = declared.Where(p => p.Wrt).Select(p => (Expr)new Var(Types.Tangent(p.Type), DerivativeNames.Parameter("d", p.Name)));
                var call = JacobianBuilder.SelfCall(returning, forwardType, DerivativeNames.Forward(returning.Name), primal.Concat(tangents));
                yield return new GeneratedMethod(
                    $"Computes {model.Name} into {output}, and its directional derivative along the d… arguments into {derivative.Name}, which holds that of {output}'s contents before (forward mode).",
                    Signature(DerivativeNames.Forward(model.Name), DerivativeSignatures.Forward(model.Parameters, output)),
                    Body(new[] { new Declare(forward, call) }, (new Member(model.ReturnType, forward, null, "Value"), array), (new Member(model.ReturnType, forward, null, "Tangent"), derivative)),
                    Optimize: false);
            }

            if ((model.Kinds & DerivativeKind.Reverse) != 0)
            {
                var seed = new Var(model.ReturnType, names.Fresh("seed"));
                var value = new Var(model.ReturnType, names.Fresh("value"));
                var adjoints = declared.Where(p => p.Wrt).Select(p => new Var(Types.Adjoint(p.Type), DerivativeNames.Parameter("d", p.Name))).Select(d => Types.IsValue(d.Type) ? new Ref(d.Type, d) : (Expr)d);
                var call = JacobianBuilder.SelfCall(returning, model.ReturnType, DerivativeNames.Reverse(returning.Name), primal.Append(seed).Concat(adjoints));
                yield return new GeneratedMethod(
                    $"Computes {model.Name} into {output}, and adds to the d… arguments the adjoint of the seed {derivative.Name} holds for {output}'s contents after; {derivative.Name} then holds their adjoint before (reverse mode).",
                    Signature(DerivativeNames.Reverse(model.Name), DerivativeSignatures.Primal(model.Parameters).Concat(DerivativeSignatures.Adjoints(model.Parameters, "d", "ref "))),
                    Body(new Stmt[] { new Declare(seed, new Call(model.ReturnType, derivative, null, "ToArray", EquatableArray<Expr>.Empty)) }.Concat(Build.Clear(derivative)).Append(new Declare(value, call)), (value, array)),
                    Optimize: false);
            }

            if ((model.Kinds & DerivativeKind.Jacobian) != 0)
            {
                var (jacobian, value, call) = JacobianCall(model, returning, names, primal);
                yield return new GeneratedMethod(
                    $"Computes {model.Name} into {output}, and fills {jacobian.Name}[i, j] with the derivative of element i of {output} after with respect to flat input j ({output}'s contents before among them).",
                    Signature(DerivativeNames.Jacobian(model.Name), DerivativeSignatures.Primal(model.Parameters).Append((jacobian.Type.ToString(), jacobian.Name))),
                    Body(new[] { call }, (value, array)),
                    Optimize: false);
            }
        }

        /// <summary>The function's FJacobian called with the method's arguments and a jacobian parameter, into a value local.</summary>
        public static (Var Jacobian, Var Value, Stmt Call) JacobianCall(DiffMethodModel model, DiffMethodModel returning, NameScope names, IEnumerable<Expr> primal)
        {
            var jacobian = new Var(Types.Matrix(JacobianBuilder.ElementType(model)), names.Fresh("jacobian"));
            var value = new Var(model.ReturnType, names.Fresh("value"));
            return (jacobian, value, new Declare(value, JacobianBuilder.SelfCall(returning, model.ReturnType, DerivativeNames.Jacobian(returning.Name), primal.Append(jacobian))));
        }

        /// <summary>
        /// The method as the function it stands for (<see cref="DerivativeNames.Returning"/>), with its outputs as its
        /// result: as accessible as the method, for the callers that reach its outputs through it.
        /// </summary>
        public static DiffMethodModel Returning(DiffMethodModel model) =>
            model with { Name = DerivativeNames.Returning(model.Name, model.Output is not null), Output = null, ExtraOutputs = EquatableArray<ExtraOutput>.Empty };
    }
}
