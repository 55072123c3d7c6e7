// Corpus: https://github.com/stride3d/stride
// Path: sources/engine/Stride.Engine/Animations/Interpolator.cs (commit 34c7f40f), Interpolator.Cubic
// Licence: MIT (Copyright (c) .NET Foundation and Contributors, Stride contributors, Silicon Studio Corp.)
// Changes: namespace Stride.Animations -> GradGen.Corpus (file-scoped); public static class Interpolator -> public static partial class
//   Stride_InterpolatorCubic;
//   [GradGen.Differentiable] added; doc comments and the other members removed.

using System;
using System.Runtime.CompilerServices;

namespace GradGen.Corpus;

public static partial class Stride_InterpolatorCubic
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [GradGen.Differentiable]
    public static float Cubic(float value1, float value2, float value3, float value4, float t)
    {
        // http://en.wikipedia.org/wiki/Cubic_Hermite_spline#Interpolation_on_the_unit_interval_without_exact_derivatives
        float t2 = t * t;
        float t3 = t2 * t;

        float factor0 = -t3 + 2.0f * t2 - t;
        float factor1 = 3.0f * t3 - 5.0f * t2 + 2.0f;
        float factor2 = -3.0f * t3 + 4.0f * t2 + t;
        float factor3 = t3 - t2;

        return 0.5f * (value1 * factor0
                     + value2 * factor1
                     + value3 * factor2
                     + value4 * factor3);
    }
}
