using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Analysis;
using GradGen.Generator.Compose;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;
using GradGen.Generator.Optimize;

namespace GradGen.Generator.AD
{
    /// <summary>
    /// Reverse mode: a forward sweep (the primal code) that records what the backward sweep needs, then the backward
    /// sweep, which visits the statements in reverse and propagates adjoints.
    /// <para>
    /// The backward sweep evaluates partial derivatives from the primal variables themselves, so each statement must
    /// see them as they were when it ran: an assignment that overwrites a value the backward sweep reads saves the old
    /// value first (in a local outside loops, on the tape inside them) and the backward sweep restores it. Branch
    /// decisions and loop trip counts are recorded the same way. Only what the backward sweep actually reads is
    /// recorded (to-be-recorded analysis), and control flow with no backward work is not replayed at all.
    /// </para>
    /// </summary>
    internal sealed class AdjointTransform
    {
        private readonly DiffMethodModel model;
        private readonly NameScope names;
        private readonly HashSet<string> active;
        private readonly Dictionary<string, Var> adjoints = new();
        private readonly List<Declare> declarations = new();
        private readonly Dictionary<IrType, Var> discards = new();
        private readonly HashSet<string> sharedAdjoints = new();
        private readonly PassPipeline passes;
        private Var? tape;

        /// <summary>What the to-be-recorded analysis found; set once the nodes are built.</summary>
        private Records records = null!;

        /// <summary>The keys of the callees whose calls are reversed split (<c>SplitReversal</c>); empty for joint reversal of every call.</summary>
        private readonly ICollection<string> split;

        private AdjointTransform(DiffMethodModel model, NameScope names, PassPipeline passes, ICollection<string> split)
        {
            this.model = model;
            this.names = names;
            this.passes = passes;
            this.split = split;
            active = ActivityAnalysis.Active(model.Body, model.Parameters.Where(p => p.Wrt).Select(p => p.Name), model.Results.Select(r => r.Name));
            foreach (var variable in model.Parameters.Select(p => new Var(p.Type, p.Name)).Concat(model.Locals).Where(v => active.Contains(v.Name)))
            {
                // An array parameter's adjoints accumulate straight into the caller's buffer.
                adjoints[variable.Name] = IsParameter(variable.Name) && Types.IsRealCollection(variable.Type)
                    ? new Var(variable.Type, DerivativeNames.Parameter("d", variable.Name))
                    : new Var(variable.Type, names.Fresh(variable.Name + "_adj"));
            }

            // b = a makes b's adjoint a's: one buffer under two names.
            foreach (var assign in IrWalker.AllStatements(model.Body).OfType<Assign>())
            {
                var sources = IrWalker.ArraysReferenced(assign.Value).ToList();
                foreach (var array in sources.Count == 0 ? sources : sources.Append(assign.Target).Where(a => adjoints.ContainsKey(a.Name)))
                {
                    sharedAdjoints.Add(adjoints[array.Name].Name);
                }
            }
        }

        /// <summary>The body of <c>FReverse</c>, whose seed parameter is <paramref name="seed"/>.</summary>
        public static List<Stmt> Transform(DiffMethodModel model, NameScope names, Var seed, PassPipeline passes) => Joint(Sweep(model, names, seed, passes));

        /// <summary>A Reverse body from its sweeps: the forward sweep, then the backward sweep, on a tape of its own.</summary>
        public static List<Stmt> Joint(Sweeps sweeps)
        {
            var body = new List<Stmt>(sweeps.Locals);
            body.AddRange(sweeps.Adjoints.Select(a => new Declare(a.Adjoint, a.Initial)));
            body.AddRange(sweeps.Declarations);
            if (sweeps.Tape is { } tape)
            {
                body.Add(Runtime.RentTape(tape));
            }

            body.Add(new Comment("Forward sweep"));
            body.AddRange(sweeps.Forward);
            body.Add(new Comment("Backward sweep"));
            body.AddRange(sweeps.Backward);
            if (sweeps.Tape is { } used)
            {
                body.Add(Runtime.ReturnTape(used));
            }

            body.Add(new Return(0, sweeps.Returned));
            return body;
        }

        /// <summary>
        /// The two sweeps of <c>FReverse</c> apart, for callers that run them differently (a Jacobian runs the backward
        /// sweep once per output after one forward sweep): what the Reverse body is made of.
        /// </summary>
        /// <param name="split">The keys of the callees whose calls are reversed split; none when null.</param>
        public static Sweeps Sweep(DiffMethodModel model, NameScope names, Var seed, PassPipeline passes, ICollection<string>? split = null) =>
            new AdjointTransform(model, names, passes, split ?? System.Array.Empty<string>()).Run(seed);

