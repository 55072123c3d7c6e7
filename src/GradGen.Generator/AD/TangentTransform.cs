using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Analysis;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;
using GradGen.Generator.Optimize;

namespace GradGen.Generator.AD
{
    /// <summary>
    /// Forward mode: the primal code with, after each active assignment, the assignment of its tangent
    /// (before it, when the right-hand side reads the variable it overwrites).
    /// <para>
    /// It applies to a method's body (<c>FForward</c>) and to the body of its <c>FReverse</c> (forward over reverse:
    /// <c>FReverseTangent</c>, from which Hessians come). Reverse code adds accumulations (<c>+=</c>), locals declared in
    /// place, callees' pullbacks and the tape: a recorded active value is recorded with its tangent, and restored
    /// with it in the opposite order.
    /// </para>
    /// </summary>
    internal sealed class TangentTransform
    {
        private readonly HashSet<string> active;
        private readonly Dictionary<string, Var> tangents = new();
        private readonly NameScope names;
        private readonly Dictionary<IrType, Var> discards = new();
        private readonly List<Declare> discardDeclarations = new();

        // Values the tangent code may read instead of computing again; only for a method's own body, whose writes it knows.
        private ValueReuse? reuse;

        private TangentTransform(IReadOnlyList<Stmt> body, IEnumerable<(Var Primal, Var Tangent)> inputs, IEnumerable<string> outputs, IEnumerable<Var> locals, NameScope names)
        {
            this.names = names;
            var inputList = inputs.ToList();
            active = ActivityAnalysis.Active(body, inputList.Select(i => i.Primal.Name), outputs);
            foreach (var (primal, tangent) in inputList)
            {
                tangents[primal.Name] = tangent;
            }

            foreach (var local in locals.Where(l => active.Contains(l.Name)))
            {
                tangents[local.Name] = new Var(local.Type, names.Fresh(local.Name + "_dot"));
            }
        }

        /// <summary>The body of <c>FForward</c>: declarations, the primal and tangent code, and the return of both.</summary>
        public static List<Stmt> Transform(DiffMethodModel model, NameScope names, PassPipeline passes)
        {
            var inputs = model.Parameters.Where(p => p.Wrt).Select(p => (new Var(p.Type, p.Name), new Var(p.Type, DerivativeNames.Parameter("d", p.Name))));
            var transform = new TangentTransform(model.Body, inputs, model.Results.Select(r => r.Name), model.Locals, names) { reuse = new ValueReuse(model, passes.IsOn(Optimizations.ValueReuse)) };
            var body = new List<Stmt>();
            body.AddRange(model.Locals.Select(l => new Declare(l, null)));
            body.AddRange(model.Locals.Where(l => transform.active.Contains(l.Name)).Select(l => new Declare(transform.tangents[l.Name], Types.IsReal(l.Type) ? Build.Num(l.Type, 0) : null)));
            body.AddRange(transform.TransformList(model.Body));
            var tangents = model.Results.Select(r => transform.active.Contains(r.Name) ? transform.tangents[r.Name] : Build.Zero(r));
            Expr Pack(IEnumerable<Expr> items) => model.ReturnsAggregate ? new AggregateValue(model.ReturnType, items.ToEquatableArray()) : items.Single();
            body.Add(new Return(0, new AggregateValue(DerivativeSignatures.ForwardReturn(model.ReturnType), EquatableArray.Of(Pack(model.Results), Pack(tangents)))));
            return body;
        }

        /// <summary>
        /// The body of <c>FReverseTangent</c>: forward mode applied to <paramref name="reverse"/>, the body of
        /// <c>FReverse</c>, along the inputs' tangents <c>v…</c> and the seed's <paramref name="seedTangent"/>; the
        /// tangents of the adjoints <c>d…</c> accumulate in <c>hv…</c>.
        /// </summary>
        public static List<Stmt> TransformReverse(DiffMethodModel model, IReadOnlyList<Stmt> reverse, Var seed, Var seedTangent, NameScope names)
        {
            var wrt = model.Parameters.Where(p => p.Wrt).ToList();
            var adjoints = wrt.Select(p => new Var(p.Type, DerivativeNames.Parameter("d", p.Name))).ToList();
            var inputs = wrt.Select(p => (new Var(p.Type, p.Name), new Var(p.Type, DerivativeNames.Parameter("v", p.Name))))
                .Append((seed, seedTangent))
                .Concat(wrt.Select((p, i) => (adjoints[i], new Var(p.Type, DerivativeNames.Parameter("hv", p.Name)))));
            var locals = IrWalker.AllStatements(reverse).OfType<Declare>().Select(d => d.Variable);
            // Tangents are recorded beside the values, beyond the room a loop reserved for the values alone: the records
            // are made as plain ones, and the reservations dropped (ReservedRecords may reserve again for both).
            var unreserved = IrRewriter.Map(WithoutReservations(reverse).ToEquatableArray(), e => e is TapeOp record ? record with { Operation = TapeOp.Unreserved(record.Operation) } : e);
            var transform = new TangentTransform(unreserved, inputs, adjoints.Select(a => a.Name), locals, names);
            var body = transform.TransformList(unreserved);
            body.InsertRange(0, transform.discardDeclarations);
            return body;
        }

