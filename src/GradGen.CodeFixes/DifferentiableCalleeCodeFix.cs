using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using GradGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GradGen.CodeFixes
{
    /// <summary>GG0003 on a call to a method declared in the solution: marks that method <c>[Differentiable]</c>.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DifferentiableCalleeCodeFix)), Shared]
    public sealed class DifferentiableCalleeCodeFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(Descriptors.NonDifferentiableCall.Id);

        public override FixAllProvider? GetFixAllProvider() => null;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            var invocation = root?.FindNode(context.Span, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (model is null || invocation is null
                || model.GetSymbolInfo(invocation, context.CancellationToken).Symbol is not IMethodSymbol { MethodKind: MethodKind.Ordinary } callee)
            {
                return;
            }

            var solution = context.Document.Project.Solution;
            var declaration = callee.OriginalDefinition.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(context.CancellationToken))
                .OfType<MethodDeclarationSyntax>()
                .FirstOrDefault(m => solution.GetDocument(m.SyntaxTree) is not null);
            if (declaration is null)
            {
                return;
            }

            var document = solution.GetDocument(declaration.SyntaxTree)!;
            foreach (var diagnostic in context.Diagnostics)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Mark '{callee.Name}' [Differentiable]",
                        async token =>
                        {
                            var calleeRoot = await document.GetSyntaxRootAsync(token).ConfigureAwait(false);
                            return solution.WithDocumentSyntaxRoot(document.Id, calleeRoot!.ReplaceNode(declaration, Attributes.Add(declaration, "Differentiable")));
                        },
                        nameof(DifferentiableCalleeCodeFix)),
                    diagnostic);
            }
        }
    }
}
