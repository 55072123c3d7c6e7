// Corpus: https://github.com/bepu/bepuphysics2
// Path: BepuPhysics/BoundingBoxHelpers.cs (commit 956a679f), BoundingBoxHelpers.GetAngularBoundsExpansion(float, float, float, float); its callee
//   MathHelper.Min(float, float) and the constant MathHelper.Pi (BepuUtilities/MathHelper.cs)
// Licence: Apache-2.0 (LICENSE.md)
// Changes: namespace BepuPhysics -> GradGen.Corpus; public static class BoundingBoxHelpers -> public static partial class
//   Bepu_AngularBoundsExpansion; MathHelper made a public static partial class holding only Pi and Min;
//   [GradGen.Differentiable] added; doc comments and the other members removed.

using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace GradGen.Corpus
{
    public static partial class Bepu_AngularBoundsExpansion
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        [GradGen.Differentiable]
        public static float GetAngularBoundsExpansion(float angularVelocityMagnitude, float dt, float maximumRadius, float maximumAngularExpansion)
        {
            var a = MathHelper.Min(angularVelocityMagnitude * dt, MathHelper.Pi / 3f);
            var a2 = a * a;
            var a4 = a2 * a2;
            var a6 = a4 * a2;
            var cosAngleMinusOne = a2 * (-1f / 2f) + a4 * (1f / 24f) - a6 * (1f / 720f);
            //Note that it's impossible for angular motion to cause an increase in bounding box size beyond (maximumRadius-minimumRadius) on any given axis.
            //That value, or a conservative approximation, is stored as the maximum angular expansion.
            return MathHelper.Min(maximumAngularExpansion, (float)Math.Sqrt(-2f * maximumRadius * maximumRadius * cosAngleMinusOne));
        }
    }

    public static partial class MathHelper
    {
        public const float Pi = 3.141592653589793239f;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        [GradGen.Differentiable]
        public static float Min(float a, float b)
        {
            return a < b ? a : b;
        }
    }
}
