using System.Linq;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;

namespace GradGen.Generator.AD
{
    /// <summary>Points a method's calls to methods with user-written derivatives at the [DerivativeOf] methods of the registry.</summary>
    internal static class CustomDerivativeBinding
    {
        /// <summary>The method with those calls bound; without a model when the registry lacks a derivative it needs (the analyzer says which).</summary>
        public static MethodResult Bind(MethodResult method, CustomDerivativeRegistry registry)
        {
            if (method.Model is not { } model || method.CustomCallees.Count == 0)
            {
                return method;
            }

            if (method.CustomCallees.Any(key => registry.Missing(key, model.Kinds) != CalleeDerivative.None))
            {
                return method with { Model = null };
            }

            var body = IrRewriter.Map(model.Body, e => e is DiffCall { Custom: { } custom } call ? call with { Custom = registry.Bind(custom) } : e);
            return method with { Model = model with { Body = body } };
        }
    }
}
