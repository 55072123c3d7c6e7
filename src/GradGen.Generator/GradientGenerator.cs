using System.Linq;
using GradGen.Generator.Emit;
using GradGen.Generator.Model;
using GradGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GradGen.Generator
{
    /// <summary>Generates forward- and reverse-mode derivatives of every [Differentiable] method.</summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class GradientGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var methods = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    "GradGen.DifferentiableAttribute",
                    static (node, _) => node is MethodDeclarationSyntax,
                    static (ctx, ct) => MethodParser.ParseForGenerator((IMethodSymbol)ctx.TargetSymbol, ctx.SemanticModel, ctx.Attributes[0], ct))
                .WithTrackingName(TrackingNames.Methods);

            var blocked = methods
                .Select(static (m, _) => new MethodSummary(m.Key, m.Model is null, m.Callees))
                .Collect()
                .Select(static (all, _) => CallGraph.Blocked(all))
                .WithTrackingName(TrackingNames.Blocked);

            context.RegisterSourceOutput(methods.Combine(blocked), static (spc, pair) =>
            {
                var (method, blockedKeys) = pair;
                if (method.Model is { } model && !blockedKeys.Contains(method.Key))
                {
                    spc.AddSource(model.HintName, SourceEmitter.Emit(model));
                }
            });
        }
    }

    /// <summary>Names of the tracked pipeline steps, for caching tests.</summary>
    public static class TrackingNames
    {
        public const string Methods = "DifferentiableMethods";
        public const string Blocked = "BlockedMethods";
    }
}
