using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace GradGen.CodeFixes
{
    internal static class Attributes
    {
        /// <summary>
        /// <paramref name="node"/> (a method or a parameter) with a GradGen attribute added, written fully qualified
        /// and left to the simplifier, so it reads <c>[NoDerivative]</c> wherever <c>using GradGen;</c> is in scope.
        /// </summary>
        public static SyntaxNode Add(SyntaxNode node, string name)
        {
            var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(
                SyntaxFactory.ParseName("global::GradGen." + name).WithAdditionalAnnotations(Simplifier.Annotation))));
            var leading = node.GetLeadingTrivia();
            SyntaxNode result = node switch
            {
                ParameterSyntax parameter => parameter.WithoutLeadingTrivia().AddAttributeLists(list.WithTrailingTrivia(SyntaxFactory.Space)),
                MethodDeclarationSyntax method => method.WithoutLeadingTrivia().AddAttributeLists(list.WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed)),
                _ => node,
            };
            return result.WithLeadingTrivia(leading).WithAdditionalAnnotations(Formatter.Annotation);
        }
    }
}
