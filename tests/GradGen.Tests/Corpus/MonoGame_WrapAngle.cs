// Corpus: https://github.com/MonoGame/MonoGame
// Path: MonoGame.Framework/MathHelper.cs (commit 125c21d3), MathHelper.WrapAngle with the constants Pi and TwoPi
// Licence: MS-PL (repository LICENSE.txt; the file's own header says "MIT License - Copyright (C) The Mono.Xna Team")
// Changes: namespace Microsoft.Xna.Framework -> GradGen.Corpus; public static partial class MathHelper -> public static partial
//   class MonoGame_WrapAngle; [GradGen.Differentiable] added; doc comments and the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class MonoGame_WrapAngle
    {
        public const float Pi = MathF.PI;
        public const float TwoPi = (float)(Math.PI * 2.0);

        [GradGen.Differentiable]
        public static float WrapAngle(float angle)
        {
            if ((angle > -Pi) && (angle <= Pi))
                return angle;
            angle %= TwoPi;
            if (angle <= -Pi)
                return angle + TwoPi;
            if (angle > Pi)
                return angle - TwoPi;
            return angle;
        }
    }
}
