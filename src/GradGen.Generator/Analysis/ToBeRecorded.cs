using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.AD;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;
using GradGen.Generator.Optimize;

namespace GradGen.Generator.Analysis
{
    /// <summary>
    /// Flow-sensitive to-be-recorded analysis: which writes of the forward sweep must save the value they overwrite.
    /// <para>
    /// The backward sweep runs each statement's adjoint code with the variables as they were when the statement ran.
    /// A write therefore needs a record only when the adjoint code of some statement that ran before it reads the
    /// variable and no complete overwrite of the variable lies in between: restoring that overwrite brings the old
    /// value back wholesale, so the writes after it need no record of their own. An assignment overwrites a variable
    /// completely; so does a counted loop that stores to every element of an array whose length is the loop's bound
    /// (the reset of a scratch buffer), which is why a buffer reused across iterations costs one record per element
    /// per iteration, not one per write.
    /// </para>
    /// <para>
    /// The analysis carries forward the set of variables with such pending reads, joined over branches and iterated
    /// to a fixed point over loops. Array elements are tracked per alias class (arrays assigned from one another share
    /// elements); an array reference, whose adjoint buffer follows it, is tracked per variable.
    /// </para>
    /// <para>
    /// Recomputation (<see cref="Optimizations.Recomputation"/>): a scalar a loop body assigns once, from a few
    /// arithmetic operations on values that stay as they are to the end of the iteration (a difference of two input
    /// elements), is computed again at the start of the iteration's backward code instead of being recorded on every
    /// iteration: the backward sweep then reads, at the end of the iteration, what the value reads. It is refused (and
    /// the analysis run again) when code before the loop needs the variable's value from before the loop, which only a
    /// record brings back.
    /// </para>
    /// </summary>
    internal sealed class ToBeRecorded
    {
        private readonly Dictionary<string, string> adjointOf = new();
        private readonly Dictionary<string, string> aliasClass = new();
        private readonly HashSet<string> aliased;
        private readonly Dictionary<string, Expr> fixedLength = new();
        private readonly ValueReuse reuse;
        private readonly HashSet<Node> recorded = new();
        private readonly Dictionary<LoopNode, List<Var>> snapshots = new();
        private readonly Dictionary<LoopNode, List<AssignNode>> candidates = new();
        private readonly HashSet<AssignNode> refused;
        private readonly bool recompute;

        /// <summary>Targets of recomputed assignments while the rest of their iteration is visited: reads of them need no record.</summary>
        private readonly HashSet<string> covered = new();
        private bool refusedMore;

        private ToBeRecorded(DiffMethodModel model, IReadOnlyDictionary<string, Var> adjoints, ValueReuse reuse, bool recompute, HashSet<AssignNode> refused)
        {
            this.reuse = reuse;
            this.recompute = recompute;
            this.refused = refused;
            foreach (var pair in adjoints.Where(a => Types.IsRealCollection(a.Value.Type)))
            {
                adjointOf[pair.Value.Name] = pair.Key;
            }

            var arrays = model.Parameters.Select(p => new Var(p.Type, p.Name)).Concat(model.Locals).Where(v => Types.ElementType(v.Type) is not null).ToList();
            foreach (var array in arrays)
            {
                aliasClass[array.Name] = array.Name;
            }

            var assignments = IrWalker.AllStatements(model.Body).OfType<Assign>().ToList();
            foreach (var assign in assignments.Where(a => Types.ElementType(a.Target.Type) is not null))
            {
                foreach (var source in IrWalker.ArraysReferenced(assign.Value))
                {
                    Union(assign.Target.Name, source.Name);
                }
            }

            aliased = new HashSet<string>(arrays.GroupBy(a => Class(a.Name)).Where(g => g.Count() > 1).Select(g => g.Key));

            var writes = IrWalker.Writes(model.Body).GroupBy(name => name).ToDictionary(g => g.Key, g => g.Count());
            var topLevel = new HashSet<string>(model.Body.OfType<Assign>().Select(a => a.Target.Name));
            topLevel.ExceptWith(model.Parameters.Select(p => p.Name));

            // A length cannot change when each variable in it is never written, or is a local written once outside any loop or branch.
            bool Fixed(Expr length) => IrWalker.AllExpressions(length).All(e => e switch
            {
                Var v => !writes.TryGetValue(v.Name, out var count) || (count == 1 && topLevel.Contains(v.Name)),
                Call call => call.Name == "GetLength",
                DiffCall => false,
                _ => true,
            });

            foreach (var group in assignments.GroupBy(a => a.Target.Name))
            {
                var lengths = group.Select(a => a.Value is NewArray { Lengths.Count: 1 } fresh ? fresh.Lengths[0] : null).Distinct().ToList();
                if (lengths.Count == 1 && lengths[0] is { } length && Fixed(length))
                {
                    fixedLength[group.Key] = length;
                }
            }
        }

