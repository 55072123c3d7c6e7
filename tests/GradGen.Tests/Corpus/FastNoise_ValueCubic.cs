// Corpus: https://github.com/Auburn/FastNoiseLite
// Path: CSharp/FastNoiseLite.cs (commit 4a170837), FastNoiseLite.SingleValueCubic(int, FNLfloat, FNLfloat) (a private instance method) and the static helpers it calls
// Licence: MIT (Copyright (c) 2023 Jordan Peck and contributors)
// Changes: public class FastNoiseLite (global namespace) -> public partial class FastNoise_ValueCubic in namespace GradGen.Corpus;
//   [GradGen.Differentiable] added to SingleValueCubic(int, FNLfloat, FNLfloat) and to the helpers that take or return a real it depends on;
//   the other members removed.

using System;
using System.Runtime.CompilerServices;

// Switch between using floats or doubles for input position
using FNLfloat = System.Single;
//using FNLfloat = System.Double;

namespace GradGen.Corpus
{
public partial class FastNoise_ValueCubic
{
    private const short INLINE = 256; // MethodImplOptions.AggressiveInlining;

    private const int PrimeX = 501125321;
    private const int PrimeY = 1136930381;
    private const int PrimeZ = 1720413743;

    [GradGen.Differentiable]
    private float SingleValueCubic(int seed, FNLfloat x, FNLfloat y)
    {
        int x1 = FastFloor(x);
        int y1 = FastFloor(y);

        float xs = (float)(x - x1);
        float ys = (float)(y - y1);

        x1 *= PrimeX;
        y1 *= PrimeY;
        int x0 = x1 - PrimeX;
        int y0 = y1 - PrimeY;
        int x2 = x1 + PrimeX;
        int y2 = y1 + PrimeY;
        int x3 = x1 + unchecked(PrimeX * 2);
        int y3 = y1 + unchecked(PrimeY * 2);

        return CubicLerp(
            CubicLerp(ValCoord(seed, x0, y0), ValCoord(seed, x1, y0), ValCoord(seed, x2, y0), ValCoord(seed, x3, y0),
            xs),
            CubicLerp(ValCoord(seed, x0, y1), ValCoord(seed, x1, y1), ValCoord(seed, x2, y1), ValCoord(seed, x3, y1),
            xs),
            CubicLerp(ValCoord(seed, x0, y2), ValCoord(seed, x1, y2), ValCoord(seed, x2, y2), ValCoord(seed, x3, y2),
            xs),
            CubicLerp(ValCoord(seed, x0, y3), ValCoord(seed, x1, y3), ValCoord(seed, x2, y3), ValCoord(seed, x3, y3),
            xs),
            ys) * (1 / (1.5f * 1.5f));
    }

    [MethodImpl(INLINE)]
    [GradGen.Differentiable]
    private static float CubicLerp(float a, float b, float c, float d, float t)
    {
        float p = (d - c) - (a - b);
        return t * t * t * p + t * t * ((a - b) - p) + t * (c - a) + b;
    }

    [MethodImpl(INLINE)]
    private static float ValCoord(int seed, int xPrimed, int yPrimed)
    {
        int hash = Hash(seed, xPrimed, yPrimed);

        hash *= hash;
        hash ^= hash << 19;
        return hash * (1 / 2147483648.0f);
    }

    [MethodImpl(INLINE)]
    private static int FastFloor(FNLfloat f) { return f >= 0 ? (int)f : (int)f - 1; }

    [MethodImpl(INLINE)]
    private static int Hash(int seed, int xPrimed, int yPrimed)
    {
        int hash = seed ^ xPrimed ^ yPrimed;

        hash *= 0x27d4eb2d;
        return hash;
    }
}
}
