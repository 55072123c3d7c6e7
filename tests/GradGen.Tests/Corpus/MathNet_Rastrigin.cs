// Corpus: https://github.com/mathnet/mathnet-numerics
// Path: src/Numerics/SpecialFunctions/TestFunctions.cs (commit 84e9432b), TestFunctions.Rastrigin
// Licence: MIT (Copyright (c) 2009-2014 Math.NET)
// Changes: namespace MathNet.Numerics -> GradGen.Corpus; static class TestFunctions -> static partial class MathNet_Rastrigin;
//   [GradGen.Differentiable] added; Constants.Pi2 copied from src/Numerics/Constants.cs into a class Constants;
//   doc comments and the other members removed.

using System;
using System.Linq;

namespace GradGen.Corpus
{
    public static partial class MathNet_Rastrigin
    {
        [GradGen.Differentiable]
        public static double Rastrigin(params double[] x)
        {
            return x.Sum(xi => xi*xi - 10.0*Math.Cos(Constants.Pi2*xi)) + 10.0*x.Length;
        }
    }

    static class Constants
    {
        public const double Pi2 = 6.2831853071795864769252867665590057683943387987502d;
    }
}
