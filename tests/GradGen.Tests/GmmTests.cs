using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using GradGen.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace GradGen.Tests
{
    /// <summary>
    /// Models/Gmm.cs (ADBench's GMM objective in plain C#) compiled once with the generator, its input reader, and
    /// ADBench's data from tests/Data/adbench (inputs in data/gmm, ADBench's hand-written "Manual" objective and
    /// gradient in reference_generated).
    /// </summary>
    public sealed class GmmFixture
    {
        public GmmFixture()
        {
            Source = ModelHarness.Load("Gmm.cs", "ObjectiveGradient", "ObjectiveForward");
            Gmm = Source.GetType("GradGen.Models.Gmm");
            Input = Source.GetType("GradGen.Models.GmmInput");
            AdBench = TestData.AdBenchDirectory();
        }

        public LoadedSource Source { get; }

        public Type Gmm { get; }

        public Type Input { get; }

        public string AdBench { get; }

        /// <summary>One GMM instance read with the model's own reader (GmmInput.Read), as plain arrays.</summary>
        public GmmCase Read(string relativePath)
        {
            string path = Path.Combine(AdBench, "data", "gmm", relativePath.Replace('/', Path.DirectorySeparatorChar));
            object input = Reflect.Invoke(Input, "Read", path).Result!;
            T Get<T>(string name) => (T)Input.GetProperty(name)!.GetValue(input)!;
            return new GmmCase(
                relativePath,
                Get<int>("D"), Get<int>("K"), Get<int>("N"),
                Get<double[]>("Alphas"), Get<double[]>("Means"), Get<double[]>("Icf"), Get<double[]>("X"),
                Get<double>("WishartGamma"), Get<int>("WishartM"));
        }

        public double Objective(GmmCase c) =>
            (double)Reflect.Invoke(Gmm, "Objective", c.Alphas, c.Means, c.Icf, c.X, c.WishartGamma, c.WishartM, c.D, c.K, c.N).Result!;

        /// <summary>ObjectiveGradient through the model's GradientDriver: (value, gradient in ADBench's order alphas, means, icf).</summary>
        public (double Value, double[] Gradient) Gradient(GmmCase c)
        {
            // Garbage in the derivative buffers: the contract says FGradient overwrites them.
            var gA = Enumerable.Repeat(1234.5, c.Alphas.Length).ToArray();
            var gM = Enumerable.Repeat(-987.0, c.Means.Length).ToArray();
            var gI = Enumerable.Repeat(double.NaN, c.Icf.Length).ToArray();
            object? value = Reflect.Invoke(Gmm, "GradientDriver",
                c.Alphas, c.Means, c.Icf, c.X, c.WishartGamma, c.WishartM, c.D, c.K, c.N, gA, gM, gI).Result;
            return ((double)value!, gA.Concat(gM).Concat(gI).ToArray());
        }

        /// <summary>ObjectiveForward through the model's ForwardDriver: (value, tangent) along the flat direction <paramref name="v"/>.</summary>
        public (double Value, double Tangent) Forward(GmmCase c, double[] v)
        {
            var tA = v.Take(c.Alphas.Length).ToArray();
            var tM = v.Skip(c.Alphas.Length).Take(c.Means.Length).ToArray();
            var tI = v.Skip(c.Alphas.Length + c.Means.Length).ToArray();
            var (result, args) = Reflect.Invoke(Gmm, "ForwardDriver",
                c.Alphas, c.Means, c.Icf, c.X, c.WishartGamma, c.WishartM, c.D, c.K, c.N, tA, tM, tI, null);
            return ((double)args[args.Length - 1]!, (double)result!);
        }

        public double[] ReferenceValues(string name, string kind)
        {
            string path = Path.Combine(AdBench, "reference_generated", name + "_" + kind + "_Manual.txt");
            return File.ReadAllText(path)
                .Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries)
                .Select(t => double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture))
                .ToArray();
        }
    }

    public sealed class GmmCase
    {
        public GmmCase(string name, int d, int k, int n, double[] alphas, double[] means, double[] icf, double[] x, double wishartGamma, int wishartM)
        {
            Name = name;
            D = d;
            K = k;
            N = n;
            Alphas = alphas;
            Means = means;
            Icf = icf;
            X = x;
            WishartGamma = wishartGamma;
            WishartM = wishartM;
        }

        public string Name { get; }

        public int D { get; }

        public int K { get; }

        public int N { get; }

        public double[] Alphas { get; }

        public double[] Means { get; }

        public double[] Icf { get; }

        public double[] X { get; }

        public double WishartGamma { get; }

        public int WishartM { get; }

        public int ParameterCount => Alphas.Length + Means.Length + Icf.Length;
    }

    /// <summary>
    /// The data the model tests read, all of it in this repository and copied by the project file to Data/ in the
    /// output directory: ADBench's inputs and reference outputs (tests/Data/adbench, provenance in its SOURCES.txt)
    /// and GradBench's golden ba1 files (linked from samples/GradGen.GradBench/Data/golden).
    /// </summary>
    public static class TestData
    {
        /// <summary>Data/adbench in the output directory: data/gmm, data/ba and reference_generated.</summary>
        public static string AdBenchDirectory() => Existing("adbench");

        /// <summary>Data/gradbench_golden in the output directory: ba1_n49_m7776_p31843.*.json.</summary>
        public static string GradBenchGoldenDirectory() => Existing("gradbench_golden");

        private static string Existing(string name)
        {
            string path = Path.Combine(AppContext.BaseDirectory, "Data", name);
            if (!Directory.Exists(path))
            {
                throw new DirectoryNotFoundException(
                    $"TEST BUG: {path} is missing; GradGen.Tests.csproj copies the test data there from tests/Data and samples/GradGen.GradBench/Data.");
            }

            return path;
        }
    }

    /// <summary>
    /// ADBench's GMM objective (Models/Gmm.cs) against ADBench's hand-written derivative ("Manual" module): the
    /// objective and the whole GradGen gradient, element by element, to |a − b| ≤ 1e-8 · max(1, |b|).
    /// </summary>
    public sealed class GmmTests : IClassFixture<GmmFixture>
    {
        private const double RelativeTolerance = 1e-8;

        private readonly GmmFixture _fixture;

        private readonly ITestOutputHelper _output;

        public GmmTests(GmmFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        /// <summary>Input file (under data/gmm) and the reference name (reference_generated/&lt;name&gt;_F/J_Manual.txt).</summary>
        public static TheoryData<string, string> Instances => new TheoryData<string, string>
        {
            { "test.txt", "gmm_test" },
            { "1k/gmm_d2_K5.txt", "gmm_1k_gmm_d2_K5" },
            { "1k/gmm_d10_K5.txt", "gmm_1k_gmm_d10_K5" },
            { "10k/gmm_d2_K5.txt", "gmm_10k_gmm_d2_K5" },
        };

        [Fact]
        public void GeneratorReportsNothingForTheModel()
        {
            Assert.True(_fixture.Source.Run.GeneratorDiagnostics.IsEmpty, _fixture.Source.Describe());
        }

        [Theory]
        [MemberData(nameof(Instances))]
        public void ReaderReadsTheWholeInstance(string file, string reference)
        {
            var c = _fixture.Read(file);
            int icfSize = c.D * (c.D + 1) / 2;
            Assert.Equal(c.K, c.Alphas.Length);
            Assert.Equal(c.K * c.D, c.Means.Length);
            Assert.Equal(c.K * icfSize, c.Icf.Length);
            Assert.Equal(c.N * c.D, c.X.Length);
            Assert.Equal(_fixture.ReferenceValues(reference, "J").Length, c.ParameterCount);
        }

        [Theory]
        [MemberData(nameof(Instances))]
        public void ObjectiveMatchesAdBench(string file, string reference)
        {
            var c = _fixture.Read(file);
            double expected = _fixture.ReferenceValues(reference, "F").Single();
            double actual = _fixture.Objective(c);
            AssertClose(file + " objective", expected, actual);
        }

        [Theory]
        [MemberData(nameof(Instances))]
        public void GradientMatchesAdBench(string file, string reference)
        {
            var c = _fixture.Read(file);
            double expectedValue = _fixture.ReferenceValues(reference, "F").Single();
            double[] expected = _fixture.ReferenceValues(reference, "J");
            var (value, gradient) = _fixture.Gradient(c);

            AssertClose(file + " value returned by ObjectiveGradient", expectedValue, value);
            Assert.Equal(expected.Length, gradient.Length);
            var failures = new StringBuilder();
            int bad = 0;
            double worst = 0.0;
            for (int i = 0; i < expected.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(gradient[i] - expected[i]) / Math.Max(1.0, Math.Abs(expected[i])));
                if (!Close(expected[i], gradient[i]))
                {
                    bad++;
                    if (bad <= 20)
                    {
                        failures.AppendLine($"  [{i}] {Describe(c, i)}: expected {expected[i]:R}, got {gradient[i]:R}");
                    }
                }
            }

            _output.WriteLine($"{file}: value {value:R} (ADBench {expectedValue:R}); worst gradient |a − b| / max(1, |b|) = {worst:G3} over {expected.Length} entries");
            Assert.True(bad == 0, $"{file}: {bad} of {expected.Length} gradient entries differ from ADBench's by more than "
                + $"{RelativeTolerance:G2}·max(1, |expected|):\n{failures}");
        }

        /// <summary>On the small instance: ObjectiveForward along random directions equals ∇f · v from ObjectiveGradient.</summary>
        [Fact]
        public void ForwardAgreesWithReverse()
        {
            var c = _fixture.Read("test.txt");
            var (value, gradient) = _fixture.Gradient(c);
            var random = new Random(20240611);
            for (int trial = 0; trial < 5; trial++)
            {
                var v = Enumerable.Range(0, c.ParameterCount).Select(_ => random.NextDouble() * 2 - 1).ToArray();
                var (forwardValue, tangent) = _fixture.Forward(c, v);
                double dot = gradient.Zip(v, (g, t) => g * t).Sum();
                double scale = gradient.Zip(v, (g, t) => Math.Abs(g * t)).Sum();
                Assert.True(Math.Abs(forwardValue - value) <= 1e-12 * Math.Max(1, Math.Abs(value)),
                    $"forward value {forwardValue:R} vs reverse value {value:R}");
                Assert.True(Math.Abs(tangent - dot) <= 1e-12 * Math.Max(1, scale),
                    $"trial {trial}: forward tangent {tangent:R} vs gradient·v {dot:R}");
            }

            // One unit direction per parameter: the forward mode recovers every gradient entry.
            for (int i = 0; i < c.ParameterCount; i++)
            {
                var e = new double[c.ParameterCount];
                e[i] = 1.0;
                var (_, tangent) = _fixture.Forward(c, e);
                Assert.True(Math.Abs(tangent - gradient[i]) <= 1e-12 * Math.Max(1, Math.Abs(gradient[i])),
                    $"[{i}] {Describe(c, i)}: forward {tangent:R}, reverse {gradient[i]:R}");
            }
        }

        /// <summary>The log-gamma used for the Wishart constant (plain C#, no derivative) against values from C's lgamma.</summary>
        [Theory]
        [InlineData(0.3, 1.0957979948180752)]
        [InlineData(0.5, 0.5723649429247004)]
        [InlineData(1.0, 0.0)]
        [InlineData(1.5, -0.12078223763524543)]
        [InlineData(2.0, 0.0)]
        [InlineData(4.7, 2.736405146315567)]
        [InlineData(12.25, 18.115669505710894)]
        [InlineData(20.0, 39.339884187199495)]
        [InlineData(30.5, 72.9534711841694)]
        [InlineData(100.5, 361.4355404677776)]
        [InlineData(171.3, 708.114947038997)]
        public void LogGammaMatchesLgamma(double x, double expected)
        {
            double actual = (double)Reflect.Invoke(_fixture.Gmm, "LogGamma", x).Result!;
            Assert.True(Math.Abs(actual - expected) <= 1e-13 * Math.Max(1.0, Math.Abs(expected)),
                $"LogGamma({x:R}) = {actual:R}, lgamma gives {expected:R}");
        }

        private static bool Close(double expected, double actual) =>
            Math.Abs(actual - expected) <= RelativeTolerance * Math.Max(1.0, Math.Abs(expected));

        private static void AssertClose(string what, double expected, double actual) =>
            Assert.True(Close(expected, actual), $"{what}: expected {expected:R}, got {actual:R} (difference {actual - expected:R})");

        /// <summary>"alphas[k]", "means[k][j]" or "icf[k][j]" for a flat gradient index.</summary>
        private static string Describe(GmmCase c, int i)
        {
            if (i < c.Alphas.Length)
            {
                return $"alphas[{i}]";
            }

            i -= c.Alphas.Length;
            if (i < c.Means.Length)
            {
                return $"means[{i / c.D}][{i % c.D}]";
            }

            i -= c.Means.Length;
            int icfSize = c.D * (c.D + 1) / 2;
            return $"icf[{i / icfSize}][{i % icfSize}]";
        }
    }
}
