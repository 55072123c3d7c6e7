using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using GradGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace GradGen.Tests
{
    /// <summary>
    /// Generated code compared to checked-in files in Snapshots/ (copied to the output directory), so that any
    /// change in emitted code shows up in review. On a mismatch (or a missing file) the actual output is written
    /// next to the checked-in file as NAME.received.cs; review it and rename it to accept.
    /// </summary>
    public sealed class SnapshotTests
    {
        private const string SnapSource = @"using GradGen;

namespace Demo
{
    public static partial class Snap
    {
        [Differentiable] public static double F(double x, double y) => x * x + 3 * x * y;
    }
}
";

        [Fact]
        public void DemoSnapF() => VerifySnapshot(SnapSource, "Demo.Snap.F.g.cs");

        private static void VerifySnapshot(string source, string hintName, [CallerFilePath] string callerFile = "")
        {
            var run = GeneratorHarness.Run(source);
            Assert.True(run.GeneratedSources.TryGetValue(hintName, out var generated),
                $"The generator produced no file '{hintName}'.\n" + run.Describe());

            // The snapshot must be code that compiles.
            var errors = run.CompilationErrors.ToList();
            Assert.True(errors.Count == 0, "The generated code does not compile:\n  " + string.Join("\n  ", errors) + "\n\n" + run.Describe());

            string actual = Normalize(generated!);
            string sourceDir = Path.Combine(Path.GetDirectoryName(callerFile) ?? ".", "Snapshots");
            string outputDir = Path.Combine(AppContext.BaseDirectory, "Snapshots");
            string? verifiedPath = new[] { Path.Combine(outputDir, hintName), Path.Combine(sourceDir, hintName) }.FirstOrDefault(File.Exists);
            string receivedDir = Directory.Exists(sourceDir) ? sourceDir : outputDir;
            string receivedPath = Path.Combine(receivedDir, Path.GetFileNameWithoutExtension(hintName) + ".received.cs");
            string checkedInPath = Path.Combine(receivedDir, hintName);

            if (verifiedPath != null)
            {
                string expected = Normalize(File.ReadAllText(verifiedPath));
                if (expected == actual)
                {
                    if (File.Exists(receivedPath))
                    {
                        File.Delete(receivedPath);
                    }

                    return;
                }
            }

            Directory.CreateDirectory(receivedDir);
            File.WriteAllText(receivedPath, actual, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            var message = new StringBuilder();
            if (verifiedPath == null)
            {
                message.AppendLine($"No snapshot '{hintName}' yet (looked in {outputDir} and {sourceDir}).");
            }
            else
            {
                message.AppendLine($"Generated '{hintName}' differs from the snapshot {verifiedPath}.");
                message.AppendLine(FirstDifference(Normalize(File.ReadAllText(verifiedPath)), actual));
            }

            message.AppendLine($"Actual output written to {receivedPath}");
            message.AppendLine($"  compare: diff -u \"{checkedInPath}\" \"{receivedPath}\"");
            message.AppendLine($"  accept:  mv \"{receivedPath}\" \"{checkedInPath}\"");
            message.AppendLine("Actual output:");
            message.AppendLine(GeneratorHarness.WithLineNumbers(actual));
            Assert.Fail(message.ToString());
        }

        /// <summary>Line endings to \n and exactly one final newline: the only differences that do not count.</summary>
        private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd('\n') + "\n";

        private static string FirstDifference(string expected, string actual)
        {
            var e = expected.Split('\n');
            var a = actual.Split('\n');
            for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
            {
                string el = i < e.Length ? e[i] : "<end of file>";
                string al = i < a.Length ? a[i] : "<end of file>";
                if (el != al)
                {
                    return $"First difference at line {i + 1}:\n  snapshot: {el}\n  actual:   {al}";
                }
            }

            return "No line differs (whitespace at the end?).";
        }
    }
}
