using System;
using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.AD;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;

namespace GradGen.Generator.Compose
{
    /// <summary>
    /// The contract's flat index over differentiable inputs (parameters in order, arrays by index, matrices row-major),
    /// as loops of generated code: one-hot directions that visit every flat input, and writes of per-parameter
    /// derivative buffers into a flat row or column. The Jacobian and the Hessian are both built from these.
    /// </summary>
    internal sealed class FlatIndex
    {
        // The longest buffer made on the stack (1 KiB of doubles).
        private const int OnStackUpTo = 128;

        private readonly IReadOnlyList<Parameter> inputs;
        private readonly NameScope names;
        private readonly Var tape;

        public FlatIndex(IReadOnlyList<Parameter> inputs, NameScope names, Var tape)
        {
            this.inputs = inputs;
            this.names = names;
            this.tape = tape;
        }

        /// <summary>The number of flat inputs: 1 per scalar, the length of each array, span or matrix.</summary>
        public Expr Count => inputs
            .Select(p => Types.IsReal(p.Type) ? Build.Num(Types.Int, 1) : Build.Length(Of(p)))
            .Aggregate((Expr)Build.Num(Types.Int, 0), Build.IntAdd);

        /// <summary>
        /// One zero buffer per input, shaped like it: a scalar local; for an array or span, a span on the stack when it
        /// is short, else an array lent by the tape; for a matrix, a matrix lent by the tape. Declared at the method's
        /// top level, never in a loop.
        /// </summary>
        /// <param name="exact">Name them exactly <paramref name="prefix"/> + the input's name (for code written with those names), not fresh names.</param>
        public List<Var> Buffers(string prefix, List<Stmt> output, bool exact = false)
        {
            var buffers = new List<Var>();
            foreach (var input in inputs)
            {
                var name = exact ? DerivativeNames.Parameter(prefix, input.Name) : names.Fresh(DerivativeNames.Parameter(prefix, input.Name));
                if (Types.ElementType(input.Type) is not { } element)
                {
                    buffers.Add(Declare(new Var(input.Type, name), Build.Num(input.Type, 0), output));
                    continue;
                }

                if (Types.IsMatrix(input.Type))
                {
                    var type = Types.Matrix(element);
                    buffers.Add(Declare(new Var(type, name), Runtime.RentBuffer(tape, type, Build.LengthOf(Of(input), 0), Build.LengthOf(Of(input), 1)), output));
                    continue;
                }

                // A short one on the stack: lending a tape buffer and taking it back costs more than a small method's
                // own work (GradBench's ba: a 2 × 15 Jacobian block per observation, 7.0 primals with lent buffers, 6.4 without).
                // (Not of a type parameter, which C# does not put on the stack.)
                var length = Build.Length(Of(input));
                var span = Types.Span(element);
                var lent = Runtime.RentBuffer(tape, Types.Array(element), length);
                var buffer = element is TypeParameterType ? lent : (Expr)new Conditional(span, Build.Compare(BinaryOp.LessOrEqual, length, Build.Num(Types.Int, OnStackUpTo)),
                    new NewArray(span, element, EquatableArray.Of(length)) { OnStack = true },
                    lent);
                buffers.Add(Declare(new Var(span, name), buffer, output));
                output.AddRange(Build.ClearIfOnStack(buffers[buffers.Count - 1], buffer));
            }

            return buffers;
        }

        /// <summary>
        /// For each flat input j in order: sets <paramref name="directions"/> to the j-th unit vector, runs
        /// <paramref name="body"/> with j, and clears the direction again.
        /// </summary>
        public List<Stmt> OneHot(IReadOnlyList<Var> directions, Func<Var, IEnumerable<Stmt>> body)
        {
            var output = new List<Stmt>();
            var column = Declare(new Var(Types.Int, names.Fresh("column")), Build.Num(Types.Int, 0), output);
            foreach (var group in Groups())
            {
                var elements = Elements(directions, group, output, out var loops);
                var visit = new List<Stmt>();
                foreach (var element in elements)
                {
                    visit.Add(Set(element, 1));
                    visit.AddRange(body(column));
                    visit.Add(Set(element, 0));
                    visit.Add(new Assign(0, column, AssignOp.Set, Build.IntAdd(column, Build.Num(Types.Int, 1))));
                }

                output.AddRange(loops(visit));
            }

            return output;
        }

