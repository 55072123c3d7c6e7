using System.Collections.Generic;
using System.Collections.Immutable;
using GradGen.Generator.Ir;
using Microsoft.CodeAnalysis;

namespace GradGen.Generator.Frontend
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

        public void Report(DiagnosticDescriptor descriptor, Location? location, params object[] args) =>
            Report(Diagnostic.Create(descriptor, location, args));

        /// <summary>Reports with <paramref name="properties"/> for a code fix to read.</summary>
        public void Report(DiagnosticDescriptor descriptor, Location? location, ImmutableDictionary<string, string?> properties, params object[] args) =>
            Report(Diagnostic.Create(descriptor, location, properties, args));

        private void Report(Diagnostic diagnostic)
        {
            Diagnostics.Add(diagnostic);
            HasErrors |= diagnostic.Severity == DiagnosticSeverity.Error;
        }
    }
}
