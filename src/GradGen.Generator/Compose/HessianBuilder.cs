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
            foreach (var buffer in hv)
            {
                body.Add(Build.Clear(buffer));
            }

            var tape = new Var(TapeOp.TapeType, names.Fresh("tape"));
            body.Add(Runtime.RentTape(tape));
            var gradient = new FlatIndex(inputs, names, tape).Buffers("g", body);
            var value = new Var(model.ReturnType, names.Fresh("value"));
            var args = model.Parameters.Select(p => (Expr)new Var(p.Type, p.Name))
                .Append(Build.Num(model.ReturnType, 1))
                .Concat(gradient.Select(RefIfScalar))
                .Concat(inputs.Select(p => new Var(p.Type, DerivativeNames.Parameter("v", p.Name))))
                .Append(Build.Num(model.ReturnType, 0))
                .Concat(hv.Select(RefIfScalar));
            body.Add(new Declare(value, JacobianBuilder.SelfCall(model, model.ReturnType, DerivativeNames.ReverseTangent(model.Name), args)));
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
                new Declare(value, JacobianBuilder.PrimalCall(model)),
                Runtime.RentTape(tape),
            };
            var directions = flat.Buffers("v", body);
            var products = flat.Buffers("hv", body);
            var product = JacobianBuilder.SelfCall(model, model.ReturnType, DerivativeNames.HessianVectorProduct(model.Name),
                model.Parameters.Select(p => (Expr)new Var(p.Type, p.Name)).Concat(directions).Concat(products.Select(OutIfScalar)));
            body.AddRange(flat.OneHot(directions, column => new[] { new ExprStmt(0, product) }.Concat(flat.Write(products, (row, entry) =>
                new Store(0, new Index(Types.ElementType(hessian.Type)!, hessian, EquatableArray.Of(row, (Expr)column)), AssignOp.Set, Build.Cast(Types.ElementType(hessian.Type)!, entry))))));
            body.Add(Runtime.ReturnTape(tape));
            body.Add(new Return(0, value));
            return body;
        }

        private static Expr RefIfScalar(Var buffer) => Types.IsReal(buffer.Type) ? new Ref(buffer.Type, buffer) : buffer;

        private static Expr OutIfScalar(Var buffer) => Types.IsReal(buffer.Type) ? new Ref(buffer.Type, buffer) { Passed = PassedAs.Out } : buffer;
    }
}
