using System.Linq;

namespace GradGen.Generator.Ir
{
    /// <summary>The IR's types that matter to differentiation, and what it asks about types.</summary>
    public static class Types
    {
        public static readonly IrType Double = new ScalarType(ScalarKind.Double);
        public static readonly IrType Float = new ScalarType(ScalarKind.Float);
        public static readonly IrType Int = new ScalarType(ScalarKind.Int);
        public static readonly IrType Long = new ScalarType(ScalarKind.Long);
        public static readonly IrType Bool = new ScalarType(ScalarKind.Bool);
        public static readonly IrType Void = new ScalarType(ScalarKind.Void);
        public static readonly IrType Object = new NamedType("object");
        public static readonly IrType String = new NamedType("string");

        public static bool IsReal(IrType type) => type is ScalarType { Kind: ScalarKind.Double or ScalarKind.Float } or TypeParameterType;

        /// <summary>The type of a C# arithmetic result: a type parameter's (generic code converts to it), double when either operand is, float for two floats, else the real one's.</summary>
        public static IrType Arithmetic(IrType a, IrType b) =>
            a is TypeParameterType ? a : b is TypeParameterType ? b
            : IsReal(a) && IsReal(b) ? (a == Double || b == Double ? Double : Float) : IsReal(a) ? a : b;

        /// <summary>The element type of an array, matrix or span type; null for anything else.</summary>
        public static IrType? ElementType(IrType type) => type.Element;

        /// <summary>A <c>double[]</c>, <c>float[,]</c>, <c>ReadOnlySpan&lt;double&gt;</c>...: a collection of reals.</summary>
        public static bool IsRealCollection(IrType type) => type.Element is { } element && IsReal(element);

        /// <summary>A real, a tuple or a struct: its derivative is passed by value (a tangent) or by <c>ref</c>/<c>out</c> (an adjoint); a collection's, as a buffer.</summary>
        public static bool IsValue(IrType type) => IsReal(type) || type is TupleType or StructType;

        /// <summary>A value that can carry a derivative: a real or a collection of reals.</summary>
        public static bool IsDifferentiable(IrType type) => IsReal(type) || IsRealCollection(type);

        /// <summary>The element types of a tuple of reals, <c>(double X, float)</c>; null for any other type.</summary>
        public static IrType[]? TupleElements(IrType type) =>
            type is TupleType { Elements: { Count: > 1 } elements } && elements.All(IsReal) ? elements.ToArray() : null;

        /// <summary>
        /// The reals an aggregate (a tuple of reals or a struct of reals) is made of, in order, each with the member path
        /// that reads it (<c>Item2</c>, <c>X</c>, <c>Position.Z</c>); null for any other type. GradGen keeps one variable per leaf.
        /// </summary>
        public static (string Path, IrType Type)[]? Leaves(IrType type) => type switch
        {
            TupleType when TupleElements(type) is { } elements => elements.Select((e, i) => (TupleItem(i), e)).ToArray(),
            StructType structure => structure.Fields.SelectMany(f => f.Type is StructType inner
                ? Leaves(inner)!.Select(leaf => (f.Name + "." + leaf.Path, leaf.Type))
                : new[] { (f.Name, f.Type) }).ToArray(),
            _ => null,
        };

        /// <summary>
        /// For an array (<c>Vector3[]</c>) or read-only span of aggregates: one array per leaf of the element, each with the
        /// leaf's path (<c>X</c>: <c>float[]</c>), which GradGen keeps instead of the array (structure of arrays); null for
        /// any other type.
        /// </summary>
        public static (string Path, IrType Type)[]? ElementLeaves(IrType type) =>
            type is ArrayType { Rank: 1 } or SpanType { ReadOnly: true } && Leaves(type.Element!) is { } leaves
                ? leaves.Select(l => (l.Path, Array(l.Type))).ToArray()
                : null;

