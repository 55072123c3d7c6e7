using System;

namespace GradGen
{
    /// <summary>
    /// Marks a user-written derivative (with the signature a generated <c>FForward</c> or <c>FReverse</c> would have)
    /// of another method; differentiable code that calls that method uses it.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
    public sealed class DerivativeOfAttribute : Attribute
    {
        /// <summary>A derivative of the method <paramref name="methodName"/> of the same type.</summary>
        public DerivativeOfAttribute(string methodName) => MethodName = methodName;

        /// <summary>A derivative of the method <paramref name="methodName"/> of <paramref name="type"/>.</summary>
        public DerivativeOfAttribute(Type type, string methodName)
        {
            Type = type;
            MethodName = methodName;
        }

        /// <summary>The type that declares the method, or null for the type of the annotated method.</summary>
        public Type? Type { get; }

        /// <summary>The name of the method this is a derivative of.</summary>
        public string MethodName { get; }
    }
}
