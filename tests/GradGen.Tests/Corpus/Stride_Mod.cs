// Corpus: https://github.com/stride3d/stride
// Path: sources/core/Stride.Core.Mathematics/MathUtil.cs (commit 34c7f40f), MathUtil.Mod
// Licence: MIT (Copyright (c) .NET Foundation and Contributors, Stride contributors, Silicon Studio Corp.)
// Changes: file-scoped namespace Stride.Core.Mathematics -> GradGen.Corpus; public static class MathUtil ->
//   public static partial class Stride_Mod;
//   [GradGen.Differentiable] added; doc comments and the other members removed.

using System;

namespace GradGen.Corpus;

public static partial class Stride_Mod
{
    [GradGen.Differentiable]
    public static float Mod(float value, float divisor)
    {
        return ((value % divisor) + divisor) % divisor;
    }
}
