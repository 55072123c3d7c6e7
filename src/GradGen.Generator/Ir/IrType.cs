using System.Linq;

namespace GradGen.Generator.Ir
{
    /// <summary>
    /// A type as the IR sees it: structure where differentiation asks about it (reals, arrays, spans, tuples), and its C#
    /// spelling (<see cref="object.ToString"/>) for the writer. Compared by value, as the incremental pipeline needs.
    /// </summary>
    public abstract record IrType
    {
        /// <summary>The element type of an array, matrix or span; null for anything else.</summary>
        public virtual IrType? Element => null;

        /// <summary>Declared with <c>?</c>: a nullable reference (<c>double[]?</c>) or value type.</summary>
        public virtual bool IsNullable => false;
    }

    /// <summary>The scalars differentiation tells apart.</summary>
    public enum ScalarKind
    {
        Double, Float, Int, Long, Bool, Void,
    }

    /// <summary><c>double</c>, <c>float</c>, <c>int</c>, <c>long</c>, <c>bool</c> or <c>void</c>.</summary>
    public sealed record ScalarType(ScalarKind Kind) : IrType
    {
        public override string ToString() => Kind switch
        {
            ScalarKind.Double => "double",
            ScalarKind.Float => "float",
            ScalarKind.Int => "int",
            ScalarKind.Long => "long",
            ScalarKind.Bool => "bool",
            _ => "void",
        };
    }

    /// <summary>
    /// A type parameter of generic math (<c>T</c> where <c>T : IFloatingPointIeee754&lt;T&gt;</c>): a real, whose
    /// arithmetic, constants and functions generated code spells through <c>T</c> (<c>T.One</c>, <c>T.Sin(x)</c>).
    /// <see cref="Interfaces"/> are the System.Numerics interfaces its constraints give it (<c>IRootFunctions</c>...),
    /// which say what a derivative rule may call.
    /// </summary>
    public sealed record TypeParameterType(string Name, EquatableArray<string> Interfaces) : IrType
    {
        public override string ToString() => Name;
    }

    /// <summary><c>T[]</c> (rank 1) or <c>T[,]</c> (rank 2); <see cref="Nullable"/> when declared <c>T[]?</c>.</summary>
    public sealed record ArrayType(IrType ElementType, int Rank, bool Nullable = false) : IrType
    {
        public override IrType? Element => ElementType;

        public override bool IsNullable => Nullable;

        public override string ToString() => ElementType + "[" + new string(',', Rank - 1) + "]" + (Nullable ? "?" : string.Empty);
    }

    /// <summary><c>Span&lt;T&gt;</c> or <c>ReadOnlySpan&lt;T&gt;</c>: a ref struct, whose locals have a scope.</summary>
    public sealed record SpanType(IrType ElementType, bool ReadOnly) : IrType
    {
        public override IrType? Element => ElementType;

        public override string ToString() => (ReadOnly ? "global::System.ReadOnlySpan<" : "global::System.Span<") + ElementType + ">";
    }

    /// <summary>A value tuple; an element's name is empty where it has none.</summary>
    public sealed record TupleType(EquatableArray<IrType> Elements, EquatableArray<string> Names) : IrType
    {
        public override string ToString() =>
            "(" + string.Join(", ", Elements.Select((e, i) => Names[i].Length > 0 ? e + " " + Names[i] : e.ToString())) + ")";
    }

    /// <summary>
    /// A struct of reals (<c>Vector3</c>, <c>record struct P(double X, double Y)</c>): its instance fields in declaration
    /// order, each a real or another such struct, and how generated code makes one from its fields: an object initializer,
    /// or, when <see cref="ConstructorOrder"/> is not empty, the constructor whose argument i is field ConstructorOrder[i].
    /// </summary>
    public sealed record StructType(string Text, EquatableArray<StructField> Fields, EquatableArray<int> ConstructorOrder) : IrType
    {
        public override string ToString() => Text;
    }

    /// <summary>
    /// A class whose instance holds model parameters (<c>sealed class Layer { public double[] W; public double B; }</c>):
    /// its fields of reals and arrays of reals. A differentiated parameter of it is one parameter per field inside
    /// GradGen, and its derivative is another instance of the class, which the caller passes; its other members are
    /// read as they are.
    /// </summary>
    public sealed record ClassType(string Text, EquatableArray<StructField> Fields) : IrType
    {
        public override string ToString() => Text;
    }

    /// <summary>
    /// A collection interface or list of reals taken as a parameter (<c>IReadOnlyList&lt;double&gt;</c>, <c>List&lt;float&gt;</c>,
    /// <c>IEnumerable&lt;double&gt;</c>), spelled as declared: generated methods copy it once into an array, which the body
    /// reads, and take its tangent and adjoint as spans, as an array's.
    /// </summary>
    public sealed record CollectionType(string Text, IrType ItemType) : IrType
    {
        /// <summary>A <c>List&lt;T&gt;</c>, which an array does not convert to (every collection interface it does).</summary>
        public bool IsList => Text.StartsWith("global::System.Collections.Generic.List<", System.StringComparison.Ordinal);

        public override string ToString() => Text;
    }

    /// <summary>A field of a <see cref="StructType"/>, named as C# reads it (an auto-property by its property's name).</summary>
    public sealed record StructField(string Name, IrType Type);

    /// <summary>Any other type, as C# spells it (<c>long</c>, <c>object</c>, <c>global::N.T</c>).</summary>
    public sealed record NamedType(string Text, bool Nullable = false) : IrType
    {
        public override bool IsNullable => Nullable;

        public override string ToString() => Text;
    }
}
