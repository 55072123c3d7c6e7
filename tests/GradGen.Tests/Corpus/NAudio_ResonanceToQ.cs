// Corpus: https://github.com/naudio/NAudio
// Path: src/NAudio.Core/Dsp/SynthMath.cs (commit 97cb1c88), SynthMath.ResonanceCentibelsToQ
// Licence: MIT (Copyright 2008-2026 Mark Heath)
// Changes: file-scoped namespace NAudio.Dsp -> GradGen.Corpus; public static class SynthMath -> public static partial class NAudio_ResonanceToQ;
//   [GradGen.Differentiable] added;
//   doc comments and the other members removed.

using System;

namespace GradGen.Corpus;

public static partial class NAudio_ResonanceToQ
{
    [GradGen.Differentiable]
    public static double ResonanceCentibelsToQ(double centibels)
    {
        double cb = Math.Clamp(centibels, 0.0, 960.0);
        return Math.Pow(10.0, (cb / 10.0 - 3.01) / 20.0);
    }
}
