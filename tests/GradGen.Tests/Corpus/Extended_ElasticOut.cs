// Corpus: https://github.com/craftworkgames/MonoGame.Extended
// Path: source/MonoGame.Extended/Tweening/EasingFunctions.cs (commit a0613cff), EasingFunctions.ElasticOut, ElasticIn and Out(float, Func<float, float>)
// Licence: MIT (Copyright (c) 2015-2024 Dylan Wilson and contributors)
// Changes: namespace MonoGame.Extended.Tweening -> GradGen.Corpus; public static class EasingFunctions -> public static partial
//   class Extended_ElasticOut; MathHelper (Microsoft.Xna.Framework, from MonoGame) replaced by a class
//   MathHelper with the constants used, copied from MonoGame; [GradGen.Differentiable] added to the entry method and the easing functions it calls;
//   the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class Extended_ElasticOut
    {
        [GradGen.Differentiable]
        public static float ElasticOut(float value) => Out(value, ElasticIn);

        [GradGen.Differentiable]
        public static float ElasticIn(float value)
        {
            const int oscillations = 1;
            const float springiness = 3f;
            var e = (Math.Exp(springiness*value) - 1)/(Math.Exp(springiness) - 1);
            return (float) (e*Math.Sin((MathHelper.PiOver2 + MathHelper.TwoPi*oscillations)*value));
        }

        private static float Out(float value, Func<float, float> function)
        {
            return 1 - function(1 - value);
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
