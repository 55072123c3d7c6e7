using System;

namespace GradGen
{
    /// <summary>
    /// Marks a method whose derivatives GradGen generates at compile time, in the same partial type.
    /// By default <c>FForward</c>, <c>FGradient</c> and <c>FReverse</c> are generated.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class DifferentiableAttribute : Attribute
    {
        /// <summary>The derivative methods to generate; default <see cref="DerivativeKinds.Forward"/> | <see cref="DerivativeKinds.Reverse"/>.</summary>
        public DerivativeKinds Kinds { get; set; } = DerivativeKinds.Forward | DerivativeKinds.Reverse;
    }
}
