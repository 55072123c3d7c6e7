// Corpus: https://github.com/MonoGame/MonoGame
// Path: MonoGame.Framework/MathHelper.cs (commit 125c21d3), MathHelper.Hermite
// Licence: MS-PL (repository LICENSE.txt; the file's own header says "MIT License - Copyright (C) The Mono.Xna Team")
// Changes: namespace Microsoft.Xna.Framework -> GradGen.Corpus; public static partial class MathHelper -> public static partial
//   class MonoGame_Hermite; [GradGen.Differentiable] added; doc comments and the other members removed.

using System;

namespace GradGen.Corpus
{
    public static partial class MonoGame_Hermite
    {
        [GradGen.Differentiable]
        public static float Hermite(float value1, float tangent1, float value2, float tangent2, float amount)
        {
            // All transformed to double not to lose precision
            // Otherwise, for high numbers of param:amount the result is NaN instead of Infinity
            double v1 = value1, v2 = value2, t1 = tangent1, t2 = tangent2, s = amount, result;
            double sCubed = s * s * s;
            double sSquared = s * s;

            if (amount == 0f)
                result = value1;
            else if (amount == 1f)
                result = value2;
            else
                result = (2 * v1 - 2 * v2 + t2 + t1) * sCubed +
                    (3 * v2 - 3 * v1 - 2 * t1 - t2) * sSquared +
                    t1 * s +
                    v1;
            return (float)result;
        }
    }
}
