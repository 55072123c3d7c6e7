using GradGen.Generator.Ir;
using Microsoft.CodeAnalysis;

namespace GradGen.Generator.Frontend
{
    /// <summary>Recognizes the <c>System.Math</c> and <c>System.MathF</c> functions GradGen differentiates.</summary>
    internal static class MathFunctions
    {
        /// <summary>
        /// The intrinsic a call resolves to, or null if it is not one. <c>Sign</c> is piecewise constant but returns an
        /// integer, so it stays a plain call.
        /// </summary>
        public static (MathFunction? Function, bool IsPiecewiseConstant)? Resolve(IMethodSymbol method)
        {
            var type = method.ContainingType;
            if ((type?.ContainingNamespace?.ToDisplayString() != "System" || type.Name is not ("Math" or "MathF")) && TypeNames.GenericMathOwner(type) is null)
            {
                return null;
            }

            if (method.Name == "Sign")
            {
                return method.Parameters.Length == 1 && TypeNames.IsReal(method.Parameters[0].Type) ? (null, true) : null;
            }

            if (!TypeNames.IsReal(method.ReturnType) || !System.Enum.TryParse<MathFunction>(method.Name, out var function))
            {
                return null;
            }

            var piecewise = function is MathFunction.Floor or MathFunction.Ceiling or MathFunction.Round or MathFunction.Truncate;
            var arity = function switch
            {
                MathFunction.Atan2 or MathFunction.Pow or MathFunction.Min or MathFunction.Max => 2,
                MathFunction.Clamp or MathFunction.FusedMultiplyAdd => 3,
                MathFunction.Log => method.Parameters.Length is 1 or 2 ? method.Parameters.Length : -1,
                _ when piecewise => method.Parameters.Length,
                _ => 1,
            };
            if (method.Parameters.Length != arity)
            {
                return null;
            }

            foreach (var parameter in method.Parameters)
            {
                if (!piecewise && !TypeNames.IsReal(parameter.Type))
                {
                    return null;
                }
            }

            return (function, piecewise);
        }

        /// <summary>
        /// The System.Numerics interface a function's derivative rule (AD/Derivatives) calls beyond the function's own
        /// and arithmetic: a type parameter of generic math must have it. Null when it needs nothing more.
        /// </summary>
        public static string? NeededForDerivative(MathFunction function) => function switch
        {
            MathFunction.Asin or MathFunction.Acos => "IRootFunctions",
            MathFunction.Pow => "ILogarithmicFunctions",
            MathFunction.Abs or MathFunction.Min or MathFunction.Max or MathFunction.Clamp => "IComparisonOperators",
            _ => null,
        };
    }
}
