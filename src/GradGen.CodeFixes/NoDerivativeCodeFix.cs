using System.Collections.Generic;
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
using Microsoft.CodeAnalysis.Simplification;

namespace GradGen.CodeFixes
{
    /// <summary>
    /// GG0003, GG0006 and GG0019: the derivative that reaches a plain call (an integer conversion, a type GradGen does
    /// not differentiate) comes from parameters of the method; offers to mark each of them <c>[NoDerivative]</c>, so that
    /// no derivative flows from it at all. GG0019 on a parameter itself offers that parameter: constant data.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NoDerivativeCodeFix)), Shared]
    public sealed class NoDerivativeCodeFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds =>
            ImmutableArray.Create(Descriptors.NonDifferentiableCall.Id, Descriptors.IntegerConversion.Id, Descriptors.UndifferentiatedType.Id);

        public override FixAllProvider? GetFixAllProvider() => null;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            var node = root?.FindNode(context.Span, getInnermostNodeForTie: true);
            var method = node?.FirstAncestorOrSelf<MethodDeclarationSyntax>();
            if (root is null || model is null || node is null || method is null)
            {
                return;
            }

            var parameters = node is ParameterSyntax declared && model.GetDeclaredSymbol(declared, context.CancellationToken) is { } own
                ? new[] { own }
                : Sources(node, method, model);
            foreach (var parameter in parameters)
            {
                var syntax = method.ParameterList.Parameters.First(p => p.Identifier.Text == parameter.Name);
                foreach (var diagnostic in context.Diagnostics)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            $"Mark parameter '{parameter.Name}' [NoDerivative]",
                            _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(syntax, Attributes.Add(syntax, "NoDerivative")))),
                            nameof(NoDerivativeCodeFix) + "." + parameter.Name),
                        diagnostic);
                }
            }
        }

        /// <summary>
        /// The method's differentiable parameters that <paramref name="node"/> depends on, through the locals it reads
        /// and every assignment to them (a flow-insensitive closure, as the analyzer's own activity analysis).
        /// </summary>
        private static IEnumerable<IParameterSymbol> Sources(SyntaxNode node, MethodDeclarationSyntax method, SemanticModel model)
        {
            var body = (SyntaxNode?)method.Body ?? method.ExpressionBody;
            if (body is null)
            {
                return Enumerable.Empty<IParameterSymbol>();
            }

            var flowsInto = new Dictionary<ISymbol, List<SyntaxNode>>(SymbolEqualityComparer.Default);
            void Flow(ISymbol? target, SyntaxNode? value)
            {
                if (target is ILocalSymbol && value is not null)
                {
                    if (!flowsInto.TryGetValue(target, out var values))
                    {
                        flowsInto[target] = values = new List<SyntaxNode>();
                    }

                    values.Add(value);
                }
            }

            foreach (var descendant in body.DescendantNodes())
            {
                switch (descendant)
                {
                    case VariableDeclaratorSyntax { Initializer: { } initializer } declarator:
                        Flow(model.GetDeclaredSymbol(declarator), initializer.Value);
                        break;
                    case AssignmentExpressionSyntax assignment:
                        Flow(model.GetSymbolInfo(assignment.Left).Symbol, assignment.Right);
                        break;
                    case ForEachStatementSyntax loop:
                        Flow(model.GetDeclaredSymbol(loop), loop.Expression);
                        break;
                }
            }

            var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var work = new Stack<SyntaxNode>();
            work.Push(node);
            while (work.Count > 0)
            {
                foreach (var name in work.Pop().DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
                {
                    if (model.GetSymbolInfo(name).Symbol is { } symbol && seen.Add(symbol) && flowsInto.TryGetValue(symbol, out var values))
                    {
                        values.ForEach(work.Push);
                    }
                }
            }

            return seen.OfType<IParameterSymbol>()
                .Where(p => p.ContainingSymbol is IMethodSymbol owner && owner.DeclaringSyntaxReferences.Any(r => r.GetSyntax() == method))
                .Where(p => IsDifferentiable(p.Type) && !p.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "GradGen.NoDerivativeAttribute"))
                .OrderBy(p => p.Ordinal);
        }

        private static bool IsDifferentiable(ITypeSymbol type) => type switch
        {
            IArrayTypeSymbol array => IsReal(array.ElementType),
            INamedTypeSymbol { Name: "ReadOnlySpan", IsGenericType: true } span => IsReal(span.TypeArguments[0]),
            _ => IsReal(type),
        };

        private static bool IsReal(ITypeSymbol type) => type.SpecialType is SpecialType.System_Double or SpecialType.System_Single;
    }
}
