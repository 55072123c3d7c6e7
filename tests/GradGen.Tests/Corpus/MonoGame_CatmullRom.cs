// Corpus: https://github.com/MonoGame/MonoGame
// Path: MonoGame.Framework/MathHelper.cs (commit 125c21d3), MathHelper.CatmullRom
// Licence: MS-PL (repository LICENSE.txt; the file's own header says "MIT License - Copyright (C) The Mono.Xna Team")
// Changes: namespace Microsoft.Xna.Framework -> GradGen.Corpus; public static partial class MathHelper -> public static partial
//   class MonoGame_CatmullRom; [GradGen.Differentiable] added; doc comments and the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class MonoGame_CatmullRom
    {
        [GradGen.Differentiable]
        public static float CatmullRom(float value1, float value2, float value3, float value4, float amount)
        {
            // Using formula from http://www.mvps.org/directx/articles/catmull/
            // Internally using doubles not to lose precision
            double amountSquared = amount * amount;
            double amountCubed = amountSquared * amount;
            return (float)(0.5 * (2.0 * value2 +
                (value3 - value1) * amount +
                (2.0 * value1 - 5.0 * value2 + 4.0 * value3 - value4) * amountSquared +
                (3.0 * value2 - value1 - 3.0 * value3 + value4) * amountCubed));
        }
    }
}
