using System.Collections.Generic;
using System.Linq;

namespace GradGen.Generator.Model
{
    /// <summary>
    /// One user-written [DerivativeOf] method: of which method (<see cref="TargetKey"/>), which kind it stands for
    /// (1 Forward, 2 Reverse, 8 the ReverseTangent a Hessian needs, as in DerivativeKinds), and how to call it: static
    /// on <see cref="StaticType"/>, or on the receiver of the call when null.
    /// </summary>
    public sealed record CustomDerivative(string TargetKey, int Kind, string Name, string? StaticType, string MethodKey);

    /// <summary>Every valid [DerivativeOf] method of the compilation, by target; the first by key wins where two stand for the same.</summary>
    public sealed record CustomDerivativeRegistry(EquatableArray<CustomDerivative> Entries)
    {
        public static readonly CustomDerivativeRegistry Empty = new(EquatableArray<CustomDerivative>.Empty);

        /// <summary>Kinds the call needs besides the (first-order) ones a Jacobian is built from.</summary>
        public const int Needed = 1 | 2 | 8;

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

        /// <summary>The kinds the target has derivatives of; 0 when it has none.</summary>
        public int Kinds(string targetKey) => Entries.Where(e => e.TargetKey == targetKey).Aggregate(0, (kinds, e) => kinds | e.Kind);

        /// <summary>The kinds of <paramref name="kinds"/> (a caller's) that the target has no derivative for.</summary>
        public int Missing(string targetKey, int kinds) => kinds & Needed & ~Kinds(targetKey);

        /// <summary>Whether <paramref name="entry"/> is the one used for its target and kind (not a second one).</summary>
        public bool IsUsed(CustomDerivative entry) => Entries.Contains(entry);

        public CustomDerivative? Find(string targetKey, int kind) => Entries.FirstOrDefault(e => e.TargetKey == targetKey && e.Kind == kind);

        /// <summary>The methods to call for the target's derivatives.</summary>
        public CustomDerivatives Bind(CustomDerivatives call) =>
            call with { Forward = Find(call.TargetKey, 1), Reverse = Find(call.TargetKey, 2), ReverseTangent = Find(call.TargetKey, 8) };
    }
}
