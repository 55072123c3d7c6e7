using Microsoft.CodeAnalysis;

namespace GradGen.Generator
{
    /// <summary>Generates forward- and reverse-mode derivatives of every [Differentiable] method.</summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class GradientGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
        }
    }
}
