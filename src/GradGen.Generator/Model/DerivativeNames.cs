using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;

namespace GradGen.Generator.Model
{
    /// <summary>The names the contract gives generated members and parameters.</summary>
    public static class DerivativeNames
    {
        /// <summary>Names generated code uses besides derivative parameters.</summary>
        public static readonly string[] Reserved = { "seed", "tape" };

        /// <summary>Every name a generated method of <paramref name="model"/> already has: parameters, derivative parameters, locals.</summary>
        public static IEnumerable<string> Taken(DiffMethodModel model) =>
            model.Parameters.Select(p => p.Name)
                .Concat(new[] { "d", "v", "hv" }.SelectMany(prefix => model.Parameters.Where(p => p.Wrt).Select(p => Parameter(prefix, p.Name))))
                .Concat(Packed(model.Parameters))
                .Concat(model.Locals.Select(l => l.Name));

        /// <summary>
        /// The names a method's body may not take, before its own locals: its parameters, their derivatives as the
        /// generated signatures name them, and the reserved ones. The parser starts from them, and lowering from them
        /// and the locals the parser made, so both hand out the same names.
        /// </summary>
        public static IEnumerable<string> BeforeLocals(IReadOnlyList<Parameter> parameters) =>
            parameters.Select(p => p.Name)
                .Concat(parameters.Where(p => p.Wrt).Select(p => Parameter("d", p.Name)))
                .Concat(Packed(parameters))
                .Concat(Reserved);

        /// <summary>The names of the aggregate parameters whose leaves <paramref name="parameters"/> hold, and of their derivatives: what signatures declare.</summary>
        public static IEnumerable<string> Packed(IEnumerable<Parameter> parameters) =>
            parameters.Select(p => p.Slot?.Parameter).OfType<string>().Distinct()
                .SelectMany(name => new[] { name, Parameter("d", name), Parameter("v", name), Parameter("hv", name) });

        /// <summary><c>d</c> + <c>x</c> gives <c>dX</c>, <c>v</c> + <c>theta</c> gives <c>vTheta</c>.</summary>
        public static string Parameter(string prefix, string name) =>
            name.Length == 0 ? prefix : prefix + char.ToUpperInvariant(name[0]) + name.Substring(1);

        /// <summary>
        /// A method with an output array (or out and ref reals) as the vector-valued function it stands for, returning a
        /// new array (a tuple): the method (and derivatives) its generated methods and its callers call, <c>__FArray</c>
        /// (<c>__FTuple</c>).
        /// </summary>
        public static string Returning(string method, bool array = true) => "__" + method + (array ? "Array" : "Tuple");

        /// <summary>Split reversal's halves (see <c>SplitReversal</c>): the forward sweep, which leaves its records on the caller's tape, and the backward sweep, which takes them back.</summary>
        public static string Record(string method) => "__" + method + "Record";

        /// <inheritdoc cref="Record"/>
        public static string Backward(string method) => "__" + method + "Backward";

        public static string Forward(string method) => method + "Forward";

        public static string Gradient(string method) => method + "Gradient";

        public static string Reverse(string method) => method + "Reverse";

        public static string Jacobian(string method) => method + "Jacobian";

        /// <summary>Forward mode applied to Reverse: the building block of Hessians, and what callers' Hessians call.</summary>
        public static string ReverseTangent(string method) => method + "ReverseTangent";

        public static string Hessian(string method) => method + "Hessian";

        public static string HessianVectorProduct(string method) => method + "HessianVectorProduct";

        /// <summary>The name GradGen gives the callee derivative <paramref name="kind"/> of <paramref name="method"/>.</summary>
        public static string Of(CalleeDerivative kind, string method) => kind switch
        {
            CalleeDerivative.Forward => Forward(method),
            CalleeDerivative.Reverse => Reverse(method),
            _ => ReverseTangent(method),
        };
    }

    /// <summary>
    /// The call of a callee's derivative: its generated Forward, Reverse or ReverseTangent, or the [DerivativeOf]
    /// method that stands for it.
    /// </summary>
    public static class CalleeDerivatives
    {
        /// <summary><c>GForward(args..., tangents...)</c>, which returns the value and its tangent.</summary>
        public static Call Forward(DiffCall call, IEnumerable<Expr> args) =>
            Of(call, DerivativeSignatures.ForwardReturn(call.Type), call.Custom?.Forward, DerivativeNames.Forward(call.Name), args, call.Packed.Concat(Wrt(call)));

        /// <summary><c>GReverse(args..., seed, adjoints...)</c>, which a <see cref="PullbackCall"/> stands for.</summary>
        /// <remarks>A call reversed split is the callee's Backward, which also takes the tape its Record left its records on.</remarks>
        public static Call Reverse(PullbackCall pullback) => pullback.Callee.Tape is { } tape
            ? Of(pullback.Callee, Types.Void, null, DerivativeNames.Backward(pullback.Callee.Name), pullback.Callee.Args.Append(pullback.Seed).Concat(pullback.Adjoints).Append(tape), ReverseLayout(pullback.Callee))
            : Of(pullback.Callee, Types.Void, pullback.Callee.Custom?.Reverse, DerivativeNames.Reverse(pullback.Callee.Name), pullback.Callee.Args.Append(pullback.Seed).Concat(pullback.Adjoints), ReverseLayout(pullback.Callee));

        /// <summary><c>__GRecord(args..., tape)</c>: the forward sweep of a call reversed split, which returns the value.</summary>
        public static Call Record(DiffCall call, Var tape) =>
            Of(call, call.Type, null, DerivativeNames.Record(call.Name), call.Args.Append(tape), call.Packed);

        /// <summary><c>GReverseTangent(args..., seed, adjoints..., tangents..., seed tangent, adjoint tangents...)</c>.</summary>
        public static Call ReverseTangent(DiffCall call, IEnumerable<Expr> args) =>
            Of(call, Types.Void, call.Custom?.ReverseTangent, DerivativeNames.ReverseTangent(call.Name), args, ReverseLayout(call).Concat(Wrt(call)).Append(ArgumentGroup.AsIs).Concat(Wrt(call, accumulates: true)));

        private static IEnumerable<ArgumentGroup> ReverseLayout(DiffCall call) => call.Packed.Append(ArgumentGroup.AsIs).Concat(Wrt(call, accumulates: true));

        /// <summary>
        /// The entries of <see cref="DiffCall.Packed"/> whose arguments have derivatives: the layout of a list of
        /// derivatives, which the callee adds into when <paramref name="accumulates"/>.
        /// </summary>
        private static IEnumerable<ArgumentGroup> Wrt(DiffCall call, bool accumulates = false)
        {
            var argument = 0;
            foreach (var parameter in call.Packed)
            {
                if (call.Wrt[argument])
                {
                    yield return parameter with { Accumulates = accumulates && parameter.Aggregate is not null };
                }

                argument += parameter.Count;
            }
        }

        private static Call Of(DiffCall call, IrType type, CustomDerivative? custom, string generated, IEnumerable<Expr> args, IEnumerable<ArgumentGroup> packed)
        {
            var derivative = (custom?.StaticType is { } staticType
                ? new Call(type, null, staticType, custom.Name, args.ToEquatableArray())
                : new Call(type, call.Receiver, call.StaticType, custom?.Name ?? generated, args.ToEquatableArray())) with { TypeArguments = call.TypeArguments };
            return call.Packed.Count == 0 ? derivative : derivative with { Packed = packed.ToEquatableArray() };
        }
    }
}
