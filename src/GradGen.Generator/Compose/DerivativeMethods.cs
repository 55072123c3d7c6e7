using System;
using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.AD;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;
using GradGen.Generator.Optimize;

namespace GradGen.Generator.Compose
{
    /// <summary>A generated method: its doc summary, its signature, its body, and whether it is compiled straight to optimised code.</summary>
    internal sealed record GeneratedMethod(string Summary, string Signature, List<Stmt> Body, bool Optimize);

    /// <summary>
    /// The derivative methods of one [Differentiable] method, kind by kind (<see cref="DerivativeKindInfo.All"/>): each
    /// kind's builder composes the transforms (forward mode, reverse mode, forward over reverse) and the builders of
    /// <c>Differentiation/</c> into bodies. The emitter only writes what this returns.
    /// </summary>
    internal sealed class DerivativeMethods
    {
        private static readonly Dictionary<DerivativeKind, Func<DerivativeMethods, IEnumerable<GeneratedMethod>>> Builders = new()
        {
            [DerivativeKind.Forward] = d => new[] { d.Forward() },
            [DerivativeKind.Reverse] = d => d.Reverse(),
            [DerivativeKind.Jacobian] = d => new[] { d.Jacobian() },
            [DerivativeKind.Hessian] = d => d.SecondOrder(),
        };

        private readonly DiffMethodModel model;
        private readonly bool aggressiveOptimization;
        private readonly PassPipeline passes;
        private readonly ICollection<string> split;

        /// <summary>
        /// Reverse mode's sweeps and its body before its tape cursors, its seed, and the names it took: Reverse (with
        /// calls reversed split, true) and forward over reverse (every call joint, false) start from it.
        /// </summary>
        private readonly Dictionary<bool, (Sweeps Sweeps, List<Stmt> Body, Var Seed, NameScope Names)> adjoint = new();

        private DerivativeMethods(DiffMethodModel model, bool aggressiveOptimization, Optimizations optimizations, ICollection<string> split)
        {
            this.model = model;
            this.aggressiveOptimization = aggressiveOptimization;
            passes = new PassPipeline(optimizations);
            this.split = split;
        }

        /// <param name="aggressiveOptimization">Whether the target framework has <c>MethodImplOptions.AggressiveOptimization</c> (not netstandard2.0).</param>
        /// <param name="optimizations">The optional passes to run.</param>
        /// <param name="split">The keys of the methods whose calls Reverse reverses split (<see cref="SplitReversal.Registry"/>).</param>
        public static IEnumerable<GeneratedMethod> Of(DiffMethodModel model, bool aggressiveOptimization, Optimizations optimizations, ICollection<string>? split = null)
        {
            split ??= System.Array.Empty<string>();
            if (model.Output is not null || model.ExtraOutputs.Count > 0)
            {
                // The function the method stands for, its own method and derivatives, which the contract's call.
                IEnumerable<GeneratedMethod> Generate(DiffMethodModel returning) =>
                    Of(returning, aggressiveOptimization, optimizations, split).Prepend(new DerivativeMethods(returning, aggressiveOptimization, optimizations, split).Function());
                return model.Output is not null ? OutputArray.Of(model, Generate) : ExtraOutputs.Of(model, Generate);
            }

            var methods = new DerivativeMethods(model, aggressiveOptimization, optimizations, split);
            return DerivativeKindInfo.Of(model.Kinds).SelectMany(kind => Builders[kind.Kind](methods)).ToList();
        }

        /// <summary>
        /// A derivative with loops is compiled straight to optimised code: the JIT then keeps more of its loop state in
        /// registers than it does from tier-0 profiles (GMM d=10: gradient/objective 3.5 → 3.3), and no call runs the slow
        /// tier-0 version first. Code without loops keeps the usual tiers.
        /// </summary>
        private bool Optimize(IEnumerable<Stmt> body) => aggressiveOptimization && IrWalker.AllStatements(body).Any(s => s is For or While);

        private GeneratedMethod Method(string summary, string signature, IEnumerable<Stmt> checks, List<Stmt> body) =>
            new(summary, signature, checks.Concat(CallPacking.Apply(body, () => NamesIn(body))).ToList(), Optimize(body));

        /// <summary>Every name the finished <paramref name="body"/> may clash with: the method's, and all it reads or writes.</summary>
        private NameScope NamesIn(List<Stmt> body)
        {
            var names = new HashSet<string>(DerivativeNames.Taken(model).Concat(DerivativeNames.Reserved).Concat(IrWalker.Writes(body)));
            IrWalker.Reads(body, names);
            return new NameScope(names);
        }

