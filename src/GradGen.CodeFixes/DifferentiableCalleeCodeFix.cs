using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using GradGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

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
            if (await CalleeDeclaration.FindAsync(context).ConfigureAwait(false) is not var (callee, document, declaration))
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Mark '{callee.Name}' [Differentiable]",
                        async token =>
                        {
                            var calleeRoot = await document.GetSyntaxRootAsync(token).ConfigureAwait(false);
                            return document.Project.Solution.WithDocumentSyntaxRoot(document.Id, calleeRoot!.ReplaceNode(declaration, Attributes.Add(declaration, "Differentiable")));
                        },
                        nameof(DifferentiableCalleeCodeFix)),
                    diagnostic);
            }
        }
    }
}