        /// <summary>
        /// What GradGen keeps one variable per leaf of: an aggregate (<see cref="Leaves"/>), a collection of them
        /// (<see cref="ElementLeaves"/>), a class's fields, or a collection parameter's copy (<see cref="CollectionType"/>).
        /// </summary>
        public static (string Path, IrType Type)[]? Split(IrType type) => type switch
        {
            ClassType model => model.Fields.Select(f => (f.Name, f.Type)).ToArray(),
            CollectionType collection => new[] { ("Items", Array(collection.ItemType)) },
            _ when IsJagged(type) => new[] { ("Items", type.Element!), ("Offsets", Array(Int)) },
            _ => Leaves(type) ?? ElementLeaves(type),
        };

        /// <summary>A tuple type of <paramref name="elements"/>, named where a name is given (not empty).</summary>
        public static TupleType Tuple(params (IrType Type, string Name)[] elements) =>
            new(elements.Select(e => e.Type).ToEquatableArray(), elements.Select(e => e.Name).ToEquatableArray());

        /// <summary>The field of tuple element <paramref name="index"/> (0-based): every element, named or not, is an ItemN.</summary>
        public static string TupleItem(int index) => "Item" + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>The 0-based element an ItemN field names: the inverse of <see cref="TupleItem"/>.</summary>
        public static int TupleItemIndex(string item) =>
            int.Parse(item.Substring("Item".Length), System.Globalization.CultureInfo.InvariantCulture) - 1;

        public static bool IsMatrix(IrType type) => type is ArrayType { Rank: 2 };

        /// <summary>
        /// A jagged array of reals (<c>double[][]</c>), taken as a parameter: generated methods read its rows into one
        /// array of elements row after row and the offsets where each row starts, which the body reads; its tangent and
        /// adjoint are jagged arrays of the same shape.
        /// </summary>
        public static bool IsJagged(IrType type) => type is ArrayType { Rank: 1, ElementType: ArrayType { Rank: 1 } row } && IsReal(row.ElementType);

        /// <summary>The type declared with <c>?</c>: an array or other reference type annotated nullable; a value type as it is.</summary>
        public static IrType Nullable(IrType type) => type switch
        {
            ArrayType array => array with { Nullable = true },
            NamedType { Nullable: false } named => new NamedType(named.Text + "?", Nullable: true),
            _ => type,
        };

        /// <summary>The type's shape, as signatures are matched: tuple element names and nullable annotations dropped, nested ones included.</summary>
        public static IrType Shape(IrType type) => type switch
        {
            TupleType tuple => new TupleType(tuple.Elements.Select(Shape).ToEquatableArray(), tuple.Names.Select(_ => string.Empty).ToEquatableArray()),
            ArrayType array => new ArrayType(Shape(array.ElementType), array.Rank),
            SpanType span => span with { ElementType = Shape(span.ElementType) },
            NamedType { Nullable: true } named => new NamedType(named.Text.TrimEnd('?')),
            _ => type,
        };

        /// <summary><c>T[]</c>.</summary>
        public static IrType Array(IrType element) => new ArrayType(element, 1);

        /// <summary><c>T[,]</c>.</summary>
        public static IrType Matrix(IrType element) => new ArrayType(element, 2);

        /// <summary>How a tangent of a value of <paramref name="type"/> is passed: a real or matrix as is, an array or span as a read-only span.</summary>
        public static IrType Tangent(IrType type) =>
            type is CollectionType collection ? ReadOnlySpan(collection.ItemType) : type.Element is { } element && !IsMatrix(type) && !IsJagged(type) ? ReadOnlySpan(element) : type;

        /// <summary>How an adjoint of a value of <paramref name="type"/> is passed: a real or matrix as is, an array or span as a span.</summary>
        public static IrType Adjoint(IrType type) =>
            type is CollectionType collection ? Span(collection.ItemType) : type.Element is { } element && !IsMatrix(type) && !IsJagged(type) ? Span(element) : type;

        public static IrType Span(IrType element) => new SpanType(element, ReadOnly: false);

        /// <summary>A <c>Span&lt;T&gt;</c> or <c>ReadOnlySpan&lt;T&gt;</c>: a ref struct, whose locals have a scope.</summary>
        public static bool IsSpan(IrType type) => type is SpanType;

        public static IrType ReadOnlySpan(IrType element) => new SpanType(element, ReadOnly: true);
    }
}
