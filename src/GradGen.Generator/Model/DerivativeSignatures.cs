using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;

namespace GradGen.Generator.Model
{
    /// <summary>
    /// The parameter lists the contract gives the derivatives of a method, as (type, name) pairs: what the emitter
    /// declares, and what a user-written [DerivativeOf] method must declare to stand for one.
    /// </summary>
    public static class DerivativeSignatures
    {
        /// <summary>What a Forward returns for a method returning <paramref name="returnType"/>.</summary>
        public static IrType ForwardReturn(IrType returnType) => Types.Tuple((returnType, "Value"), (returnType, "Tangent"));

        /// <summary>The cotangent of the result: the return type itself, or a read-only span for an array.</summary>
        public static IrType SeedType(IrType returnType) =>
            Types.ElementType(returnType) is { } element ? Types.ReadOnlySpan(element) : returnType;

        /// <summary><c>FForward(p..., d...)</c>; an output array's tangent is written (a span).</summary>
        public static IEnumerable<(string Type, string Name)> Forward(IReadOnlyList<Parameter> parameters, string? output = null) =>
            Primal(parameters).Concat(Tangents(parameters, "d", output));

        /// <summary><c>FReverse(p..., seed, ref d...)</c>.</summary>
        public static IEnumerable<(string Type, string Name)> Reverse(IReadOnlyList<Parameter> parameters, IrType returnType, string seed) =>
            Primal(parameters).Append((SeedType(returnType).ToString(), seed)).Concat(Adjoints(parameters, "d", "ref "));

        /// <summary><c>FReverseTangent(p..., seed, ref d..., v..., vSeed, ref hv...)</c>: forward mode applied to Reverse.</summary>
        public static IEnumerable<(string Type, string Name)> ReverseTangent(IReadOnlyList<Parameter> parameters, IrType returnType, string seed, string seedTangent) =>
            Reverse(parameters, returnType, seed)
                .Concat(Tangents(parameters, "v"))
                .Append((SeedType(returnType).ToString(), seedTangent))
                .Concat(Adjoints(parameters, "hv", "ref "));

        public static IEnumerable<(string Type, string Name)> Primal(IEnumerable<Parameter> parameters) =>
            Declared(parameters).Select(p => (p.Type.ToString(), p.Name));

        /// <summary>The parameters as the method declares them: an aggregate's leaf parameters as the one tuple or struct they came from.</summary>
        public static IEnumerable<Parameter> Declared(IEnumerable<Parameter> parameters) =>
            parameters.Where(p => p.Slot is not { Index: > 0 }).Select(p => p.Slot is { } slot ? new Parameter(slot.Parameter, slot.Aggregate, p.Wrt) : p);

        /// <summary>A tangent per differentiable parameter: scalar T, array or span ReadOnlySpan&lt;T&gt;, matrix T[,].</summary>
        public static IEnumerable<(string Type, string Name)> Tangents(IEnumerable<Parameter> parameters, string prefix, string? output = null) =>
            Declared(parameters).Where(p => p.Wrt).Select(p => ((p.Name == output ? Types.Adjoint(p.Type) : Types.Tangent(p.Type)).ToString(), DerivativeNames.Parameter(prefix, p.Name)));

        /// <summary>An adjoint per differentiable parameter: scalar, tuple or struct ref/out T, array or span Span&lt;T&gt;, matrix T[,].</summary>
        public static IEnumerable<(string Type, string Name)> Adjoints(IEnumerable<Parameter> parameters, string prefix, string scalarModifier) =>
            Declared(parameters).Where(p => p.Wrt).Select(p => ((Types.IsValue(p.Type) ? scalarModifier : string.Empty) + Types.Adjoint(p.Type), DerivativeNames.Parameter(prefix, p.Name)));

        /// <summary><c>double x, double dX</c>.</summary>
        public static string Declare(IEnumerable<(string Type, string Name)> parameters) =>
            string.Join(", ", parameters.Select(p => $"{p.Type} {p.Name}"));
    }
}
