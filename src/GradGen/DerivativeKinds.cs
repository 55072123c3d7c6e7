using System;

namespace GradGen
{
    /// <summary>Which derivative methods GradGen generates for a <see cref="DifferentiableAttribute"/> method.</summary>
    [Flags]
    public enum DerivativeKinds
    {
        /// <summary>Forward mode: <c>FForward</c> returns the value and the directional derivative.</summary>
        Forward = 1,
        /// <summary>Reverse mode: <c>FGradient</c> and <c>FReverse</c> (adjoint, pullback).</summary>
        Reverse = 2,
        /// <summary><c>FJacobian</c>: the full m × n Jacobian.</summary>
        Jacobian = 4,
        /// <summary><c>FHessian</c> and <c>FHessianVectorProduct</c> for scalar functions.</summary>
        Hessian = 8,
    }
}
