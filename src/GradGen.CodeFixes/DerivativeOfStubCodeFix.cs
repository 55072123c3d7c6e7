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
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace GradGen.CodeFixes
{
    /// <summary>
    /// GG0003 or GG0017 on a call to a method declared in the solution: adds, next to it, the [DerivativeOf] methods
    /// the call needs, with the exact signatures and bodies that throw until they are written. The analyzer puts
    /// their text in the diagnostic, so the fix and the checker agree on the signature.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DerivativeOfStubCodeFix)), Shared]
    public sealed class DerivativeOfStubCodeFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds =>
            ImmutableArray.Create(Descriptors.NonDifferentiableCall.Id, Descriptors.MissingCustomDerivative.Id);

        public override FixAllProvider? GetFixAllProvider() => null;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            if (await CalleeDeclaration.FindAsync(context).ConfigureAwait(false) is not var (callee, document, declaration)
                || declaration.Parent is not TypeDeclarationSyntax)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(Descriptors.StubsProperty, out var stubs) || string.IsNullOrEmpty(stubs))
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Generate [DerivativeOf] stubs for '{callee.Name}'",
                        async token =>
                        {
                            var root = await document.GetSyntaxRootAsync(token).ConfigureAwait(false);
                            var members = ((TypeDeclarationSyntax)SyntaxFactory.ParseMemberDeclaration($"class C\n{{\n{stubs}\n}}")!).Members
                                .Select(m => m.WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation));
                            return document.Project.Solution.WithDocumentSyntaxRoot(document.Id, root!.InsertNodesAfter(declaration, members));
                        },
                        nameof(DerivativeOfStubCodeFix)),
                    diagnostic);
            }
        }
    }
}
