using System;
using System.Linq;
using System.Threading.Tasks;
using GradGen.Tests.Infrastructure;
using Xunit;
using static GradGen.Tests.Infrastructure.MarkupVerifier;

namespace GradGen.Tests.Arrays
{
    /// <summary>
    /// What differentiable code may not do with arrays and spans: write a parameter's elements (GG0004), array
    /// initializers and stackalloc inside a loop (GG0005), Span parameters and arrays of arrays of arrays (GG0002). One compilation, each
    /// error marked where it is reported, verified once by <see cref="MarkupVerifier"/>: nothing else is reported, and
    /// nothing is generated for a method with an error.
    /// </summary>
    public class ArrayDiagnosticTests
    {
        private const string BadType = @"
    public static partial class Bad
    {
        [Differentiable]
        public static double WritesParameter(double[] x)
        {
            {|GG0004:x[0]|} = 2 * x[1];
            return x[0];
        }

        [Differentiable]
        public static double CompoundWritesMatrixParameter(double[,] A)
        {
            {|GG0004:A[0, 0]|} += 1;
            return A[0, 0];
        }

        [Differentiable]
        public static double WritesNoDerivativeParameter(double x, [NoDerivative] double[] buffer)
        {
            {|GG0004:buffer[0]|} = x;
            return x * buffer[0];
        }

        [Differentiable]
        public static double StackAlloc(double x)
        {
            double s = 0;
            for (int i = 0; i < 2; i++)
            {
                Span<double> {|GG0005:v = stackalloc double[2]|};
                v[0] = x;
                s += v[0];
            }

            return s;
        }

        [Differentiable]
        public static double SpanParameter({|GG0002:Span<double> v|}) => v[0];

        [Differentiable]
        public static double JaggedParameter({|GG0002:double[][][] v|}) => v[0][0][0];
    }
";

        private const string GoodType = @"
    public static partial class Good
    {
        // Local arrays and matrices may be written, overwritten and re-allocated; int[] parameters pass through.
        [Differentiable]
        public static double WritesLocals(double[] x, double[,] A, int[] idx)
        {
            double[] c = new double[x.Length];
            double[,] M = new double[2, 2];
            for (int i = 0; i < x.Length; i++)
                c[i] = x[i];
            c[0] += A[0, 0];
            c[idx[0]] *= 2;
            M[1, 1] = c[0];
            M = new double[2, 2];
            M[0, 0] = c[1];
            return M[0, 0] + c[0];
        }
    }
";

        private static string Source(string types) => @"using System;
using GradGen;

namespace Arrays.Diagnostics
{" + types + @"}
";

        private static readonly Lazy<Task<VerifiedSource>> Verified = new(() => VerifyAsync(Source(BadType + GoodType)));

        [Fact]
        public Task EachUnsupportedUseIsReportedWhereMarked() => Verified.Value;

        /// <summary>Writes into local arrays and matrices are fine on their own, without the errors next to them.</summary>
        [Fact]
        public async Task NothingIsReportedForLocalArrays()
        {
            var v = await VerifyAsync(Source(GoodType));
            Assert.Contains("Arrays.Diagnostics.Good.WritesLocals.g.cs", v.Run.GeneratedSources.Keys);
        }

        [Fact]
        public async Task WriteDiagnosticNamesTheParameter()
        {
            var v = await Verified.Value;
            foreach (var name in new[] { "'x'", "'A'", "'buffer'" })
            {
                v.AssertMessage("GG0004", name);
            }
        }

        [Fact]
        public async Task NothingIsGeneratedForMethodsWithErrorsAndTheOutputCompiles()
        {
            var v = await Verified.Value;
            var bad = v.Run.GeneratedSources.Keys.Where(k => k.Contains(".Bad.", StringComparison.Ordinal)).ToList();
            Assert.True(bad.Count == 0, "Generated for methods with errors: " + string.Join(", ", bad));
            Assert.Contains("Arrays.Diagnostics.Good.WritesLocals.g.cs", v.Run.GeneratedSources.Keys);
            Assert.Empty(v.Run.CompilationErrors);
        }
    }
}
