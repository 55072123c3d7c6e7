namespace GradGen.Generator.Model
{
    /// <summary>The IR's type names that matter to differentiation.</summary>
    public static class Types
    {
        public const string Double = "double";
        public const string Float = "float";
        public const string Int = "int";
        public const string Bool = "bool";
        public const string Void = "void";

        public static bool IsReal(string type) => type is Double or Float;
    }
}