        /// <summary>The writes among <paramref name="nodes"/> that need a record, and the arrays each loop records whole.</summary>
        /// <param name="reuse">Says which locals are written once: those are never recorded.</param>
        /// <param name="recompute">Whether cheap values in loops are computed again rather than recorded.</param>
        public static Records Of(IReadOnlyList<Node> nodes, DiffMethodModel model, IReadOnlyDictionary<string, Var> adjoints, ValueReuse reuse, bool recompute)
        {
            var refused = new HashSet<AssignNode>();
            while (true)
            {
                var analysis = new ToBeRecorded(model, adjoints, reuse, recompute, refused);
                analysis.Visit(nodes, new HashSet<string>());
                if (analysis.refusedMore)
                {
                    continue;
                }

                analysis.MergeSnapshots(nodes);
                var recomputed = analysis.candidates.ToDictionary(
                    pair => pair.Key,
                    pair => pair.Value.Where(c => !refused.Contains(c)).Select(c => c.Primal).ToList());
                return new Records(analysis.recorded, analysis.snapshots, recomputed);
            }
        }

        private List<Var> Snapshots(LoopNode loop) => snapshots.TryGetValue(loop, out var arrays) ? arrays : snapshots[loop] = new List<Var>();

        /// <summary>
        /// Moves the arrays a loop records whole to the record of the loop just before it, when that loop neither writes
        /// them nor reads them backward: the same values are recorded earlier and put back later, and the two loops'
        /// arrays go to the tape together (GMM's centred point and its product with the factor, per component).
        /// </summary>
        private void MergeSnapshots(IReadOnlyList<Node> nodes)
        {
            for (var i = 0; i < nodes.Count; i++)
            {
                switch (nodes[i])
                {
                    case IfNode branch:
                        MergeSnapshots(branch.Then);
                        MergeSnapshots(branch.Else);
                        break;
                    case LoopNode loop:
                        MergeSnapshots(loop.Body);
                        if (i > 0 && nodes[i - 1] is LoopNode previous && Snapshots(previous).Count > 0 && Snapshots(loop).Count > 0 && Untouched(Snapshots(loop), previous))
                        {
                            Snapshots(previous).AddRange(Snapshots(loop));
                            Snapshots(loop).Clear();
                        }

                        break;
                }
            }
        }

        /// <summary>Whether <paramref name="loop"/>, forward and backward (its bounds included), leaves the elements of the <paramref name="arrays"/> alone.</summary>
        private bool Untouched(IEnumerable<Var> arrays, LoopNode loop)
        {
            var backwardReads = new HashSet<string>();
            CollectReads(new[] { loop }, backwardReads);
            var writes = new HashSet<string>(IrWalker.Writes(new[] { loop.Primal }));
            return arrays.All(array => !aliased.Contains(Class(array.Name))
                && !Snapshots(loop).Contains(array)
                && !writes.Contains(array.Name)
                && !backwardReads.Contains(Class(array.Name)));
        }

        private void Visit(IEnumerable<Node> nodes, HashSet<string> pending)
        {
            foreach (var node in nodes)
            {
                switch (node)
                {
                    case AssignNode assign:
                        VisitAssign(assign, pending);
                        break;
                    case StoreNode store:
                        // The backward sweep restores the element first, then runs the adjoint code on the old array.
                        AddReads(store.Backward, pending);
                        AddReads(store.Primal.Target.Indices, pending);
                        var array = ((Var)store.Primal.Target.Collection).Name;
                        if (pending.Contains(Class(array)))
                        {
                            recorded.Add(store);
                            pending.Add(Reference(array));
                        }

                        break;
                    case IfNode branch:
                        var otherwise = new HashSet<string>(pending);
                        Visit(branch.Then, pending);
                        Visit(branch.Else, otherwise);
                        pending.UnionWith(otherwise);
                        break;
                    case LoopNode loop:
                        VisitLoop(loop, pending);
                        break;
                }
            }
        }

