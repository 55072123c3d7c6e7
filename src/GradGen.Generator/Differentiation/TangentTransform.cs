using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Model;

namespace GradGen.Generator.Differentiation
{
    /// <summary>
    /// Forward mode: the primal code with, after each active assignment, the assignment of its tangent
    /// (before it, when the right-hand side reads the variable it overwrites).
    /// </summary>
    internal sealed class TangentTransform
    {
        private readonly DiffMethodModel model;
        private readonly HashSet<string> active;
        private readonly Dictionary<string, Var> tangents = new();

        private TangentTransform(DiffMethodModel model, NameScope names)
        {
            this.model = model;
            active = ActivityAnalysis.Active(model.Body, model.Parameters.Where(p => p.Wrt).Select(p => p.Name), model.Results.Select(r => r.Name));
            foreach (var parameter in model.Parameters.Where(p => p.Wrt))
            {
                tangents[parameter.Name] = new Var(parameter.Type, DerivativeNames.Parameter("d", parameter.Name));
            }

            foreach (var local in model.Locals.Where(l => active.Contains(l.Name)))
            {
                tangents[local.Name] = new Var(local.Type, names.Fresh(local.Name + "_dot"));
            }
        }

        /// <summary>The body of <c>FForward</c>: declarations, the primal and tangent code, and the return of both.</summary>
        public static List<Stmt> Transform(DiffMethodModel model, NameScope names)
        {
            var transform = new TangentTransform(model, names);
            var body = new List<Stmt>();
            body.AddRange(model.Locals.Select(l => new Declare(l, null)));
            body.AddRange(model.Locals.Where(l => transform.active.Contains(l.Name)).Select(l => new Declare(transform.tangents[l.Name], Types.IsReal(l.Type) ? Build.Num(l.Type, 0) : null)));
            body.AddRange(transform.TransformList(model.Body));
            var tangents = model.Results.Select(r => transform.active.Contains(r.Name) ? transform.tangents[r.Name] : Build.Zero(r));
            Expr Pack(IEnumerable<Expr> items) => model.ReturnsTuple ? new TupleValue(model.ReturnType, items.ToEquatableArray()) : items.Single();
            body.Add(new Return(0, new TupleValue($"({model.ReturnType} Value, {model.ReturnType} Tangent)", EquatableArray.Of(Pack(model.Results), Pack(tangents)))));
            return body;
        }

        private List<Stmt> TransformList(IEnumerable<Stmt> statements)
        {
            var output = new List<Stmt>();
            foreach (var statement in statements)
            {
                switch (statement)
                {
                    case Assign assign when active.Contains(assign.Target.Name):
                        TransformAssign(assign, output);
                        break;
                    case Store store when store.Target.Collection is Var array && active.Contains(array.Name):
                        // The tangent first: it reads the elements the store may overwrite.
                        var element = store.Target with { Collection = tangents[array.Name] };
                        output.Add(new Store(store.Line, element, "=", Build.Cast(element.Type, Tangent(store.Value, null) ?? Build.Num(element.Type, 0))));
                        output.Add(store);
                        break;
                    case AssignTuple { Value: DiffCall call } tuple when tuple.Variables.Any(v => active.Contains(v.Name)):
                        // ((u, v), (u_dot, v_dot)) = GForward(...); an element nothing needs the tangent of goes to a discard.
                        var elementTangents = tuple.Variables.Select(v => active.Contains(v.Name) ? tangents[v.Name] : new Var(v.Type, "_"));
                        output.Add(new AssignTuple(tuple.Line, EquatableArray.Of<Expr>(new TupleValue(call.Type, tuple.Targets), new TupleValue(call.Type, elementTangents.ToEquatableArray<Expr>())), ForwardCall(call)));
                        break;
                    case If branch:
                        output.Add(branch with { Then = TransformList(branch.Then).ToEquatableArray(), Else = TransformList(branch.Else).ToEquatableArray() });
                        break;
                    case While loop:
                        output.Add(loop with { Body = TransformList(loop.Body).ToEquatableArray() });
                        break;
                    case For loop:
                        output.Add(loop with { Body = TransformList(loop.Body).ToEquatableArray() });
                        break;
                    default:
                        output.Add(statement);
                        break;
                }
            }

            return output;
        }

        private void TransformAssign(Assign assign, List<Stmt> output)
        {
            var target = assign.Target;
            var tangent = tangents[target.Name];
            if (assign.Value is DiffCall call)
            {
                output.Add(new AssignTuple(assign.Line, EquatableArray.Of<Expr>(target, tangent), ForwardCall(call)));
                return;
            }

            if (Types.IsRealCollection(target.Type))
            {
                // An array variable takes a new array or another's: its tangent does the same.
                output.Add(assign);
                output.Add(new Assign(assign.Line, tangent, "=", assign.Value is NewArray ? assign.Value : Tangent(assign.Value, null) ?? Build.Zero(assign.Value)));
                return;
            }

            if (IrWalker.ReadsVariable(assign.Value, target.Name))
            {
                // p = p ± c leaves p's tangent as it is.
                var updated = Tangent(assign.Value, null) ?? Build.Num(target.Type, 0);
                if (updated != tangent)
                {
                    output.Add(new Assign(assign.Line, tangent, "=", updated));
                }

                output.Add(assign);
            }
            else
            {
                output.Add(assign);
                output.Add(new Assign(assign.Line, tangent, "=", Tangent(assign.Value, target) ?? Build.Num(target.Type, 0)));
            }
        }

        /// <summary>The callee's Forward, with the tangent of each differentiable argument after the arguments.</summary>
        private Call ForwardCall(DiffCall call)
        {
            var tangentArgs = call.Args.Where((_, i) => call.Wrt[i]).Select(a => Tangent(a, null) is { } t ? Build.Cast(a.Type, t) : Build.Zero(a));
            return new Call(call.Type, call.Receiver, call.StaticType, DerivativeNames.Forward(call.Name), call.Args.Concat(tangentArgs).ToEquatableArray());
        }

        /// <summary>The directional derivative of <paramref name="expr"/>, or null when it is zero.</summary>
        private Expr? Tangent(Expr expr, Expr? value)
        {
            if (!ActivityAnalysis.DependsOn(expr, active))
            {
                return null;
            }

            switch (expr)
            {
                case Var v:
                    return tangents[v.Name];
                case Index element:
                    return element with { Collection = Tangent(element.Collection, null)! };
                case Conditional c:
                    var whenTrue = Tangent(c.WhenTrue, null) ?? Build.Num(c.Type, 0);
                    var whenFalse = Tangent(c.WhenFalse, null) ?? Build.Num(c.Type, 0);
                    return new Conditional(c.Type, c.Condition, Build.Cast(c.Type, whenTrue), Build.Cast(c.Type, whenFalse));
                default:
                    Expr? sum = null;
                    foreach (var (operand, scale) in Derivatives.Of(expr, value))
                    {
                        if (Tangent(operand, null) is { } operandTangent)
                        {
                            sum = Build.Add(sum, scale(Build.Cast(expr.Type, operandTangent)));
                        }
                    }

                    return sum;
            }
        }
    }
}
