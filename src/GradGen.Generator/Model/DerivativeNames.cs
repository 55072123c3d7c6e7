namespace GradGen.Generator.Model
{
    /// <summary>The names the contract gives generated members and parameters.</summary>
    public static class DerivativeNames
    {
        /// <summary>Names generated code uses besides derivative parameters.</summary>
        public static readonly string[] Reserved = { "seed", "tape" };

        /// <summary><c>d</c> + <c>x</c> gives <c>dX</c>, <c>v</c> + <c>theta</c> gives <c>vTheta</c>.</summary>
        public static string Parameter(string prefix, string name) =>
            name.Length == 0 ? prefix : prefix + char.ToUpperInvariant(name[0]) + name.Substring(1);

        public static string Forward(string method) => method + "Forward";

        public static string Gradient(string method) => method + "Gradient";

        public static string Reverse(string method) => method + "Reverse";

        public static string Jacobian(string method) => method + "Jacobian";

        /// <summary>Forward mode applied to Reverse: the building block of Hessians, and what callers' Hessians call.</summary>
        public static string ReverseTangent(string method) => method + "ReverseTangent";

        public static string Hessian(string method) => method + "Hessian";

        public static string HessianVectorProduct(string method) => method + "HessianVectorProduct";
    }
}
