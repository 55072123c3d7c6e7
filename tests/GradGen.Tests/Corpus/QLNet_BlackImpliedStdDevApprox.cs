// Corpus: https://github.com/amaggiulli/QLNet
// Path: src/QLNet/Pricingengines/BlackFormula.cs (commit 9a05f33c), Utils.blackFormulaImpliedStdDevApproximation(Option.Type, ...) and checkParameters
// Licence: BSD-3-Clause (QLNet licence, https://github.com/amaggiulli/QLNet/blob/develop/LICENSE)
// Changes: namespace QLNet -> GradGen.Corpus; the method moved from partial class Utils into static partial class QLNet_BlackImpliedStdDevApprox
//   (the helpers stay in Utils: `using static GradGen.Corpus.Utils;` added so that its unqualified calls of them resolve); [GradGen.Differentiable] added;
//   QL_REQUIRE and QL_FAIL (src/QLNet/Utils.cs) copied with only their ArgumentException case (the other cases throw
//   QLNet exception types); Const (src/QLNet/Types.cs) with only the constants used; DoubleExtension.IsEqual
//   (src/QLNet/Extensions/DoubleExtension.cs) and Option.Type (src/QLNet/Option.cs) copied alone;
//   doc comments and the other members removed.

using System;
using static GradGen.Corpus.Utils;

namespace GradGen.Corpus
{
   public static partial class QLNet_BlackImpliedStdDevApprox
   {
      [GradGen.Differentiable]
      public static double blackFormulaImpliedStdDevApproximation(Option.Type optionType,
                                                                  double strike,
                                                                  double forward,
                                                                  double blackPrice,
                                                                  double discount = 1.0,
                                                                  double displacement = 0.0)
      {
         checkParameters(strike, forward, displacement);
         Utils.QL_REQUIRE(blackPrice >= 0.0, () =>
                          "blackPrice (" + blackPrice + ") must be non-negative");
         Utils.QL_REQUIRE(discount > 0.0, () =>
                          "discount (" + discount + ") must be positive");

         double stdDev;
         forward = forward + displacement;
         strike = strike + displacement;
         if (strike.IsEqual(forward))
            // Brenner-Subrahmanyan (1988) and Feinstein (1988) ATM approx.
            stdDev = blackPrice / discount * Math.Sqrt(2.0 * Const.M_PI) / forward;
         else
         {
            // Corrado and Miller extended moneyness approximation
            double moneynessDelta = (int)optionType * (forward - strike);
            double moneynessDelta_2 = moneynessDelta / 2.0;
            double temp = blackPrice / discount - moneynessDelta_2;
            double moneynessDelta_PI = moneynessDelta * moneynessDelta / Const.M_PI;
            double temp2 = temp * temp - moneynessDelta_PI;
            if (temp2 < 0.0) // approximation breaks down, 2 alternatives:
               // 1. zero it
               temp2 = 0.0;
            // 2. Manaster-Koehler (1982) efficient Newton-Raphson seed
            temp2 = Math.Sqrt(temp2);
            temp += temp2;
            temp *= Math.Sqrt(2.0 * Const.M_PI);
            stdDev = temp / (forward + strike);
         }

         Utils.QL_REQUIRE(stdDev >= 0.0, () => "stdDev (" + stdDev + ") must be non-negative");
         return stdDev;
      }

      public static void checkParameters(double strike, double forward, double displacement)
      {
         Utils.QL_REQUIRE(displacement >= 0.0, () =>
                          "displacement (" + displacement + ") must be non-negative");
         Utils.QL_REQUIRE(strike + displacement >= 0.0, () =>
                          "strike + displacement (" + strike + " + " + displacement + ") must be non-negative");
         Utils.QL_REQUIRE(forward + displacement > 0.0, () =>
                          "forward + displacement (" + forward + " + " + displacement + ") must be positive");
      }
   }

   public class Option
   {
      public enum Type
      {
         Put = -1,
         Call = 1
      }
   }

   public partial class Utils
   {
      public static void QL_REQUIRE(bool condition, Func<string> message, QLNetExceptionEnum exEnum = QLNetExceptionEnum.ArgumentException)
      {
         if (!condition)
            switch (exEnum)
            {
               case QLNetExceptionEnum.ArgumentException:
                  throw new ArgumentException(message.Invoke());
            }
      }

      public static void QL_FAIL(string message, QLNetExceptionEnum exEnum = QLNetExceptionEnum.ArgumentException)
      {
         switch (exEnum)
         {
            case QLNetExceptionEnum.ArgumentException:
               throw new ArgumentException(message);
         }
      }
   }

   public enum QLNetExceptionEnum
   {
      ArgumentException = 1,
      NotTradableException = 2,
      RootNotBracketException = 3,
      MaxNumberFuncEvalExceeded = 4,
      InvalidPriceSignException = 5,
      NullEffectiveDate = 6
   }

   public struct Const
   {
      public const double QL_EPSILON = 2.2204460492503131e-016;

      public const double M_SQRT2    = 1.41421356237309504880;
      public const double M_SQRT_2   = 0.7071067811865475244008443621048490392848359376887;
      public const double M_SQRTPI   = 1.77245385090551602792981;
      public const double M_1_SQRTPI = 0.564189583547756286948;

      public const double M_LN2 = 0.693147180559945309417;
      public const double M_PI = 3.141592653589793238462643383280;
   }

   public static class DoubleExtension
   {
      // Fix double comparison
      public static bool IsEqual(this double d1, double d2)
      {
         if (Math.Abs(d1 - d2) <= double.Epsilon)
            return true;
         return false;
      }
   }
}
