using Microsoft.CodeAnalysis;

namespace GradGen.Generator.Frontend
{
    /// <summary>A stable string that identifies a method across the pipeline.</summary>
    internal static class MethodKeys
    {
        public static string Of(IMethodSymbol method) =>
            method.OriginalDefinition.GetDocumentationCommentId() ?? method.ToDisplayString();
    }
}