        private Sweeps Run(Var seed)
        {
            var reuse = new ValueReuse(model, passes.IsOn(Optimizations.ValueReuse));
            var nodes = BuildNodes(model.Body, depth: 0, reuse, new Dictionary<Intrinsic, Var>());
            records = ToBeRecorded.Of(nodes, model, adjoints, reuse, passes.IsOn(Optimizations.Recomputation));
            var forward = EmitForward(nodes);
            var backward = EmitBackward(nodes);

            var realAdjoints = adjoints
                .Where(a => !(IsParameter(a.Key) && Types.IsRealCollection(a.Value.Type)))
                .Select(pair => (pair.Value, Types.IsReal(pair.Value.Type) ? ResultSeed(pair.Key, seed) ?? Build.Num(pair.Value.Type, 0) : null))
                .ToList();

            Expr returned = model.ReturnsAggregate ? new AggregateValue(model.ReturnType, model.Results.ToEquatableArray<Expr>()) : model.Results[0];
            var resultNames = new HashSet<string>(model.Results.Select(r => r.Name));
            if (model.ReturnsArray ? RestoresArrays(backward) : IrWalker.Writes(backward).Any(resultNames.Contains))
            {
                // The backward sweep puts back values the forward sweep overwrote, maybe the result (a return inside a
                // loop is recorded like any overwrite there): return the value the forward sweep ended with.
                var value = new Var(model.ReturnType, names.Fresh("value"));
                forward.Add(new Declare(value, model.ReturnsArray
                    ? new TypeCast(model.ReturnType, new Call(Types.Object, returned, null, "Clone", EquatableArray<Expr>.Empty))
                    : returned));
                returned = value;
            }

            var backwardSweep = model.ReturnsArray ? SeedArrayResult(seed).ToList() : new List<Stmt>();
            foreach (var parameter in model.Parameters.Where(p => p.Wrt && active.Contains(p.Name) && Types.IsReal(p.Type)))
            {
                backward.Add(new Assign(0, new Var(parameter.Type, DerivativeNames.Parameter("d", parameter.Name)), AssignOp.Add, adjoints[parameter.Name]));
            }

            var context = new PassContext(
                names,
                tape,
                new HashSet<string>(model.Locals.Select(l => l.Name).Concat(adjoints.Values.Select(a => a.Name)).Concat(declarations.Select(d => d.Variable.Name))),
                new HashSet<string>(adjoints.Values.Select(a => a.Name)),
                new HashSet<string>(model.Parameters.Where(p => p.Wrt).Select(p => DerivativeNames.Parameter("d", p.Name))));
            var forwardSweep = passes.Run(PassStage.ForwardSweep, forward, context);
            backwardSweep.AddRange(passes.Run(PassStage.BackwardSweep, backward, context));
            return new Sweeps(model.Locals.Select(l => (Stmt)new Declare(l, null)).ToList(), realAdjoints, declarations.Cast<Stmt>().ToList(),
                forwardSweep, returned, backwardSweep, tape);
        }

        /// <summary>Whether backward code writes elements of primal arrays: restores of recorded elements or whole arrays.</summary>
        private bool RestoresArrays(IEnumerable<Stmt> backward)
        {
            var adjointNames = new HashSet<string>(adjoints.Values.Select(a => a.Name));
            return IrWalker.AllStatements(backward).Any(s =>
                s is Store { Target.Collection: Var array } && !adjointNames.Contains(array.Name)
                || s is ExprStmt { Expression: TapeOp { Operation: TapeOperation.PopAll } });
        }

        /// <summary>The seed of a real result: the seed itself, or its element for a tuple; null for any other variable.</summary>
        private Expr? ResultSeed(string name, Var seed)
        {
            var index = model.Results.Select(r => r.Name).ToList().IndexOf(name);
            return index < 0 ? null
                : model.ReturnsAggregate ? Build.Leaf(seed, index)
                : seed;
        }

        /// <summary>Checks the seed of an array result against the result's length, then adds it to the result's adjoint.</summary>
        private IEnumerable<Stmt> SeedArrayResult(Var seed)
        {
            var result = model.Results[0];
            yield return new ThrowIf(Build.Compare(BinaryOp.NotEqual, Build.Length(seed), Build.Length(result)), $"{seed.Name} must have the length of the result.", seed.Name);
            if (active.Contains(result.Name))
            {
                var i = NewLocal(Types.Int, names.Fresh("i"), null);
                var element = new Index(Types.ElementType(result.Type)!, adjoints[result.Name], EquatableArray.Of<Expr>(i));
                yield return new For(0, i, Build.Num(Types.Int, 0), Build.Compare(BinaryOp.Less, i, Build.Length(seed)), LoopStep.Up, EquatableArray.Of<Stmt>(
                    new Store(0, element, AssignOp.Add, new Index(element.Type, seed, EquatableArray.Of<Expr>(i)))));
            }
        }

        private bool IsParameter(string name) => model.Parameters.Any(p => p.Name == name);

        /// <param name="values">Values computed outside loops that the backward code may read (see <see cref="ValueReuse"/>).</param>
        private List<Node> BuildNodes(IReadOnlyList<Stmt> statements, int depth, ValueReuse reuse, IReadOnlyDictionary<Intrinsic, Var> values)
        {
            // A copy: what these statements compute serves all of them and the blocks inside them, not the enclosing block.
            var available = values.ToDictionary(p => p.Key, p => p.Value);
            if (depth == 0)
            {
                foreach (var statement in statements)
                {
                    reuse.Note(statement, available);
                }
            }

            List<Stmt> Reusing(List<Stmt> backward) => ValueReuse.Apply(backward, available);
            var nodes = new List<Node>();
            foreach (var statement in statements)
            {
                nodes.Add(statement switch
                {
                    Assign or AssignTuple => CallNode(statement, depth, Reusing),
                    Store store => new StoreNode(store, depth, Reusing(BackwardOf(store))),
                    If branch => new IfNode(branch, depth, BuildNodes(branch.Then, depth, reuse, available), BuildNodes(branch.Else, depth, reuse, available)),
                    While loop => new LoopNode(loop, depth, BuildNodes(loop.Body, depth + 1, reuse, available)),
                    For loop => new LoopNode(loop, depth, BuildNodes(loop.Body, depth + 1, reuse, available)) { ReverseBounds = LoopBounds.Counted(loop) },
                    _ => new Node(statement, depth),
                });
            }

            return nodes;
        }

