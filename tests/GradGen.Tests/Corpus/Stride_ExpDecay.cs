// Corpus: https://github.com/stride3d/stride
// Path: sources/core/Stride.Core.Mathematics/MathUtil.cs (commit 34c7f40f), MathUtil.ExpDecay
// Licence: MIT (Copyright (c) .NET Foundation and Contributors, Stride contributors, Silicon Studio Corp.)
// Changes: file-scoped namespace Stride.Core.Mathematics -> GradGen.Corpus; public static class MathUtil ->
//   public static partial class Stride_ExpDecay;
//   [GradGen.Differentiable] added; doc comments and the other members removed.

using System;

namespace GradGen.Corpus;

public static partial class Stride_ExpDecay
{
    [GradGen.Differentiable]
    public static float ExpDecay(float a, float b, float lambda, float dt)
    {
        return b + ((a - b) * MathF.Exp(-lambda * dt));
    }
}
