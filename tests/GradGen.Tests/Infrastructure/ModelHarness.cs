using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Xunit;

namespace GradGen.Tests.Infrastructure
{
    /// <summary>The benchmark models of tests/GradGen.Tests/Models (GMM, bundle adjustment), compiled with the generator and loaded.</summary>
    public static class ModelHarness
    {
        /// <summary>
        /// Compiles and loads Models/<paramref name="fileName"/>. Like <see cref="GeneratorHarness.CompileAndLoad"/>, for a
        /// model whose drivers call generated methods: without the generator the source may only lack those (CS0103 naming
        /// one of <paramref name="generatedNames"/>); with it, it must compile cleanly.
        /// </summary>
        public static LoadedSource Load(string fileName, params string[] generatedNames)
        {
            var name = Path.GetFileNameWithoutExtension(fileName);
            var source = ModelSource(fileName);
            var run = GeneratorHarness.Run(new[] { (name + ".cs", source) }, name + "_" + Guid.NewGuid().ToString("N"));
            var inputErrors = run.InputCompilation.GetDiagnostics()
                .Where(d => d.Severity == DiagnosticSeverity.Error)
                .Where(d => !(d.Id == "CS0103" && generatedNames.Any(g => d.GetMessage(CultureInfo.InvariantCulture).Contains("'" + g + "'"))))
                .ToList();
            Assert.True(inputErrors.Count == 0, "TEST BUG: the model '" + name + "' does not compile even without the generator:\n"
                + string.Join("\n", inputErrors.Select(d => "  " + d)));
            return new LoadedSource(name, source, run, run.Load());
        }

        /// <summary>Models/*.cs is copied to the output directory; when it is not there, it is read from the source tree.</summary>
        private static string ModelSource(string fileName, [CallerFilePath] string callerFile = "")
        {
            string output = Path.Combine(AppContext.BaseDirectory, "Models", fileName);
            if (File.Exists(output))
            {
                return File.ReadAllText(output);
            }

            string tree = Path.Combine(Path.GetDirectoryName(callerFile) ?? ".", "..", "Models", fileName);
            if (File.Exists(tree))
            {
                return File.ReadAllText(tree);
            }

            throw new FileNotFoundException($"TEST BUG: model source {fileName} is neither at {output} nor at {tree}.");
        }
    }
}