        /// <summary>
        /// The node of an assignment. A call of a callee reversed split, whose adjoint the backward sweep propagates,
        /// calls its Record on this method's tape in the forward sweep and its Backward, on the same tape, in the
        /// backward sweep; any other call is reversed joint (its primal, then its Reverse, which runs it again).
        /// </summary>
        private AssignNode CallNode(Stmt statement, int depth, System.Func<List<Stmt>, List<Stmt>> reusing)
        {
            // An assignment of a call to an active target is all that gets a pullback (BackwardOf), exactly one.
            var (targets, value) = AssignNode.Parts(statement);
            if (value is DiffCall call && SplitReversal.Splittable(call) && split.Contains(call.CalleeKey!) && targets.Any(t => active.Contains(t.Name)))
            {
                var splitCall = call with { Tape = Tape };
                statement = statement is Assign whole ? whole with { Value = splitCall } : ((AssignTuple)statement) with { Value = splitCall };
            }

            return new AssignNode(statement, depth, reusing(statement is Assign a ? BackwardOf(a) : BackwardOf((AssignTuple)statement)));
        }

        /// <summary>The adjoint statements of one assignment, before any restore of its target.</summary>
        private List<Stmt> BackwardOf(Assign assign)
        {
            var target = assign.Target;
            if (!active.Contains(target.Name))
            {
                return new List<Stmt>();
            }

            var targetAdjoint = adjoints[target.Name];
            if (Types.IsRealCollection(target.Type))
            {
                // The adjoint buffer of an array a call returned is the callee's seed. Any other reference assignment
                // moves no derivative: the forward sweep points the adjoint alongside.
                return assign.Value is DiffCall arrayCall
                    ? new List<Stmt> { ReverseCall(arrayCall, targetAdjoint, assign.Line) }
                    : new List<Stmt>();
            }

            var readsTarget = IrWalker.ReadsVariable(assign.Value, target.Name);
            if (assign.Value is DiffCall call)
            {
                return BackwardOfCall(call, new[] { target }, readsTarget, assign.Line);
            }

            var zero = new Assign(assign.Line, targetAdjoint, AssignOp.Set, Build.Num(target.Type, 0));

            // v = v + e and v = e + v leave v's adjoint as it is: e just receives it.
            if (assign.Value is Binary { Op: BinaryOp.Add or BinaryOp.Subtract } sum && AccumulatedTerm(sum, target) is { } term)
            {
                return Adjoint(term.Expr, term.Negate ? Build.Neg(targetAdjoint) : targetAdjoint, null);
            }

            if (!readsTarget)
            {
                var statements = Adjoint(assign.Value, targetAdjoint, target);
                statements.Add(zero);
                return statements;
            }

            var adjoint = Capture(targetAdjoint, out var saved);
            var result = new List<Stmt> { saved!, zero };
            result.AddRange(Adjoint(assign.Value, adjoint, null));
            return result;
        }

        /// <summary>The adjoint statements of <c>(u, v) = G(...)</c>: G's Reverse, seeded with the elements' adjoints.</summary>
        private List<Stmt> BackwardOf(AssignTuple tuple)
        {
            var targets = tuple.Variables.ToList();
            return tuple.Value is DiffCall call && targets.Any(t => active.Contains(t.Name))
                ? BackwardOfCall(call, targets, targets.Any(t => IrWalker.ReadsVariable(call, t.Name)), tuple.Line)
                : new List<Stmt>();
        }

        /// <summary>
        /// Runs the callee's Reverse seeded with the adjoints of the real <paramref name="targets"/> it assigned (one, or
        /// a tuple's elements), then clears them. When the call reads a target, its adjoint is captured and cleared
        /// first, since the call's own pullback may add to it.
        /// </summary>
        private List<Stmt> BackwardOfCall(DiffCall call, IReadOnlyList<Var> targets, bool readsTarget, int line)
        {
            var statements = new List<Stmt>();
            var seeds = new List<Expr>();
            var zeros = new List<Stmt>();
            foreach (var target in targets)
            {
                if (!active.Contains(target.Name))
                {
                    seeds.Add(Build.Num(target.Type, 0));
                    continue;
                }

                var adjoint = adjoints[target.Name];
                if (readsTarget)
                {
                    seeds.Add(Capture(adjoint, out var capture));
                    statements.Add(capture);
                }
                else
                {
                    seeds.Add(adjoint);
                }

                zeros.Add(new Assign(line, adjoint, AssignOp.Set, Build.Num(target.Type, 0)));
            }

            if (readsTarget)
            {
                statements.AddRange(zeros);
            }

            statements.Add(ReverseCall(call, Types.Leaves(call.Type) is null ? seeds[0] : new AggregateValue(call.Type, seeds.ToEquatableArray()), line));
            if (!readsTarget)
            {
                statements.AddRange(zeros);
            }

            return statements;
        }

