using System;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.VectorValued
{
    /// <summary>
    /// The Jacobian and the Hessian pass their one-hot directions and their adjoint buffers through spans: made on the
    /// stack for an input of up to 128 elements, lent by the tape beyond. Both sides of that line, by rows and by
    /// columns, against closed forms.
    /// </summary>
    public sealed class DerivativeBufferTests
    {
        private const string Source = @"
using System;
using GradGen;

namespace VectorValued.Buffers
{
    public static partial class Buf
    {
        public static double Sink;

        // leaves non-zero values on the stack below the caller's frame
        public static void Dirty()
        {
            Span<double> garbage = stackalloc double[1024];
            garbage.Fill(1e300);
            Sink = garbage[garbage.Length / 2];
        }

        // two outputs, n inputs: rows from one forward sweep and a backward sweep per output
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (double, double) Moments(double[] x)
        {
            double squares = 0.0;
            double weighted = 0.0;
            for (int i = 0; i < x.Length; i++)
            {
                squares += x[i] * x[i];
                weighted += Math.Sin(x[i]) * i;
            }
            return (squares, weighted);
        }

        // n outputs, n inputs: columns from a forward pass per input
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static double[] Shifted(double[] x, double a)
        {
            var y = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
                y[i] = Math.Exp(x[i]) * a + (i > 0 ? x[i - 1] : 0.0);
            return y;
        }

        // Σ xᵢ⁴ + (Σ xᵢ)²
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static double Quartic(double[] x)
        {
            double fourth = 0.0;
            double sum = 0.0;
            for (int i = 0; i < x.Length; i++)
            {
                fourth += x[i] * x[i] * x[i] * x[i];
                sum += x[i];
            }
            return fourth + sum * sum;
        }
    }
}
";

        private static readonly Lazy<Type> Buf = new(() =>
            GeneratorHarness.CompileAndLoad(Source, "DerivativeBuffers").GetType("VectorValued.Buffers.Buf"));

        // The same in a module that skips locals' initialisation, where stackalloc is not zeroed.
        private static readonly Lazy<Type> BufSkippingInit = new(() =>
        {
            var input = GeneratorHarness.CreateCompilation(Source.Replace("using GradGen;", "using GradGen;\n[module: System.Runtime.CompilerServices.SkipLocalsInit]"), "DerivativeBuffersSkipInit");
            var run = GeneratorHarness.Run(input.WithOptions(input.Options.WithAllowUnsafe(true)));
            Assert.Empty(run.CompilationErrors);
            return run.Load().GetType("VectorValued.Buffers.Buf")!;
        });

        private static double[] Values(int seed, int n) => TestValues.Uniform(seed, n, 0.8);

        private static object Call(string method, params object[] args) => Call(Buf, method, args);

        private static object Call(Lazy<Type> type, string method, params object[] args) => type.Value.GetMethod(method)!.Invoke(null, args)!;

        [Theory]
        [InlineData(5, false)]
        [InlineData(128, false)]
        [InlineData(300, false)]
        [InlineData(5, true)]
        public void RowsOfTwoOutputs(int n, bool skipLocalsInit)
        {
            var x = Values(n, n);
            var jacobian = new double[2, n];
            if (skipLocalsInit)
            {
                // stack garbage where the buffers will go, from a call just before
                Call(BufSkippingInit, "Dirty");
            }

            Call(skipLocalsInit ? BufSkippingInit : Buf, "MomentsJacobian", x, jacobian);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(2 * x[i], jacobian[0, i], 12);
                Assert.Equal(i * Math.Cos(x[i]), jacobian[1, i], 12);
            }
        }

        [Theory]
        [InlineData(4)]
        [InlineData(129)]
        public void ColumnsOfAsManyOutputsAsInputs(int n)
        {
            var x = Values(n + 1, n);
            var jacobian = new double[n, n + 1];
            Call("ShiftedJacobian", x, 1.7, jacobian);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double expected = i == j ? 1.7 * Math.Exp(x[i]) : j == i - 1 ? 1.0 : 0.0;
                    Assert.Equal(expected, jacobian[i, j], 12);
                }

                Assert.Equal(Math.Exp(x[i]), jacobian[i, n], 12);
            }
        }

        [Theory]
        [InlineData(3)]
        [InlineData(140)]
        public void HessianAndItsProducts(int n)
        {
            var x = Values(n + 2, n);
            var hessian = new double[n, n];
            Call("QuarticHessian", x, hessian);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    Assert.Equal((i == j ? 12 * x[i] * x[i] : 0.0) + 2.0, hessian[i, j], 11);
                }
            }
        }
    }
}
