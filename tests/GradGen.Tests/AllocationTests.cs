using System;
using System.Linq;
using System.Reflection;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests
{
    /// <summary>
    /// Steady-state generated derivatives allocate nothing: scalar code lives in locals, and the reverse-mode tape of
    /// methods with loops is rented from a per-thread pool and given back. Each measurement calls a helper compiled in
    /// the test source (1000 derivative calls, summed) through a typed delegate, so neither reflection nor boxing is
    /// measured, after warm-up runs of the same helper (JIT, tape pool and tape growth).
    /// </summary>
    public sealed class AllocationTests
    {
        private const int Calls = 1000;

        private const string Source = @"using System;
using GradGen;

namespace Alloc
{
    public static partial class Fns
    {
        // No loops: no tape.
        [Differentiable]
        public static double Smooth(double x, double y)
        {
            double a = Math.Sin(x) * y + Math.Exp(x * y) / (1 + y * y);
            double b = x > y ? x * y : x - y;
            return a * b + Math.Sqrt(x * x + y * y);
        }

        // Loops whose reversal needs a tape: values overwritten in the loop, a branch inside it, and a while loop
        // whose trip count depends on the input.
        [Differentiable]
        public static double Looped(double x, double y, int n)
        {
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                s = s * 0.5 + Math.Sin(x * s + y);
                if (s > 0.3)
                {
                    s -= x * 0.1;
                }
            }

            double t = 1;
            while (t < 10)
            {
                t = t * (1.5 + 0.01 * x);
            }

            return s + t * y;
        }

        [Differentiable]
        public static double Inner(double a, double b) => a * Math.Cos(b) + b;

        [Differentiable]
        public static double InnerLooped(double a, int n)
        {
            double p = 1;
            for (int k = 0; k < n; k++)
            {
                p = p * a * 0.9 + 0.1;
            }

            return p;
        }

        // Calls to other [Differentiable] methods inside a loop; one of them rents a tape of its own while this
        // method holds one.
        [Differentiable]
        public static double CallsInLoop(double x, double y, int n)
        {
            double s = x;
            for (int i = 0; i < n; i++)
            {
                s = Inner(s, y) * 0.5 + InnerLooped(x, 3) * 0.1;
            }

            return s;
        }
    }

    public static class Drive
    {
        public static double SmoothGradient1000(double x, double y)
        {
            double sum = 0;
            for (int k = 0; k < 1000; k++)
            {
                sum += Fns.SmoothGradient(x, y + k * 1e-9, out double dx, out double dy) + dx + dy;
            }

            return sum;
        }

        public static double SmoothForward1000(double x, double y)
        {
            double sum = 0;
            for (int k = 0; k < 1000; k++)
            {
                var (value, tangent) = Fns.SmoothForward(x, y + k * 1e-9, 1.0, 0.5);
                sum += value + tangent;
            }

            return sum;
        }

        public static double LoopedGradient1000(double x, double y)
        {
            double sum = 0;
            for (int k = 0; k < 1000; k++)
            {
                sum += Fns.LoopedGradient(x, y + k * 1e-9, 20, out double dx, out double dy) + dx + dy;
            }

            return sum;
        }

        public static double LoopedReverse1000(double x, double y)
        {
            double sum = 0;
            double dx = 0, dy = 0;
            for (int k = 0; k < 1000; k++)
            {
                sum += Fns.LoopedReverse(x, y + k * 1e-9, 20, 0.5, ref dx, ref dy);
            }

            return sum + dx + dy;
        }

        public static double LoopedForward1000(double x, double y)
        {
            double sum = 0;
            for (int k = 0; k < 1000; k++)
            {
                var (value, tangent) = Fns.LoopedForward(x, y + k * 1e-9, 20, 1.0, 0.0);
                sum += value + tangent;
            }

            return sum;
        }

        public static double CallsInLoopGradient1000(double x, double y)
        {
            double sum = 0;
            for (int k = 0; k < 1000; k++)
            {
                sum += Fns.CallsInLoopGradient(x, y + k * 1e-9, 10, out double dx, out double dy) + dx + dy;
            }

            return sum;
        }

        // Control: allocates on every iteration, so the measurement must see it.
        public static double Allocating1000(double x, double y)
        {
            double sum = 0;
            for (int k = 0; k < 1000; k++)
            {
                var box = new double[] { x, y + k };
                sum += box[0] + box[1];
            }

            return sum;
        }

        public static double CallsInLoopForward1000(double x, double y)
        {
            double sum = 0;
            for (int k = 0; k < 1000; k++)
            {
                var (value, tangent) = Fns.CallsInLoopForward(x, y + k * 1e-9, 10, 0.0, 1.0);
                sum += value + tangent;
            }

            return sum;
        }
    }
}
";

        private static readonly Lazy<(GeneratorRun Run, Assembly Assembly)> Loaded = new Lazy<(GeneratorRun, Assembly)>(() =>
        {
            var run = GeneratorHarness.Run(new[] { ("Alloc.cs", Source) });
            return (run, run.Load());
        });

        /// <summary>
        /// Bytes the helper allocates on this thread in one call (1000 derivative calls), after warm-up. The smallest of
        /// three measurements: a steady-state allocation shows in every one of them, a one-off runtime event
        /// (tiering, a lazily created runtime structure) in at most one.
        /// </summary>
        private static long Measure(string helper, double x, double y)
        {
            var method = Loaded.Value.Assembly.GetType("Alloc.Drive")!.GetMethod(helper, BindingFlags.Public | BindingFlags.Static);
            Assert.True(method != null, "TEST BUG: no helper " + helper);
            var call = (Func<double, double, double>)method!.CreateDelegate(typeof(Func<double, double, double>));

            double reference = call(x, y);
            Assert.True(double.IsFinite(reference), $"{helper}({x}, {y}) = {reference}");
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(reference, call(x, y));
            }

            long least = long.MaxValue;
            for (int attempt = 0; attempt < 3; attempt++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                double result = call(x, y);
                long after = GC.GetAllocatedBytesForCurrentThread();
                Assert.Equal(reference, result);
                least = Math.Min(least, after - before);
            }

            return least;
        }

        private static void AssertNoAllocation(string helper, string method, double x = 0.7, double y = -0.4)
        {
            var bytes = Measure(helper, x, y);
            Assert.True(bytes == 0,
                $"{Calls} calls through {helper} allocated {bytes} bytes (about {bytes / (double)Calls:0.#} per call) in steady state.\n"
                + GeneratedText(method));
        }

        private static string GeneratedText(string method)
        {
            var run = Loaded.Value.Run;
            return string.Join("\n", run.GeneratedSources.Where(p => p.Key == "Alloc.Fns." + method + ".g.cs")
                .Select(p => "===== " + p.Key + " =====\n" + GeneratorHarness.WithLineNumbers(p.Value)));
        }

        private static bool UsesTape(string method) =>
            Loaded.Value.Run.GeneratedSources.TryGetValue("Alloc.Fns." + method + ".g.cs", out var text)
            && text.Contains("Tape.Rent", StringComparison.Ordinal);

        [Fact]
        public void MeasurementSeesAllocations()
        {
            Assert.True(Measure("Allocating1000", 0.7, -0.4) >= Calls * 32, "The control helper allocates 1000 arrays; the measurement should see them.");
        }

        [Fact]
        public void EveryMethodIsGenerated()
        {
            var keys = Loaded.Value.Run.GeneratedSources.Keys.ToHashSet();
            foreach (var method in new[] { "Smooth", "Looped", "Inner", "InnerLooped", "CallsInLoop" })
            {
                Assert.True(keys.Contains("Alloc.Fns." + method + ".g.cs"), method + " was not generated.\n" + Loaded.Value.Run.Describe(includeSources: false));
            }
        }

        [Fact]
        public void ScalarGradientWithoutLoopsAllocatesNothing()
        {
            Assert.False(UsesTape("Smooth"), "A method without loops should not need a tape.\n" + GeneratedText("Smooth"));
            AssertNoAllocation("SmoothGradient1000", "Smooth");
            AssertNoAllocation("SmoothGradient1000", "Smooth", x: -1.3, y: 2.1);
        }

        [Fact]
        public void ScalarForwardWithoutLoopsAllocatesNothing()
        {
            AssertNoAllocation("SmoothForward1000", "Smooth");
        }

        [Fact]
        public void GradientWithLoopsAllocatesNothingInSteadyState()
        {
            Assert.True(UsesTape("Looped"), "This test is about the pooled tape, but the generated reverse mode of Looped uses none.\n" + GeneratedText("Looped"));
            AssertNoAllocation("LoopedGradient1000", "Looped");
        }

        [Fact]
        public void ReverseWithLoopsAllocatesNothingInSteadyState()
        {
            AssertNoAllocation("LoopedReverse1000", "Looped");
        }

        [Fact]
        public void ForwardWithLoopsAllocatesNothing()
        {
            AssertNoAllocation("LoopedForward1000", "Looped");
        }

        [Fact]
        public void GradientCallingDifferentiableMethodsInALoopAllocatesNothingInSteadyState()
        {
            AssertNoAllocation("CallsInLoopGradient1000", "CallsInLoop");
        }

        [Fact]
        public void ForwardCallingDifferentiableMethodsInALoopAllocatesNothing()
        {
            AssertNoAllocation("CallsInLoopForward1000", "CallsInLoop");
        }

        /// <summary>
        /// A chain of <paramref name="depth"/> [Differentiable] methods with loops, each calling the next inside its loop:
        /// in the backward sweep every level holds a rented tape while the next one rents its own, so
        /// <paramref name="depth"/> tapes are out at once. All of them must come back to the pool and be reused.
        /// </summary>
        [Theory]
        [InlineData(4)]
        [InlineData(8)]
        [InlineData(10)]
        [InlineData(16)]
        public void DeeplyNestedTapesAreAllReused(int depth)
        {
            var sb = new System.Text.StringBuilder("using System;\nusing GradGen;\n\nnamespace Deep\n{\n    public static partial class Chain\n    {\n");
            for (int i = 1; i <= depth; i++)
            {
                var inner = i == depth ? "Math.Sin(s)" : $"L{i + 1}(s)";
                sb.AppendLine($"        [Differentiable] public static double L{i}(double x) {{ double s = x; for (int k = 0; k < 2; k++) {{ s = {inner} * 0.5 + s * 0.25; }} return s; }}");
            }

            sb.AppendLine("    }\n\n    public static class Drive\n    {");
            sb.AppendLine("        public static double Gradient10(double x, double y) { double sum = 0; for (int k = 0; k < 10; k++) { sum += Chain.L1Gradient(x + k * 1e-9, out double d) + d; } return sum; }");
            sb.AppendLine("    }\n}");
            var run = GeneratorHarness.Run(new[] { ("Deep.cs", sb.ToString()) });
            Assert.Equal(depth, run.GeneratedSources.Values.Count(text => text.Contains("Tape.Rent", StringComparison.Ordinal)));
            var call = (Func<double, double, double>)run.Load().GetType("Deep.Drive")!.GetMethod("Gradient10")!
                .CreateDelegate(typeof(Func<double, double, double>));

            double reference = call(0.3, 0);
            Assert.Equal(reference, call(0.3, 0));
            long least = long.MaxValue;
            for (int attempt = 0; attempt < 3; attempt++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                double result = call(0.3, 0);
                long after = GC.GetAllocatedBytesForCurrentThread();
                Assert.Equal(reference, result);
                least = Math.Min(least, after - before);
            }

            Assert.True(least == 0, $"10 gradient calls through a chain of {depth} taped methods allocated {least} bytes in steady state "
                + "(GradGen.Runtime.Tape keeps at most 8 tapes per thread; deeper chains make new tapes on every call).");
        }

        /// <summary>The helpers measure real derivatives: FGradient agrees with central differences.</summary>
        [Theory]
        [InlineData("Smooth")]
        [InlineData("Looped")]
        [InlineData("CallsInLoop")]
        public void MeasuredGradientsAreRight(string method)
        {
            var type = Loaded.Value.Assembly.GetType("Alloc.Fns")!;
            var primal = Reflect.TryFindMethod(type, method)!;
            var hasN = primal.GetParameters().Length == 3;
            object?[] Args(double x, double y) => hasN ? new object?[] { x, y, method == "Looped" ? 20 : 10 } : new object?[] { x, y };
            double F(double x, double y) => Reflect.ToDouble(Reflect.Call(primal, null, Args(x, y)).Result);

            const double x0 = 0.7, y0 = -0.4, h = 1e-6;
            var gradient = Reflect.FindMethod(type, method + "Gradient", Args(0, 0).Length + 2);
            var (value, after) = Reflect.Call(gradient, null, Args(x0, y0).Concat(new object?[] { null, null }).ToArray());
            var n = Args(0, 0).Length;
            Assert.Equal(F(x0, y0), Reflect.ToDouble(value), 12);
            Assert.Equal((F(x0 + h, y0) - F(x0 - h, y0)) / (2 * h), Reflect.ToDouble(after[n]), 5);
            Assert.Equal((F(x0, y0 + h) - F(x0, y0 - h)) / (2 * h), Reflect.ToDouble(after[n + 1]), 5);
        }
    }
}
