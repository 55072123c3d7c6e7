using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;

namespace GradGen.Generator.Model
{
    /// <summary>
    /// A [Differentiable] method small enough to be inlined into its callers' derivatives: its prepared body, and what
    /// a call needs to substitute into it. <see cref="TypeKey"/> names its type: only calls from the same type inline it,
    /// so whatever the body reads (private members included) is accessible there too.
    /// </summary>
    public sealed record InlineCallee(
        string Key,
        string TypeKey,
        bool IsStatic,
        EquatableArray<Parameter> Parameters,
        EquatableArray<Var> Locals,
        EquatableArray<Var> Results,
        EquatableArray<Stmt> Body);

    /// <summary>Every inlinable method of the compilation, by key.</summary>
    public sealed record InlineRegistry(EquatableArray<InlineCallee> Callees)
    {
        /// <summary>The registry of <paramref name="callees"/>; a key declared twice (which the compiler reports) is left out.</summary>
        public static InlineRegistry Create(IEnumerable<InlineCallee> callees) =>
            new(callees
                .GroupBy(c => c.Key)
                .Where(g => g.Count() == 1)
                .Select(g => g.First())
                .OrderBy(c => c.Key, System.StringComparer.Ordinal)
                .ToEquatableArray());

        public InlineCallee? Find(string? key) => key is null ? null : Callees.FirstOrDefault(c => c.Key == key);
    }
}