        private void VisitAssign(AssignNode assign, HashSet<string> pending)
        {
            // When the value reads its own target the backward sweep restores before the adjoint code, else after it.
            if (assign.ReadsTarget)
            {
                AddReads(assign.Backward, pending);
            }

            foreach (var target in assign.Targets)
            {
                var isArray = Types.ElementType(target.Type) is not null;
                var key = isArray ? Reference(target.Name) : target.Name;

                // Only values read backward ahead of their one assignment (a later value reused) are pending for a
                // local written once: the assignment overwrites nothing anyone needs.
                if (pending.Contains(key) && (isArray || !reuse.Stable(target.Name)))
                {
                    recorded.Add(assign);
                }

                pending.Remove(key);

                // A new array leaves the old one's elements alone, unless another variable may still reach them.
                if (isArray && assign.Value is NewArray && !aliased.Contains(Class(target.Name)))
                {
                    pending.Remove(Class(target.Name));
                }
            }

            if (!assign.ReadsTarget)
            {
                AddReads(assign.Backward, pending);
            }

            // Undoing a step computes the old value from the new one and the step.
            if (recorded.Contains(assign) && assign.Undo is { } undo)
            {
                AddReads(new[] { undo }, pending);
            }
        }

        private void VisitLoop(LoopNode loop, HashSet<string> pending)
        {
            var readInside = new HashSet<string>();
            CollectReads(loop.Body, readInside);
            var overwritten = Overwritten(loop).Where(a => !readInside.Contains(Class(a.Name))).ToList();

            // An overwritten array the backward sweep needs is recorded whole before the loop, so no write inside is.
            foreach (var array in overwritten.Where(a => pending.Contains(Class(a.Name)) && RecordedWhole(a.Type) && !Snapshots(loop).Contains(a)))
            {
                Snapshots(loop).Add(array);
            }

            var head = new HashSet<string>(pending);
            foreach (var array in Snapshots(loop))
            {
                pending.Add(Reference(array.Name));
                head.Remove(Class(array.Name));
            }

            // Each visit decides afresh: a value code before the loop needs from before it refuses recomputation for good.
            var recomputed = Candidates(loop).Where(c => !refused.Contains(c)).ToList();
            foreach (var candidate in recomputed.Where(c => pending.Contains(c.Targets[0].Name)).ToList())
            {
                refused.Add(candidate);
                recomputed.Remove(candidate);
                refusedMore = true;
            }

            while (true)
            {
                var end = new HashSet<string>(head);
                VisitIteration(loop.Body, recomputed, end);
                if (end.IsSubsetOf(head))
                {
                    break;
                }

                head.UnionWith(end);
            }

            pending.UnionWith(head);
            foreach (var array in overwritten)
            {
                pending.Remove(Class(array.Name));
            }

            // The backward loop starts from bounds evaluated where the loop ended.
            if (loop.ReverseBounds is { } bounds)
            {
                AddReads(new[] { bounds.First, bounds.Last }, pending);
            }
        }

        /// <summary>
        /// One iteration of a loop body whose <paramref name="recomputed"/> assignments run again at the start of its
        /// backward code: reads of their targets from there on need no record, and what their values read must be as
        /// the iteration left it.
        /// </summary>
        private void VisitIteration(List<Node> body, List<AssignNode> recomputed, HashSet<string> pending)
        {
            foreach (var node in body)
            {
                if (node is AssignNode assign && recomputed.Contains(assign))
                {
                    covered.Add(assign.Targets[0].Name);
                }

                Visit(new[] { node }, pending);
            }

            AddReads(recomputed.Select(c => c.Value), pending);
            covered.ExceptWith(recomputed.Select(c => c.Targets[0].Name));
        }

