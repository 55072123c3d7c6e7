// Corpus: https://github.com/naudio/NAudio
// Path: src/NAudio.Core/Dsp/SynthMath.cs (commit 97cb1c88), SynthMath.FrequencyToMidiNote
// Licence: MIT (Copyright 2008-2026 Mark Heath)
// Changes: file-scoped namespace NAudio.Dsp -> GradGen.Corpus; public static class SynthMath -> public static partial class NAudio_FrequencyToMidiNote;
//   [GradGen.Differentiable] added;
//   doc comments and the other members removed.

using System;

namespace GradGen.Corpus;

public static partial class NAudio_FrequencyToMidiNote
{
    [GradGen.Differentiable]
    public static double FrequencyToMidiNote(double frequency)
    {
        return 69.0 + 12.0 * Math.Log2(frequency / 440.0);
    }
}
