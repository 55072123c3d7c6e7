using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;

namespace GradGen.Generator.Optimize
{
    /// <summary>
    /// Lets derivative code read a value the primal code already computed instead of computing it again: the partial
    /// of <c>s = sin θ</c> is <c>cos θ</c>, which a rotation has in <c>c = cos θ</c>, computed just before.
    /// <para>
    /// A value qualifies when a <c>Math</c> function of constants and variables is assigned, outside any loop, to a
    /// local that is written nowhere else, and each variable it reads is a parameter or such a local too: then the
    /// local holds that value from there to the end of the call. In forward mode it serves the tangent code of the
    /// statements after it in its block and in the blocks inside those. In reverse mode it serves the adjoint code of
    /// every statement of its block and the blocks inside, before it too: the backward sweep runs after the whole
    /// forward sweep, and a local written once is never recorded and restored (<see cref="Stable"/>), so the partial
    /// of <c>c = cos t</c> reads <c>s = sin t</c> computed after it. A branch's values serve only that branch.
    /// </para>
    /// </summary>
    internal sealed class ValueReuse
    {
        private readonly HashSet<string> stable;
        private readonly bool enabled;

        /// <param name="enabled">Off (<see cref="Optimizations.ValueReuse"/> switched off), no value is noted, so none is reused.</param>
        public ValueReuse(DiffMethodModel model, bool enabled)
        {
            this.enabled = enabled;
            var writes = IrWalker.Writes(model.Body).GroupBy(name => name).ToDictionary(g => g.Key, g => g.Count());
            var writtenOnceOutsideLoops = new HashSet<string>(OutsideLoops(model.Body).OfType<Assign>().Select(a => a.Target.Name).Where(name => writes[name] == 1));
            stable = new HashSet<string>(model.Parameters.Select(p => p.Name).Where(name => !writes.ContainsKey(name)));
            stable.UnionWith(model.Locals.Select(l => l.Name).Where(writtenOnceOutsideLoops.Contains));
        }

        /// <summary>
        /// A parameter never written, or a local written once and outside loops: no code reads an earlier value of it
        /// (C# reads a local only once assigned), so reverse mode never needs to record one.
        /// </summary>
        public bool Stable(string name) => stable.Contains(name);

        /// <summary>After <paramref name="statement"/> (outside loops), what it computed joins the values code after it may read.</summary>
        public void Note(Stmt statement, Dictionary<Intrinsic, Var> values)
        {
            if (enabled && statement is Assign { Value: Intrinsic value } assign && stable.Contains(assign.Target.Name) && Types.IsReal(assign.Target.Type)
                && value.Args.All(a => a is Const || a is Var v && stable.Contains(v.Name)) && !values.ContainsKey(value))
            {
                values[value] = assign.Target;
            }
        }

        /// <summary><paramref name="statements"/> with every function value that <paramref name="values"/> holds read from its local.</summary>
        public static List<Stmt> Apply(List<Stmt> statements, IReadOnlyDictionary<Intrinsic, Var> values) =>
            values.Count == 0 ? statements
                : IrRewriter.Map(statements.ToEquatableArray(), e => e is Intrinsic i && values.TryGetValue(i, out var local) ? local : e).ToList();

        public static Stmt Apply(Stmt statement, IReadOnlyDictionary<Intrinsic, Var> values) => Apply(new List<Stmt> { statement }, values)[0];

        /// <summary>The statements of a body that no loop encloses.</summary>
        private static IEnumerable<Stmt> OutsideLoops(IEnumerable<Stmt> statements) =>
            statements.SelectMany(s => s is If branch ? OutsideLoops(branch.Then).Concat(OutsideLoops(branch.Else)).Prepend(s) : new[] { s });
    }
}
