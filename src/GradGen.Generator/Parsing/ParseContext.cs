using System.Collections.Generic;
using GradGen.Generator.Model;
using Microsoft.CodeAnalysis;

namespace GradGen.Generator.Parsing
{
    /// <summary>State shared while one method is parsed: names, loop depth, and what was reported.</summary>
    internal sealed class ParseContext
    {
        public ParseContext(NameScope names) => Names = names;

        public NameScope Names { get; }

        public int LoopDepth { get; set; }

        /// <summary>The code does not compile yet (mid-edit): emit nothing, and leave the reporting to the compiler.</summary>
        public bool Invalid { get; set; }

        public List<Diagnostic> Diagnostics { get; } = new();

        public bool HasErrors { get; private set; }

        public void Report(DiagnosticDescriptor descriptor, Location? location, params object[] args)
        {
            Diagnostics.Add(Diagnostic.Create(descriptor, location, args));
            HasErrors |= descriptor.DefaultSeverity == DiagnosticSeverity.Error;
        }
    }
}