        /// <summary>The method as a function (<see cref="OutputArray.Returning"/>): its body, which computes its outputs into locals, then returns them.</summary>
        private GeneratedMethod Function() => Method(
            "The method as a function: its outputs' values after the call, from its inputs (and their values before).",
            Signature(model.ReturnType, model.Name, DerivativeSignatures.Declare(DerivativeSignatures.Primal(model.Parameters))),
            Enumerable.Empty<Stmt>(),
            Unpacked(model.Locals.Select(l => (Stmt)new Declare(l, null)).Concat(model.Body)
                .Append(new Return(0, model.ReturnsAggregate ? new AggregateValue(model.ReturnType, model.Results.ToEquatableArray<Expr>()) : model.Results[0]))
                .ToList()));

        private GeneratedMethod Forward()
        {
            var body = Unpacked(TangentTransform.Transform(model, Names(), passes), ("d", Passing.Value));
            return Method(
                $"Computes {model.Name} and its directional derivative along the d… arguments (forward mode).",
                Signature(DerivativeSignatures.ForwardReturn(model.ReturnType), DerivativeNames.Forward(model.Name), DerivativeSignatures.Declare(DerivativeSignatures.Forward(model.Parameters))),
                ShapeChecks(("d", Passing.Value)),
                body);
        }

        private IEnumerable<GeneratedMethod> Reverse()
        {
            if (model.ReturnsScalar)
            {
                yield return Gradient();
            }

            var (sweeps, adjointBody, seed, names) = Adjoint(splitCalls: true);
            var body = Unpacked(Finished(adjointBody, names), ("d", Passing.Ref));
            var reverseParameters = DerivativeSignatures.Reverse(model.Parameters, model.ReturnType, seed.Name).ToList();
            yield return Method(
                $"Computes {model.Name} and adds seed × its gradient to the d… arguments (reverse mode, accumulating).",
                Signature(model.ReturnType, DerivativeNames.Reverse(model.Name), DerivativeSignatures.Declare(reverseParameters)),
                ShapeChecks(("d", Passing.Ref)),
                body);

            if (split.Contains(model.Key))
            {
                var callerTape = new Var(TapeOp.TapeType, names.Fresh("callerTape"));
                var (record, backward) = SplitReversal.Halves(model, sweeps, callerTape, names, JacobianBuilder.PrimalCall(model, itemsRead: false), ReverseCall(seed));
                var tapeParameter = (callerTape.Type.ToString(), callerTape.Name);
                yield return Method(
                    $"{model.Name}'s forward sweep for a caller that reverses its call split: computes {model.Name}, recording on {callerTape.Name} what {DerivativeNames.Backward(model.Name)} takes back.",
                    Signature(model.ReturnType, DerivativeNames.Record(model.Name), DerivativeSignatures.Declare(DerivativeSignatures.Primal(model.Parameters).Append(tapeParameter)), SplitReversal.Modifiers(model)),
                    Enumerable.Empty<Stmt>(),
                    Finished(record, names));
                yield return Method(
                    $"{model.Name}'s backward sweep after {DerivativeNames.Record(model.Name)}, with the same arguments: adds seed × its gradient to the d… arguments.",
                    Signature(Types.Void, DerivativeNames.Backward(model.Name), DerivativeSignatures.Declare(reverseParameters.Append(tapeParameter)), SplitReversal.Modifiers(model)),
                    Enumerable.Empty<Stmt>(),
                    Finished(backward, names));
            }
        }

        /// <summary><c>FReverse(parameters..., seed, d-parameters...)</c>, from a method that declares them as FReverse does.</summary>
        private Call ReverseCall(Expr seed)
        {
            var declared = DerivativeSignatures.Declared(model.Parameters).ToList();
            var args = declared.Select(p => (Expr)new Var(p.Type, p.Name))
                .Append(seed)
                .Concat(declared.Where(p => p.Wrt).Select(p => new Var(p.Type, DerivativeNames.Parameter("d", p.Name))).Select(d => Types.IsValue(d.Type) ? new Ref(d.Type, d) : (Expr)d));
            return JacobianBuilder.SelfCall(model, model.ReturnType, DerivativeNames.Reverse(model.Name), args);
        }

