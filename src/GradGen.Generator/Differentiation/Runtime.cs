namespace GradGen.Generator.Differentiation
{
    /// <summary>The GradGen runtime types generated code uses.</summary>
    internal static class Runtime
    {
        public const string TapeType = "global::GradGen.Runtime.Tape";
    }
}
