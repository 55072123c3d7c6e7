// Corpus: https://github.com/naudio/NAudio
// Path: src/NAudio.Core/Dsp/BiQuadFilter.cs (commit 97cb1c88), BiQuadFilter.Transform(float) (an instance method) with the fields it reads and writes
// Licence: MIT (Copyright 2008-2026 Mark Heath)
// Changes: file-scoped namespace NAudio.Dsp -> GradGen.Corpus; public class BiQuadFilter -> public partial class NAudio_BiQuadTransform;
//   [GradGen.Differentiable] added;
//   doc comments and the other members removed.

using System;

namespace GradGen.Corpus;

public partial class NAudio_BiQuadTransform
{
    // coefficients
    private double a0;
    private double a1;
    private double a2;
    private double a3;
    private double a4;

    // state
    private float x1;
    private float x2;
    private float y1;
    private float y2;

    [GradGen.Differentiable]
    public float Transform(float inSample)
    {
        // compute result
        var result = a0 * inSample + a1 * x1 + a2 * x2 - a3 * y1 - a4 * y2;

        // shift x1 to x2, sample to x1
        x2 = x1;
        x1 = inSample;

        // shift y1 to y2, result to y1
        y2 = y1;
        y1 = (float)result;

        return y1;
    }
}