        /// <summary><paramref name="statements"/> without their <c>tape.Reserve(...)</c> calls (bare, or in the <c>if</c> that tests a trip count).</summary>
        private static IEnumerable<Stmt> WithoutReservations(IEnumerable<Stmt> statements) => statements
            .Where(s => !IsReservation(s) && !(s is If { Then.Count: 1, Else.Count: 0 } guarded && IsReservation(guarded.Then[0])))
            .Select(s => s.With(s.Expressions(), s.Blocks().Select(b => WithoutReservations(b).ToEquatableArray()).ToArray()));

        private static bool IsReservation(Stmt statement) => statement is ExprStmt { Expression: TapeOp { Operation: TapeOperation.Reserve } };

        /// <param name="values">Values computed outside loops before these statements (see <see cref="ValueReuse"/>).</param>
        private List<Stmt> TransformList(IEnumerable<Stmt> statements, int depth = 0, IReadOnlyDictionary<Intrinsic, Var>? values = null)
        {
            var available = values is null ? new Dictionary<Intrinsic, Var>() : values.ToDictionary(p => p.Key, p => p.Value);
            var output = new List<Stmt>();
            foreach (var statement in statements)
            {
                switch (statement)
                {
                    case Assign assign when active.Contains(assign.Target.Name):
                        var tangentCode = new List<Stmt>();
                        TransformAssign(assign, tangentCode);
                        // The tangent code reads values computed before; the primal statement stays as written.
                        output.AddRange(tangentCode.Select(s => s == assign ? s : ValueReuse.Apply(s, available)));
                        break;
                    case Store store when store.Target.Collection is Var array && active.Contains(array.Name):
                        // The tangent first: it reads the elements the store may overwrite (a restore pops the tangent first).
                        var element = store.Target with { Collection = tangents[array.Name] };
                        var elementTangent = IsPop(store.Value) ? store.Value : Tangent(store.Value, null);
                        if (elementTangent is not null || store.Op == AssignOp.Set)
                        {
                            output.Add(new Store(store.Line, element, store.Op, Build.Cast(element.Type, elementTangent ?? Build.Num(element.Type, 0))));
                        }

                        output.Add(store);
                        break;
                    case Declare { Variable: var declared } declaration when active.Contains(declared.Name):
                        output.Add(declaration);
                        var initial = declaration.Value is null ? null : NewArrayLike(declaration.Value) ?? Tangent(declaration.Value, declared);
                        output.Add(new Declare(tangents[declared.Name], initial is null ? (Types.IsReal(declared.Type) ? Build.Num(declared.Type, 0) : null) : Build.Cast(declared.Type, initial)));
                        if (initial is not null)
                        {
                            output.AddRange(Build.ClearIfOnStack(tangents[declared.Name], initial));
                        }

                        break;
                    case ExprStmt { Expression: TapeOp { Operation: TapeOperation.Push or TapeOperation.PushAll } push } when push.Args.Any(a => ActivityAnalysis.DependsOn(a, active)):
                        // Recorded with its tangents after it...
                        output.Add(statement);
                        output.Add(new ExprStmt(0, push with { Args = ActiveTangents(push.Args) }));
                        break;
                    case ExprStmt { Expression: TapeOp { Operation: TapeOperation.PopAll } popAll } when popAll.Args.Any(a => ActivityAnalysis.DependsOn(a, active)):
                        // ...so restored after its tangents.
                        output.Add(new ExprStmt(0, popAll with { Args = ActiveTangents(popAll.Args) }));
                        output.Add(statement);
                        break;
                    case ExprStmt { Expression: PullbackCall pullback } when ActivityAnalysis.DependsOn(pullback, active):
                        output.Add(new ExprStmt(statement.Line, PullbackTangent(pullback)));
                        break;
                    case AssignTuple { Value: DiffCall call } tuple when tuple.Variables.Any(v => active.Contains(v.Name)):
                        // ((u, v), (u_dot, v_dot)) = GForward(...); an element nothing needs the tangent of goes to a discard.
                        var elementTangents = tuple.Variables.Select(v => active.Contains(v.Name) ? tangents[v.Name] : new Var(v.Type, "_"));
                        output.Add(new AssignTuple(tuple.Line, EquatableArray.Of<Expr>(new AggregateValue(call.Type, tuple.Targets), new AggregateValue(call.Type, elementTangents.ToEquatableArray<Expr>())), ForwardCall(call)));
                        break;
                    case If branch:
                        output.Add(branch with { Then = TransformList(branch.Then, depth, available).ToEquatableArray(), Else = TransformList(branch.Else, depth, available).ToEquatableArray() });
                        break;
                    case While loop:
                        output.Add(loop with { Body = TransformList(loop.Body, depth + 1, available).ToEquatableArray() });
                        break;
                    case For loop:
                        output.Add(loop with { Body = TransformList(loop.Body, depth + 1, available).ToEquatableArray() });
                        break;
                    default:
                        output.Add(statement);
                        break;
                }

                if (depth == 0)
                {
                    reuse?.Note(statement, available);
                }
            }

            return output;
        }

