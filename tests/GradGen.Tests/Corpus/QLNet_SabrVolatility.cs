// Corpus: https://github.com/amaggiulli/QLNet
// Path: src/QLNet/Termstructures/Volatility/Sabr.cs (commit 9a05f33c), Utils.unsafeSabrVolatility with SabrApproximationModel; its callee Utils.close (src/QLNet/Math/Comparison.cs)
// Licence: BSD-3-Clause (QLNet licence, https://github.com/amaggiulli/QLNet/blob/develop/LICENSE)
// Changes: namespace QLNet -> GradGen.Corpus; the method moved from partial class Utils into static partial class QLNet_SabrVolatility
//   (the helpers stay in Utils: `using static GradGen.Corpus.Utils;` added so that its unqualified calls of them resolve); [GradGen.Differentiable] added;
//   QL_REQUIRE and QL_FAIL (src/QLNet/Utils.cs) copied with only their ArgumentException case (the other cases throw
//   QLNet exception types); Const (src/QLNet/Types.cs) with only the constants used; DoubleExtension.IsEqual
//   (src/QLNet/Extensions/DoubleExtension.cs) and Option.Type (src/QLNet/Option.cs) copied alone;
//   doc comments and the other members removed.

using System;
using static GradGen.Corpus.Utils;

namespace GradGen.Corpus
{
   public static partial class QLNet_SabrVolatility
   {
      [GradGen.Differentiable]
      public static double unsafeSabrVolatility(double strike, double forward, double expiryTime, double alpha, double beta,
                                                double nu, double rho, SabrApproximationModel approximationModel = SabrApproximationModel.Hagan2002)
      {
         if (approximationModel == SabrApproximationModel.Hagan2002)
         {
            double oneMinusBeta = 1.0 - beta;
            double A = Math.Pow(forward * strike, oneMinusBeta);
            double sqrtA = Math.Sqrt(A);
            double logM;

            if (!close(forward, strike))
               logM = Math.Log(forward / strike);
            else
            {
               double epsilon = (forward - strike) / strike;
               logM = epsilon - .5 * epsilon * epsilon;
            }
            double z = (nu / alpha) * sqrtA * logM;
            double B = 1.0 - 2.0 * rho * z + z * z;
            double C = oneMinusBeta * oneMinusBeta * logM * logM;
            double tmp = (Math.Sqrt(B) + z - rho) / (1.0 - rho);
            double xx = Math.Log(tmp);
            double D = sqrtA * (1.0 + C / 24.0 + C * C / 1920.0);
            double d = 1.0 + expiryTime *
                       (oneMinusBeta * oneMinusBeta * alpha * alpha / (24.0 * A)
                        + 0.25 * rho * beta * nu * alpha / sqrtA
                        + (2.0 - 3.0 * rho * rho) * (nu * nu / 24.0));

            double multiplier;
            // computations become precise enough if the square of z worth slightly more than the precision machine (hence the m)
            const double m = 10;

            if (Math.Abs(z * z) > Const.QL_EPSILON * m)
               multiplier = z / xx;
            else
            {
               multiplier = 1.0 - 0.5 * rho * z - (3.0 * rho * rho - 2.0) * z * z / 12.0;
            }
            return (alpha / D) * multiplier * d;
         }
         else if (approximationModel == SabrApproximationModel.Obloj2008)
         {
            double oneMinusBeta = 1.0 - beta;
            double Fmid = Math.Sqrt(forward * strike);
            double gamma1 = beta / Fmid;
            double gamma2 = -beta * oneMinusBeta / (Fmid * Fmid);
            double zeta = alpha / (nu * oneMinusBeta) * (Math.Pow(forward, oneMinusBeta) - Math.Pow(strike, oneMinusBeta));
            double D = Math.Log((Math.Sqrt(1.0 - 2.0 * rho * zeta + zeta * zeta) + zeta - rho) / (1.0 - rho));
            double epsilon = alpha * alpha * expiryTime;

            double logM;

            if (!close(forward, strike))
               logM = Math.Log(forward / strike);
            else
            {
               double eps = (forward - strike) / strike;
               logM = eps - .5 * eps * eps;
            }

            double a = nu * Math.Pow(Fmid, beta) / alpha;
            double b = Math.Pow(a, 2.0);
            double d = 1.0 + ((2.0 * gamma2 - gamma1 * gamma1 + 1 / (Fmid * Fmid)) / 24.0 * b
                              + rho * gamma1 / 4.0 * a
                              + (2.0 - 3.0 * rho * rho) / 24.0) * epsilon;

            return alpha * logM / D * d;
         }
         else
         {
            QL_FAIL("Unknown approximation model.");
            return 0.0;
         }
      }
   }

   public enum SabrApproximationModel { Obloj2008 = 1, Hagan2002 = 0 }

   public partial class Utils
   {
      public static bool close(double x, double y) { return close(x, y, 42); }
      public static bool close(double x, double y, int n)
      {
         if (x.IsEqual(y))
            return true;

         double diff = Math.Abs(x - y), tolerance = n * Const.QL_EPSILON;

         if ((x * y).IsEqual(0.0)) // x or y = 0.0
            return diff < (tolerance * tolerance);

         return diff <= tolerance * Math.Abs(x) &&
                diff <= tolerance * Math.Abs(y);
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
