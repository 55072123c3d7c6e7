// Corpus: https://github.com/craftworkgames/MonoGame.Extended
// Path: source/MonoGame.Extended/Tweening/EasingFunctions.cs (commit a0613cff), EasingFunctions.BounceIn
// Licence: MIT (Copyright (c) 2015-2024 Dylan Wilson and contributors)
// Changes: namespace MonoGame.Extended.Tweening -> GradGen.Corpus; public static class EasingFunctions -> public static partial
//   class Extended_BounceIn; [GradGen.Differentiable] added to the entry method and the easing functions it calls;
//   the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class Extended_BounceIn
    {
        [GradGen.Differentiable]
        public static float BounceIn(float value)
        {
            const float bounceConst1 = 2.75f;
            var bounceConst2 = (float) Math.Pow(bounceConst1, 2);

            value = 1 - value; //flip x-axis

            if (value < 1/bounceConst1) // big bounce
                return 1f - bounceConst2*value*value;

            if (value < 2/bounceConst1)
                return 1 - (float) (bounceConst2*Math.Pow(value - 1.5f/bounceConst1, 2) + .75);

            if (value < 2.5/bounceConst1)
                return 1 - (float) (bounceConst2*Math.Pow(value - 2.25f/bounceConst1, 2) + .9375);

            //small bounce
            return 1f - (float) (bounceConst2*Math.Pow(value - 2.625f/bounceConst1, 2) + .984375);
        }
    }
}