        /// <summary>FGradient: the derivative parameters cleared, then FReverse with seed 1.</summary>
        private GeneratedMethod Gradient()
        {
            var body = DerivativeSignatures.Declared(model.Parameters).Where(p => p.Wrt).SelectMany(p => Build.Clear(new Var(Types.Adjoint(p.Type), DerivativeNames.Parameter("d", p.Name))))
                .Append(new Return(0, ReverseCall(Build.Num(model.ReturnType, 1))));
            return new GeneratedMethod(
                $"Computes {model.Name} and writes its gradient to the derivative parameters (previous contents are overwritten).",
                Signature(model.ReturnType, DerivativeNames.Gradient(model.Name), DerivativeSignatures.Declare(DerivativeSignatures.Primal(model.Parameters).Concat(DerivativeSignatures.Adjoints(model.Parameters, "d", "out ")))),
                ShapeChecks(("d", Passing.Out)).Concat(body).ToList(),
                Optimize: false);
        }

        private GeneratedMethod Jacobian()
        {
            var names = Names();
            var jacobian = new Var(Types.Matrix(JacobianBuilder.ElementType(model)), names.Fresh("jacobian"));
            return Method(
                $"Computes {model.Name} and fills {jacobian.Name}[i, j] with the derivative of output i with respect to flat input j.",
                Signature(model.ReturnType, DerivativeNames.Jacobian(model.Name), DerivativeSignatures.Declare(DerivativeSignatures.Primal(model.Parameters).Append((jacobian.Type.ToString(), jacobian.Name)))),
                Enumerable.Empty<Stmt>(),
                Unpacked(JacobianBuilder.Body(model, names, jacobian, passes)));
        }

        /// <summary>FReverseTangent, FHessianVectorProduct and FHessian: everything second order, on forward over reverse.</summary>
        private IEnumerable<GeneratedMethod> SecondOrder()
        {
            var (_, adjointBody, seed, adjointNames) = Adjoint(splitCalls: false);
            var names = adjointNames.Copy();
            var seedTangent = new Var(seed.Type, names.Fresh("vSeed"));
            var tangentBody = TangentTransform.TransformReverse(model, adjointBody, seed, seedTangent, names);
            if (passes.IsOn(Optimizations.ReservedRecords))
            {
                tangentBody = ReservedRecords.ApplyToMethod(tangentBody);
            }

            var reverseTangent = Unpacked(Finished(tangentBody, names), ("d", Passing.Ref), ("v", Passing.Value), ("hv", Passing.Ref));
            yield return Method(
                $"Forward mode applied to {DerivativeNames.Reverse(model.Name)}: adds the directional derivative of its adjoints along v… and {seedTangent.Name} to hv….",
                Signature(model.ReturnType, DerivativeNames.ReverseTangent(model.Name), DerivativeSignatures.Declare(DerivativeSignatures.ReverseTangent(model.Parameters, model.ReturnType, seed.Name, seedTangent.Name))),
                ShapeChecks(("d", Passing.Ref), ("v", Passing.Value), ("hv", Passing.Ref)),
                reverseTangent);

            yield return Method(
                $"Computes {model.Name} and writes the product of its Hessian with v… to hv… (previous contents are overwritten), without forming the Hessian.",
                Signature(model.ReturnType, DerivativeNames.HessianVectorProduct(model.Name), DerivativeSignatures.Declare(DerivativeSignatures.Primal(model.Parameters).Concat(DerivativeSignatures.Tangents(model.Parameters, "v")).Concat(DerivativeSignatures.Adjoints(model.Parameters, "hv", "out ")))),
                ShapeChecks(("v", Passing.Value), ("hv", Passing.Out)),
                Unpacked(HessianBuilder.VectorProduct(model, Names()), ("v", Passing.Value), ("hv", Passing.Out)));

            var hessianNames = Names();
            var hessian = new Var(Types.Matrix(JacobianBuilder.ElementType(model)), hessianNames.Fresh("hessian"));
            yield return Method(
                $"Computes {model.Name} and fills {hessian.Name} with its n × n Hessian over the flat index of the differentiable inputs.",
                Signature(model.ReturnType, DerivativeNames.Hessian(model.Name), DerivativeSignatures.Declare(DerivativeSignatures.Primal(model.Parameters).Append((hessian.Type.ToString(), hessian.Name)))),
                Enumerable.Empty<Stmt>(),
                Unpacked(HessianBuilder.Hessian(model, hessianNames, hessian)));
        }

