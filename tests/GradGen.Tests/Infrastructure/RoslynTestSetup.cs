using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;

namespace GradGen.Tests.Infrastructure
{
    /// <summary>What every test through the Roslyn test framework (analyzer or generator) compiles against.</summary>
    public static class RoslynTestSetup
    {
        /// <summary>
        /// .NET 8's reference assemblies (restored by the project's PackageDownload, not fetched at test time) and
        /// GradGen.dll; nullable annotations on, as in a new project and as <see cref="GeneratorHarness"/> compiles, so
        /// that generated var locals of reference types carry their annotation.
        /// </summary>
        public static TTest WithGradGen<TTest>(this TTest test)
            where TTest : AnalyzerTest<DefaultVerifier>
        {
            test.ReferenceAssemblies = ReferenceAssemblies.Net.Net80;
            test.TestState.AdditionalReferences.Add(typeof(DifferentiableAttribute).Assembly);
            test.SolutionTransforms.Add((solution, project) => solution.WithProjectCompilationOptions(project,
                ((CSharpCompilationOptions)solution.GetProject(project)!.CompilationOptions!).WithNullableContextOptions(NullableContextOptions.Enable)));
            return test;
        }
    }
}
