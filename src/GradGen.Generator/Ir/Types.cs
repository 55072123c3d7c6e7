using System.Linq;

namespace GradGen.Generator.Ir
{
    /// <summary>The IR's type names that matter to differentiation.</summary>
    public static class Types
    {
        public const string Double = "double";
        public const string Float = "float";
        public const string Int = "int";
        public const string Bool = "bool";
        public const string Void = "void";

        private const string SpanPrefix = "global::System.Span<";
        private const string ReadOnlySpanPrefix = "global::System.ReadOnlySpan<";

        public static bool IsReal(string type) => type is Double or Float;

        /// <summary>The type of a C# arithmetic result: double when either operand is, float for two floats, else the real one's.</summary>
        public static string Arithmetic(string a, string b) =>
            IsReal(a) && IsReal(b) ? (a == Double || b == Double ? Double : Float) : IsReal(a) ? a : b;

        /// <summary>The element type of an array, matrix or span type; null for anything else.</summary>
        public static string? ElementType(string type) =>
            type.EndsWith("?", System.StringComparison.Ordinal) ? ElementType(type.Substring(0, type.Length - 1))
            : type.EndsWith("[]", System.StringComparison.Ordinal) ? type.Substring(0, type.Length - 2)
            : type.EndsWith("[,]", System.StringComparison.Ordinal) ? type.Substring(0, type.Length - 3)
            : type.StartsWith(SpanPrefix, System.StringComparison.Ordinal) ? type.Substring(SpanPrefix.Length, type.Length - SpanPrefix.Length - 1)
            : type.StartsWith(ReadOnlySpanPrefix, System.StringComparison.Ordinal) ? type.Substring(ReadOnlySpanPrefix.Length, type.Length - ReadOnlySpanPrefix.Length - 1)
            : null;

        /// <summary>A <c>double[]</c>, <c>float[,]</c>, <c>ReadOnlySpan&lt;double&gt;</c>...: a collection of reals.</summary>
        public static bool IsRealCollection(string type) => ElementType(type) is { } element && IsReal(element);

        /// <summary>A value that can carry a derivative: a real or a collection of reals.</summary>
        public static bool IsDifferentiable(string type) => IsReal(type) || IsRealCollection(type);

        /// <summary>The element types of a tuple of reals, <c>(double X, float)</c>; null for any other type.</summary>
        public static string[]? TupleElements(string type)
        {
            if (!type.StartsWith("(", System.StringComparison.Ordinal) || !type.EndsWith(")", System.StringComparison.Ordinal))
            {
                return null;
            }

            var elements = type.Substring(1, type.Length - 2).Split(',').Select(e => e.Trim().Split(' ')[0]).ToArray();
            return elements.Length > 1 && elements.All(IsReal) ? elements : null;
        }

        /// <summary>The field of tuple element <paramref name="index"/> (0-based): every element, named or not, is an ItemN.</summary>
        public static string TupleItem(int index) => "Item" + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>The 0-based element an ItemN field names: the inverse of <see cref="TupleItem"/>.</summary>
        public static int TupleItemIndex(string item) =>
            int.Parse(item.Substring("Item".Length), System.Globalization.CultureInfo.InvariantCulture) - 1;

        public static bool IsMatrix(string type) => type.TrimEnd('?').EndsWith("[,]", System.StringComparison.Ordinal);

        /// <summary>How a tangent of a value of <paramref name="type"/> is passed: a real or matrix as is, an array or span as a read-only span.</summary>
        public static string Tangent(string type) => ElementType(type) is { } element && !IsMatrix(type) ? ReadOnlySpan(element) : type;

        /// <summary>How an adjoint of a value of <paramref name="type"/> is passed: a real or matrix as is, an array or span as a span.</summary>
        public static string Adjoint(string type) => ElementType(type) is { } element && !IsMatrix(type) ? Span(element) : type;

        public static string Span(string element) => SpanPrefix + element + ">";

        /// <summary>A <c>Span&lt;T&gt;</c> or <c>ReadOnlySpan&lt;T&gt;</c>: a ref struct, whose locals have a scope.</summary>
        public static bool IsSpan(string type) =>
            type.StartsWith(SpanPrefix, System.StringComparison.Ordinal) || type.StartsWith(ReadOnlySpanPrefix, System.StringComparison.Ordinal);

        public static string ReadOnlySpan(string element) => ReadOnlySpanPrefix + element + ">";
    }
}
