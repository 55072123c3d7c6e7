// Corpus: https://github.com/naudio/NAudio
// Path: src/NAudio.Core/Dsp/DenormalGuard.cs (commit 97cb1c88), DenormalGuard.Flush with Threshold
// Licence: MIT (Copyright 2008-2026 Mark Heath)
// Changes: file-scoped namespace NAudio.Dsp -> GradGen.Corpus; public static class DenormalGuard -> public static partial class NAudio_DenormalFlush;
//   [GradGen.Differentiable] added;
//   doc comments and the other members removed.

using System.Runtime.CompilerServices;

namespace GradGen.Corpus;

public static partial class NAudio_DenormalFlush
{
    private const float Threshold = 1e-15f;

    [GradGen.Differentiable]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Flush(float value)
        => value < Threshold && value > -Threshold ? 0f : value;
}
