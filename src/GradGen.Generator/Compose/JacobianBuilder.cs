using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.AD;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;
using GradGen.Generator.Optimize;

namespace GradGen.Generator.Compose
{
    /// <summary>
    /// The body of <c>FJacobian</c>: the m × n Jacobian over the flat index, by columns from <c>FForward</c> (one pass per
    /// input, when n ≤ m) or by rows from <c>FReverse</c> (one pass per output, when m &lt; n). When a size is only known
    /// at run time (an array parameter or result) both are emitted and the sizes choose. Direction, seed and adjoint
    /// buffers are lent by the tape, so a steady-state call allocates only what the method itself allocates.
    /// </summary>
    internal sealed class JacobianBuilder
    {
        private readonly DiffMethodModel model;
        private readonly NameScope names;
        private readonly Var jacobian;
        private readonly Var tape;
        private readonly Var value;
        private readonly List<Parameter> inputs;
        private readonly FlatIndex flat;

        private readonly PassPipeline passes;

        private JacobianBuilder(DiffMethodModel model, NameScope names, Var jacobian, PassPipeline passes)
        {
            this.passes = passes;
            this.model = model;
            this.names = names;
            this.jacobian = jacobian;
            tape = new Var(TapeOp.TapeType, names.Fresh("tape"));
            value = new Var(model.ReturnType, names.Fresh("value"));
            inputs = model.Parameters.Where(p => p.Wrt).ToList();
            flat = new FlatIndex(inputs, names, tape);
        }

        /// <summary>The element type of the Jacobian: a generic-math method's type parameter, float when every output and input is float, else double.</summary>
        public static IrType ElementType(DiffMethodModel model)
        {
            var types = model.Results.Select(r => Types.ElementType(r.Type) ?? r.Type)
                .Concat(model.Parameters.Where(p => p.Wrt).Select(p => Types.ElementType(p.Type) ?? p.Type))
                .ToList();
            return types.FirstOrDefault(t => t is TypeParameterType) ?? (types.All(t => t == Types.Float) ? Types.Float : Types.Double);
        }

        public static List<Stmt> Body(DiffMethodModel model, NameScope names, Var jacobian, PassPipeline passes) =>
            new JacobianBuilder(model, names, jacobian, passes).Run();

        private List<Stmt> Run()
        {
            var n = flat.Count;
            var m = model.ReturnsAggregate ? Build.Num(Types.Int, model.Results.Count)
                : model.ReturnsArray ? Build.Length(value)
                : Build.Num(Types.Int, 1);
            var check = Runtime.RequireShape(jacobian, m, n, "must have one row per output and one column per differentiable input.");

            var body = new List<Stmt>();
            var primal = PrimalCall(model, itemsRead: true);
            if (model.ReturnsArray)
            {
                // The number of outputs is the length of the value: known once it is computed.
                body.Add(new Declare(value, primal));
                body.Add(check);
            }
            else
            {
                // Every pass returns the value: it is taken from them, and computed on its own only when there is none.
                body.Add(check);
                body.Add(new Declare(value, null));
            }

            var passes = n is Const { Value: { } columns } && m is Const { Value: { } rows }
                ? (columns <= rows ? Columns() : Rows(m))
                : new List<Stmt> { new If(0, Build.Compare(BinaryOp.LessOrEqual, n, m), Columns().ToEquatableArray(), Rows(m).ToEquatableArray()) };

            // The tape lends the direction, adjoint and seed buffers; with only real inputs and outputs there are none.
            var lends = IrWalker.AllStatements(passes).SelectMany(IrWalker.OwnExpressions).SelectMany(IrWalker.AllExpressions).Any(e => e is TapeOp op && op.Tape == tape);
            if (lends)
            {
                body.Add(Runtime.RentTape(tape));
            }

            body.AddRange(passes);

            if (!model.ReturnsArray && !(n is Const { Value: > 0 }))
            {
                // No input: no pass ran (a row pass needs m < n, so there is always one).
                body.Add(new If(0, Build.Compare(BinaryOp.Equal, n, Build.Num(Types.Int, 0)), EquatableArray.Of<Stmt>(new Assign(0, value, AssignOp.Set, primal)), EquatableArray<Stmt>.Empty));
            }

            if (lends)
            {
                body.Add(Runtime.ReturnTape(tape));
            }

            body.Add(new Return(0, value));
            return body;
        }