        /// <summary>The callee's Reverse: its arguments, the seed, then where each differentiable argument's adjoint accumulates.</summary>
        private Stmt ReverseCall(DiffCall call, Expr seed, int line)
        {
            var refs = call.Args.Where((_, i) => call.Wrt[i]).Select(AdjointArgument);
            return new ExprStmt(line, new PullbackCall(call, seed, refs.ToEquatableArray()));
        }

        /// <summary>What a callee's Reverse gets for one differentiable argument: where its adjoint accumulates.</summary>
        private Expr AdjointArgument(Expr argument)
        {
            var adjoint = argument is Var v && active.Contains(v.Name) ? adjoints[v.Name] : null;
            if (Types.IsRealCollection(argument.Type))
            {
                return adjoint ?? Build.Zero(argument);
            }

            return new Ref(argument.Type, adjoint ?? Discard(argument.Type));
        }

        /// <summary>The adjoint statements of a store into an element of a local array.</summary>
        private List<Stmt> BackwardOf(Store store)
        {
            if (store.Target.Collection is not Var array || !active.Contains(array.Name))
            {
                return new List<Stmt>();
            }

            var element = store.Target with { Collection = adjoints[array.Name] };
            if (store.Value is Binary { Op: BinaryOp.Add or BinaryOp.Subtract } sum && sum.Left == store.Target && !IrWalker.ReadsVariable(sum.Right, array.Name))
            {
                // a[i] = a[i] + e leaves a[i]'s adjoint as it is: e just receives it.
                return Adjoint(sum.Right, sum.Op == BinaryOp.Subtract ? Build.Neg(element) : element, null);
            }

            var adjoint = new Var(element.Type, names.Fresh(array.Name + "_adj_in"));
            var statements = new List<Stmt>
            {
                new Declare(adjoint, element),
                new Store(store.Line, element, AssignOp.Set, Build.Num(element.Type, 0)),
            };
            statements.AddRange(Adjoint(store.Value, adjoint, null));
            return statements;
        }

        private static (Expr Expr, bool Negate)? AccumulatedTerm(Binary sum, Var target)
        {
            if (sum.Left == target && !IrWalker.ReadsVariable(sum.Right, target.Name))
            {
                return (sum.Right, sum.Op == BinaryOp.Subtract);
            }

            return sum.Op == BinaryOp.Add && sum.Right == target && !IrWalker.ReadsVariable(sum.Left, target.Name) ? (sum.Left, false) : null;
        }

        /// <summary>Copies an adjoint into a fresh local declared in place.</summary>
        private Var Capture(Var adjoint, out Stmt declaration)
        {
            var copy = new Var(adjoint.Type, names.Fresh(adjoint.Name + "_in"));
            declaration = new Declare(copy, adjoint);
            return copy;
        }

        /// <summary>Statements that add <paramref name="adjoint"/>·∂expr/∂v to the adjoint of every active v in <paramref name="expr"/>.</summary>
        private List<Stmt> Adjoint(Expr expr, Expr adjoint, Expr? value)
        {
            var output = new List<Stmt>();
            AddAdjoint(expr, adjoint, value, output);
            return output;
        }

        private void AddAdjoint(Expr expr, Expr adjoint, Expr? value, List<Stmt> output)
        {
            if (!ActivityAnalysis.DependsOn(expr, active))
            {
                return;
            }

            switch (expr)
            {
                case Var v:
                    // Converted to the adjoint's type where it is stored, and only there (see the TypeCast case).
                    var stored = adjoints[v.Name];
                    output.Add(adjoint is Unary { Op: UnaryOp.Minus } negated
                        ? new Assign(0, stored, AssignOp.Subtract, Build.Cast(stored.Type, negated.Operand))
                        : new Assign(0, stored, AssignOp.Add, Build.Cast(stored.Type, adjoint)));
                    return;
                case TypeCast { Operand: var operand } conversion when Types.IsReal(conversion.Type) && Types.IsReal(operand.Type):
                    // A conversion between float and double has derivative 1: the adjoint goes through as it is. Rounded
                    // to float here, the adjoint of (double)(float)x in a double program would lose half its digits
                    // and overflow beyond 3.4e38 where the derivative is finite (forward mode, which meets the large
                    // factors after the conversion, does not).
                    AddAdjoint(operand, Build.ThroughConversion(operand.Type, adjoint), null, output);
                    return;
                case Conditional c:
                    output.Add(new If(0, c.Condition, Adjoint(c.WhenTrue, adjoint, null).ToEquatableArray(), Adjoint(c.WhenFalse, adjoint, null).ToEquatableArray()));
                    return;
                case Index { Collection: Var array } element:
                    var target = element with { Collection = adjoints[array.Name] };
                    output.Add(adjoint is Unary { Op: UnaryOp.Minus } negatedElement
                        ? new Store(0, target, AssignOp.Subtract, Build.Cast(target.Type, negatedElement.Operand))
                        : new Store(0, target, AssignOp.Add, Build.Cast(target.Type, adjoint)));
                    return;
            }

            var operands = Derivatives.Of(expr, value).Where(o => ActivityAnalysis.DependsOn(o.Operand, active)).ToList();
            if (operands.Count > 1 && adjoint is not (Var or Const or Unary { Operand: Var }))
            {
                // Name a compound adjoint once rather than recompute it for every operand.
                var named = new Var(adjoint.Type, names.Numbered("g"));
                output.Add(new Declare(named, adjoint));
                adjoint = named;
            }

            // The adjoint is not narrowed to a float node's type: a double adjoint times a float partial is computed in
            // double (as C# computes it), and converted only where a float adjoint variable stores it.
            foreach (var (operand, scale) in operands)
            {
                AddAdjoint(operand, scale(adjoint), null, output);
            }
        }

