using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;
using GradGen.Generator.Optimize;

namespace GradGen.Generator.Model
{
    /// <summary>The derivatives a [Differentiable] method asks for, with the values of the public <c>GradGen.DerivativeKinds</c>.</summary>
    [System.Flags]
    public enum DerivativeKind
    {
        None = 0,
        Forward = 1,
        Reverse = 2,
        Jacobian = 4,
        Hessian = 8,
    }

    /// <summary>
    /// One derivative kind: the members it adds to the type, and the callee derivatives it generates (and so calls in
    /// callees). A new kind is an entry here and its builder in <c>Compose/DerivativeMethods</c>.
    /// </summary>
    public sealed class DerivativeKindInfo
    {
        private DerivativeKindInfo(DerivativeKind kind, CalleeDerivative calleeDerivatives, PassStage stages, System.Func<string, bool, IEnumerable<string>> members)
        {
            Kind = kind;
            CalleeDerivatives = calleeDerivatives;
            Stages = stages;
            Members = members;
        }

        public DerivativeKind Kind { get; }

        /// <summary>The derivative methods this kind generates that callers' derivatives call.</summary>
        public CalleeDerivative CalleeDerivatives { get; }

        /// <summary>The pipeline stages its builder goes through, so the optional passes it runs (<see cref="PassPipeline.For"/>).</summary>
        internal PassStage Stages { get; }

        /// <summary>The names of the generated members for a method named so, given whether it returns a real.</summary>
        public System.Func<string, bool, IEnumerable<string>> Members { get; }

        private const PassStage TangentStages = PassStage.Model | PassStage.Facts;

        private const PassStage AdjointStages = TangentStages | PassStage.ForwardSweep | PassStage.BackwardSweep;

        /// <summary>Every kind, in the order their members are generated.</summary>
        public static IReadOnlyList<DerivativeKindInfo> All { get; } = new[]
        {
            new DerivativeKindInfo(DerivativeKind.Forward, CalleeDerivative.Forward, TangentStages, (name, _) => new[] { DerivativeNames.Forward(name) }),
            new DerivativeKindInfo(DerivativeKind.Reverse, CalleeDerivative.Reverse, AdjointStages | PassStage.Method, (name, scalar) =>
                scalar ? new[] { DerivativeNames.Gradient(name), DerivativeNames.Reverse(name) } : new[] { DerivativeNames.Reverse(name) }),
            // Built on Forward and Reverse, which come with it: it calls nothing of its own in callees; its rows from one
            // forward sweep inline Reverse's sweeps, and are emitted as they are.
            new DerivativeKindInfo(DerivativeKind.Jacobian, CalleeDerivative.None, AdjointStages, (name, _) => new[] { DerivativeNames.Jacobian(name) }),
            new DerivativeKindInfo(DerivativeKind.Hessian, CalleeDerivative.ReverseTangent, AdjointStages | PassStage.Method, (name, _) =>
                new[] { DerivativeNames.ReverseTangent(name), DerivativeNames.HessianVectorProduct(name), DerivativeNames.Hessian(name) }),
        };

        /// <summary>The kinds of <paramref name="kinds"/>, in order.</summary>
        public static IEnumerable<DerivativeKindInfo> Of(DerivativeKind kinds) => All.Where(k => (kinds & k.Kind) != 0);

        /// <summary>The callee derivatives that derivatives of <paramref name="kinds"/> call (and that a method of those kinds generates).</summary>
        public static CalleeDerivative CalleeDerivativesOf(DerivativeKind kinds) => Of(kinds).Aggregate(CalleeDerivative.None, (all, k) => all | k.CalleeDerivatives);
    }
}
