using System;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Xunit;

namespace GradGen.Tests.Infrastructure
{
    /// <summary>Reflection helpers to call generated methods (compiled in memory, so unknown at build time).</summary>
    public static class Reflect
    {
        private const BindingFlags AnyMethod =
            BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;

        /// <summary>The emitted call of each method called so far.</summary>
        private static readonly ConditionalWeakTable<MethodInfo, MethodInvoker.Call> Invokers = new();

        /// <summary>
        /// Calls the static method <paramref name="name"/> of <paramref name="type"/>. Arguments are converted to the
        /// parameter types (a double passed for a float parameter becomes a float). Out and ref values land in the
        /// returned array (pass null or an initial value in their slots).
        /// </summary>
        public static (object? Result, object?[] Args) Invoke(Type type, string name, params object?[] args) =>
            InvokeOn(type, null, name, args);

        /// <summary>Like <see cref="Invoke"/>, for an instance method.</summary>
        public static (object? Result, object?[] Args) InvokeInstance(object target, string name, params object?[] args) =>
            InvokeOn(target.GetType(), target, name, args);

        public static (object? Result, object?[] Args) InvokeOn(Type type, object? target, string name, object?[] args)
        {
            var method = FindMethod(type, name, args.Length);
            return Call(method, target, args);
        }

        /// <summary>The one method named <paramref name="name"/> with <paramref name="parameterCount"/> parameters, or a failed test listing what exists.</summary>
        public static MethodInfo FindMethod(Type type, string name, int parameterCount, Func<string>? context = null)
        {
            var candidates = type.GetMethods(AnyMethod).Where(m => m.Name == name).ToList();
            var matching = candidates.Where(m => m.GetParameters().Length == parameterCount).ToList();
            if (matching.Count == 1)
            {
                return matching[0];
            }

            var message = matching.Count == 0
                ? $"{type.FullName} has no method {name} with {parameterCount} parameters."
                : $"{type.FullName} has {matching.Count} methods {name} with {parameterCount} parameters.";
            Assert.Fail(message + "\nMethods of the type:\n  "
                + string.Join("\n  ", type.GetMethods(AnyMethod).Select(Signature))
                + (context != null ? "\n\n" + context() : string.Empty));
            return null!;
        }

        public static MethodInfo? TryFindMethod(Type type, string name)
        {
            var candidates = type.GetMethods(AnyMethod).Where(m => m.Name == name).ToList();
            return candidates.Count == 1 ? candidates[0] : null;
        }

        /// <summary>
        /// Calls <paramref name="method"/> on a copy of <paramref name="args"/> converted to the parameter types (see
        /// <see cref="CallInPlace"/>); returns the copy, where out and ref values land.
        /// </summary>
        public static (object? Result, object?[] Args) Call(MethodInfo method, object? target, object?[] args)
        {
            var copy = (object?[])args.Clone();
            return (CallInPlace(method, target, copy), copy);
        }

        /// <summary>
        /// Calls <paramref name="method"/> (on <paramref name="target"/> unless static) with exactly these arguments,
        /// converted in place to the parameter types; a <c>Span&lt;T&gt;</c> or <c>ReadOnlySpan&lt;T&gt;</c> parameter
        /// takes a <c>T[]</c>. Out and ref values land in <paramref name="args"/>; what the method throws is thrown as is.
        /// </summary>
        public static object? CallInPlace(MethodInfo method, object? target, object?[] args)
        {
            var parameters = method.GetParameters();
            if (args.Length != parameters.Length)
            {
                throw new ArgumentException($"TEST BUG: {Signature(method)} takes {parameters.Length} arguments, {args.Length} given.");
            }

            for (int i = 0; i < args.Length; i++)
            {
                var parameterType = parameters[i].ParameterType;
                args[i] = ConvertArgument(args[i], parameterType.IsByRef ? parameterType.GetElementType()! : parameterType);
            }

            return Invokers.GetValue(method, MethodInvoker.Emit)(target, args);
        }

        public static object? ConvertArgument(object? value, Type parameterType)
        {
            if (value == null)
            {
                return parameterType.IsValueType && !parameterType.IsByRefLike ? Activator.CreateInstance(parameterType) : null;
            }

            if (parameterType.IsInstanceOfType(value))
            {
                return value;
            }

            if (parameterType.IsPrimitive && value is IConvertible)
            {
                return Convert.ChangeType(value, parameterType, System.Globalization.CultureInfo.InvariantCulture);
            }

            return value;
        }

        /// <summary>Reads a (Value, Tangent) tuple (of double or float) as doubles.</summary>
        public static (double Value, double Tangent) ReadPair(object? tuple)
        {
            Assert.NotNull(tuple);
            var type = tuple!.GetType();
            var item1 = type.GetField("Item1");
            var item2 = type.GetField("Item2");
            Assert.True(item1 != null && item2 != null, "Expected a ValueTuple with two elements, got " + type);
            return (ToDouble(item1!.GetValue(tuple)), ToDouble(item2!.GetValue(tuple)));
        }

        public static double ToDouble(object? value) => value switch
        {
            double d => d,
            float f => f,
            int i => i,
            long l => l,
            bool b => b ? 1 : 0,
            null => throw new ArgumentNullException(nameof(value)),
            _ => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
        };

        public static string Signature(MethodInfo m)
        {
            var ps = m.GetParameters().Select(p =>
            {
                var t = p.ParameterType;
                var prefix = t.IsByRef ? (p.IsOut ? "out " : p.IsIn ? "in " : "ref ") : string.Empty;
                var elem = t.IsByRef ? t.GetElementType()! : t;
                return prefix + TypeName(elem) + " " + p.Name;
            });
            return (m.IsPublic ? "public " : m.IsAssembly ? "internal " : m.IsPrivate ? "private " : "protected ")
                + (m.IsStatic ? "static " : string.Empty)
                + TypeName(m.ReturnType) + " " + m.Name + "(" + string.Join(", ", ps) + ")";
        }

        public static string TypeName(Type t)
        {
            if (t == typeof(double)) return "double";
            if (t == typeof(float)) return "float";
            if (t == typeof(int)) return "int";
            if (t == typeof(bool)) return "bool";
            if (t == typeof(void)) return "void";
            if (t.IsGenericType)
            {
                var name = t.Name.Substring(0, t.Name.IndexOf('`'));
                return name + "<" + string.Join(", ", t.GetGenericArguments().Select(TypeName)) + ">";
            }

            return t.Name;
        }
    }
}