        /// <summary>
        /// The assignments of a <c>for</c> loop's body that may be recomputed: <c>v = e</c> to a scalar local, the only
        /// write of v in the loop, which nothing in the body reads before it and something after it reads backward;
        /// e a few arithmetic operations on scalars and array elements that nothing after it in the body changes
        /// (arrays the loop neither writes nor hands to a call), not reading v.
        /// </summary>
        private List<AssignNode> Candidates(LoopNode loop)
        {
            if (candidates.TryGetValue(loop, out var found))
            {
                return found;
            }

            found = candidates[loop] = new List<AssignNode>();
            if (!recompute)
            {
                return found;
            }

            var loopWrites = IrWalker.Writes(new[] { loop.Primal }).ToList();
            var loopWritten = new HashSet<string>(loopWrites.Select(Class));
            var handedOver = new HashSet<string>(IrWalker.AllStatements(new[] { loop.Primal }).SelectMany(IrWalker.OwnExpressions).SelectMany(WholeArrays));
            for (var p = 0; p < loop.Body.Count; p++)
            {
                if (loop.Body[p] is not AssignNode { Primal: Assign { Op: AssignOp.Set, Target: { Type: ScalarType } target, Value: var value } } assign
                    || assign.ReadsTarget
                    || loopWrites.Count(w => w == target.Name) != 1
                    || !Cheap(value))
                {
                    continue;
                }

                var before = loop.Body.Take(p).ToList();
                var after = loop.Body.Skip(p).ToList();
                var readBefore = new HashSet<string>();
                IrWalker.Reads(before.Select(n => n.Primal), readBefore);
                CollectReads(before, readBefore);
                var readAfter = new HashSet<string>();
                CollectReads(after, readAfter);
                foreach (var later in after.Skip(1).OfType<AssignNode>().Where(a => Cheap(a.Value)))
                {
                    IrWalker.Reads(later.Value, readAfter);
                }

                var writtenAfter = new HashSet<string>(IrWalker.Writes(after.Skip(1).Select(n => n.Primal)));
                var operands = new HashSet<string>();
                IrWalker.Reads(value, operands);
                var arrays = IrWalker.AllExpressions(value).OfType<Index>().Select(e => ((Var)e.Collection).Name).ToList();
                if (!readBefore.Contains(target.Name)
                    && readAfter.Contains(target.Name)
                    && !operands.Overlaps(writtenAfter)
                    && arrays.All(a => !loopWritten.Contains(Class(a)) && !handedOver.Contains(a)))
                {
                    found.Add(assign);
                }
            }

            return found;
        }

        /// <summary>Cheaper to compute again than to record and take back: a handful of arithmetic operations on variables and elements of arrays.</summary>
        private static bool Cheap(Expr value)
        {
            var parts = IrWalker.AllExpressions(value).ToList();
            return parts.Count(e => e is not Leaf) <= 10 && parts.All(e => e switch
            {
                Const or Unary or TypeCast => true,
                Binary binary => binary.Op is BinaryOp.Add or BinaryOp.Subtract or BinaryOp.Multiply or BinaryOp.Divide,
                Var => true,
                Index { Collection: Var array } => array.Type is ArrayType,
                _ => false,
            });
        }

        /// <summary>Arrays an expression uses whole (an argument, a value assigned), not through an element.</summary>
        private static IEnumerable<string> WholeArrays(Expr expr)
        {
            switch (expr)
            {
                case Var v when Types.ElementType(v.Type) is not null:
                    yield return v.Name;
                    break;
                case Index { Collection: Var }:
                case Member { Name: "Length", Receiver: Var }:
                    foreach (var name in expr.Children().Skip(1).SelectMany(WholeArrays))
                    {
                        yield return name;
                    }

                    break;
                default:
                    foreach (var name in expr.Children().SelectMany(WholeArrays))
                    {
                        yield return name;
                    }

                    break;
            }
        }

        /// <summary>Arrays the tape copies in one go (<c>Tape.PushAll</c>): of double, float or int (a type parameter's elements go one by one, through double).</summary>
        private static bool RecordedWhole(IrType type) =>
            type is ArrayType { Rank: 1, Nullable: false, ElementType: ScalarType element } && (Types.IsReal(element) || element == Types.Int);

        /// <summary>
        /// The arrays a counted loop overwrites entirely: <c>for (i = 0; i &lt; n; i++)</c> storing <c>a[i] = ...</c> on
        /// every iteration, where n is <c>a.Length</c> or the fixed length every allocation of <c>a</c> has.
        /// </summary>
        private IEnumerable<Var> Overwritten(LoopNode loop)
        {
            if (loop.Primal is not For { Step: LoopStep.Up, Condition: Binary { Op: BinaryOp.Less, Right: var bound } } counted
                || loop.ReverseBounds is null
                || !Build.IsConst(counted.Start, 0))
            {
                yield break;
            }

            var reassigned = new HashSet<string>(IrWalker.AllStatements(counted.Body).OfType<Assign>().Select(a => a.Target.Name));
            foreach (var store in loop.Body.OfType<StoreNode>())
            {
                if (store.Primal is { Op: AssignOp.Set, Target: { Collection: Var array, Indices: { Count: 1 } indices } }
                    && indices[0] == counted.Counter
                    && !aliased.Contains(Class(array.Name))
                    && !reassigned.Contains(array.Name)
                    && (bound is Member { Name: "Length", Receiver: Var owner } && owner == array
                        || fixedLength.TryGetValue(array.Name, out var length) && length == bound))
                {
                    yield return array;
                }
            }
        }

