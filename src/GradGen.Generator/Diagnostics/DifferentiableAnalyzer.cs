using System.Collections.Immutable;
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

                start.RegisterSyntaxNodeAction(
                    node =>
                    {
                        if (node.SemanticModel.GetDeclaredSymbol(node.Node, node.CancellationToken) is not IMethodSymbol method)
                        {
                            return;
                        }

                        foreach (var attribute in method.GetAttributes())
                        {
                            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
                            {
                                foreach (var diagnostic in MethodParser.Parse(method, node.SemanticModel, attribute, node.CancellationToken).Diagnostics)
                                {
                                    node.ReportDiagnostic(diagnostic);
                                }

                                return;
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
    }
}