        /// <summary>
        /// Writes every element of <paramref name="buffers"/> (shaped as by <see cref="Buffers"/>) with its flat index:
        /// <paramref name="write"/>(flat index, value).
        /// </summary>
        /// <param name="clear">Zero each element once written: buffers a pass adds into are then ready for the next.</param>
        public List<Stmt> Write(IReadOnlyList<Var> buffers, Func<Expr, Expr, Stmt> write, bool clear = false)
        {
            var output = new List<Stmt>();
            var offset = Declare(new Var(Types.Int, names.Fresh("offset")), Build.Num(Types.Int, 0), output);
            foreach (var group in Groups())
            {
                var elements = Elements(buffers, group, output, out var loops);
                var visit = new List<Stmt>();
                foreach (var element in elements)
                {
                    visit.Add(write(offset, element));
                    if (clear)
                    {
                        visit.Add(Set(element, 0));
                    }

                    visit.Add(new Assign(0, offset, AssignOp.Set, Build.IntAdd(offset, Build.Num(Types.Int, 1))));
                }

                output.AddRange(loops(visit));
            }

            return output;
        }

        /// <summary>
        /// The inputs in groups the flat index visits together: one input, or the leaf arrays of one array of structs,
        /// whose element i's leaves come before element i + 1's (<c>ps[0].X, ps[0].Y, ps[1].X</c>...).
        /// </summary>
        private IEnumerable<List<int>> Groups()
        {
            for (var k = 0; k < inputs.Count;)
            {
                var slot = inputs[k].Slot;
                var count = slot is not null && Types.ElementLeaves(slot.Aggregate) is not null
                    ? inputs.Skip(k).TakeWhile(p => p.Slot?.Parameter == slot.Parameter).Count()
                    : 1;
                yield return Enumerable.Range(k, count).ToList();
                k += count;
            }
        }

        /// <summary>
        /// The elements of <paramref name="buffers"/> for a group of inputs that a loop over their indices visits, and
        /// that loop nest (for a scalar: the variable itself, and no loop). Counters are declared into <paramref name="output"/>.
        /// </summary>
        private List<Expr> Elements(IReadOnlyList<Var> buffers, List<int> group, List<Stmt> output, out Func<List<Stmt>, IEnumerable<Stmt>> loops)
        {
            var first = inputs[group[0]];
            if (Types.ElementType(first.Type) is null)
            {
                loops = body => body;
                return new List<Expr> { buffers[group[0]] };
            }

            var counters = (Types.IsMatrix(first.Type) ? new[] { "i", "j" } : new[] { "i" })
                .Select(c => Declare(new Var(Types.Int, names.Fresh(c)), Build.Num(Types.Int, 0), output))
                .ToList();
            var buffer = buffers[group[0]];
            var bounds = counters.Count == 2
                ? new[] { Build.LengthOf(buffer, 0), Build.LengthOf(buffer, 1) }
                : new[] { Build.Length(buffer) };
            loops = body =>
            {
                IEnumerable<Stmt> nest = body;
                for (var d = counters.Count - 1; d >= 0; d--)
                {
                    nest = new[] { new For(0, counters[d], Build.Num(Types.Int, 0), Build.Compare(BinaryOp.Less, counters[d], bounds[d]), LoopStep.Up, nest.ToEquatableArray()) };
                }

                return nest;
            };
            return group.Select(k => (Expr)new Index(Types.ElementType(inputs[k].Type)!, buffers[k], counters.ToEquatableArray<Expr>())).ToList();
        }

        private static Stmt Set(Expr target, double value) => target is Index element
            ? new Store(0, element, AssignOp.Set, Build.Num(element.Type, value))
            : new Assign(0, (Var)target, AssignOp.Set, Build.Num(target.Type, value));

        private static Var Declare(Var variable, Expr value, List<Stmt> output)
        {
            output.Add(new Declare(variable, value));
            return variable;
        }

        private static Var Of(Parameter parameter) => new(parameter.Type, parameter.Name);
    }
}
