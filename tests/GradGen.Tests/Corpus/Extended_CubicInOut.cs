// Corpus: https://github.com/craftworkgames/MonoGame.Extended
// Path: source/MonoGame.Extended/Tweening/EasingFunctions.cs (commit a0613cff), EasingFunctions.CubicInOut and the nested class Power
// Licence: MIT (Copyright (c) 2015-2024 Dylan Wilson and contributors)
// Changes: namespace MonoGame.Extended.Tweening -> GradGen.Corpus; public static class EasingFunctions -> public static partial
//   class Extended_CubicInOut; the nested private static class Power made partial; [GradGen.Differentiable] added to the entry method and the easing functions it calls;
//   the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class Extended_CubicInOut
    {
        [GradGen.Differentiable]
        public static float CubicInOut(float value) => Power.InOut(value, 3);

        private static partial class Power
        {
            [GradGen.Differentiable]
            public static float In(double value, int power)
            {
                return (float) Math.Pow(value, power);
            }

            public static float Out(double value, int power)
            {
                var sign = power%2 == 0 ? -1 : 1;
                return (float) (sign*(Math.Pow(value - 1, power) + sign));
            }

            [GradGen.Differentiable]
            public static float InOut(double s, int power)
            {
                s *= 2;

                if (s < 1)
                    return In(s, power)/2;

                var sign = power%2 == 0 ? -1 : 1;
                return (float) (sign/2.0*(Math.Pow(s - 2, power) + sign*2));
            }
        }
    }
}