        private Var Discard(IrType type)
        {
            if (!discards.TryGetValue(type, out var discard))
            {
                discard = NewLocal(type, names.Fresh("discard"), Build.Num(type, 0));
                discards[type] = discard;
            }

            return discard;
        }

        private bool HasBackwardWork(IEnumerable<Node> nodes) => nodes.Any(node => node switch
        {
            AssignNode assign => assign.Backward.Count > 0 || records.IsRecorded(assign),
            StoreNode store => store.Backward.Count > 0 || records.IsRecorded(store),
            IfNode branch => HasBackwardWork(branch.Then) || HasBackwardWork(branch.Else),
            LoopNode loop => records.SnapshotsOf(loop).Count > 0 || HasBackwardWork(loop.Body),
            _ => false,
        });

        private List<Stmt> EmitForward(IEnumerable<Node> nodes)
        {
            var output = new List<Stmt>();
            foreach (var node in nodes)
            {
                switch (node)
                {
                    case AssignNode assign:
                        if (records.IsRecorded(assign) && assign.Undo is null && assign.Depth > 0 && assign.ReadsTarget && assign.Value is DiffCall { Tape: not null })
                        {
                            // The backward sweep takes the old values back before the callee's Backward takes back its
                            // records (the call reads them), so they go on the tape after the callee's Record.
                            var old = Overwrites(assign).Select(v => (Value: v, Kept: NewLocal(v.Type, names.Fresh(v.Name + "_old"), null))).ToList();
                            output.AddRange(old.Select(o => new Assign(assign.Primal.Line, o.Kept, AssignOp.Set, o.Value)));
                            output.Add(assign.Primal);
                            output.AddRange(old.Select(o => Push(o.Kept)));
                            assign.Slots = old.Select(_ => (Var?)null).ToList();
                        }
                        else
                        {
                            if (records.IsRecorded(assign) && assign.Undo is null)
                            {
                                assign.Slots = Overwrites(assign).Select(v => Save(v, assign.Depth, assign.Primal.Line, output)).ToList();
                            }

                            output.Add(assign.Primal);
                        }

                        if (ArrayAdjointOf(assign) is { } arrayAdjoint)
                        {
                            var adjointBuffer = ArrayAdjoint(assign.Value, assign.Targets[0]);
                            output.Add(new Assign(assign.Primal.Line, arrayAdjoint, AssignOp.Set, adjointBuffer));
                            output.AddRange(Build.ClearIfOnStack(arrayAdjoint, adjointBuffer));
                        }

                        break;
                    case StoreNode store:
                        if (records.IsRecorded(store))
                        {
                            store.Slot = Save(store.Primal.Target, store.Depth, store.Primal.Line, output);
                        }

                        output.Add(store.Primal);
                        break;
                    case IfNode branch:
                        EmitForwardIf(branch, output);
                        break;
                    case LoopNode loop:
                        EmitForwardLoop(loop, output);
                        break;
                    default:
                        output.Add(node.Primal);
                        break;
                }
            }

            return output;
        }

        /// <summary>The adjoint buffer an array assignment moves along with its target, if the target is active.</summary>
        private Var? ArrayAdjointOf(AssignNode assign) =>
            assign.Targets[0] is var target && Types.IsRealCollection(target.Type) && active.Contains(target.Name) ? adjoints[target.Name] : null;

        /// <summary>What an assignment overwrites, in the order a record saves it: its targets, then an array's adjoint buffer.</summary>
        private IEnumerable<Var> Overwrites(AssignNode assign) =>
            ArrayAdjointOf(assign) is { } arrayAdjoint ? assign.Targets.Append(arrayAdjoint) : assign.Targets;

        /// <summary>
        /// The adjoint buffer that goes with a new value of the array <paramref name="target"/>: a lent buffer for a new
        /// array, the source's own adjoint for another array (<c>b = a</c>, <c>b = flag ? a : c</c>), null for null, else
        /// a fresh zero one.
        /// </summary>
        private Expr ArrayAdjoint(Expr value, Var target) => value switch
        {
            _ when Literals.IsNull(value) => value,
            NewArray { OnStack: false } fresh => Rent(fresh),
            NewArray onStack => onStack,
            DiffCall => Rent(new NewArray(target.Type, Types.ElementType(target.Type)!, EquatableArray.Of(Build.Length(target)))),
            Var source when active.Contains(source.Name) => adjoints[source.Name],
            Conditional choice => choice with { WhenTrue = ArrayAdjoint(choice.WhenTrue, target), WhenFalse = ArrayAdjoint(choice.WhenFalse, target) },
            _ => Build.Zero(value is Var ? value : target),
        };

