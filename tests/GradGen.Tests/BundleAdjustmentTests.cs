using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using GradGen.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace GradGen.Tests
{
    /// <summary>
    /// Models/BundleAdjustment.cs (ADBench's / GradBench's BA reprojection and weight errors in plain C#) compiled once
    /// with the generator, and its data (<see cref="TestData"/>): ADBench's BA inputs (tests/Data/adbench/data/ba) and
    /// GradBench's golden objective and Jacobian for ba1 (samples/GradGen.GradBench/Data/golden/ba1_n49_m7776_p31843.*.json).
    /// </summary>
    public sealed class BundleAdjustmentFixture
    {
        public const string GoldenName = "ba1_n49_m7776_p31843";

        public BundleAdjustmentFixture()
        {
            Source = ModelHarness.Load("BundleAdjustment.cs", "ReprojectionJacobian", "ReprojectionForward", "ReprojectionReverse", "WeightErrorGradient");
            Model = Source.GetType("GradGen.Models.BundleAdjustment");
            Input = Source.GetType("GradGen.Models.BundleAdjustmentInput");
            AdBench = TestData.AdBenchDirectory();
            Golden = TestData.GradBenchGoldenDirectory();
        }

        public LoadedSource Source { get; }

        public Type Model { get; }

        public Type Input { get; }

        public string AdBench { get; }

        public string Golden { get; }

        /// <summary>An ADBench BA file (under data/ba) read by the model's reader.</summary>
        public BaCase ReadAdBench(string fileName)
        {
            string path = Path.Combine(AdBench, "data", "ba", fileName);
            return Wrap(fileName, Reflect.Invoke(Input, "Read", path).Result!);
        }

        /// <summary>GradBench's input JSON (one camera, point, weight, feature and n, m, p), replicated by the model.</summary>
        public BaCase ReadGoldenInput()
        {
            using var json = JsonDocument.Parse(File.ReadAllText(GoldenPath("input")));
            var root = json.RootElement;
            double[] Array(string name) => root.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();
            return Replicate(GoldenName + ".input.json",
                root.GetProperty("n").GetInt32(), root.GetProperty("m").GetInt32(), root.GetProperty("p").GetInt32(),
                Array("cam"), Array("x"), root.GetProperty("w").GetDouble(), Array("feat"));
        }

        public BaCase Replicate(string name, int n, int m, int p, double[] camera, double[] point, double w, double[] feature) =>
            Wrap(name, Reflect.Invoke(Input, "Replicate", n, m, p, camera, point, w, feature).Result!);

        public string GoldenPath(string kind) => Path.Combine(Golden, GoldenName + "." + kind + (kind == "input" ? ".json" : ".output.json"));

        private BaCase Wrap(string name, object handle)
        {
            T Get<T>(string property) => (T)Input.GetProperty(property)!.GetValue(handle)!;
            return new BaCase(name, handle, Get<int>("N"), Get<int>("M"), Get<int>("P"),
                Get<double[]>("Cams"), Get<double[]>("X"), Get<double[]>("W"), Get<int[]>("Obs"), Get<double[]>("Feats"));
        }

        /// <summary>The model's whole-problem objective: (2p reprojection errors, p weight errors).</summary>
        public (double[] Reprojection, double[] Weight) Objective(BaCase c)
        {
            var reprojection = Enumerable.Repeat(double.NaN, 2 * c.P).ToArray();
            var weight = Enumerable.Repeat(double.NaN, c.P).ToArray();
            Reflect.Invoke(Model, "Objective", c.Handle, reprojection, weight);
            return (reprojection, weight);
        }

        /// <summary>The model's sparse Jacobian (ReprojectionJacobian per observation, WeightErrorGradient per weight).</summary>
        public SparseJacobian Jacobian(BaCase c)
        {
            object result = Reflect.Invoke(Model, "Jacobian", c.Handle).Result!;
            T Get<T>(string property) => (T)result.GetType().GetProperty(property)!.GetValue(result)!;
            return new SparseJacobian(Get<int>("NRows"), Get<int>("NCols"), Get<int[]>("Rows"), Get<int[]>("Cols"), Get<double[]>("Vals"));
        }

        /// <summary>ReprojectionJacobian on explicit arguments: (value, 2 × 15 block); the block starts as garbage.</summary>
        public (double[] Value, double[,] Block) BlockJacobian(double[] camera, double[] point, double w, double fx, double fy)
        {
            var block = new double[2, 15];
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < 15; j++)
                {
                    block[i, j] = 9876.5;
                }
            }

            var value = (double[])Reflect.Invoke(Model, "JacobianDriver", camera, point, w, fx, fy, block).Result!;
            return (value, block);
        }

        public double[] Reprojection(double[] camera, double[] point, double w, double fx, double fy) =>
            (double[])Reflect.Invoke(Model, "ReprojectionDriver", camera, point, w, fx, fy).Result!;

        /// <summary>ReprojectionForward along the flat direction v (11 camera, 3 point, 1 weight): (value, J·v).</summary>
        public (double[] Value, double[] Tangent) Forward(double[] camera, double[] point, double w, double fx, double fy, double[] v)
        {
            var value = new double[2];
            var tangent = (double[])Reflect.Invoke(Model, "ForwardDriver", camera, point, w, fx, fy,
                v.Take(11).ToArray(), v.Skip(11).Take(3).ToArray(), v[14], value).Result!;
            return (value, tangent);
        }

        /// <summary>ReprojectionReverse with the seed: (value, initial + seedᵀ·J) over the flat index.</summary>
        public (double[] Value, double[] Adjoint) Reverse(double[] camera, double[] point, double w, double fx, double fy, double seed0, double seed1, double[] initial)
        {
            var aCamera = initial.Take(11).ToArray();
            var aPoint = initial.Skip(11).Take(3).ToArray();
            var aW = new[] { initial[14] };
            var value = (double[])Reflect.Invoke(Model, "ReverseDriver", camera, point, w, fx, fy, seed0, seed1, aCamera, aPoint, aW).Result!;
            return (value, aCamera.Concat(aPoint).Concat(aW).ToArray());
        }
    }

    /// <summary>One BA instance (the model's BundleAdjustmentInput and its arrays).</summary>
    public sealed class BaCase
    {
        public BaCase(string name, object handle, int n, int m, int p, double[] cams, double[] x, double[] w, int[] obs, double[] feats)
        {
            Name = name;
            Handle = handle;
            N = n;
            M = m;
            P = p;
            Cams = cams;
            X = x;
            W = w;
            Obs = obs;
            Feats = feats;
        }

        public string Name { get; }

        public object Handle { get; }

        public int N { get; }

        public int M { get; }

        public int P { get; }

        public double[] Cams { get; }

        public double[] X { get; }

        public double[] W { get; }

        public int[] Obs { get; }

        public double[] Feats { get; }

        public double[] Camera(int observation) => Cams.Skip(11 * Obs[2 * observation]).Take(11).ToArray();

        public double[] Point(int observation) => X.Skip(3 * Obs[2 * observation + 1]).Take(3).ToArray();
    }

    public sealed class SparseJacobian
    {
        public SparseJacobian(int nRows, int nCols, int[] rows, int[] cols, double[] vals)
        {
            NRows = nRows;
            NCols = nCols;
            Rows = rows;
            Cols = cols;
            Vals = vals;
        }

        public int NRows { get; }

        public int NCols { get; }

        public int[] Rows { get; }

        public int[] Cols { get; }

        public double[] Vals { get; }
    }

    /// <summary>
    /// Bundle adjustment (ADBench / GradBench "ba"): the model's objective and its sparse Jacobian, built from GradGen's
    /// <c>ReprojectionJacobian</c> (2 × 15 per observation) and <c>WeightErrorGradient</c>, against GradBench's golden
    /// "manual" output for ba1, central finite differences, and GradGen's own forward and reverse modes.
    /// </summary>
    public sealed class BundleAdjustmentTests : IClassFixture<BundleAdjustmentFixture>
    {
        /// <summary>Against GradBench's golden output (ADBench's hand-written derivatives): |a − b| ≤ 1e-8·|b| (zero exactly).</summary>
        private const double GoldenRelativeTolerance = 1e-8;

        private readonly BundleAdjustmentFixture _fixture;

        private readonly ITestOutputHelper _output;

        public BundleAdjustmentTests(BundleAdjustmentFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        [Fact]
        public void GeneratorReportsNothingForTheModel()
        {
            Assert.True(_fixture.Source.Run.GeneratorDiagnostics.IsEmpty, _fixture.Source.Describe("Reprojection"));
            var analyzer = GeneratorHarness.Analyze(_fixture.Source.Run.OutputCompilation)
                .Where(d => d.Id.StartsWith("GG", StringComparison.Ordinal))
                .ToList();
            Assert.True(analyzer.Count == 0, "The analyzer reports on the model:\n" + string.Join("\n", analyzer.Select(d => "  " + d)));
            foreach (var name in new[] { "ReprojectionJacobian", "ReprojectionForward", "ReprojectionReverse", "WeightErrorGradient" })
            {
                Assert.True(Reflect.TryFindMethod(_fixture.Model, name) != null, name + " was not generated.\n" + _fixture.Source.Describe("Reprojection"));
            }
        }

        /// <summary>ADBench's ba1 text file, read by the model's reader, is the instance GradBench's input JSON describes.</summary>
        [Fact]
        public void ReaderReadsAdBenchLikeGradBench()
        {
            var fromText = _fixture.ReadAdBench(BundleAdjustmentFixture.GoldenName + ".txt");
            var fromJson = _fixture.ReadGoldenInput();
            Assert.Equal((49, 7776, 31843), (fromText.N, fromText.M, fromText.P));
            Assert.Equal((fromJson.N, fromJson.M, fromJson.P), (fromText.N, fromText.M, fromText.P));
            Assert.Equal(11 * fromText.N, fromText.Cams.Length);
            Assert.Equal(3 * fromText.M, fromText.X.Length);
            Assert.Equal(fromText.P, fromText.W.Length);
            Assert.Equal(2 * fromText.P, fromText.Obs.Length);
            Assert.Equal(2 * fromText.P, fromText.Feats.Length);
            Assert.Equal(fromJson.Cams, fromText.Cams);
            Assert.Equal(fromJson.X, fromText.X);
            Assert.Equal(fromJson.W, fromText.W);
            Assert.Equal(fromJson.Obs, fromText.Obs);
            Assert.Equal(fromJson.Feats, fromText.Feats);

            // Observation i sees camera i mod n and point i mod m.
            for (int i = 0; i < fromText.P; i++)
            {
                Assert.Equal(i % fromText.N, fromText.Obs[2 * i]);
                Assert.Equal(i % fromText.M, fromText.Obs[2 * i + 1]);
            }
        }

        /// <summary>All 2p reprojection errors and p weight errors against GradBench's golden objective (compressed: one block, repeated p times).</summary>
        [Fact]
        public void ObjectiveMatchesGradBenchGolden()
        {
            var c = _fixture.ReadGoldenInput();
            using var golden = JsonDocument.Parse(File.ReadAllText(_fixture.GoldenPath("objective")));
            var reprojection = golden.RootElement.GetProperty("reproj_error");
            double[] elements = reprojection.GetProperty("elements").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            int repeated = reprojection.GetProperty("repeated").GetInt32();
            var weight = golden.RootElement.GetProperty("w_err");
            double weightElement = weight.GetProperty("element").GetDouble();
            int weightRepeated = weight.GetProperty("repeated").GetInt32();

            var timer = Stopwatch.StartNew();
            var (reprojectionErrors, weightErrors) = _fixture.Objective(c);
            timer.Stop();

            Assert.Equal(2, elements.Length);
            Assert.Equal(c.P, repeated);
            Assert.Equal(c.P, weightRepeated);
            Assert.Equal(2 * repeated, reprojectionErrors.Length);
            Assert.Equal(weightRepeated, weightErrors.Length);

            double worst = 0;
            var failures = new StringBuilder();
            for (int i = 0; i < reprojectionErrors.Length; i++)
            {
                worst = Math.Max(worst, Check(failures, $"reproj_err[{i}]", elements[i % 2], reprojectionErrors[i]));
            }

            for (int i = 0; i < weightErrors.Length; i++)
            {
                worst = Math.Max(worst, Check(failures, $"w_err[{i}]", weightElement, weightErrors[i]));
            }

            _output.WriteLine($"objective: reproj_err[0..1] = ({reprojectionErrors[0]:R}, {reprojectionErrors[1]:R}), golden ({elements[0]:R}, {elements[1]:R}); "
                + $"w_err[0] = {weightErrors[0]:R}, golden {weightElement:R}; worst relative error {worst:G3} over {3 * c.P} values; {timer.ElapsedMilliseconds} ms");
            Assert.True(failures.Length == 0, "objective differs from GradBench's golden:\n" + failures);
        }

        /// <summary>
        /// The whole sparse Jacobian (3p rows, 11n + 3m + p columns, 31p nonzeros) against GradBench's golden output, which
        /// holds the first 30 entries of rows / cols / vals (observation 0's two rows) and the last entry of each. Every
        /// observation's block is also checked against the golden block (all observations are copies in this input),
        /// and the row offsets and columns against ADBench's layout.
        /// </summary>
        [Fact]
        public void JacobianMatchesGradBenchGolden()
        {
            var c = _fixture.ReadGoldenInput();
            using var golden = JsonDocument.Parse(File.ReadAllText(_fixture.GoldenPath("jacobian")));
            int[] goldenRows = golden.RootElement.GetProperty("rows").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            int[] goldenCols = golden.RootElement.GetProperty("cols").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            double[] goldenVals = golden.RootElement.GetProperty("vals").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            const int BlockEntries = 2 * 15;
            Assert.Equal(BlockEntries + 1, goldenRows.Length);
            Assert.Equal(BlockEntries + 1, goldenCols.Length);
            Assert.Equal(BlockEntries + 1, goldenVals.Length);

            var timer = Stopwatch.StartNew();
            var j = _fixture.Jacobian(c);
            timer.Stop();

            // GradBench's compressed form of our Jacobian: the first 30 entries and the last, of each array.
            int[] Compress(int[] a) => a.Take(BlockEntries).Append(a[a.Length - 1]).ToArray();
            Assert.Equal(goldenRows, Compress(j.Rows));
            Assert.Equal(goldenCols, Compress(j.Cols));

            var failures = new StringBuilder();
            double worst = 0;
            for (int k = 0; k < BlockEntries; k++)
            {
                worst = Math.Max(worst, Check(failures, $"vals[{k}] (row {k / 15}, column {goldenCols[k]})", goldenVals[k], j.Vals[k]));
            }

            worst = Math.Max(worst, Check(failures, "vals[last] (weight error of the last observation)", goldenVals[BlockEntries], j.Vals[j.Vals.Length - 1]));

            // The whole matrix: shape and layout as ADBench builds it, every block equal to the golden block.
            Assert.Equal(3 * c.P, j.NRows);
            Assert.Equal(11 * c.N + 3 * c.M + c.P, j.NCols);
            Assert.Equal(3 * c.P + 1, j.Rows.Length);
            Assert.Equal(31 * c.P, j.Vals.Length);
            Assert.Equal(31 * c.P, j.Cols.Length);
            int pointOffset = 11 * c.N, weightOffset = 11 * c.N + 3 * c.M;
            int layoutErrors = 0;
            for (int r = 0; r <= 3 * c.P; r++)
            {
                int expected = r <= 2 * c.P ? 15 * r : 30 * c.P + (r - 2 * c.P);
                if (j.Rows[r] != expected && layoutErrors++ < 10)
                {
                    failures.AppendLine($"  rows[{r}] = {j.Rows[r]}, expected {expected}");
                }
            }

            for (int i = 0; i < c.P; i++)
            {
                int cam = c.Obs[2 * i], pt = c.Obs[2 * i + 1];
                for (int row = 0; row < 2; row++)
                {
                    int start = 30 * i + 15 * row;
                    for (int e = 0; e < 15; e++)
                    {
                        int expectedColumn = e < 11 ? 11 * cam + e : e < 14 ? pointOffset + 3 * pt + (e - 11) : weightOffset + i;
                        if (j.Cols[start + e] != expectedColumn && layoutErrors++ < 10)
                        {
                            failures.AppendLine($"  cols[{start + e}] = {j.Cols[start + e]}, expected {expectedColumn}");
                        }

                        if (i > 0)
                        {
                            worst = Math.Max(worst, Check(failures, $"vals[{start + e}] (observation {i})", goldenVals[15 * row + e], j.Vals[start + e]));
                        }
                    }
                }

                int wEntry = 30 * c.P + i;
                if (j.Cols[wEntry] != weightOffset + i && layoutErrors++ < 10)
                {
                    failures.AppendLine($"  cols[{wEntry}] = {j.Cols[wEntry]}, expected {weightOffset + i}");
                }

                worst = Math.Max(worst, Check(failures, $"vals[{wEntry}] (weight error {i})", goldenVals[BlockEntries], j.Vals[wEntry]));
            }

            _output.WriteLine($"Jacobian: {j.NRows} × {j.NCols}, {j.Vals.Length} nonzeros in {timer.ElapsedMilliseconds} ms; "
                + $"worst relative error against the golden values {worst:G3} (tolerance {GoldenRelativeTolerance:G2})");
            Assert.True(failures.Length == 0, "Jacobian differs from GradBench's golden:\n" + failures);
        }

        /// <summary>Cameras for the derivative checks: the golden one, ADBench test.txt's, a perturbed one and one with no rotation.</summary>
        public static TheoryData<string> Observations => new TheoryData<string> { "golden", "test.txt", "perturbed", "zero-rotation", "small-rotation" };

        private (double[] Camera, double[] Point, double W, double Fx, double Fy) Observation(string which, int index)
        {
            if (which == "golden" || which == "test.txt")
            {
                var c = which == "golden" ? _fixture.ReadGoldenInput() : _fixture.ReadAdBench("test.txt");
                int i = index % c.P;
                return (c.Camera(i), c.Point(i), c.W[i], c.Feats[2 * i], c.Feats[2 * i + 1]);
            }

            var random = new Random(31337 + index);
            double U(double lo, double hi) => lo + (hi - lo) * random.NextDouble();
            var camera = new[]
            {
                U(-1, 1), U(-1, 1), U(-1, 1),        // rotation
                U(-2, 2), U(-2, 2), U(-12, -8),      // centre (in front of the point)
                U(300, 600), U(-5, 5), U(-5, 5),     // focal length, principal point
                U(-0.1, 0.1), U(-0.01, 0.01),        // k1, k2
            };
            if (which == "zero-rotation")
            {
                camera[0] = camera[1] = camera[2] = 0.0;
            }
            else if (which == "small-rotation")
            {
                camera[0] = 1e-9;
                camera[1] = -2e-9;
                camera[2] = 0.5e-9;
            }

            var point = new[] { U(-1, 1), U(-1, 1), U(-1, 1) };
            return (camera, point, U(0.2, 1.5), U(-100, 100), U(-100, 100));
        }

        /// <summary>
        /// Each observation's 2 × 15 block against central finite differences of the primal (step 1e-6·max(1, |x|)),
        /// to |fd − ad| ≤ 1e-6·(max(1, |ad|) + |err|/h·1e-10) — i.e. FD's truncation and rounding error.
        /// </summary>
        [Theory]
        [MemberData(nameof(Observations))]
        public void BlockMatchesFiniteDifferences(string which)
        {
            double worst = 0;
            var failures = new StringBuilder();
            foreach (int index in new[] { 0, 3, 7 })
            {
                var (camera, point, w, fx, fy) = Observation(which, index);
                var (value, block) = _fixture.BlockJacobian(camera, point, w, fx, fy);
                var primal = _fixture.Reprojection(camera, point, w, fx, fy);
                Assert.Equal(primal, value);

                double[] flat = camera.Concat(point).Append(w).ToArray();
                for (int col = 0; col < 15; col++)
                {
                    var plus = (double[])flat.Clone();
                    var minus = (double[])flat.Clone();
                    // At an exact zero rotation the step must not leave the exact-zero branch asymmetrically: the
                    // first-order formula there is the exact derivative, so stepping into the θ > 0 branch is fine.
                    double h = FiniteDifference.Step(flat[col]);
                    plus[col] += h;
                    minus[col] -= h;
                    double[] fPlus = Evaluate(plus, fx, fy);
                    double[] fMinus = Evaluate(minus, fx, fy);
                    for (int row = 0; row < 2; row++)
                    {
                        double fd = (fPlus[row] - fMinus[row]) / (plus[col] - minus[col]);
                        double ad = block[row, col];
                        double scale = Math.Max(1.0, Math.Abs(ad)) + Math.Abs(primal[row]);
                        double error = Math.Abs(fd - ad) / scale;
                        worst = Math.Max(worst, error);
                        if (!(error <= 1e-6))
                        {
                            failures.AppendLine($"  {which} #{index} ∂err{row}/∂{FlatName(col)}: generated {ad:R}, finite differences {fd:R}");
                        }
                    }
                }
            }

            _output.WriteLine($"{which}: worst |fd − ad| / (max(1, |ad|) + |err|) = {worst:G3}");
            Assert.True(failures.Length == 0, "ReprojectionJacobian differs from finite differences:\n" + failures);
        }

        /// <summary>
        /// GradGen's three derivative paths agree: ReprojectionForward along unit directions gives the Jacobian's columns,
        /// ReprojectionReverse with unit seeds its rows (added to what the adjoint buffers held), and along random
        /// directions and seeds seedᵀ·(J·v) = (seedᵀ·J)·v.
        /// </summary>
        [Theory]
        [MemberData(nameof(Observations))]
        public void ForwardReverseAndJacobianAgree(string which)
        {
            var random = new Random(20240611);
            double worst = 0;
            foreach (int index in new[] { 0, 5 })
            {
                var (camera, point, w, fx, fy) = Observation(which, index);
                var (value, block) = _fixture.BlockJacobian(camera, point, w, fx, fy);

                for (int col = 0; col < 15; col++)
                {
                    var e = new double[15];
                    e[col] = 1.0;
                    var (forwardValue, tangent) = _fixture.Forward(camera, point, w, fx, fy, e);
                    Assert.Equal(value, forwardValue);
                    for (int row = 0; row < 2; row++)
                    {
                        worst = Math.Max(worst, Agree($"{which} #{index} forward ∂err{row}/∂{FlatName(col)}", block[row, col], tangent[row]));
                    }
                }

                for (int row = 0; row < 2; row++)
                {
                    var initial = Enumerable.Range(0, 15).Select(k => 0.25 * k - 1.0).ToArray();
                    var (reverseValue, adjoint) = _fixture.Reverse(camera, point, w, fx, fy, row == 0 ? 1.0 : 0.0, row == 1 ? 1.0 : 0.0, initial);
                    Assert.Equal(value, reverseValue);
                    for (int col = 0; col < 15; col++)
                    {
                        worst = Math.Max(worst, Agree($"{which} #{index} reverse ∂err{row}/∂{FlatName(col)}", block[row, col] + initial[col], adjoint[col]));
                    }
                }

                for (int trial = 0; trial < 3; trial++)
                {
                    var v = Enumerable.Range(0, 15).Select(_ => random.NextDouble() * 2 - 1).ToArray();
                    double s0 = random.NextDouble() * 2 - 1, s1 = random.NextDouble() * 2 - 1;
                    var (_, jv) = _fixture.Forward(camera, point, w, fx, fy, v);
                    var (_, sj) = _fixture.Reverse(camera, point, w, fx, fy, s0, s1, new double[15]);
                    double left = s0 * jv[0] + s1 * jv[1];
                    double right = sj.Zip(v, (a, b) => a * b).Sum();
                    double scale = sj.Zip(v, (a, b) => Math.Abs(a * b)).Sum();
                    Assert.True(Math.Abs(left - right) <= 1e-12 * Math.Max(1, scale),
                        $"{which} #{index} trial {trial}: seedᵀ(Jv) = {left:R}, (seedᵀJ)v = {right:R}");
                }
            }

            _output.WriteLine($"{which}: worst forward/reverse vs Jacobian |a − b| / max(1, |b|) = {worst:G3}");
        }

        /// <summary>WeightErrorGradient: 1 − w² and its derivative −2w.</summary>
        [Theory]
        [InlineData(0.417022)]
        [InlineData(-1.5)]
        [InlineData(0.0)]
        public void WeightErrorDerivativeIsMinusTwoW(double w)
        {
            var (derivative, args) = Reflect.Invoke(_fixture.Model, "WeightErrorDerivative", w, null);
            Assert.Equal(1.0 - w * w, (double)args[1]!);
            Assert.Equal(-2.0 * w, (double)derivative!);
        }

        /// <summary>
        /// ADBench inputs read by the model's reader: the objective against an independent direct evaluation (rotation
        /// matrix R = cos θ·I + sin θ·[n]× + (1 − cos θ)·nnᵀ, no shared code with the model) for every observation, and the
        /// Jacobian's shape. ADBench ships no reference outputs for BA (adbench/reference_generated holds GMM only).
        /// </summary>
        [Theory]
        [InlineData("test.txt", 2, 10, 10)]
        [InlineData("ba2_n21_m11315_p36455.txt", 21, 11315, 36455)]
        public void AdBenchInputObjectiveMatchesDirectEvaluation(string file, int n, int m, int p)
        {
            var c = _fixture.ReadAdBench(file);
            Assert.Equal((n, m, p), (c.N, c.M, c.P));
            var (reprojection, weight) = _fixture.Objective(c);

            double worst = 0;
            var failures = new StringBuilder();
            for (int i = 0; i < c.P; i++)
            {
                var (e0, e1) = DirectReprojection(c.Camera(i), c.Point(i), c.W[i], c.Feats[2 * i], c.Feats[2 * i + 1]);
                foreach (var (k, expected, actual) in new[] { (2 * i, e0, reprojection[2 * i]), (2 * i + 1, e1, reprojection[2 * i + 1]) })
                {
                    double error = Math.Abs(actual - expected) / Math.Max(1.0, Math.Abs(expected));
                    worst = Math.Max(worst, error);
                    if (!(error <= 1e-10) && failures.Length < 2000)
                    {
                        failures.AppendLine($"  reproj_err[{k}]: model {actual:R}, direct {expected:R}");
                    }
                }

                Assert.Equal(1.0 - c.W[i] * c.W[i], weight[i]);
            }

            var j = _fixture.Jacobian(c);
            Assert.Equal(3 * p, j.NRows);
            Assert.Equal(11 * n + 3 * m + p, j.NCols);
            Assert.Equal(31 * p, j.Vals.Length);
            Assert.Equal(30 * p + p, j.Rows[3 * p]);
            Assert.All(j.Vals, v => Assert.True(double.IsFinite(v)));

            _output.WriteLine($"{file}: reproj_err[0..1] = ({reprojection[0]:R}, {reprojection[1]:R}); worst |model − direct| / max(1, |direct|) = {worst:G3} over {2 * p} errors");
            Assert.True(failures.Length == 0, file + ": model objective differs from the direct evaluation:\n" + failures);
        }

        /// <summary>The reprojection error with an explicit rotation matrix (test-side; not the model's formula).</summary>
        private static (double, double) DirectReprojection(double[] cam, double[] x, double w, double fx, double fy)
        {
            double[] y = { x[0] - cam[3], x[1] - cam[4], x[2] - cam[5] };
            double theta = Math.Sqrt(cam[0] * cam[0] + cam[1] * cam[1] + cam[2] * cam[2]);
            var r = new double[3, 3];
            if (theta == 0)
            {
                r[0, 0] = r[1, 1] = r[2, 2] = 1;
                r[0, 1] = -cam[2]; r[0, 2] = cam[1];
                r[1, 0] = cam[2]; r[1, 2] = -cam[0];
                r[2, 0] = -cam[1]; r[2, 1] = cam[0];
            }
            else
            {
                double[] k = { cam[0] / theta, cam[1] / theta, cam[2] / theta };
                double[,] cross = { { 0, -k[2], k[1] }, { k[2], 0, -k[0] }, { -k[1], k[0], 0 } };
                for (int a = 0; a < 3; a++)
                {
                    for (int b = 0; b < 3; b++)
                    {
                        r[a, b] = (a == b ? Math.Cos(theta) : 0) + Math.Sin(theta) * cross[a, b] + (1 - Math.Cos(theta)) * k[a] * k[b];
                    }
                }
            }

            var xc = new double[3];
            for (int a = 0; a < 3; a++)
            {
                xc[a] = r[a, 0] * y[0] + r[a, 1] * y[1] + r[a, 2] * y[2];
            }

            double u = xc[0] / xc[2], v = xc[1] / xc[2];
            double rsq = u * u + v * v;
            double l = 1 + cam[9] * rsq + cam[10] * rsq * rsq;
            return (w * (u * l * cam[6] + cam[7] - fx), w * (v * l * cam[6] + cam[8] - fy));
        }

        private double[] Evaluate(double[] flat, double fx, double fy) =>
            _fixture.Reprojection(flat.Take(11).ToArray(), flat.Skip(11).Take(3).ToArray(), flat[14], fx, fy);

        private static string FlatName(int col) =>
            col < 11 ? $"camera[{col}]" : col < 14 ? $"point[{col - 11}]" : "w";

        private static double Agree(string what, double expected, double actual)
        {
            double error = Math.Abs(actual - expected) / Math.Max(1.0, Math.Abs(expected));
            Assert.True(error <= 1e-12, $"{what}: {actual:R}, Jacobian {expected:R}");
            return error;
        }

        /// <summary>|a − b| ≤ 1e-8·|b| (b = 0: exactly 0); returns the relative error (0 when both are 0); records failures.</summary>
        private static double Check(StringBuilder failures, string what, double expected, double actual)
        {
            double error = expected == 0 ? (actual == 0 ? 0 : double.PositiveInfinity) : Math.Abs(actual - expected) / Math.Abs(expected);
            if (!(error <= GoldenRelativeTolerance) && failures.Length < 4000)
            {
                failures.AppendLine($"  {what}: expected {expected:R}, got {actual:R}");
            }

            return error;
        }
    }
}
