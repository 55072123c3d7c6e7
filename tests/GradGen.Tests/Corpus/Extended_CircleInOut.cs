// Corpus: https://github.com/craftworkgames/MonoGame.Extended
// Path: source/MonoGame.Extended/Tweening/EasingFunctions.cs (commit a0613cff), EasingFunctions.CircleInOut
// Licence: MIT (Copyright (c) 2015-2024 Dylan Wilson and contributors)
// Changes: namespace MonoGame.Extended.Tweening -> GradGen.Corpus; public static class EasingFunctions -> public static partial
//   class Extended_CircleInOut; [GradGen.Differentiable] added to the entry method and the easing functions it calls;
//   the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class Extended_CircleInOut
    {
        [GradGen.Differentiable]
        public static float CircleInOut(float value) => (float) (value <= .5 ? (Math.Sqrt(1 - value * value * 4) - 1) / -2 : (Math.Sqrt(1 - (value * 2 - 2) * (value * 2 - 2)) + 1) / 2);
    }
}
