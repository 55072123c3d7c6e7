using System;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace GradGen.Tests.Infrastructure
{
    /// <summary>Checks generated method signatures by rendering them like C# declarations.</summary>
    public static class Signatures
    {
        /// <summary>
        /// Compares the C#-like rendering of the one method named <paramref name="name"/> (with tuple element names
        /// for a ValueTuple return) to <paramref name="expected"/>.
        /// </summary>
        public static void Assert(Type type, string name, string expected)
        {
            var candidates = type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => m.Name == name)
                .ToList();
            Xunit.Assert.True(candidates.Count == 1,
                $"Expected one method {type.FullName}.{name}, found {candidates.Count}.\nMethods:\n  "
                + string.Join("\n  ", type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(Render)));
            Xunit.Assert.Equal(expected, Render(candidates[0]));
        }

        /// <summary>A method rendered like its C# declaration: accessibility, static, return (tuple names), parameters with ref-kinds.</summary>
        public static string Render(MethodInfo m)
        {
            string access = m.IsPublic ? "public" : m.IsAssembly ? "internal" : m.IsPrivate ? "private" : m.IsFamily ? "protected" : "protected internal";
            string returnType = Reflect.TypeName(m.ReturnType);
            var tupleNames = m.ReturnParameter.GetCustomAttribute<TupleElementNamesAttribute>();
            if (m.ReturnType.IsGenericType && m.ReturnType.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal))
            {
                var items = m.ReturnType.GetGenericArguments().Select(Reflect.TypeName).ToArray();
                var names = tupleNames?.TransformNames;
                returnType = "(" + string.Join(", ", items.Select((t, i) => names != null && i < names.Count && names[i] != null ? t + " " + names[i] : t)) + ")";
            }

            var ps = m.GetParameters().Select(p =>
            {
                var t = p.ParameterType;
                if (t.IsByRef)
                {
                    var kind = p.IsOut ? "out " : p.IsIn ? "in " : "ref ";
                    return kind + Reflect.TypeName(t.GetElementType()!) + " " + p.Name;
                }

                return Reflect.TypeName(t) + " " + p.Name;
            });
            return access + (m.IsStatic ? " static " : " ") + returnType + " " + m.Name + "(" + string.Join(", ", ps) + ")";
        }
    }
}