        /// <summary>Column j is the tangent of FForward along the j-th unit direction.</summary>
        private List<Stmt> Columns()
        {
            var output = new List<Stmt> { new Comment("n ≤ m: one forward pass per input gives a column") };
            var directions = flat.Buffers("v", output);
            var forwardType = DerivativeSignatures.ForwardReturn(model.ReturnType);
            var forward = new Var(forwardType, names.Fresh("forward"));
            output.Add(new Declare(forward, null));
            var before = new List<Stmt>();
            var call = SelfCall(model, forwardType, DerivativeNames.Forward(model.Name), Primal().Concat(Packing.Values(inputs, directions, names, output, before, itemsRead: true).ToList()));
            output.AddRange(flat.OneHot(directions, column =>
            {
                var tangent = new Member(model.ReturnType, forward, null, "Tangent");
                var statements = new List<Stmt>(before) { new Assign(0, forward, AssignOp.Set, call) };
                if (!model.ReturnsArray)
                {
                    statements.Add(new Assign(0, value, AssignOp.Set, new Member(model.ReturnType, forward, null, "Value")));
                }

                return statements.Concat(ForEachOutput(tangent, (row, element) => Set(row, column, element)));
            }));
            return output;
        }

        /// <summary>Row i is the gradient FReverse gives for the i-th unit seed.</summary>
        private List<Stmt> Rows(Expr m)
        {
            if (SharedForwardRows(m) is { } shared)
            {
                return shared;
            }

            var output = new List<Stmt> { new Comment("m < n: one reverse pass per output gives a row") };
            var adjoints = flat.Buffers("g", output);
            var row = new Var(Types.Int, names.Fresh("row"));
            output.Add(new Declare(row, Build.Num(Types.Int, 0)));

            Expr seed;
            var before = new List<Stmt>();
            var after = new List<Stmt>();
            if (model.ReturnsArray)
            {
                var element = Types.ElementType(model.ReturnType)!;
                var seeds = new Var(Types.Array(element), names.Fresh("seeds"));
                output.Add(new Declare(seeds, Runtime.RentBuffer(tape, seeds.Type, m)));
                var unit = new Index(element, seeds, EquatableArray.Of<Expr>(row));
                before.Add(new Store(0, unit, AssignOp.Set, Build.Num(element, 1)));
                after.Add(new Store(0, unit, AssignOp.Set, Build.Num(element, 0)));
                seed = seeds;
            }
            else
            {
                seed = UnitSeed(row);
            }

            var pass = new List<Stmt>(before);
            var (packBefore, packAfter) = (new List<Stmt>(), new List<Stmt>());
            var refs = Packing.References(inputs, adjoints, PassedAs.Ref, names, output, packBefore, packAfter).ToList();
            var reverse = SelfCall(model, model.ReturnType, DerivativeNames.Reverse(model.Name), Primal().Append(seed).Concat(refs));
            pass.AddRange(packBefore);
            pass.Add(model.ReturnsArray ? new ExprStmt(0, reverse) : new Assign(0, value, AssignOp.Set, reverse));
            pass.AddRange(packAfter);
            pass.AddRange(after);
            pass.AddRange(flat.Write(adjoints, (column, derivative) => Set(row, column, derivative), clear: true));
            output.Add(new For(0, row, Build.Num(Types.Int, 0), Build.Compare(BinaryOp.Less, row, m), LoopStep.Up, pass.ToEquatableArray()));
            return output;
        }

        /// <summary>
        /// Rows from one forward sweep: when the Reverse body needs no tape (no records in loops, no local arrays) and its
        /// backward sweep changes only scalars of the forward sweep, the Reverse body is inlined with its backward sweep
        /// run once per output, each time from the state the forward sweep ended in. m reverse passes would run the
        /// forward sweep m times. Null when the body does not qualify.
        /// </summary>
        private List<Stmt>? SharedForwardRows(Expr m)
        {
            if (model.ReturnsArray)
            {
                return null;
            }

            var seed = new Var(DerivativeSignatures.SeedType(model.ReturnType), names.Fresh("seed"));
            var sweeps = AdjointTransform.Sweep(model, names, seed, passes);
            var derivativeNames = new HashSet<string>(inputs.Select(p => DerivativeNames.Parameter("d", p.Name)));
            var backwardLocals = new HashSet<string>(IrWalker.AllStatements(sweeps.Backward).OfType<Declare>().Select(d => d.Variable.Name));
            backwardLocals.UnionWith(sweeps.Adjoints.Select(a => a.Adjoint.Name));
            var primalLocals = model.Locals.Concat(sweeps.Declarations.OfType<Declare>().Select(d => d.Variable)).ToDictionary(l => l.Name);
            if (sweeps.Tape is not null
                || IrWalker.AllStatements(sweeps.Backward).Any(st => st is Store { Target.Collection: Var array } && !derivativeNames.Contains(array.Name)))
            {
                return null;
            }

            // What the backward sweep changes (restored values, loop counters, trip counts it counts down): reset to the forward sweep's end before each row.
            var restored = IrWalker.Writes(sweeps.Backward).Distinct()
                .Where(name => !backwardLocals.Contains(name) && !derivativeNames.Contains(name) && primalLocals.ContainsKey(name))
                .Select(name => (Variable: primalLocals[name], End: new Var(primalLocals[name].Type, names.Fresh(name + "_end"))))
                .ToList();

            var output = new List<Stmt> { new Comment("m < n: one forward sweep, then one backward sweep per output gives a row") };
            output.AddRange(sweeps.Locals);
            output.Add(new Declare(seed, null));
            output.AddRange(sweeps.Adjoints.Select(a => new Declare(a.Adjoint, a.Initial is null ? null : Build.Num(a.Adjoint.Type, 0))));
            output.AddRange(sweeps.Declarations);
            output.AddRange(sweeps.Forward);
            output.Add(new Assign(0, value, AssignOp.Set, sweeps.Returned));
            output.AddRange(restored.Select(r => new Declare(r.End, r.Variable)));

            // The backward sweep adds into the d… buffers of Reverse: here locals of the same names.
            var buffers = flat.Buffers("d", output, exact: true);

            var row = new Var(Types.Int, names.Fresh("row"));
            output.Add(new Declare(row, Build.Num(Types.Int, 0)));
            var pass = new List<Stmt> { new Assign(0, seed, AssignOp.Set, UnitSeed(row)) };
            pass.AddRange(restored.Select(r => new Assign(0, r.Variable, AssignOp.Set, r.End)));
            pass.AddRange(sweeps.Adjoints.Where(a => a.Initial is not null).Select(a => new Assign(0, a.Adjoint, AssignOp.Set, a.Initial!)));
            pass.AddRange(sweeps.Backward);
            pass.AddRange(flat.Write(buffers, (column, derivative) => Set(row, column, derivative), clear: true));
            output.Add(new For(0, row, Build.Num(Types.Int, 0), Build.Compare(BinaryOp.Less, row, m), LoopStep.Up, pass.ToEquatableArray()));
            return output;
        }

