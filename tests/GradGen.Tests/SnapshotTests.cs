using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Tasks;
using GradGen.Generator;
using GradGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace GradGen.Tests
{
    /// <summary>
    /// One reviewed snapshot of generated code per feature, checked in under Snapshots/ (copied to the output
    /// directory), and compared through the Roslyn generator test framework
    /// (Microsoft.CodeAnalysis.CSharp.SourceGenerators.Testing): every file the generator adds is exactly its snapshot,
    /// and the source with the generated files compiles against .NET 8 with no diagnostic. Any change in emitted code
    /// shows in review. On a mismatch (or a missing file) the actual output is written next to the checked-in file as
    /// NAME.received.cs; review it and rename it to accept.
    /// </summary>
    public sealed class SnapshotTests
    {
        [Fact]
        public Task Scalar() => Verify(@"using GradGen;

namespace Demo
{
    public static partial class Snap
    {
        [Differentiable] public static double F(double x, double y) => x * x + 3 * x * y;
    }
}
", "Demo.Snap.F.g.cs");

        /// <summary>A local overwritten in a loop: recorded in the forward sweep, restored in the backward one.</summary>
        [Fact]
        public Task Loops() => Verify(@"using System;
using GradGen;

namespace Snaps
{
    public static partial class Loops
    {
        [Differentiable]
        public static double Orbit(double x, double c, int n)
        {
            for (int i = 0; i < n; i++)
            {
                x = Math.Sin(x) * c + x * x;
                if (x > 2.0) break;
            }
            return x;
        }
    }
}
", "Snaps.Loops.Orbit.g.cs");

        /// <summary>Array parameters and a local array: gradients into spans, a buffer lent by the tape.</summary>
        [Fact]
        public Task Arrays() => Verify(@"using System;
using GradGen;

namespace Snaps
{
    public static partial class Arrays
    {
        [Differentiable]
        public static double Smooth(double[] a, double[] w)
        {
            var s = new double[a.Length];
            double total = 0;
            for (int i = 0; i < a.Length; i++)
            {
                s[i] = Math.Tanh(a[i] * w[i]);
                total += s[i] * s[i];
            }
            return total;
        }
    }
}
", "Snaps.Arrays.Smooth.g.cs");

        /// <summary>Loops of known trip count: reserved records, taken back through local cursors.</summary>
        [Fact]
        public Task TapeCursors() => Verify(@"using System;
using GradGen;

namespace Snaps
{
    public static partial class Cursors
    {
        [Differentiable]
        public static double Lse(double[] x)
        {
            double a = x[0];
            for (int i = 1; i < x.Length; i++)
                a = Math.Max(a, x[i]);
            double s = 0;
            for (int i = 0; i < x.Length; i++)
                s += Math.Exp(x[i] - a);
            return Math.Log(s) + a;
        }
    }
}
", "Snaps.Cursors.Lse.g.cs");

        /// <summary>A small callee of the same type, differentiated inline in its caller.</summary>
        [Fact]
        public Task Inlining() => Verify(@"using System;
using GradGen;

namespace Snaps
{
    public static partial class Inline
    {
        [Differentiable] public static double Soft(double v) => Math.Log(1 + Math.Exp(v));

        [Differentiable] public static double Layer(double x, double w) => Soft(w * x) + Soft(-w * x);
    }
}
", "Snaps.Inline.Soft.g.cs", "Snaps.Inline.Layer.g.cs");

        /// <summary>A vector-valued function and its Jacobian (forward columns: fewer inputs than outputs).</summary>
        [Fact]
        public Task Jacobian() => Verify(@"using System;
using GradGen;

namespace Snaps
{
    public static partial class Polar
    {
        [Differentiable(Kinds = DerivativeKinds.Jacobian)]
        public static (double X, double Y, double R) Point(double r, double theta) =>
            (r * Math.Cos(theta), r * Math.Sin(theta), r);
    }
}
", "Snaps.Polar.Point.g.cs");

        /// <summary>Forward over reverse: FReverseTangent, the Hessian-vector product and the Hessian.</summary>
        [Fact]
        public Task Hessian() => Verify(@"using System;
using GradGen;

namespace Snaps
{
    public static partial class Curved
    {
        [Differentiable(Kinds = DerivativeKinds.Hessian)]
        public static double Rosenbrock(double x, double y) => (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
    }
}
", "Snaps.Curved.Rosenbrock.g.cs");

        /// <summary>A call to a method with user-written [DerivativeOf] derivatives.</summary>
        [Fact]
        public Task CustomDerivative() => Verify(@"using System;
using GradGen;

namespace Snaps
{
    public static partial class Custom
    {
        public static double Softplus(double v) => Math.Log(1 + Math.Exp(v));

        [DerivativeOf(nameof(Softplus))]
        public static (double Value, double Tangent) SoftplusForward(double v, double dV) =>
            (Softplus(v), dV / (1 + Math.Exp(-v)));

        [DerivativeOf(nameof(Softplus))]
        public static double SoftplusReverse(double v, double seed, ref double dV)
        {
            dV += seed / (1 + Math.Exp(-v));
            return Softplus(v);
        }

        [Differentiable] public static double Loss(double x, double w) => Softplus(w * x) * w;
    }
}
", "Snaps.Custom.Loss.g.cs");

        private static async Task Verify(string source, string hintName, params string[] moreHintNames) =>
            await VerifyAll(source, new[] { hintName }.Concat(moreHintNames).ToArray());

        private static async Task VerifyAll(string source, string[] hintNames, [CallerFilePath] string callerFile = "")
        {
            string sourceDir = Path.Combine(Path.GetDirectoryName(callerFile) ?? ".", "Snapshots");
            string outputDir = Path.Combine(AppContext.BaseDirectory, "Snapshots");
            string? Snapshot(string hint) =>
                new[] { Path.Combine(outputDir, hint), Path.Combine(sourceDir, hint) }.FirstOrDefault(File.Exists) is { } path
                    ? File.ReadAllText(path).Replace("\r\n", "\n")
                    : null;

            var test = new CSharpSourceGeneratorTest<GradientGenerator, DefaultVerifier> { TestState = { Sources = { source } } }.WithGradGen();
            foreach (var hint in hintNames)
            {
                test.TestState.GeneratedSources.Add((typeof(GradientGenerator), hint, SourceText.From(Snapshot(hint) ?? string.Empty, Encoding.UTF8)));
            }

            try
            {
                await test.RunAsync();
            }
            catch (Exception ex)
            {
                // Write what the generator adds now next to the snapshots, to review and accept.
                string receivedDir = Directory.Exists(sourceDir) ? sourceDir : outputDir;
                var run = GeneratorHarness.Run(source);
                var message = new StringBuilder();
                foreach (var hint in hintNames.Where(run.GeneratedSources.ContainsKey))
                {
                    var actual = run.GeneratedSources[hint].Replace("\r\n", "\n");
                    if (actual == Snapshot(hint))
                    {
                        continue;
                    }

                    string received = Path.Combine(receivedDir, Path.GetFileNameWithoutExtension(hint) + ".received.cs");
                    File.WriteAllText(received, actual, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                    message.AppendLine($"'{hint}' differs from its snapshot; written to {received}");
                    message.AppendLine($"  accept:  mv \"{received}\" \"{Path.Combine(receivedDir, hint)}\"");
                }

                throw new Xunit.Sdk.XunitException(message + ex.Message);
            }
        }
    }
}
