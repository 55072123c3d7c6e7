using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GradGen.Generator.Frontend
{
    /// <summary>Roslyn types as the IR's types: structure for reals, arrays, spans and tuples; other types spelled fully qualified, special types by keyword.</summary>
    internal static class TypeNames
    {
        private static readonly SymbolDisplayFormat Format = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        /// <summary>The type as C# spells it in generated code: where a static member is found, or a signature declares it.</summary>
        public static string Spelled(ITypeSymbol type) => type.ToDisplayString(Format);

        public static IrType Of(ITypeSymbol type) => type switch
        {
            { SpecialType: SpecialType.System_Double } => Types.Double,
            { SpecialType: SpecialType.System_Single } => Types.Float,
            { SpecialType: SpecialType.System_Int32 } => Types.Int,
            { SpecialType: SpecialType.System_Int64 } => Types.Long,
            { SpecialType: SpecialType.System_Boolean } => Types.Bool,
            { SpecialType: SpecialType.System_Void } => Types.Void,
            ITypeParameterSymbol parameter when Generic(parameter) is { } generic => generic,
            IArrayTypeSymbol array => new ArrayType(Of(array.ElementType), array.Rank, array.NullableAnnotation == NullableAnnotation.Annotated),
            INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1, Name: "Span" or "ReadOnlySpan" } span
                when span.ContainingNamespace?.ToDisplayString() == "System" && span.NullableAnnotation != NullableAnnotation.Annotated =>
                new SpanType(Of(span.TypeArguments[0]), ReadOnly: span.Name == "ReadOnlySpan"),
            INamedTypeSymbol { IsTupleType: true } tuple when tuple.NullableAnnotation != NullableAnnotation.Annotated =>
                new TupleType(tuple.TupleElements.Select(e => Of(e.Type)).ToEquatableArray(), tuple.TupleElements.Select(e => e.IsExplicitlyNamedTupleElement ? e.Name : string.Empty).ToEquatableArray()),
            INamedTypeSymbol { TypeKind: TypeKind.Struct } structure when StructOf(structure, 0) is { } differentiable => differentiable,
            _ => new NamedType(Spelled(type), type.NullableAnnotation == NullableAnnotation.Annotated),
        };

        private const int MaxNesting = 8;

        /// <summary>The System.Numerics structs whose fields are all public reals (their assemblies' private members cannot be seen).</summary>
        private static readonly HashSet<string> NumericsStructs = new() { "Vector2", "Vector3", "Vector4", "Quaternion", "Plane", "Matrix3x2", "Matrix4x4" };

        /// <summary>
        /// System.Numerics <c>Complex</c>, whose fields are private: as GradGen sees it, its two public reals, made by its
        /// constructor <c>Complex(real, imaginary)</c>.
        /// </summary>
        private static readonly StructType Complex = new(
            "global::System.Numerics.Complex",
            EquatableArray.Of(new StructField("Real", Types.Double), new StructField("Imaginary", Types.Double)),
            EquatableArray.Of(0, 1));

        public static bool IsComplex(ITypeSymbol? type) =>
            type is INamedTypeSymbol { Name: "Complex", TypeKind: TypeKind.Struct } named && named.ContainingNamespace?.ToDisplayString() == "System.Numerics";

        /// <summary>
        /// A struct of reals: a struct of the compilation's source (or a System.Numerics vector, quaternion, plane or matrix)
        /// whose instance fields are all reals or such structs, each readable from the generated code (public or
        /// internal, an auto-property by its property), and which generated code can make from its fields: every one
        /// settable in an object initializer, or a constructor taking one parameter per field, named as the field up to
        /// case (<c>Vec(double x, double y)</c>). Null for any other struct.
        /// </summary>
        /// <param name="depth">How deep in other structs: a struct that contains itself (an error the compiler reports) ends there.</param>
        private static StructType? StructOf(INamedTypeSymbol type, int depth)
        {
            if (IsComplex(type))
            {
                return Complex;
            }

            var fromSource = type.Locations.Length > 0 && type.Locations.All(l => l.IsInSource);
            if (depth > MaxNesting || type.IsRefLikeType || type.SpecialType != SpecialType.None
                || !fromSource && !(NumericsStructs.Contains(type.Name) && type.ContainingNamespace?.ToDisplayString() == "System.Numerics"))
            {
                return null;
            }

            var fields = new List<StructField>();
            var settable = true;
            foreach (var field in type.GetMembers().OfType<IFieldSymbol>().Where(f => !f.IsStatic && !f.IsConst))
            {
                ISymbol member = field.AssociatedSymbol ?? field;
                var fieldType = IsReal(field.Type) ? Of(field.Type) : field.Type is INamedTypeSymbol { TypeKind: TypeKind.Struct } inner ? StructOf(inner, depth + 1) : null;
                if (fieldType is null || member.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
                {
                    return null;
                }

                settable &= member is IPropertySymbol property ? property.SetMethod is { DeclaredAccessibility: Accessibility.Public or Accessibility.Internal } : !field.IsReadOnly;
                fields.Add(new StructField(member.Name, fieldType));
            }

            if (fields.Count == 0)
            {
                return null;
            }

            var order = EquatableArray<int>.Empty;
            if (!settable)
            {
                if (type.InstanceConstructors.Select(c => MemberwiseOrder(c, fields)).FirstOrDefault(o => o is not null) is not { } memberwise)
                {
                    return null;
                }

                order = memberwise.ToEquatableArray();
            }

            return new StructType(Spelled(type), fields.ToEquatableArray(), order);
        }

        /// <summary>
        /// For a constructor that makes a struct from its fields (<see cref="IsMemberwise"/>, or a System.Numerics one whose
        /// parameters are its fields), the field each argument sets; null for any other constructor.
        /// </summary>
        public static int[]? MemberwiseOrder(IMethodSymbol constructor, IReadOnlyList<StructField> fields)
        {
            if (constructor.Parameters.Length != fields.Count || constructor.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal)
                || constructor.Parameters.Select(p => p.Name.ToUpperInvariant()).Distinct().Count() != fields.Count)
            {
                return null;
            }

            var names = fields.Select(f => f.Name).ToList();
            var order = constructor.Parameters.Select(p => names.FindIndex(n => string.Equals(n, p.Name, System.StringComparison.OrdinalIgnoreCase))).ToArray();
            var fromSource = constructor.ContainingType.Locations.All(l => l.IsInSource);
            return order.Select((field, i) => field >= 0 && Of(constructor.Parameters[i].Type) == fields[field].Type).All(b => b)
                && (fromSource ? IsMemberwise(constructor) : NumericsStructs.Contains(constructor.ContainingType.Name) || IsComplex(constructor.ContainingType))
                ? order
                : null;
        }

        /// <summary>
        /// A constructor that only stores each parameter in its field (<c>X = x;</c> or <c>this.X = x;</c>), or a record's
        /// primary constructor: one that builds a value from its fields and nothing else (no normalising, no clamping).
        /// </summary>
        private static bool IsMemberwise(IMethodSymbol constructor)
        {
            var syntax = constructor.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).ToList();
            if (syntax.Count != 1)
            {
                return false;
            }

            if (syntax[0] is RecordDeclarationSyntax)
            {
                return true;
            }

            if (syntax[0] is not ConstructorDeclarationSyntax { Initializer: null, Body: { } body })
            {
                return false;
            }

            var stored = body.Statements.Select(statement => statement is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment }
                    && assignment.Right is IdentifierNameSyntax parameter
                    && (assignment.Left is IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax })
                ? (Field: assignment.Left is MemberAccessExpressionSyntax member ? member.Name.Identifier.Text : ((IdentifierNameSyntax)assignment.Left).Identifier.Text, Parameter: parameter.Identifier.Text)
                : default).ToList();
            return stored.All(s => s.Field is not null
                    && constructor.Parameters.Any(p => p.Name == s.Parameter && string.Equals(p.Name, s.Field, System.StringComparison.OrdinalIgnoreCase)))
                && stored.Select(s => s.Field).Distinct().Count() == constructor.Parameters.Length;
        }

        /// <summary>The collections of reals a parameter may be declared as (<see cref="CollectionType"/>), of System.Collections.Generic.</summary>
        private static readonly HashSet<string> Collections = new() { "IEnumerable", "IReadOnlyCollection", "IReadOnlyList", "ICollection", "IList", "List" };

        /// <summary>An <c>IReadOnlyList&lt;double&gt;</c>, <c>List&lt;float&gt;</c>, <c>IEnumerable&lt;double&gt;</c>...; null for any other type.</summary>
        public static CollectionType? Collection(ITypeSymbol type) =>
            type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named && Collections.Contains(named.Name)
                && named.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic" && IsReal(named.TypeArguments[0])
                ? new CollectionType(Spelled(named), Of(named.TypeArguments[0]))
                : null;

        public static bool IsReal(ITypeSymbol? type) =>
            type?.SpecialType is SpecialType.System_Double or SpecialType.System_Single || type is ITypeParameterSymbol parameter && Generic(parameter) is not null;

        /// <summary>
        /// A class of the compilation's source whose instance holds model parameters: its fields (and auto-properties)
        /// of reals and arrays of reals, each public or internal, a real one settable (where the derivative instance
        /// takes it), its base classes' included; null for a class with none, or with a real it cannot set.
        /// </summary>
        public static ClassType? DifferentiableClass(ITypeSymbol type)
        {
            if (type is not INamedTypeSymbol { TypeKind: TypeKind.Class } named || named.SpecialType != SpecialType.None || !named.Locations.All(l => l.IsInSource))
            {
                return null;
            }

            var fields = new List<StructField>();
            for (var current = named; current is { SpecialType: SpecialType.None } && current.Locations.All(l => l.IsInSource); current = current.BaseType)
            {
                foreach (var field in current.GetMembers().OfType<IFieldSymbol>().Where(f => !f.IsStatic && !f.IsConst))
                {
                    ISymbol member = field.AssociatedSymbol ?? field;
                    var isArray = field.Type is IArrayTypeSymbol { Rank: 1 } array && IsReal(array.ElementType);
                    if (!IsReal(field.Type) && !isArray || fields.Any(f => f.Name == member.Name))
                    {
                        // Not a real; or a base class's member a derived one hides (new), which p.Name does not read.
                        continue;
                    }

                    var settable = member is IPropertySymbol property
                        ? property.SetMethod is { IsInitOnly: false, DeclaredAccessibility: Accessibility.Public or Accessibility.Internal }
                        : !field.IsReadOnly;
                    if (member.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal) || !isArray && !settable)
                    {
                        return null;
                    }

                    fields.Add(new StructField(member.Name, Of(field.Type)));
                }
            }

            return fields.Count == 0 ? null : new ClassType(Spelled(named), fields.ToEquatableArray());
        }

        private static readonly HashSet<string> FloatingPoint = new() { "IFloatingPointConstants", "ILogarithmicFunctions", "IHyperbolicFunctions", "IPowerFunctions" };

        /// <summary>
        /// Where generated code finds a static member: its type, or, for a static abstract member of a generic-math
        /// interface reached through a type parameter (<c>T.Sin</c>, <c>T.Pi</c>), the type parameter (C# cannot name it on the interface).
        /// </summary>
        public static string StaticOwner(ISymbol member) =>
            GenericMathOwner(member.ContainingType) is { } parameter ? parameter.Name : Spelled(member.ContainingType);

        /// <summary>The type parameter of generic math a System.Numerics interface is over (<c>T</c> of <c>ITrigonometricFunctions&lt;T&gt;</c>), or null.</summary>
        public static ITypeParameterSymbol? GenericMathOwner(INamedTypeSymbol? type) =>
            type is { TypeKind: TypeKind.Interface } && type.ContainingNamespace?.ToDisplayString() == "System.Numerics"
                && type.TypeArguments.FirstOrDefault() is ITypeParameterSymbol parameter && Generic(parameter) is not null
                ? parameter
                : null;

        /// <summary>A call that converts one number to a real: <c>T.CreateChecked</c> and its kin, <c>Convert.ToDouble</c> of a number.</summary>
        public static bool IsNumericConversion(IMethodSymbol method) =>
            method is { IsStatic: true, Name: "CreateChecked" or "CreateTruncating" or "CreateSaturating", Parameters.Length: 1 } && IsReal(method.ReturnType)
            && (method.ContainingType.ContainingNamespace?.ToDisplayString() == "System.Numerics" || method.ContainingType.SpecialType is SpecialType.System_Double or SpecialType.System_Single)
            // Convert.ToDouble(x), Convert.ToSingle(n) of a number: C#'s own conversion (not of a string, an object or a decimal).
            || method is { IsStatic: true, Name: "ToDouble" or "ToSingle", Parameters.Length: 1, ContainingType: { Name: "Convert", ContainingNamespace.Name: "System" } }
                && method.Parameters[0].Type.SpecialType is SpecialType.System_Double or SpecialType.System_Single or (>= SpecialType.System_SByte and <= SpecialType.System_UInt64);

        /// <summary>
        /// A type parameter of generic math: one whose constraints make it a floating-point number (an
        /// <c>INumberBase&lt;T&gt;</c> with one of the interfaces only such numbers have: <c>IFloatingPointConstants</c>,
        /// which <c>IFloatingPoint</c>, <c>IRootFunctions</c>, <c>ITrigonometricFunctions</c> and <c>IExponentialFunctions</c>
        /// imply, <c>ILogarithmicFunctions</c>, <c>IHyperbolicFunctions</c> or <c>IPowerFunctions</c>; not an <c>INumber</c>
        /// alone, which integers are), with the System.Numerics interfaces they give it; null for any other.
        /// </summary>
        public static TypeParameterType? Generic(ITypeParameterSymbol parameter)
        {
            var interfaces = parameter.ConstraintTypes.OfType<INamedTypeSymbol>()
                .SelectMany(c => c.AllInterfaces.Prepend(c))
                .Where(i => i.TypeKind == TypeKind.Interface && i.ContainingNamespace?.ToDisplayString() == "System.Numerics"
                    && i.TypeArguments.Length > 0 && SymbolEqualityComparer.Default.Equals(i.TypeArguments[0], parameter))
                .Select(i => i.Name)
                .Distinct()
                .OrderBy(n => n, System.StringComparer.Ordinal)
                .ToList();
            return interfaces.Contains("INumberBase") && interfaces.Any(FloatingPoint.Contains) ? new TypeParameterType(parameter.Name, interfaces.ToEquatableArray()) : null;
        }

        /// <summary>
        /// Whether a value of <paramref name="type"/> is known to hold no real number, so that no derivative can hide in
        /// it. An allow-list: <c>bool</c>, <c>char</c>, integers, <c>string</c>, enums, and arrays, spans, nullables and
        /// tuples of those, and the structs and sealed classes of the compilation's own source whose fields and
        /// properties are all of such types. Anything else (<c>decimal</c>, <c>object</c>, interfaces, delegates, type
        /// parameters, other types of referenced assemblies, whose private fields cannot be seen) may hold one.
        /// </summary>
        public static bool CarriesNoReal(ITypeSymbol type) =>
            CarriesNoReal(type, new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default));

        private static bool CarriesNoReal(ITypeSymbol type, HashSet<ITypeSymbol> visiting)
        {
            switch (type.SpecialType)
            {
                case SpecialType.System_Boolean:
                case SpecialType.System_Char:
                case SpecialType.System_String:
                case SpecialType.System_Void:
                case SpecialType.System_IntPtr:
                case SpecialType.System_UIntPtr:
                case >= SpecialType.System_SByte and <= SpecialType.System_UInt64:
                    return true;
            }

            switch (type)
            {
                case { TypeKind: TypeKind.Enum }:
                    return true;
                case IArrayTypeSymbol array:
                    return CarriesNoReal(array.ElementType, visiting);
                case INamedTypeSymbol { IsTupleType: true } tuple:
                    return tuple.TupleElements.All(e => CarriesNoReal(e.Type, visiting));
                case INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } wrapper
                    when wrapper.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T
                        || wrapper.Name is "Span" or "ReadOnlySpan" && wrapper.ContainingNamespace?.ToDisplayString() == "System":
                    return CarriesNoReal(wrapper.TypeArguments[0], visiting);
                case INamedTypeSymbol { TypeKind: TypeKind.Struct } or INamedTypeSymbol { TypeKind: TypeKind.Class, IsSealed: true }:
                    // A struct, or a sealed class (no derived class can add a real to it), of the compilation's source:
                    // all its fields are visible, private ones included.
                    return MembersCarryNoReal((INamedTypeSymbol)type, visiting);
                default:
                    return false;
            }
        }

        private static bool MembersCarryNoReal(INamedTypeSymbol type, HashSet<ITypeSymbol> visiting)
        {
            if (type.SpecialType is SpecialType.System_Object or SpecialType.System_ValueType)
            {
                return true;
            }

            if (type.Locations.Length == 0 || !type.Locations.All(l => l.IsInSource))
            {
                return false;
            }

            if (!visiting.Add(type))
            {
                // A type that refers to itself (a list node): its other members decide.
                return true;
            }

            // Fields, properties and events as declared (a backing field is its property's or event's; a record's EqualityContract is no
            // data), and the parameters of a primary constructor, which the type may keep in hidden fields.
            var memberTypes = type.GetMembers().Where(m => !m.IsStatic && !m.IsImplicitlyDeclared).Select(m => m switch
            {
                IFieldSymbol field => field.Type,
                IPropertySymbol property => property.Type,
                IEventSymbol @event => @event.Type,
                _ => null,
            }).Concat(type.InstanceConstructors
                .Where(c => c.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax))
                .SelectMany(c => c.Parameters.Select(p => (ITypeSymbol?)p.Type)));
            return memberTypes.All(t => t is null || CarriesNoReal(t, visiting))
                && (type.BaseType is null || MembersCarryNoReal(type.BaseType, visiting));
        }
    }
}