        /// <summary>Saves the value of <paramref name="value"/> before it is overwritten: in a local, or on the tape in a loop.</summary>
        private Var? Save(Expr value, int depth, int line, List<Stmt> output)
        {
            if (depth > 0)
            {
                output.Add(Push(value));
                return null;
            }

            var name = value is Var v ? v.Name : ((Var)((Index)value).Collection).Name + "_element";
            var slot = NewLocal(value.Type, names.Fresh(name + "_saved"), null);
            output.Add(new Assign(line, slot, AssignOp.Set, value));
            return slot;
        }

        /// <summary>Puts back what <see cref="Save"/> kept, in reverse order.</summary>
        private Stmt Restore(Expr target, Var? slot)
        {
            var value = slot ?? Pop(target.Type);
            return target is Index element ? new Store(0, element, AssignOp.Set, value) : new Assign(0, (Var)target, AssignOp.Set, value);
        }

        private void EmitForwardIf(IfNode node, List<Stmt> output)
        {
            var primal = (If)node.Primal;
            var then = EmitForward(node.Then);
            var otherwise = EmitForward(node.Else);
            if (!HasBackwardWork(node.Then) && !HasBackwardWork(node.Else))
            {
                output.Add(primal with { Then = then.ToEquatableArray(), Else = otherwise.ToEquatableArray() });
                return;
            }

            node.Replayed = true;
            if (node.Depth == 0)
            {
                node.Decision = NewLocal(Types.Bool, names.Numbered("branch"), null);
                output.Add(new Assign(primal.Line, node.Decision, AssignOp.Set, primal.Condition));
                output.Add(primal with { Condition = node.Decision, Then = then.ToEquatableArray(), Else = otherwise.ToEquatableArray() });
                return;
            }

            // Pushed after the branch's own records, so the backward sweep pops it first.
            then.Add(Push(new Const(Types.Bool, "true", null)));
            otherwise.Add(Push(new Const(Types.Bool, "false", null)));
            output.Add(primal with { Then = then.ToEquatableArray(), Else = otherwise.ToEquatableArray() });
        }

        private void EmitForwardLoop(LoopNode node, List<Stmt> output)
        {
            output.AddRange(SnapshotCalls(records.SnapshotsOf(node), TapeOperation.PushAll));
            var body = EmitForward(node.Body);
            if (!HasBackwardWork(node.Body))
            {
                output.Add(IrRewriter.WithBody(node.Primal, body));
                return;
            }

            node.Replayed = true;
            if (node.ReverseBounds is not null)
            {
                output.Add(IrRewriter.WithBody(node.Primal, body));
                return;
            }

            node.Trips = NewLocal(Types.Int, names.Numbered("trips"), null);
            if (node.Primal is For loop)
            {
                // A counted loop is replayed by counting back from its last counter value: only start and trip count are kept.
                Expr start = loop.Start;
                if (loop.Start is not Const)
                {
                    node.Start = NewLocal(Types.Int, names.Fresh(loop.Counter.Name + "_start"), null);
                    output.Add(new Assign(loop.Line, node.Start, AssignOp.Set, loop.Start));
                    start = node.Start;
                }

                output.Add(loop with { Start = start, Body = body.ToEquatableArray() });
                output.Add(new Assign(loop.Line, node.Trips, AssignOp.Set, loop.Step == LoopStep.Up ? Build.IntSub(loop.Counter, start) : Build.IntSub(start, loop.Counter)));
                if (node.Depth > 0)
                {
                    if (node.Start is not null)
                    {
                        output.Add(Push(node.Start));
                    }

                    output.Add(Push(node.Trips));
                }

                return;
            }

            output.Add(new Assign(node.Primal.Line, node.Trips, AssignOp.Set, Build.Num(Types.Int, 0)));
            body.Insert(0, new Assign(node.Primal.Line, node.Trips, AssignOp.Set, new Binary(Types.Int, BinaryOp.Add, node.Trips, Build.Num(Types.Int, 1))));
            output.Add(IrRewriter.WithBody(node.Primal, body));
            if (node.Depth > 0)
            {
                output.Add(Push(node.Trips));
            }
        }

        private List<Stmt> EmitBackward(IEnumerable<Node> nodes)
        {
            var output = new List<Stmt>();
            var commentedLine = -1;

            // One comment per source line, above the first backward code of that line.
            void CommentLine(int line)
            {
                if (line != commentedLine)
                {
                    commentedLine = line;
                    output.Add(new Comment($"line {line}"));
                }
            }
            foreach (var node in nodes.Reverse())
            {
                switch (node)
                {
                    case AssignNode assign:
                        var restore = new List<Stmt>();
                        if (assign.Slots is { } slots)
                        {
                            // Restored in the reverse of the order saved: the adjoint array first, then the variables.
                            var saved = Overwrites(assign).ToList();
                            for (var i = saved.Count - 1; i >= 0; i--)
                            {
                                restore.Add(Restore(saved[i], slots[i]));
                            }
                        }
                        else if (records.IsRecorded(assign) && assign.Undo is { } undo)
                        {
                            restore.Add(undo);
                        }

                        if (assign.Backward.Count > 0 || restore.Count > 0)
                        {
                            CommentLine(assign.Primal.Line);
                        }

                        // When the right-hand side reads its own target, the partials need the old value: restore first.
                        output.AddRange(assign.ReadsTarget ? restore.Concat(assign.Backward) : assign.Backward.Concat(restore));
                        break;
                    case StoreNode store:
                        if (store.Backward.Count > 0 || records.IsRecorded(store))
                        {
                            CommentLine(store.Primal.Line);

                            // Restore first: the adjoint code then sees the array as the store found it.
                            if (records.IsRecorded(store))
                            {
                                output.Add(Restore(store.Primal.Target, store.Slot));
                            }

                            output.AddRange(store.Backward);
                        }

                        break;
                    case IfNode { Replayed: true } branch:
                        var condition = branch.Decision ?? Pop(Types.Bool);
                        output.Add(new If(branch.Primal.Line, condition, EmitBackward(branch.Then).ToEquatableArray(), EmitBackward(branch.Else).ToEquatableArray()));
                        break;
                    case LoopNode loop:
                        if (loop.Replayed)
                        {
                            EmitBackwardLoop(loop, output);
                        }

                        output.AddRange(SnapshotCalls(records.SnapshotsOf(loop), TapeOperation.PopAll));
                        break;
                }
            }

            return output;
        }

