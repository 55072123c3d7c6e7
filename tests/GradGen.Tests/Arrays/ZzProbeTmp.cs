using System;
using System.IO;
using System.Linq;
using GradGen.Tests.Infrastructure;
using Xunit;

namespace GradGen.Tests.Arrays
{
    public class ZzProbeTmp
    {
        [Fact]
        public void Probe()
        {
            var src = File.ReadAllText("/tmp/probe/src.cs");
            var run = GeneratorHarness.Run(src);
            var sb = new System.Text.StringBuilder();
            foreach (var d in GeneratorHarness.Analyze(run.InputCompilation)) sb.AppendLine("ANALYZER " + d);
            foreach (var d in run.GeneratorDiagnostics) sb.AppendLine("GENERATOR " + d);
            foreach (var d in run.CompilationErrors) sb.AppendLine("COMPILE " + d);
            foreach (var p in run.GeneratedSources.OrderBy(p => p.Key)) sb.AppendLine("===== " + p.Key + "\n" + p.Value);
            File.WriteAllText("/tmp/probe/out.txt", sb.ToString());
        }
    }
}
