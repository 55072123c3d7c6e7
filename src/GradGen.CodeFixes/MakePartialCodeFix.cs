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
    /// <summary>GG0001: adds <c>partial</c> to the type of the [Differentiable] method and to every type containing it.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFix)), Shared]
    public sealed class MakePartialCodeFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(Descriptors.TypeNotPartial.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var method = root?.FindNode(context.Span).FirstAncestorOrSelf<MethodDeclarationSyntax>();
            if (root is null || method is null)
            {
                return;
            }

            var types = method.Ancestors().OfType<TypeDeclarationSyntax>().Where(t => !t.Modifiers.Any(SyntaxKind.PartialKeyword)).ToList();
            if (types.Count == 0)
            {
                return;
            }

            var title = types.Count == 1 ? $"Make '{types[0].Identifier.Text}' partial" : "Make the containing types partial";
            foreach (var diagnostic in context.Diagnostics)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(title, _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNodes(types, (_, rewritten) => WithPartial(rewritten)))), nameof(MakePartialCodeFix)),
                    diagnostic);
            }
        }

        /// <summary>C# wants <c>partial</c> right before <c>class</c>/<c>struct</c>/<c>record</c>, after the other modifiers.</summary>
        private static TypeDeclarationSyntax WithPartial(TypeDeclarationSyntax type)
        {
            var partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
            if (type.Modifiers.Count == 0)
            {
                // The keyword's leading trivia (indentation, doc comments) moves to the new first token.
                var keyword = type.Keyword;
                return type.WithKeyword(keyword.WithLeadingTrivia())
                    .WithModifiers(SyntaxFactory.TokenList(partial.WithLeadingTrivia(keyword.LeadingTrivia)));
            }

            return type.WithModifiers(type.Modifiers.Add(partial));
        }
    }
}
