using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;

namespace GradGen.Generator.Model
{
    /// <summary>Every valid [DerivativeOf] method of the compilation, by target; the first by key wins where two stand for the same.</summary>
    public sealed record CustomDerivativeRegistry(EquatableArray<CustomDerivative> Entries)
    {
        public static readonly CustomDerivativeRegistry Empty = new(EquatableArray<CustomDerivative>.Empty);

        public static CustomDerivativeRegistry Create(IEnumerable<CustomDerivative> entries) =>
            new(entries
                .OrderBy(e => e.TargetKey, System.StringComparer.Ordinal)
                .ThenBy(e => e.Kind)
                .ThenBy(e => e.MethodKey, System.StringComparer.Ordinal)
                .GroupBy(e => (e.TargetKey, e.Kind))
                // Two declarations with one key (a duplicated method, which the compiler reports) would be ambiguous to call.
                .Where(g => g.Count() == 1 || g.ElementAt(0).MethodKey != g.ElementAt(1).MethodKey)
                .Select(g => g.First())
                .ToEquatableArray());

        /// <summary>The derivatives the target has; none when it has none.</summary>
        public CalleeDerivative Kinds(string targetKey) => Entries.Where(e => e.TargetKey == targetKey).Aggregate(CalleeDerivative.None, (kinds, e) => kinds | e.Kind);

        /// <summary>The derivatives of the target that a caller's derivatives of <paramref name="kinds"/> call and it lacks.</summary>
        public CalleeDerivative Missing(string targetKey, DerivativeKind kinds) => DerivativeKindInfo.CalleeDerivativesOf(kinds) & ~Kinds(targetKey);

        /// <summary>Whether <paramref name="entry"/> is the one used for its target and kind (not a second one).</summary>
        public bool IsUsed(CustomDerivative entry) => Entries.Contains(entry);

        public CustomDerivative? Find(string targetKey, CalleeDerivative kind) => Entries.FirstOrDefault(e => e.TargetKey == targetKey && e.Kind == kind);

        /// <summary>The methods to call for the target's derivatives.</summary>
        public CustomDerivatives Bind(CustomDerivatives call) => call with
        {
            Forward = Find(call.TargetKey, CalleeDerivative.Forward),
            Reverse = Find(call.TargetKey, CalleeDerivative.Reverse),
            ReverseTangent = Find(call.TargetKey, CalleeDerivative.ReverseTangent),
        };
    }
}
