using System;
using System.Reflection;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.Regression
{
    /// <summary>
    /// Generator bugs the differential fuzzer found (reduced programs), each checked against closed forms and finite
    /// differences: forward mode's Min/Max of a double converted to float wrote a double tangent into a float (did not
    /// compile); assigning a parameter of generic math's T was GG0005 (the same code in double was accepted).
    /// </summary>
    public sealed class FuzzerFindingTests
    {
        private const string Source = @"
using System;
using System.Numerics;
using GradGen;

namespace Findings
{
    public static partial class F
    {
        [Differentiable]
        public static double MinOfConversion(double u) => MathF.Min(0.5f, (float)u) + MathF.Max((float)u, 0.2f) * u;

        [Differentiable]
        public static T AssignsParameter<T>(T x) where T : IFloatingPointIeee754<T>
        {
            x = x * x + T.Sin(x);
            return x * x;
        }
    }
}";

        private static readonly Lazy<LoadedSource> Loaded = new(() => GeneratorHarness.CompileAndLoad(Source, "FuzzerFindings"));

        [Fact]
        public void MinAndMaxOfADoubleConvertedToFloat()
        {
            // min(0.5, u) + max(u, 0.2)·u, in float: 1 below 0.5 (when u > 0.2: + 2u), else 2u.
            var f = new DiffFunction(Loaded.Value, Loaded.Value.GetType("Findings.F"), "MinOfConversion") { FloatArithmetic = true };
            DerivativeCheck.GradientOfScalars(f, new[] { new object?[] { 0.3 }, new object?[] { 0.9 }, new object?[] { -0.4 } },
                a => new[] { (a[0] < 0.5 ? 1 : 0) + (a[0] > 0.2 ? 2 * a[0] : 0.2) }, Tolerance.Float);
        }

        [Fact]
        public void AssigningAGenericParameter()
        {
            var method = Loaded.Value.GetType("Findings.F").GetMethod("AssignsParameterGradient", BindingFlags.Public | BindingFlags.Static)!.MakeGenericMethod(typeof(double));
            foreach (var x in new[] { 0.4, -1.3 })
            {
                var args = new object?[] { x, 0.0 };
                method.Invoke(null, args);
                var y = x * x + Math.Sin(x);
                Assert.Equal(2 * y * (2 * x + Math.Cos(x)), (double)args[1]!, 12);
            }
        }
    }
}