        /// <summary>
        /// Reverse mode, once per method and way of reversing calls (the same when no call can be split); each caller
        /// continues from its own copy of the names it took.
        /// </summary>
        private (Sweeps Sweeps, List<Stmt> Body, Var Seed, NameScope Names) Adjoint(bool splitCalls)
        {
            splitCalls &= IrWalker.AllStatements(model.Body).SelectMany(IrWalker.OwnExpressions).SelectMany(IrWalker.AllExpressions).OfType<DiffCall>().Any(c => c.CalleeKey is { } key && split.Contains(key));
            if (!adjoint.TryGetValue(splitCalls, out var made))
            {
                var names = Names();
                var seed = new Var(DerivativeSignatures.SeedType(model.ReturnType), names.Fresh("seed"));
                var sweeps = AdjointTransform.Sweep(model, names, seed, passes, splitCalls ? split : null);
                made = (sweeps, AdjointTransform.Joint(sweeps), seed, names);
                adjoint[splitCalls] = made;
            }

            return (made.Sweeps, made.Body.ToList(), made.Seed, made.Names.Copy());
        }

        /// <summary>The method-stage passes, applied last to bodies emitted as they are (forward over reverse reads the tape operations they replace).</summary>
        private List<Stmt> Finished(List<Stmt> body, NameScope names) => passes.Run(PassStage.Method, body, PassContext.Method(names));

        /// <summary>How a generated method takes the derivatives of one prefix: by value, or by reference to add into them or (out) to write them.</summary>
        private enum Passing
        {
            Value, Ref, Out,
        }

        /// <summary>
        /// <paramref name="body"/> between the leaves of each aggregate parameter taken into the variables it uses (the
        /// values, and the derivatives of each prefix; an <c>out</c> one cleared first) and, where the method adds into or
        /// writes a derivative, that aggregate made again from its leaves before the method returns. Copies rather than
        /// <c>ref</c> locals: a struct's leaf may be a property. An array of structs is taken into one new array per leaf
        /// and given back element by element; a class instance's fields are its leaves, its arrays taken by reference
        /// (added into in place) and its reals set back.
        /// </summary>
        private List<Stmt> Unpacked(List<Stmt> body, params (string Prefix, Passing Passing)[] derivatives)
        {
            var aggregates = model.Parameters.Where(p => p.Slot is { Index: 0 }).Select(p => p.Slot!).ToList();
            if (aggregates.Count == 0)
            {
                return body;
            }

            var names = NamesIn(body);
            var unpack = new List<Stmt>();
            var pack = new List<Stmt>();
            foreach (var slot in aggregates)
            {
                var leaves = model.Parameters.Where(p => p.Slot?.Parameter == slot.Parameter).ToList();
                if (slot.Aggregate is CollectionType collection)
                {
                    unpack.AddRange(CollectionItems(collection, slot.Parameter, new Var(leaves[0].Type, leaves[0].Name), derivatives));
                    continue;
                }

                if (Types.IsJagged(slot.Aggregate))
                {
                    JaggedItems(slot, leaves.Select(l => new Var(l.Type, l.Name)).ToList(), derivatives, unpack, pack);
                    continue;
                }

                var counter = Types.ElementLeaves(slot.Aggregate) is null ? null : new Var(Types.Int, names.Fresh("i"));
                if (counter is not null)
                {
                    unpack.Add(new Declare(counter, Build.Num(Types.Int, 0)));
                }

                // The leaves of an aggregate into variables declared for them, or zeros; an array's into new leaf arrays.
                void Take(Var aggregate, List<Var> variables, bool zero)
                {
                    if (counter is null)
                    {
                        unpack.AddRange(variables.Select((v, i) => new Declare(v, zero ? Build.Num(v.Type, 0) : Build.Leaf(aggregate, i))));
                        return;
                    }

                    unpack.AddRange(variables.Select(v => new Declare(v, new NewArray(Types.Array(v.Type.Element!), v.Type.Element!, EquatableArray.Of(Build.Length(aggregate))))));
                    if (!zero)
                    {
                        unpack.Add(Build.CopyElements(aggregate, variables, counter, intoLeaves: true));
                    }
                }

                Take(new Var(slot.Aggregate, slot.Parameter), leaves.Select(p => new Var(p.Type, p.Name)).ToList(), zero: false);
                foreach (var (prefix, passing) in derivatives)
                {
                    var aggregate = new Var(passing == Passing.Value ? Types.Tangent(slot.Aggregate) : Types.Adjoint(slot.Aggregate), DerivativeNames.Parameter(prefix, slot.Parameter));
                    // An adjoint's leaf arrays are spans, as the body that clears and passes them declares them.
                    var derivativeLeaves = leaves.Select(p => new Var(passing == Passing.Value || counter is null ? p.Type : Types.Adjoint(p.Type), DerivativeNames.Parameter(prefix, p.Name))).ToList();
                    Take(aggregate, derivativeLeaves, zero: passing == Passing.Out);
                    if (passing != Passing.Value)
                    {
                        pack.AddRange(
                            counter is not null ? new[] { Build.CopyElements(aggregate, derivativeLeaves, counter, intoLeaves: false) }
                            // A class instance's real fields are set again; its arrays were added into in place.
                            : slot.Aggregate is ClassType ? derivativeLeaves.Select((d, i) => (d, i)).Where(l => Types.IsReal(l.d.Type)).Select(l => (Stmt)new SetField(0, Build.Leaf(aggregate, l.i), l.d))
                            : new[] { new Assign(0, aggregate, AssignOp.Set, new AggregateValue(slot.Aggregate, derivativeLeaves.ToEquatableArray<Expr>())) });
                    }
                }
            }

            var returns = body.Count > 0 && body[body.Count - 1] is Return ? 1 : 0;
            return unpack.Concat(body.Take(body.Count - returns)).Concat(pack).Concat(body.Skip(body.Count - returns)).ToList();
        }

