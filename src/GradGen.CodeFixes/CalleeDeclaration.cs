using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GradGen.CodeFixes
{
    /// <summary>The method a diagnosed call calls, when its declaration is in the solution for a fix to change.</summary>
    internal static class CalleeDeclaration
    {
        public static async Task<(IMethodSymbol Callee, Document Document, MethodDeclarationSyntax Declaration)?> FindAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            var invocation = root?.FindNode(context.Span, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (model is null || invocation is null
                || model.GetSymbolInfo(invocation, context.CancellationToken).Symbol is not IMethodSymbol { MethodKind: MethodKind.Ordinary } callee)
            {
                return null;
            }

            var solution = context.Document.Project.Solution;
            var declaration = callee.OriginalDefinition.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(context.CancellationToken))
                .OfType<MethodDeclarationSyntax>()
                .FirstOrDefault(m => solution.GetDocument(m.SyntaxTree) is not null);
            return declaration is null ? null : (callee, solution.GetDocument(declaration.SyntaxTree)!, declaration);
        }
    }
}