        private void TransformAssign(Assign assign, List<Stmt> output)
        {
            var target = assign.Target;
            var tangent = tangents[target.Name];
            if (IsPop(assign.Value))
            {
                output.Add(new Assign(assign.Line, tangent, AssignOp.Set, assign.Value));
                output.Add(assign);
                return;
            }

            if (assign.Op != AssignOp.Set)
            {
                // v += e: the tangent first, as e's partials may read v.
                if (Tangent(assign.Value, null) is { } increment)
                {
                    output.Add(new Assign(assign.Line, tangent, assign.Op, Build.Cast(target.Type, increment)));
                }

                output.Add(assign);
                return;
            }

            if (assign.Value is DiffCall call)
            {
                output.Add(new AssignTuple(assign.Line, EquatableArray.Of<Expr>(target, tangent), ForwardCall(call)));
                return;
            }

            if (Types.IsRealCollection(target.Type))
            {
                // An array variable takes a new array or another's: its tangent does the same.
                output.Add(assign);
                var arrayTangent = ArrayTangent(assign.Value);
                output.Add(new Assign(assign.Line, tangent, AssignOp.Set, arrayTangent));
                output.AddRange(Build.ClearIfOnStack(tangent, arrayTangent));
                return;
            }

            if (IrWalker.ReadsVariable(assign.Value, target.Name))
            {
                // p = p ± c leaves p's tangent as it is.
                var updated = Build.Cast(tangent.Type, Tangent(assign.Value, null) ?? Build.Num(target.Type, 0));
                if (updated != tangent)
                {
                    output.Add(new Assign(assign.Line, tangent, AssignOp.Set, updated));
                }

                output.Add(assign);
            }
            else
            {
                output.Add(assign);
                output.Add(new Assign(assign.Line, tangent, AssignOp.Set, Build.Cast(tangent.Type, Tangent(assign.Value, target) ?? Build.Num(target.Type, 0))));
            }
        }

        /// <summary>
        /// The tangent of an array value: another array's tangent, or zeros for an array with no derivative, null for
        /// null; chosen like the value by <c>?:</c>.
        /// </summary>
        private Expr ArrayTangent(Expr value) => value switch
        {
            Conditional choice => choice with { WhenTrue = ArrayTangent(choice.WhenTrue), WhenFalse = ArrayTangent(choice.WhenFalse) },
            _ when Literals.IsNull(value) => value,
            _ => NewArrayLike(value) ?? Tangent(value, null) ?? Build.Zero(value),
        };

        /// <summary>A new array (<c>new T[n]</c>, or one lent by the tape): the tangent of one is another.</summary>
        private static Expr? NewArrayLike(Expr value) =>
            value is NewArray or TapeOp { Operation: TapeOperation.RentBuffer } ? value : null;

