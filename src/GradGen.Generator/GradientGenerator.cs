using System.Linq;
using GradGen.Generator.AD;
using GradGen.Generator.Compose;
using GradGen.Generator.Diagnostics;
using GradGen.Generator.Emit;
using GradGen.Generator.Frontend;
using GradGen.Generator.Ir;
using GradGen.Generator.Lowering;
using GradGen.Generator.Model;
using GradGen.Generator.Optimize;
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
                    static (node, _) => node is MethodDeclarationSyntax or OperatorDeclarationSyntax,
                    static (ctx, ct) => MethodParser.ParseForGenerator((IMethodSymbol)ctx.TargetSymbol, ctx.SemanticModel, ctx.Attributes[0], ct))
                .WithTrackingName(TrackingNames.Methods)
                .Select(static (m, _) => Preparation.Prepare(m))
                .WithTrackingName(TrackingNames.Prepared);

            // User-written derivatives, collected into one registry that only changes when a [DerivativeOf] method does.
            var registry = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    CustomDerivativeParser.AttributeName,
                    static (node, _) => node is MethodDeclarationSyntax,
                    static (ctx, _) => CustomDerivativeParser.Parse((IMethodSymbol)ctx.TargetSymbol, ctx.Attributes).Entries.Select(e => e.Entry).ToEquatableArray())
                .Collect()
                .Select(static (all, _) => CustomDerivativeRegistry.Create(all.SelectMany(entries => entries)))
                .WithTrackingName(TrackingNames.CustomDerivatives);

            var bound = methods
                .Combine(registry)
                .Select(static (pair, _) => CustomDerivativeBinding.Bind(pair.Left, pair.Right))
                .WithTrackingName(TrackingNames.Bound);

            // Small callees of the same type are inlined into their callers' derivatives.
            var inlinable = bound
                .Select(static (m, _) => CallInlining.Candidate(m))
                .Where(static c => c is not null)
                .Collect()
                .Select(static (all, _) => InlineRegistry.Create(all!))
                .WithTrackingName(TrackingNames.Inlinable);

            // The optional passes, all but those the project switches off (to bisect a wrong derivative).
            var optimizations = context.AnalyzerConfigOptionsProvider
                .Select(static (options, _) => OptimizationSettings.Enabled(options.GlobalOptions.TryGetValue("build_property." + OptimizationSettings.Property, out var disabled) ? disabled : null))
                .WithTrackingName(TrackingNames.Optimizations);

            var inlined = bound
                .Combine(inlinable)
                .Combine(optimizations)
                .Select(static (input, _) => (input.Right & Optimizations.Inlining) != 0 ? CallInlining.Apply(input.Left.Left, input.Left.Right) : input.Left.Left)
                .WithTrackingName(TrackingNames.Inlined);


            // The methods whose calls are reversed split; methods regenerate for it only when this set changes.
            var splittable = inlined
                .Select(static (m, _) => m.Model)
                .Collect()
                .Combine(optimizations)
                .Select(static (input, _) => SplitReversal.Registry(input.Left, input.Right))
                .WithTrackingName(TrackingNames.Splittable);

            var blocked = bound
                .Select(static (m, _) => new MethodSummary(m.Key, m.Model is null, m.Callees))
                .Collect()
                .Select(static (all, _) => CallGraph.Blocked(all))
                .WithTrackingName(TrackingNames.Blocked);

            // netstandard2.0 has no MethodImplOptions.AggressiveOptimization; a bool, so other edits leave it cached.
            var aggressiveOptimization = context.CompilationProvider
                .Select(static (compilation, _) => compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.MethodImplOptions")?.GetMembers("AggressiveOptimization").Length > 0)
                .WithTrackingName(TrackingNames.Target);

            context.RegisterSourceOutput(inlined.Combine(blocked).Combine(aggressiveOptimization).Combine(optimizations).Combine(splittable), static (spc, input) =>
            {
                var ((((method, blockedKeys), optimize), passes), split) = input;
                if (method.Model is { } model && !blockedKeys.Contains(method.Key))
                {
                    EmitOrReport(spc.AddSource, spc.ReportDiagnostic, model.HintName, model.Name, () => SourceEmitter.Emit(model, optimize, passes, split));
                }
            });
        }

        /// <summary>
        /// Adds the generated source, or, when emitting fails (a bug in GradGen: a node the writer has no case for), reports
        /// GG0021 and adds nothing: the generator never throws and never adds code it could not finish.
        /// </summary>
        internal static void EmitOrReport(System.Action<string, string> addSource, System.Action<Diagnostic> report, string hintName, string method, System.Func<string> emit)
        {
            string source;
            try
            {
                source = emit();
            }
            catch (System.Exception ex) when (ex is not System.OperationCanceledException)
            {
                report(Diagnostic.Create(Diagnostics.Descriptors.InternalError, Location.None, method, ex.GetType().Name + ": " + ex.Message));
                return;
            }

            addSource(hintName, source);
        }
    }

    /// <summary>Names of the tracked pipeline steps, for caching tests.</summary>
    public static class TrackingNames
    {
        public const string Methods = "DifferentiableMethods";
        public const string Blocked = "BlockedMethods";
        public const string CustomDerivatives = "CustomDerivatives";
        public const string Prepared = "PreparedMethods";
        public const string Bound = "BoundMethods";
        public const string Inlinable = "InlinableMethods";
        public const string Inlined = "InlinedMethods";
        public const string Splittable = "SplittableMethods";

        public const string Target = "TargetFramework";
        public const string Optimizations = "Optimizations";
    }
}
