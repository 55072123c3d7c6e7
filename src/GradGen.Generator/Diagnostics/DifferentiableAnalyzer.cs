using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using GradGen.Generator.AD;
using GradGen.Generator.Frontend;
using GradGen.Generator.Model;
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

                // The [DerivativeOf] methods of the compilation, found the first time a call may need one.
                var derivativeOf = start.Compilation.GetTypeByMetadataName(CustomDerivativeParser.AttributeName);
                var registry = new Lazy<CustomDerivativeRegistry>(() => CustomDerivativeRegistry.Create(
                    AllMethods(start.Compilation.SourceModule.GlobalNamespace)
                        .SelectMany(m => CustomDerivativeParser.Parse(m, AttributesOf(m, derivativeOf)).Entries.Select(e => e.Entry))));

                // Each [Differentiable] method is parsed once per compilation: for its own diagnostics, and for the
                // GG0013 of its callers. (The parser finds the semantic model of the method's own file from the one it is given.)
                var parsed = new ConcurrentDictionary<IMethodSymbol, ParseResult?>(SymbolEqualityComparer.Default);
                ParseResult? Parse(IMethodSymbol method, SemanticModel semanticModel, System.Threading.CancellationToken cancellationToken) => parsed.GetOrAdd(method, m =>
                    DifferentiableAttributeOf(m, attributeType) is { } attribute ? MethodParser.Parse(m, semanticModel, attribute, cancellationToken, registry) : null);

                // Whether a method with errors is reachable from this one through calls (itself included).
                bool Blocked(IMethodSymbol method, SemanticModel semanticModel, System.Threading.CancellationToken cancellationToken)
                {
                    var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { method };
                    var pending = new Stack<IMethodSymbol>(seen);
                    while (pending.Count > 0)
                    {
                        if (Parse(pending.Pop(), semanticModel, cancellationToken) is not { } parse)
                        {
                            continue;
                        }

                        if (parse.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
                        {
                            return true;
                        }

                        foreach (var (callee, _) in parse.CallSites.Where(c => c.Callee.Locations.Any(l => l.IsInSource) && seen.Add(c.Callee)))
                        {
                            pending.Push(callee);
                        }
                    }

                    return false;
                }

                start.RegisterSyntaxNodeAction(
                    node =>
                    {
                        if (node.SemanticModel.GetDeclaredSymbol(node.Node, node.CancellationToken) is not IMethodSymbol method)
                        {
                            return;
                        }

                        ReportCustomDerivative(node, method, AttributesOf(method, derivativeOf), registry);
                        if (Parse(method, node.SemanticModel, node.CancellationToken) is not { } result)
                        {
                            return;
                        }

                        foreach (var diagnostic in result.Diagnostics)
                        {
                            node.ReportDiagnostic(diagnostic);
                        }

                        // A callee with errors, or one that reaches one through its own calls, blocks this method too
                        // (as CallGraph.Blocked decides for the generator): say so at the call, pointing to the callee.
                        foreach (var (callee, location) in result.CallSites)
                        {
                            if (!SymbolEqualityComparer.Default.Equals(callee, method) && callee.Locations.FirstOrDefault(l => l.IsInSource) is { } calleeLocation && Blocked(callee, node.SemanticModel, node.CancellationToken))
                            {
                                node.ReportDiagnostic(Diagnostic.Create(Descriptors.CalleeHasErrors, location, new[] { calleeLocation }, $"{callee.ContainingType.Name}.{callee.Name}"));
                            }
                        }
                    },
                    // Local functions, conversions and accessors can neither be differentiated nor stand for a derivative;
                    // they are visited to say so.
                    SyntaxKind.MethodDeclaration,
                    SyntaxKind.LocalFunctionStatement,
                    SyntaxKind.OperatorDeclaration,
                    SyntaxKind.ConversionOperatorDeclaration,
                    SyntaxKind.GetAccessorDeclaration,
                    SyntaxKind.SetAccessorDeclaration,
                    SyntaxKind.InitAccessorDeclaration);
            });
        }

        /// <summary>What is wrong with a [DerivativeOf] method, and whether another stands for the same derivative.</summary>
        private static void ReportCustomDerivative(SyntaxNodeAnalysisContext node, IMethodSymbol method, IReadOnlyList<AttributeData> attributes, Lazy<CustomDerivativeRegistry> registry)
        {
            // A partial method is checked once, at its defining declaration.
            if (attributes.Count == 0 || method.PartialDefinitionPart is not null)
            {
                return;
            }

            var (entries, diagnostics) = CustomDerivativeParser.Parse(method, attributes);
            foreach (var diagnostic in diagnostics)
            {
                node.ReportDiagnostic(diagnostic);
            }

            foreach (var (entry, location, target) in entries)
            {
                if (!registry.Value.IsUsed(entry) && registry.Value.Find(entry.TargetKey, entry.Kind) is { } used)
                {
                    node.ReportDiagnostic(Diagnostic.Create(Descriptors.InvalidDerivative, location, method.Name, target, $"'{used.Name}' already is its {entry.Kind} derivative; remove one of them"));
                }
            }
        }

        private static IReadOnlyList<AttributeData> AttributesOf(IMethodSymbol method, INamedTypeSymbol? attributeType) =>
            method.GetAttributes().Where(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType)).ToList();

        /// <summary>Every method declared in the compilation's source, nested types included.</summary>
        private static IEnumerable<IMethodSymbol> AllMethods(INamespaceOrTypeSymbol container) =>
            container.GetMembers().SelectMany(member => member switch
            {
                INamespaceOrTypeSymbol inner => AllMethods(inner),
                IMethodSymbol method => new[] { method },
                _ => Enumerable.Empty<IMethodSymbol>(),
            });

        private static AttributeData? DifferentiableAttributeOf(IMethodSymbol method, INamedTypeSymbol attributeType) =>
            method.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType));
    }
}
