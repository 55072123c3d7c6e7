using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using GradGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GradGen.Generator.Diagnostics
{
    /// <summary>
    /// Reports every construct of a [Differentiable] method that cannot be differentiated, as the user types. It runs
    /// the generator's own parser, so the two never disagree about what is supported.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class DifferentiableAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Descriptors.All;

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var attributeType = start.Compilation.GetTypeByMetadataName("GradGen.DifferentiableAttribute");
                if (attributeType is null)
                {
                    return;
                }

                // Whether a [Differentiable] method has errors of its own, parsed once per compilation.
                var calleeHasErrors = new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);
                // (The parser finds the semantic model of the callee's own file from the one it is given.)
                bool HasErrors(IMethodSymbol callee, SemanticModel semanticModel, System.Threading.CancellationToken cancellationToken) => calleeHasErrors.GetOrAdd(callee, c =>
                    DifferentiableAttributeOf(c, attributeType) is { } attribute
                    && MethodParser.Parse(c, semanticModel, attribute, cancellationToken).Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error));

                start.RegisterSyntaxNodeAction(
                    node =>
                    {
                        if (node.SemanticModel.GetDeclaredSymbol(node.Node, node.CancellationToken) is not IMethodSymbol method
                            || DifferentiableAttributeOf(method, attributeType) is not { } attribute)
                        {
                            return;
                        }

                        var result = MethodParser.Parse(method, node.SemanticModel, attribute, node.CancellationToken);
                        foreach (var diagnostic in result.Diagnostics)
                        {
                            node.ReportDiagnostic(diagnostic);
                        }

                        // A callee with errors blocks this method too: say so at the call, pointing to the callee.
                        foreach (var (callee, location) in result.CallSites)
                        {
                            if (!SymbolEqualityComparer.Default.Equals(callee, method) && callee.Locations.FirstOrDefault(l => l.IsInSource) is { } calleeLocation && HasErrors(callee, node.SemanticModel, node.CancellationToken))
                            {
                                node.ReportDiagnostic(Diagnostic.Create(Descriptors.CalleeHasErrors, location, new[] { calleeLocation }, $"{callee.ContainingType.Name}.{callee.Name}"));
                            }
                        }
                    },
                    // Local functions and operators cannot be differentiated; they are visited to say so.
                    SyntaxKind.MethodDeclaration,
                    SyntaxKind.LocalFunctionStatement,
                    SyntaxKind.OperatorDeclaration,
                    SyntaxKind.ConversionOperatorDeclaration);
            });
        }

        private static AttributeData? DifferentiableAttributeOf(IMethodSymbol method, INamedTypeSymbol attributeType) =>
            method.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType));
    }
}
