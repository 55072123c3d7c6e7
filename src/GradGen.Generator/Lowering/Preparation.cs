using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Analysis;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;

namespace GradGen.Generator.Lowering
{
    /// <summary>
    /// Brings a parsed method into the prepared dialect both modes work on: structured control flow, named
    /// intermediates (checked by <c>IrVerifier.Prepared</c>). The generator's step after parsing; the analyzer, which
    /// only reports, never runs it.
    /// </summary>
    internal static class Preparation
    {
        public static MethodResult Prepare(MethodResult parsed) => parsed.Model is { } model ? parsed with { Model = Prepare(model) } : parsed;

        public static DiffMethodModel Prepare(DiffMethodModel parsed)
        {
            // The names the parser took: those it started from, and every local.
            var names = new NameScope(DerivativeNames.BeforeLocals(parsed.Parameters).Concat(parsed.Locals.Select(l => l.Name)));
            var locals = new List<Var>();
            var lowered = ControlFlowLowering.Lower(parsed.Body, parsed.Results, names, locals);
            var varied = ActivityAnalysis.Varied(lowered, parsed.Parameters.Where(p => p.Wrt).Select(p => p.Name));
            var split = ExpressionSplitting.Split(lowered, varied, names, locals);

            // The method's own locals, then those lowering made, then the results: the order they are declared in.
            var results = new HashSet<Var>(parsed.Results);
            return parsed with
            {
                Locals = parsed.Locals.Where(l => !results.Contains(l)).Concat(locals).Concat(parsed.Results).ToEquatableArray(),
                Body = split.ToEquatableArray(),
            };
        }
    }
}
