using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Analysis;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;

namespace GradGen.Generator.Lowering
{
    /// <summary>Brings a parsed body into the form both modes work on: structured control flow, named intermediates.</summary>
    internal static class Preparation
    {
        public static (EquatableArray<Stmt> Body, List<Var> Locals) Prepare(
            EquatableArray<Stmt> body, IReadOnlyList<Var> results, IEnumerable<Parameter> parameters, NameScope names)
        {
            var locals = new List<Var>();
            var lowered = ControlFlowLowering.Lower(body, results, names, locals);
            var varied = ActivityAnalysis.Varied(lowered, parameters.Where(p => p.Wrt).Select(p => p.Name));
            var split = ExpressionSplitting.Split(lowered, varied, names, locals);
            return (split.ToEquatableArray(), locals);
        }
    }
}
