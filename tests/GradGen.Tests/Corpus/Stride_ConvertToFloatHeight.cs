// Corpus: https://github.com/stride3d/stride
// Path: sources/engine/Stride.Physics/Engine/HeightmapUtils.cs (commit 34c7f40f), HeightmapUtils.ConvertToFloatHeight(float, float, float); its callees MathUtil.InverseLerp,
//   MathUtil.Clamp(float, float, float) and MathUtil.IsZero(float) with ZeroTolerance (sources/core/Stride.Core.Mathematics/MathUtil.cs)
// Licence: MIT (Copyright (c) .NET Foundation and Contributors, Stride contributors, Silicon Studio Corp.)
// Changes: namespace Stride.Physics -> GradGen.Corpus (file-scoped); public class HeightmapUtils -> public static partial class
//   Stride_ConvertToFloatHeight; MathUtil made a public static partial class holding only the callees;
//   [GradGen.Differentiable] added; doc comments and the other members removed.

using System;

namespace GradGen.Corpus;

public static partial class Stride_ConvertToFloatHeight
{
    [GradGen.Differentiable]
    public static float ConvertToFloatHeight(float minValue, float maxValue, float value) => MathUtil.InverseLerp(minValue, maxValue, MathUtil.Clamp(value, minValue, maxValue)) * 2 - 1;
}

public static partial class MathUtil
{
    public const float ZeroTolerance = 1e-6f; // Value a 8x higher than 1.19209290E-07F

    public static bool IsZero(float a)
    {
        return Math.Abs(a) < ZeroTolerance;
    }

    [GradGen.Differentiable]
    public static float Clamp(float value, float min, float max)
    {
        return value < min ? min : value > max ? max : value;
    }

    [GradGen.Differentiable]
    public static float InverseLerp(float min, float max, float value)
    {
        if (IsZero(Math.Abs(max - min)))
            return float.NaN;
        return (value - min) / (max - min);
    }
}
