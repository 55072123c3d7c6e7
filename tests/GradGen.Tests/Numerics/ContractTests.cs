using System;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.Numerics
{
    /// <summary>
    /// The contract's example and the exact shape of the generated methods: names, parameter names, types and
    /// ref-kinds, order, return types and tuple element names, accessibility and static-ness.
    /// </summary>
    public sealed class ContractTests
    {
        private static LoadedSource Source => ArithmeticSource.Double.Value;

        private static Type ContractModel => Source.GetType("Contract.Model");

        [Fact]
        public void ContractExampleGradient()
        {
            var (value, args) = Reflect.Invoke(ContractModel, "FGradient", 0.7, -1.3, null, null);
            double x = 0.7, y = -1.3;
            Assert.Equal(x * x + 3 * x * y, (double)value!, 12);
            Assert.Equal(2 * x + 3 * y, (double)args[2]!, 12); // dx = 2x + 3y = -2.5
            Assert.Equal(3 * x, (double)args[3]!, 12);         // dy = 3x = 2.1
        }

        [Fact]
        public void ContractExampleForward()
        {
            double x = 0.7, y = -1.3;
            var (vx, tx) = Reflect.ReadPair(Reflect.Invoke(ContractModel, "FForward", x, y, 1.0, 0.0).Result);
            var (vy, ty) = Reflect.ReadPair(Reflect.Invoke(ContractModel, "FForward", x, y, 0.0, 1.0).Result);
            var (_, tv) = Reflect.ReadPair(Reflect.Invoke(ContractModel, "FForward", x, y, 0.5, -2.0).Result);
            Assert.Equal(x * x + 3 * x * y, vx, 12);
            Assert.Equal(x * x + 3 * x * y, vy, 12);
            Assert.Equal(2 * x + 3 * y, tx, 12);
            Assert.Equal(3 * x, ty, 12);
            Assert.Equal(0.5 * (2 * x + 3 * y) - 2.0 * (3 * x), tv, 12);
        }

        [Fact]
        public void ContractExampleChecks() =>
            DerivativeCheck.GradientOfScalars(
                new DiffFunction(Source, ContractModel, "F"),
                new[] { new object?[] { 0.7, -1.3 }, new object?[] { -4.0, 0.125 } },
                a => new[] { 2 * a[0] + 3 * a[1], 3 * a[0] });

        [Fact]
        public void ReverseAccumulatesAndGradientOverwrites()
        {
            double x = 0.7, y = -1.3, s = 2.5;
            double gx = 2 * x + 3 * y, gy = 3 * x;

            // FReverse adds seed · ∇f to what is already there, every call.
            var args = new object?[] { x, y, s, 10.0, -20.0 };
            var (v1, after1) = Reflect.Invoke(ContractModel, "FReverse", args);
            Assert.Equal(x * x + 3 * x * y, (double)v1!, 12);
            Assert.Equal(10.0 + s * gx, (double)after1[3]!, 12);
            Assert.Equal(-20.0 + s * gy, (double)after1[4]!, 12);
            var (_, after2) = Reflect.Invoke(ContractModel, "FReverse", after1);
            Assert.Equal(10.0 + 2 * s * gx, (double)after2[3]!, 12);
            Assert.Equal(-20.0 + 2 * s * gy, (double)after2[4]!, 12);

            // Seed 0 adds nothing.
            var (_, after0) = Reflect.Invoke(ContractModel, "FReverse", x, y, 0.0, 1.0, 2.0);
            Assert.Equal(1.0, (double)after0[3]!, 12);
            Assert.Equal(2.0, (double)after0[4]!, 12);

            // FGradient writes ∇f whatever the out variables held, every call.
            var gradArgs = new object?[] { x, y, 999.0, -999.0 };
            var (_, g1) = Reflect.Invoke(ContractModel, "FGradient", gradArgs);
            var (_, g2) = Reflect.Invoke(ContractModel, "FGradient", g1);
            Assert.Equal(gx, (double)g2[2]!, 12);
            Assert.Equal(gy, (double)g2[3]!, 12);
        }

        [Fact]
        public void ContractExampleSignatures()
        {
            var t = ContractModel;
            Signatures.Assert(t, "FForward", "public static (double Value, double Tangent) FForward(double x, double y, double dX, double dY)");
            Signatures.Assert(t, "FGradient", "public static double FGradient(double x, double y, out double dX, out double dY)");
            Signatures.Assert(t, "FReverse", "public static double FReverse(double x, double y, double seed, ref double dX, ref double dY)");
        }

        [Fact]
        public void FloatSignatures()
        {
            var t = ArithmeticSource.Float.Value.GetType("Numerics.Arithmetic.Arith_float");
            Signatures.Assert(t, "ExampleForward", "public static (float Value, float Tangent) ExampleForward(float x, float y, float dX, float dY)");
            Signatures.Assert(t, "ExampleGradient", "public static float ExampleGradient(float x, float y, out float dX, out float dY)");
            Signatures.Assert(t, "ExampleReverse", "public static float ExampleReverse(float x, float y, float seed, ref float dX, ref float dY)");
        }

        [Fact]
        public void PassThroughParametersGetNoDerivative()
        {
            var t = Source.GetType("Numerics.Arithmetic.Arith_double");
            Signatures.Assert(t, "PassThroughForward", "public static (double Value, double Tangent) PassThroughForward(double x, int n, bool square, double dX)");
            Signatures.Assert(t, "PassThroughGradient", "public static double PassThroughGradient(double x, int n, bool square, out double dX)");
            Signatures.Assert(t, "PassThroughReverse", "public static double PassThroughReverse(double x, int n, bool square, double seed, ref double dX)");
        }

        [Fact]
        public void NoDerivativeParametersGetNoDerivative()
        {
            var t = Source.GetType("Numerics.Arithmetic.Arith_double");
            Signatures.Assert(t, "NoDerivativeParameterForward", "public static (double Value, double Tangent) NoDerivativeParameterForward(double x, double y, double dX)");
            Signatures.Assert(t, "NoDerivativeParameterGradient", "public static double NoDerivativeParameterGradient(double x, double y, out double dX)");
            Signatures.Assert(t, "NoDerivativeParameterReverse", "public static double NoDerivativeParameterReverse(double x, double y, double seed, ref double dX)");
            Signatures.Assert(t, "NoDerivativeFirstGradient", "public static double NoDerivativeFirstGradient(double scale, double x, double y, out double dX, out double dY)");
            Signatures.Assert(t, "NoDerivativeFirstReverse", "public static double NoDerivativeFirstReverse(double scale, double x, double y, double seed, ref double dX, ref double dY)");
        }

        [Fact]
        public void MixedPrecisionSignatures()
        {
            var t = Source.GetType("Numerics.Arithmetic.Mixed");
            Signatures.Assert(t, "FloatParamDoubleResultForward", "public static (double Value, double Tangent) FloatParamDoubleResultForward(float a, double b, float dA, double dB)");
            Signatures.Assert(t, "FloatParamDoubleResultGradient", "public static double FloatParamDoubleResultGradient(float a, double b, out float dA, out double dB)");
            Signatures.Assert(t, "FloatParamDoubleResultReverse", "public static double FloatParamDoubleResultReverse(float a, double b, double seed, ref float dA, ref double dB)");
            Signatures.Assert(t, "DoubleParamFloatResultForward", "public static (float Value, float Tangent) DoubleParamFloatResultForward(float x, double y, float dX, double dY)");
            Signatures.Assert(t, "DoubleParamFloatResultGradient", "public static float DoubleParamFloatResultGradient(float x, double y, out float dX, out double dY)");
            Signatures.Assert(t, "DoubleParamFloatResultReverse", "public static float DoubleParamFloatResultReverse(float x, double y, float seed, ref float dX, ref double dY)");
        }

        [Fact]
        public void GeneratedMethodsKeepAccessibility()
        {
            var t = Source.GetType("Numerics.Arithmetic.Arith_double");
            Signatures.Assert(t, "InternalCubeForward", "internal static (double Value, double Tangent) InternalCubeForward(double x, double dX)");
            Signatures.Assert(t, "InternalCubeGradient", "internal static double InternalCubeGradient(double x, out double dX)");
            Signatures.Assert(t, "InternalCubeReverse", "internal static double InternalCubeReverse(double x, double seed, ref double dX)");
            Signatures.Assert(t, "PrivateSquareForward", "private static (double Value, double Tangent) PrivateSquareForward(double x, double dX)");
            Signatures.Assert(t, "PrivateSquareGradient", "private static double PrivateSquareGradient(double x, out double dX)");
            Signatures.Assert(t, "PrivateSquareReverse", "private static double PrivateSquareReverse(double x, double seed, ref double dX)");
        }

        [Fact]
        public void HintNameIsNamespaceTypeMethod()
        {
            Assert.True(Source.Run.GeneratedSources.ContainsKey("Contract.Model.F.g.cs"),
                "Expected a generated file named Contract.Model.F.g.cs.\n" + Source.Run.Describe(includeSources: false));
        }

        [Fact]
        public void GeneratedFilesAreMarkedAutoGenerated()
        {
            Assert.NotEmpty(Source.Run.GeneratedSources);
            foreach (var pair in Source.Run.GeneratedSources)
            {
                Assert.True(pair.Value.TrimStart().StartsWith("// <auto-generated", StringComparison.Ordinal),
                    pair.Key + " does not start with // <auto-generated/>");
                Assert.Contains("#nullable enable", pair.Value);
            }
        }
    }
}
