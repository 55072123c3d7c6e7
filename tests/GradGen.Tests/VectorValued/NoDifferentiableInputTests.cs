using System;
using System.Reflection;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.VectorValued
{
    /// <summary>
    /// A method with no differentiable input (found by the fuzz test: a Hessian's flat index over no inputs threw):
    /// its Jacobian has no column and its Hessian is 0 × 0, and both still return the value.
    /// </summary>
    public sealed class NoDifferentiableInputTests
    {
        private const string Source = @"using System;
using GradGen;

namespace NoInputs
{
    public static partial class F
    {
        [Differentiable(Kinds = DerivativeKinds.Hessian | DerivativeKinds.Jacobian)]
        public static double Scalar(long x, int n) => (double)x * n + 0.5;

        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (double, double) Pair(long x) => ((double)x, 2.0 * x);
    }
}
";

        private static readonly Lazy<LoadedSource> Loaded = new(() => GeneratorHarness.CompileAndLoad(Source, "NoInputs"));

        private static object? Call(string name, params object?[] args) =>
            Loaded.Value.GetType("NoInputs.F").GetMethod(name, BindingFlags.Public | BindingFlags.Static)!.Invoke(null, args);

        [Fact]
        public void HessianIsEmptyAndReturnsTheValue()
        {
            Assert.Equal(3 * 4 + 0.5, (double)Call("ScalarHessian", 3L, 4, new double[0, 0])!);
        }

        [Fact]
        public void JacobianHasNoColumnAndReturnsTheValue()
        {
            Assert.Equal(3 * 4 + 0.5, (double)Call("ScalarJacobian", 3L, 4, new double[1, 0])!);
            Assert.Equal((3.0, 6.0), ((double, double))Call("PairJacobian", 3L, new double[2, 0])!);
        }

        [Fact]
        public void WrongShapeStillThrows()
        {
            var error = Assert.Throws<TargetInvocationException>(() => Call("PairJacobian", 3L, new double[1, 0]));
            Assert.Equal("jacobian", Assert.IsType<ArgumentException>(error.InnerException).ParamName);
        }
    }
}