        /// <summary>
        /// A collection parameter's elements, in an array the body reads (the parameter itself when it is one: nothing
        /// writes it), and its derivative spans under the names the body gives them, each checked against its length.
        /// </summary>
        private static IEnumerable<Stmt> CollectionItems(CollectionType collection, string parameter, Var items, (string Prefix, Passing Passing)[] derivatives)
        {
            yield return new Declare(items, Build.Shapes("Items", EquatableArray.Of<Expr>(new Var(collection, parameter)), items.Type));
            foreach (var (prefix, passing) in derivatives)
            {
                var derivative = new Var(passing == Passing.Value ? Types.Tangent(collection) : Types.Adjoint(collection), DerivativeNames.Parameter(prefix, parameter));
                yield return new ThrowIf(Build.Shapes("LengthMismatch", EquatableArray.Of<Expr>(items, derivative)), $"{derivative.Name} must have the length of {parameter}.", derivative.Name);
                yield return new Declare(new Var(derivative.Type, DerivativeNames.Parameter(prefix, items.Name)), derivative);
            }
        }

        /// <summary>
        /// A jagged array parameter's elements row after row, and where its rows start, in the arrays the body reads; its
        /// derivatives the same way, each checked against its shape, and those the method adds into or writes put back
        /// into their rows before it returns.
        /// </summary>
        private static void JaggedItems(LeafSlot slot, List<Var> leaves, (string Prefix, Passing Passing)[] derivatives, List<Stmt> unpack, List<Stmt> pack)
        {
            var (value, items, offsets) = (new Var(slot.Aggregate, slot.Parameter), leaves[0], leaves[1]);
            unpack.Add(new Declare(offsets, Build.Shapes("Offsets", EquatableArray.Of<Expr>(value), offsets.Type)));
            unpack.Add(new Declare(items, Build.Shapes("Flatten", EquatableArray.Of<Expr>(value, offsets), items.Type)));
            foreach (var (prefix, passing) in derivatives)
            {
                var derivative = new Var(slot.Aggregate, DerivativeNames.Parameter(prefix, slot.Parameter));
                var flat = new Var(items.Type, DerivativeNames.Parameter(prefix, items.Name));
                unpack.Add(new ThrowIf(Build.Shapes("RowsMismatch", EquatableArray.Of<Expr>(value, derivative)), $"{derivative.Name} must have the shape of {slot.Parameter}.", derivative.Name));
                unpack.Add(new Declare(flat, passing == Passing.Out ? Build.Zero(items) : Build.Shapes("Flatten", EquatableArray.Of<Expr>(derivative, offsets), items.Type)));
                if (passing != Passing.Value)
                {
                    pack.Add(new ExprStmt(0, Build.Shapes("Unflatten", EquatableArray.Of<Expr>(flat, derivative), Types.Void)));
                }
            }
        }

        /// <summary>A generated method's signature: the primal's modifiers, type parameters and constraints.</summary>
        private string Signature(IrType returnType, string name, string parameters, string? modifiers = null) =>
            $"{modifiers ?? model.Modifiers} {returnType} {name}{model.TypeParameters}({parameters}){model.Constraints}";

