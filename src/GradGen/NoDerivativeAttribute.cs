using System;

namespace GradGen
{
    /// <summary>Excludes a floating-point parameter from differentiation: it gets no tangent or adjoint parameter.</summary>
    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class NoDerivativeAttribute : Attribute
    {
    }
}