        /// <summary>The tangents of the recorded values that have one, in order: what the tape records after them.</summary>
        private EquatableArray<Expr> ActiveTangents(EquatableArray<Expr> recorded) =>
            recorded.Where(a => ActivityAnalysis.DependsOn(a, active)).Select(a => Tangent(a, null)!).ToEquatableArray();

        /// <summary>A value taken back from the tape: <c>tape.PopReal()</c>, maybe converted.</summary>
        private static bool IsPop(Expr value) =>
            (value is TypeCast cast ? cast.Operand : value) is TapeOp { IsPop: true };

        /// <summary>
        /// The tangent of a callee's pullback: its <c>FReverseTangent</c>, given the tangents of the arguments and the seed,
        /// and where the tangents of the adjoints accumulate.
        /// </summary>
        private Call PullbackTangent(PullbackCall pullback)
        {
            var call = pullback.Callee;
            var argumentTangents = call.Args.Where((_, i) => call.Wrt[i]).Select(a => Tangent(a, null) is { } t ? Build.Cast(a.Type, t) : Build.Zero(a));
            var seedTangent = Tangent(pullback.Seed, null) is { } t ? Build.Cast(pullback.Seed.Type, t) : Build.Zero(pullback.Seed);
            var adjointTangents = pullback.Adjoints.Select(a => a switch
            {
                Ref r when active.Contains(r.Variable.Name) => new Ref(r.Type, tangents[r.Variable.Name]),
                Ref r => new Ref(r.Type, Discard(r.Type)),
                Var v when active.Contains(v.Name) => tangents[v.Name],
                _ => Build.Zero(a),
            });
            var args = call.Args.Append(pullback.Seed).Concat(pullback.Adjoints).Concat(argumentTangents).Append(seedTangent).Concat(adjointTangents);
            return CalleeDerivatives.ReverseTangent(call, args);
        }

        private Var Discard(IrType type)
        {
            if (!discards.TryGetValue(type, out var discard))
            {
                discard = new Var(type, names.Fresh("discard_dot"));
                discards[type] = discard;
                discardDeclarations.Add(new Declare(discard, Build.Num(type, 0)));
            }

            return discard;
        }

        /// <summary>The callee's Forward, with the tangent of each differentiable argument after the arguments.</summary>
        private Call ForwardCall(DiffCall call)
        {
            var tangentArgs = call.Args.Where((_, i) => call.Wrt[i]).Select(a => Tangent(a, null) is { } t ? Build.Cast(a.Type, t) : Build.Zero(a));
            return CalleeDerivatives.Forward(call, call.Args.Concat(tangentArgs));
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
                case Member { Receiver: Var tuple } item:
                    // An element of a tuple seed.
                    return item with { Receiver = tangents[tuple.Name] };
                case AggregateValue tuple:
                    return tuple with { Items = tuple.Items.Select(i => Tangent(i, null) is { } t ? Build.Cast(i.Type, t) : Build.Zero(i)).ToEquatableArray() };
                case Index element:
                    return element with { Collection = Tangent(element.Collection, null)! };
                case TypeCast { Operand: var operand } conversion when Types.IsReal(conversion.Type) && Types.IsReal(operand.Type):
                    // Derivative 1, and the tangent is not rounded to float here: rounded, the tangent of (double)(float)x
                    // in a double program would lose half its digits and overflow beyond 3.4e38 where the derivative
                    // is finite. Tangents are converted only where a tangent variable stores them (as reverse mode does).
                    return Tangent(operand, null) is { } converted ? Build.ThroughConversion(conversion.Type, converted) : null;
                case Conditional c:
                    var whenTrue = Tangent(c.WhenTrue, null) ?? Build.Num(c.Type, 0);
                    var whenFalse = Tangent(c.WhenFalse, null) ?? Build.Num(c.Type, 0);
                    var type = Types.Arithmetic(whenTrue.Type, whenFalse.Type);
                    return new Conditional(type, c.Condition, Build.Cast(type, whenTrue), Build.Cast(type, whenFalse));
                default:
                    Expr? sum = null;
                    foreach (var (operand, scale) in Derivatives.Of(expr, value))
                    {
                        if (Tangent(operand, null) is { } operandTangent)
                        {
                            // Not narrowed to a float node's type: a double tangent times a float partial is a double.
                            sum = Build.Add(sum, scale(operandTangent));
                        }
                    }

                    return sum;
            }
        }
    }
}