        /// <summary>The seed of row <paramref name="row"/> of a real or tuple result: 1 for that output, 0 for the others.</summary>
        private Expr UnitSeed(Var row) => model.ReturnsAggregate
            ? new AggregateValue(model.ReturnType, model.Results.Select((r, i) => (Expr)Build.Choose(
                Build.Compare(BinaryOp.Equal, row, Build.Num(Types.Int, i)), Build.Num(r.Type, 1), Build.Num(r.Type, 0))).ToEquatableArray())
            : Build.Num(model.ReturnType, 1);

        /// <summary>Visits each output of <paramref name="result"/> (a real, a tuple or an array) with its row index.</summary>
        private IEnumerable<Stmt> ForEachOutput(Expr result, System.Func<Expr, Expr, Stmt> visit)
        {
            if (model.ReturnsArray)
            {
                var row = new Var(Types.Int, names.Fresh("row"));
                yield return new Declare(row, Build.Num(Types.Int, 0));
                yield return new For(0, row, Build.Num(Types.Int, 0), Build.Compare(BinaryOp.Less, row, Build.Length(value)), LoopStep.Up,
                    EquatableArray.Of(visit(row, new Index(Types.ElementType(model.ReturnType)!, result, EquatableArray.Of<Expr>(row)))));
                yield break;
            }

            for (var i = 0; i < model.Results.Count; i++)
            {
                var element = model.ReturnsAggregate ? Build.Leaf(result, i) : result;
                yield return visit(Build.Num(Types.Int, i), element);
            }
        }

        private Stmt Set(Expr row, Expr column, Expr derivative)
        {
            var type = ElementType(model);
            return new Store(0, new Index(type, jacobian, EquatableArray.Of(row, column)), AssignOp.Set, Build.Cast(type, derivative));
        }

        public static Call PrimalCall(DiffMethodModel model, bool itemsRead) => SelfCall(model, model.ReturnType, model.Name, Primal(model, itemsRead));

        /// <summary>The method's own parameters as arguments, as it declares them (see <see cref="Packing.Values"/> for <paramref name="itemsRead"/>).</summary>
        public static IEnumerable<Expr> Primal(DiffMethodModel model, bool itemsRead) =>
            Packing.Values(model.Parameters, model.Parameters.Select(p => (Expr)new Var(p.Type, p.Name)).ToList(), itemsRead: itemsRead);

        /// <summary>
        /// A call to a member of the method's own type, qualified (<c>global::N.T.M</c>, <c>this.M</c>) so that a
        /// parameter of the same name cannot hide it.
        /// </summary>
        public static Call SelfCall(DiffMethodModel model, IrType type, string name, IEnumerable<Expr> args)
        {
            return model.IsStatic
                ? new Call(type, null, model.QualifiedTypeName, name, args.ToEquatableArray())
                : new Call(type, new This(new NamedType(model.QualifiedTypeName)), null, name, args.ToEquatableArray());
        }

        /// <summary>Within the Jacobian's body, which its parameters are taken apart for.</summary>
        private IEnumerable<Expr> Primal() => Primal(model, itemsRead: true);
    }
}
