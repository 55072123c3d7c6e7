using Microsoft.CodeAnalysis;

namespace GradGen.Generator.Parsing
{
    /// <summary>How the IR spells Roslyn types: fully qualified, special types by keyword.</summary>
    internal static class TypeNames
    {
        private static readonly SymbolDisplayFormat Format = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        public static string Of(ITypeSymbol type) => type.ToDisplayString(Format);

        public static bool IsReal(ITypeSymbol? type) =>
            type?.SpecialType is SpecialType.System_Double or SpecialType.System_Single;
    }
}
