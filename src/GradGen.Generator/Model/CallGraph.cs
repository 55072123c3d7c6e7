using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using GradGen.Generator.Ir;

namespace GradGen.Generator.Model
{
    /// <summary>What the call graph needs to know of one method.</summary>
    public sealed record MethodSummary(string Key, bool Failed, EquatableArray<string> Callees);

    /// <summary>Which methods must not be generated because they, or something they call, cannot be.</summary>
    internal static class CallGraph
    {
        /// <summary>
        /// Returns, sorted, the keys of every failed method and of every method that reaches one.
        /// </summary>
        public static EquatableArray<string> Blocked(ImmutableArray<MethodSummary> summaries)
        {
            var blocked = new HashSet<string>(summaries.Where(s => s.Failed).Select(s => s.Key));
            for (var changed = blocked.Count > 0; changed;)
            {
                changed = false;
                foreach (var summary in summaries)
                {
                    if (!blocked.Contains(summary.Key) && summary.Callees.Any(blocked.Contains))
                    {
                        changed |= blocked.Add(summary.Key);
                    }
                }
            }

            return blocked.OrderBy(k => k, System.StringComparer.Ordinal).ToEquatableArray();
        }
    }
}
