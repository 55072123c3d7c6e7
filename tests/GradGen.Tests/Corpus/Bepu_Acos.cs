// Corpus: https://github.com/bepu/bepuphysics2
// Path: BepuUtilities/MathHelper.cs (commit 956a679f), MathHelper.Acos(float) with the constant Pi
// Licence: Apache-2.0 (LICENSE.md)
// Changes: namespace BepuUtilities -> GradGen.Corpus; public static class MathHelper -> public static partial class Bepu_Acos;
//   [GradGen.Differentiable] added; doc comments and the other members removed.

using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace GradGen.Corpus
{
    public static partial class Bepu_Acos
    {
        public const float Pi = 3.141592653589793239f;

        [GradGen.Differentiable]
        public static float Acos(float x)
        {
            var negativeInput = x < 0;
            x = MathF.Min(1f, MathF.Abs(x));
            //Rational approximation (scaling sqrt(1-x)) over [0, 1], use symmetry for the rest. TODO: FMA would help with precision.
            var numerator = MathF.Sqrt(1f - x) * (62.95741097600742f + x * (69.6550664543659f + x * (17.54512349463405f + x * 0.6022076120669532f)));
            var denominator = 40.07993264439811f + x * (49.81949855726789f + x * (15.703851745284796f + x));
            var result = numerator / denominator;
            return negativeInput ? Pi - result : result;
        }
    }
}