        /// <summary>Everything the backward sweep of <paramref name="nodes"/> may read: adjoint code, restores, undone steps, loop bounds.</summary>
        private void CollectReads(IEnumerable<Node> nodes, HashSet<string> into)
        {
            foreach (var node in nodes)
            {
                switch (node)
                {
                    case AssignNode assign:
                        AddReads(assign.Backward, into);
                        if (assign.Undo is { } undo)
                        {
                            AddReads(new[] { undo }, into);
                        }

                        break;
                    case StoreNode store:
                        AddReads(store.Backward, into);
                        AddReads(store.Primal.Target.Indices, into);
                        break;
                    case IfNode branch:
                        CollectReads(branch.Then, into);
                        CollectReads(branch.Else, into);
                        break;
                    case LoopNode loop:
                        CollectReads(loop.Body, into);
                        AddReads(Candidates(loop).Select(c => c.Value), into);
                        if (loop.ReverseBounds is { } bounds)
                        {
                            AddReads(new[] { bounds.First, bounds.Last }, into);
                        }

                        break;
                }
            }
        }

        private void AddReads(IEnumerable<Stmt> statements, HashSet<string> pending)
        {
            var names = new HashSet<string>();
            IrWalker.Reads(statements, names);
            Add(names, pending);
        }

        private void AddReads(IEnumerable<Expr> expressions, HashSet<string> pending)
        {
            var names = new HashSet<string>();
            foreach (var expr in expressions)
            {
                IrWalker.Reads(expr, names);
            }

            Add(names, pending);
        }

        /// <summary>Reading an array needs its reference and its elements; reading its adjoint needs the reference the adjoint follows.</summary>
        private void Add(IEnumerable<string> names, HashSet<string> pending)
        {
            foreach (var name in names.Where(n => !covered.Contains(n)))
            {
                if (adjointOf.TryGetValue(name, out var primal))
                {
                    pending.Add(Reference(primal));
                }
                else if (aliasClass.ContainsKey(name))
                {
                    pending.Add(Reference(name));
                    pending.Add(Class(name));
                }
                else
                {
                    pending.Add(name);
                }
            }
        }

        private static string Reference(string array) => "&" + array;

        private string Class(string name)
        {
            while (aliasClass.TryGetValue(name, out var parent) && parent != name)
            {
                name = parent;
            }

            return name;
        }

        private void Union(string a, string b) => aliasClass[Class(b)] = Class(a);
    }

    /// <summary>What the to-be-recorded analysis found, for the transform to read: the writes that save the value they overwrite, and the arrays each loop records whole.</summary>
    internal sealed class Records
    {
        private static readonly IReadOnlyList<Var> None = new Var[0];
        private readonly HashSet<Node> recorded;
        private readonly Dictionary<LoopNode, List<Var>> snapshots;
        private readonly Dictionary<LoopNode, List<Stmt>> recomputed;

        public Records(HashSet<Node> recorded, Dictionary<LoopNode, List<Var>> snapshots, Dictionary<LoopNode, List<Stmt>> recomputed)
        {
            this.recorded = recorded;
            this.snapshots = snapshots;
            this.recomputed = recomputed;
        }

        /// <summary>Whether the backward sweep needs the value this assignment or store overwrites.</summary>
        public bool IsRecorded(Node write) => recorded.Contains(write);

        /// <summary>Arrays the loop overwrites entirely, recorded whole before it and restored after its backward loop.</summary>
        public IReadOnlyList<Var> SnapshotsOf(LoopNode loop) => snapshots.TryGetValue(loop, out var arrays) ? arrays : None;

        /// <summary>The assignments of the loop's body computed again, in order, at the start of each iteration's backward code.</summary>
        public IReadOnlyList<Stmt> RecomputedIn(LoopNode loop) => recomputed.TryGetValue(loop, out var assignments) ? assignments : System.Array.Empty<Stmt>();
    }
}
