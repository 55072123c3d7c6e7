// Corpus: https://github.com/craftworkgames/MonoGame.Extended
// Path: source/MonoGame.Extended/Tweening/EasingFunctions.cs (commit a0613cff), EasingFunctions.BackInOut, BackIn and InOut(float, Func<float, float>)
// Licence: MIT (Copyright (c) 2015-2024 Dylan Wilson and contributors)
// Changes: namespace MonoGame.Extended.Tweening -> GradGen.Corpus; public static class EasingFunctions -> public static partial
//   class Extended_BackInOut; MathHelper (Microsoft.Xna.Framework, from MonoGame) replaced by a class
//   MathHelper with the constants used, copied from MonoGame; [GradGen.Differentiable] added to the entry method and the easing functions it calls;
//   the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class Extended_BackInOut
    {
        [GradGen.Differentiable]
        public static float BackInOut(float value) => InOut(value, BackIn);

        [GradGen.Differentiable]
        public static float BackIn(float value)
        {
            const float amplitude = 1f;
            return (float) (Math.Pow(value, 3) - value*amplitude*Math.Sin(value*MathHelper.Pi));
        }

        private static float InOut(float value, Func<float, float> function)
        {
            if (value < 0.5f)
                return 0.5f*function(value*2);

            return 1f - 0.5f*function(2 - value*2);
        }
    }

    // From MonoGame.Framework/MathHelper.cs (https://github.com/MonoGame/MonoGame, MS-PL), the constants used.
    public static class MathHelper
    {
        public const float Pi = MathF.PI;
        public const float PiOver2 = (float)(Math.PI / 2.0);
        public const float TwoPi = (float)(Math.PI * 2.0);
    }
}