        private void EmitBackwardLoop(LoopNode node, List<Stmt> output)
        {
            if (node.ReverseBounds is { } bounds)
            {
                var counted = (For)node.Primal;
                var up = counted.Step == LoopStep.Up;
                Expr Continues(Expr counter) => Build.Compare(up ? BinaryOp.GreaterOrEqual : BinaryOp.LessOrEqual, counter, bounds.Last);
                var reversed = Recomputed(node).Concat(EmitBackward(node.Body)).ToList();
                var sums = AccumulateInLocals(reversed, counted.Counter);
                var reads = ReadInLocals(reversed, counted.Counter);
                output.AddRange(sums.Select(sum => new Declare(sum.Local, Build.Num(sum.Local.Type, 0))));
                if (reads.Count > 0)
                {
                    // Read where the loop would first read them: with no iteration an index may not even be valid.
                    output.AddRange(reads.Select(read => new Declare(read.Local, Build.Num(read.Local.Type, 0))));
                    output.Add(new If(0, Continues(bounds.First), reads.Select(read => (Stmt)new Assign(0, read.Local, AssignOp.Set, read.Element)).ToEquatableArray(), EquatableArray<Stmt>.Empty));
                    reversed = IrRewriter.Map(reversed.ToEquatableArray(), e => e is Index element && reads.FirstOrDefault(r => r.Element == element) is { Local: { } local } ? local : e).ToList();
                }

                output.Add(new For(counted.Line, counted.Counter, bounds.First, Continues(counted.Counter), up ? LoopStep.Down : LoopStep.Up, reversed.ToEquatableArray()));
                foreach (var (local, element) in sums)
                {
                    // Guarded by the loop's own test: with no iteration the element's index may not even be valid.
                    output.Add(new If(0, Continues(bounds.First), EquatableArray.Of<Stmt>(new Store(0, element, AssignOp.Add, local)), EquatableArray<Stmt>.Empty));
                }

                return;
            }

            var trips = node.Trips!;
            if (node.Depth > 0)
            {
                output.Add(new Assign(0, trips, AssignOp.Set, Pop(Types.Int)));
                if (node.Start is not null)
                {
                    output.Add(new Assign(0, node.Start, AssignOp.Set, Pop(Types.Int)));
                }
            }

            var body = Recomputed(node).Concat(EmitBackward(node.Body)).ToEquatableArray();
            if (node.Primal is For loop)
            {
                var start = node.Start ?? loop.Start;
                var up = loop.Step == LoopStep.Up;
                var last = up ? Build.IntAdd(start, Build.IntSub(trips, Build.Num(Types.Int, 1))) : Build.IntSub(start, Build.IntSub(trips, Build.Num(Types.Int, 1)));
                output.Add(new For(loop.Line, loop.Counter, last, Build.Compare(up ? BinaryOp.GreaterOrEqual : BinaryOp.LessOrEqual, loop.Counter, start), up ? LoopStep.Down : LoopStep.Up, body));
                return;
            }

            output.Add(new For(node.Primal.Line, trips, trips, Build.Compare(BinaryOp.Greater, trips, Build.Num(Types.Int, 0)), LoopStep.Down, body));
        }

        /// <summary>The values of the loop's iteration computed again where its backward code starts, rather than recorded.</summary>
        private IEnumerable<Stmt> Recomputed(LoopNode loop) =>
            records.RecomputedIn(loop) is { Count: > 0 } values ? values.Prepend(new Comment("computed again, not recorded")) : Enumerable.Empty<Stmt>();

