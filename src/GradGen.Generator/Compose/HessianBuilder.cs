using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.AD;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;

namespace GradGen.Generator.Compose
{
    /// <summary>
    /// Bodies of the second-order methods of a scalar function, all on <c>FReverseTangent</c> (forward over reverse):
    /// <c>FHessianVectorProduct</c> is one call of it with seed 1 along v, and <c>FHessian</c> is one
    /// Hessian-vector product per flat input, each giving a column.
    /// </summary>
    internal static class HessianBuilder
    {
        /// <summary>H·v into <c>hv…</c> (overwritten): FReverseTangent with seed 1, seed tangent 0, and scratch gradients.</summary>
        public static List<Stmt> VectorProduct(DiffMethodModel model, NameScope names)
        {
            var inputs = model.Parameters.Where(p => p.Wrt).ToList();
            var body = new List<Stmt>();
            var hv = inputs.Select(p => new Var(Types.Adjoint(p.Type), DerivativeNames.Parameter("hv", p.Name))).ToList();
            // A jagged parameter's product is written into a new array of its elements: already zero.
            foreach (var buffer in hv.Where((_, i) => inputs[i].Slot is not { } slot || !Types.IsJagged(slot.Aggregate)))
            {
                body.AddRange(Build.Clear(buffer));
            }

            var tape = new Var(TapeOp.TapeType, names.Fresh("tape"));
            body.Add(Runtime.RentTape(tape));
            var gradient = new FlatIndex(inputs, names, tape).Buffers("g", body);
            var value = new Var(model.ReturnType, names.Fresh("value"));
            var (before, after) = (new List<Stmt>(), new List<Stmt>());
            var args = JacobianBuilder.Primal(model, itemsRead: true)
                .Append(Build.Num(model.ReturnType, 1))
                .Concat(Packing.References(inputs, gradient, PassedAs.Ref, names, body, before, after).ToList())
                .Concat(Packing.Values(inputs, inputs.Select(p => (Expr)new Var(p.Type, DerivativeNames.Parameter("v", p.Name))).ToList(), itemsRead: true))
                .Append(Build.Num(model.ReturnType, 0))
                .Concat(Packing.References(inputs, hv, PassedAs.Ref, names, body, before, after).ToList())
                .ToList();
            body.AddRange(before);
            body.Add(new Declare(value, JacobianBuilder.SelfCall(model, model.ReturnType, DerivativeNames.ReverseTangent(model.Name), args)));
            body.AddRange(after);
            body.Add(Runtime.ReturnTape(tape));
            body.Add(new Return(0, value));
            return body;
        }

        /// <summary>The n × n Hessian: column j is H·e_j.</summary>
        public static List<Stmt> Hessian(DiffMethodModel model, NameScope names, Var hessian)
        {
            var inputs = model.Parameters.Where(p => p.Wrt).ToList();
            var tape = new Var(TapeOp.TapeType, names.Fresh("tape"));
            var flat = new FlatIndex(inputs, names, tape);
            var value = new Var(model.ReturnType, names.Fresh("value"));
            var body = new List<Stmt>
            {
                Runtime.RequireShape(hessian, flat.Count, flat.Count, "must be n × n for the n differentiable inputs."),
                new Declare(value, JacobianBuilder.PrimalCall(model, itemsRead: true)),
                Runtime.RentTape(tape),
            };
            var directions = flat.Buffers("v", body);
            var products = flat.Buffers("hv", body);
            var (before, after) = (new List<Stmt>(), new List<Stmt>());
            var product = JacobianBuilder.SelfCall(model, model.ReturnType, DerivativeNames.HessianVectorProduct(model.Name),
                JacobianBuilder.Primal(model, itemsRead: true).Concat(Packing.Values(inputs, directions, names, body, before, itemsRead: true).ToList()).Concat(Packing.References(inputs, products, PassedAs.Out, names, body, before, after).ToList()).ToList());
            body.AddRange(flat.OneHot(directions, column => before.Append(new ExprStmt(0, product)).Concat(after).Concat(flat.Write(products, (row, entry) =>
                new Store(0, new Index(Types.ElementType(hessian.Type)!, hessian, EquatableArray.Of(row, (Expr)column)), AssignOp.Set, Build.Cast(Types.ElementType(hessian.Type)!, entry))))));
            body.Add(Runtime.ReturnTape(tape));
            body.Add(new Return(0, value));
            return body;
        }
    }
}
