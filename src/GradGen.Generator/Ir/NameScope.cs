using System.Collections.Generic;

namespace GradGen.Generator.Ir
{
    /// <summary>Hands out C# identifiers that clash with no other name of the generated method.</summary>
    public sealed class NameScope
    {
        private readonly HashSet<string> used;

        public NameScope(IEnumerable<string> reserved) => used = new HashSet<string>(reserved);

        /// <summary>A scope that has taken the names this one has, and goes on apart from it.</summary>
        public NameScope Copy() => new(used);

        /// <summary><paramref name="name"/> itself if free, else <c>name_2</c>, <c>name_3</c>...</summary>
        public string Fresh(string name)
        {
            var candidate = name;
            for (var i = 2; !used.Add(candidate); i++)
            {
                candidate = $"{name}_{i}";
            }

            return candidate;
        }

        /// <summary><c>t1</c>, <c>t2</c>... for <paramref name="prefix"/> <c>t</c>.</summary>
        public string Numbered(string prefix)
        {
            var i = 1;
            while (!used.Add(prefix + i))
            {
                i++;
            }

            return prefix + i;
        }
    }
}
