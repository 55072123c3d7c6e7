// Corpus: https://github.com/bepu/bepuphysics2
// Path: BepuUtilities/MathHelper.cs (commit 956a679f), MathHelper.Cos(float) with the constants it reads
// Licence: Apache-2.0 (LICENSE.md)
// Changes: namespace BepuUtilities -> GradGen.Corpus; public static class MathHelper -> public static partial class Bepu_Cos;
//   [GradGen.Differentiable] added; doc comments and the other members removed.

using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace GradGen.Corpus
{
    public static partial class Bepu_Cos
    {
        public const float Pi = 3.141592653589793239f;

        public const float TwoPi = 6.283185307179586477f;

        public const float PiOver2 = 1.570796326794896619f;

        [GradGen.Differentiable]
        public static float Cos(float x)
        {
            //Rational approximation over [0, pi/2], use symmetry for the rest.
            var periodCount = x * (float)(0.5 / Math.PI);
            var periodFraction = periodCount - MathF.Floor(periodCount); //This is a source of error as you get away from 0.
            var periodX = periodFraction * TwoPi;

            //[0, pi/2] = f(x)
            //(pi/2, pi] = -f(Pi - x)
            //(pi, 3 * pi / 2] = -f(x - Pi)
            //(3*pi/2, 2*pi] = f(2 * Pi - x)
            float y = periodX > 3 * PiOver2 ? TwoPi - periodX : periodX > Pi ? periodX - Pi : periodX > PiOver2 ? Pi - periodX : periodX;

            //Using a fifth degree numerator and denominator.
            //This will be precise beyond a single's useful representation most of the time, but we're not *that* worried about performance here.
            //TODO: FMA could help here, primarily in terms of precision.
            var numerator = ((((-0.003436308368583229f * y + 0.021317031205957775f) * y + 0.06955843390178032f) * y - 0.4578088075324152f) * y - 0.15082367674208508f) * y + 1f;
            var denominator = ((((-0.00007650398834677185f * y + 0.0007451378206294365f) * y - 0.00585321045829395f) * y + 0.04219116713777847f) * y - 0.15082367538305258f) * y + 1f;
            var result = numerator / denominator;
            return periodX > PiOver2 && periodX < 3 * PiOver2 ? -result : result;

        }
    }
}