        /// <summary>Every name the method already uses, so generated locals never clash with them.</summary>
        private NameScope Names() => new(DerivativeNames.Taken(model));

        /// <summary>Throws for a derivative buffer whose length or shape differs from its parameter's, before any work.</summary>
        private IEnumerable<Stmt> ShapeChecks(params (string Prefix, Passing Passing)[] derivatives) =>
            derivatives.SelectMany(d => DerivativeSignatures.Declared(model.Parameters).Where(p => p.Wrt && p.Type is ClassType).SelectMany(parameter => InstanceChecks(d.Prefix, d.Passing != Passing.Value, parameter)))
            .Concat(derivatives.Select(d => d.Prefix).SelectMany(prefix => DerivativeSignatures.Declared(model.Parameters).Where(p => p.Wrt && p.Type.Element is not null && !Types.IsJagged(p.Type)).Select(parameter =>
            {
                var derivative = DerivativeNames.Parameter(prefix, parameter.Name);
                var value = new Var(parameter.Type, parameter.Name);
                return Types.IsMatrix(parameter.Type)
                    ? new ThrowIf(
                        new Binary(Types.Bool, BinaryOp.Or, new Binary(Types.Bool, BinaryOp.Or, Build.NullTest(BinaryOp.Equal, new Var(parameter.Type, derivative)), new Binary(Types.Bool, BinaryOp.NotEqual, Build.LengthOf(new Var(parameter.Type, derivative), 0), Build.LengthOf(value, 0))), new Binary(Types.Bool, BinaryOp.NotEqual, Build.LengthOf(new Var(parameter.Type, derivative), 1), Build.LengthOf(value, 1))),
                        $"{derivative} must have the shape of {parameter.Name}.",
                        derivative)
                    // A null array asks nothing of its derivative: the method's own code says what null means (often its
                    // own ArgumentNullException, which generated methods then throw as the method does).
                    : new ThrowIf(
                        parameter.Type is ArrayType
                            ? Build.Shapes("LengthMismatch", EquatableArray.Of<Expr>(value, new Var(parameter.Type, derivative)))
                            : new Binary(Types.Bool, BinaryOp.NotEqual, new Member(Types.Int, new Var(parameter.Type, derivative), null, "Length"), new Member(Types.Int, value, null, "Length")),
                        $"{derivative} must have the length of {parameter.Name}.",
                        derivative);
            }))).ToList();

        /// <summary>
        /// A class parameter's derivative instance: given, its arrays as long as the parameter's, and, where derivatives
        /// are <paramref name="written"/> into it (not a tangent, which is read), not the parameter itself nor sharing an
        /// array with it, which the derivatives would overwrite.
        /// </summary>
        private IEnumerable<Stmt> InstanceChecks(string prefix, bool written, Parameter parameter)
        {
            var type = (ClassType)parameter.Type;
            var (value, derivative) = (new Var(type, parameter.Name), new Var(type, DerivativeNames.Parameter(prefix, parameter.Name)));
            yield return new ThrowIf(Build.NullTest(BinaryOp.Equal, derivative), $"{derivative.Name} must be an instance of {type.Text.Replace("global::", string.Empty)}.", derivative.Name);
            if (written)
            {
                yield return new ThrowIf(new Call(Types.Bool, null, "global::System.Object", "ReferenceEquals", EquatableArray.Of<Expr>(derivative, value)), $"{derivative.Name} must not be {value.Name}: the derivatives are written into it.", derivative.Name);
            }

            for (var i = 0; i < type.Fields.Count; i++)
            {
                if (Types.IsReal(type.Fields[i].Type))
                {
                    continue;
                }

                // An array the parameter leaves null (one its method does not use) asks nothing of the derivative's.
                var arrays = EquatableArray.Of<Expr>(Build.Leaf(value, i), Build.Leaf(derivative, i));
                yield return new ThrowIf(Build.Shapes("Mismatch", arrays), $"{derivative.Name}.{type.Fields[i].Name} must have the length of {value.Name}.{type.Fields[i].Name}.", derivative.Name);
                if (written)
                {
                    yield return new ThrowIf(Build.Shapes("Shared", arrays), $"{derivative.Name}.{type.Fields[i].Name} must not be {value.Name}.{type.Fields[i].Name}: the derivatives are written into it.", derivative.Name);
                }
            }
        }
    }
}