        /// <summary>
        /// Rewrites each <c>a[i] += e</c> of a backward loop body whose element stays the same across iterations (its
        /// index does not change in the loop, and nothing else in the loop touches the array) to add into a local,
        /// added to the element after the loop: a sum in a register rather than a chain of loads and stores.
        /// </summary>
        private List<(Var Local, Index Element)> AccumulateInLocals(List<Stmt> body, Var counter)
        {
            var changing = new HashSet<string>(IrWalker.Writes(body)) { counter.Name };

            var uses = new Dictionary<string, int>();
            var assigned = IrWalker.AllStatements(body).OfType<Assign>().Select(a => a.Target);
            foreach (var expr in IrWalker.AllStatements(body).SelectMany(IrWalker.OwnExpressions).SelectMany(IrWalker.AllExpressions).Concat(assigned))
            {
                if (expr is Var v)
                {
                    uses[v.Name] = uses.TryGetValue(v.Name, out var count) ? count + 1 : 1;
                }
            }

            var sums = new List<(Var, Index)>();
            for (var i = 0; i < body.Count; i++)
            {
                if (body[i] is Store { Op: AssignOp.Add or AssignOp.Subtract, Target: { Collection: Var array } element } store
                    && Types.IsReal(element.Type)
                    && uses[array.Name] == 1
                    && !sharedAdjoints.Contains(array.Name)
                    && !element.Indices.SelectMany(IrWalker.AllExpressions).Any(e => e is Var v && changing.Contains(v.Name) || e is Call or DiffCall))
                {
                    var local = new Var(element.Type, names.Fresh(array.Name + "_sum"));
                    body[i] = new Assign(store.Line, local, store.Op, store.Value);
                    sums.Add((local, element));
                }
            }

            return sums;
        }

        /// <summary>
        /// The elements of primal arrays that a backward loop body reads at an index the loop does not change
        /// (<c>x[i]</c> in a loop over j), each to be read once into a local before the loop. The backward sweep writes
        /// primal arrays only to restore them; a body that does writes none.
        /// </summary>
        private List<(Var Local, Index Element)> ReadInLocals(List<Stmt> body, Var counter)
        {
            var statements = IrWalker.AllStatements(body).ToList();
            var adjointNames = new HashSet<string>(adjoints.Values.Select(a => a.Name));
            if (statements.Any(s => s is Store { Target.Collection: Var array } && !adjointNames.Contains(array.Name)
                || s is ExprStmt { Expression: TapeOp { Operation: TapeOperation.PopAll } }))
            {
                return new List<(Var, Index)>();
            }

            var changing = new HashSet<string>(IrWalker.Writes(body)) { counter.Name };
            bool Invariant(Expr index) => IrWalker.AllExpressions(index).All(e => e is Const or Binary or Unary or TypeCast || e is Var v && !changing.Contains(v.Name));
            return statements.SelectMany(IrWalker.OwnExpressions).SelectMany(IrWalker.AllExpressions).OfType<Index>()
                .Where(e => e.Collection is Var array && !adjointNames.Contains(array.Name) && !changing.Contains(array.Name)
                    && Types.IsReal(e.Type) && e.Indices.All(Invariant))
                .Distinct()
                .Select(e => (new Var(e.Type, names.Fresh(((Var)e.Collection).Name + "_read")), e))
                .ToList();
        }

        private Var NewLocal(IrType type, string name, Expr? value)
        {
            var local = new Var(type, name);
            declarations.Add(new Declare(local, value));
            return local;
        }

        private Var Tape => tape ??= new Var(TapeOp.TapeType, names.Fresh("tape"));

        /// <summary>
        /// The adjoint buffer of a new local array, lent by the tape so steady-state calls allocate no more than the
        /// primal. A length of another integer type (<c>new T[aLong]</c>) is made an int: the primal's <c>new</c>, just
        /// before, has already checked that it fits.
        /// </summary>
        private Expr Rent(NewArray array) => Runtime.RentBuffer(Tape, array.Type, array.Lengths.Select(n => n.Type == Types.Int ? n : new TypeCast(Types.Int, n)).ToArray());

        /// <summary>Records a value where <see cref="Pop"/> takes it back: any type but a real, an int, a bool or an array goes as an object (a long would otherwise widen to a real).</summary>
        private Stmt Push(Expr value) => Runtime.Push(Tape, value);

        /// <summary>
        /// The calls that record a loop's whole arrays before it (<c>PushAll</c>) or put them back after its backward
        /// code (<c>PopAll</c>, in the reverse order): <c>double[]</c> arrays two to a call.
        /// </summary>
        private IEnumerable<Stmt> SnapshotCalls(IReadOnlyList<Var> arrays, TapeOperation operation)
        {
            var calls = new List<Stmt>();
            for (var i = 0; i < arrays.Count; i++)
            {
                calls.Add(i + 1 < arrays.Count && arrays[i].Type == Types.Array(Types.Double) && arrays[i + 1].Type == arrays[i].Type
                    ? TapeOp.Statement(operation, Tape, arrays[i], arrays[++i])
                    : TapeOp.Statement(operation, Tape, arrays[i]));
            }

            if (operation == TapeOperation.PopAll)
            {
                calls.Reverse();
            }

            return calls;
        }

        private Expr Pop(IrType type) => Runtime.Pop(Tape, type);
    }

    /// <summary>
    /// The parts of a Reverse body: declarations of the primal's locals, the real adjoints with their initial values
    /// (the seed for a result, else zero), the other locals reverse mode needs, the forward sweep, the value it
    /// returns, the backward sweep (which ends with the adjoints of real parameters added to their d… parameters), and
    /// the tape, when one is used.
    /// </summary>
    internal sealed record Sweeps(
        List<Stmt> Locals,
        List<(Var Adjoint, Expr? Initial)> Adjoints,
        List<Stmt> Declarations,
        List<Stmt> Forward,
        Expr Returned,
        List<Stmt> Backward,
        Var? Tape);
}
