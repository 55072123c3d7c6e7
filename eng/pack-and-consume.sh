#!/usr/bin/env bash
# Packs GradGen into a local folder feed and uses that package from a throwaway console project, the way a user
# would (one PackageReference, nothing else): restore, build (the generator must run from analyzers/), run, and
# check the generated gradient against the closed form. Exits non-zero on any failure.
#
#   eng/pack-and-consume.sh            # uses a fresh temp dir, removed afterwards
#   KEEP_WORK=1 eng/pack-and-consume.sh  # keeps it for inspection
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/gradgen-pack.XXXXXX")"
if [[ "${KEEP_WORK:-}" == "1" ]]; then
  echo "pack-and-consume: keeping $work"
else
  trap 'rm -rf "$work"' EXIT
fi

feed="$work/feed"
consumer="$work/consumer"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

version="$(dotnet msbuild "$root/src/GradGen/GradGen.csproj" -nologo -getProperty:Version)"
echo "pack-and-consume: packing GradGen $version"
dotnet pack "$root/src/GradGen/GradGen.csproj" -c Release -o "$feed" -nologo -v quiet

nupkg="$feed/GradGen.$version.nupkg"
[[ -f "$nupkg" ]] || { echo "pack-and-consume: $nupkg was not produced" >&2; exit 1; }

# The layout the contract promises: the attributes in lib/, the generator in analyzers/, and nothing else that
# would make a user's project load it (no build/ targets), and one dependency: System.Memory, for the spans in
# generated code on netstandard2.0 / .NET Framework.
if command -v unzip >/dev/null 2>&1; then
  entries="$(unzip -Z1 "$nupkg")"
  nuspec="$(unzip -p "$nupkg" GradGen.nuspec)"
else
  entries="$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$nupkg")"
  nuspec="$(python3 -c 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("GradGen.nuspec").decode())' "$nupkg")"
fi
echo "$entries" | sed 's/^/  /'
for required in lib/netstandard2.0/GradGen.dll analyzers/dotnet/cs/GradGen.Generator.dll analyzers/dotnet/cs/GradGen.CodeFixes.dll; do
  if ! grep -qx "$required" <<<"$entries"; then
    echo "pack-and-consume: $required missing from $(basename "$nupkg")" >&2
    exit 1
  fi
done
if grep -q '^lib/.*GradGen\.Generator\.dll$' <<<"$entries"; then
  echo "pack-and-consume: the generator must not be a lib/ (runtime) assembly" >&2
  exit 1
fi
dependencies="$(grep -o '<dependency [^>]*>' <<<"$nuspec" || true)"
echo "$dependencies" | sed 's/^/  nuspec: /'
if [[ "$(grep -c . <<<"$dependencies")" != 1 ]] \
   || ! grep -q 'id="System.Memory"' <<<"$dependencies" \
   || ! grep -q '<group targetFramework=".NETStandard2.0">' <<<"$nuspec"; then
  echo "pack-and-consume: the package must depend on System.Memory (netstandard2.0 group) and nothing else" >&2
  exit 1
fi

mkdir -p "$consumer"
# Stop MSBuild from picking up any Directory.Build.* above the temp dir.
echo '<Project />' > "$consumer/Directory.Build.props"
echo '<Project />' > "$consumer/Directory.Build.targets"
# The local feed is added next to the default source (nuget.org stays in effect for anything else).
cat > "$consumer/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local" value="$feed" />
  </packageSources>
</configuration>
XML
cat > "$consumer/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>disable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="GradGen" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > "$consumer/Program.cs" <<'CS'
using System;
using GradGen;

// f(x, y) = x²y + sin(xy):  ∂f/∂x = 2xy + y cos(xy),  ∂f/∂y = x² + x cos(xy)
const double x = 0.7, y = -1.3;
double value = Consumer.Model.FGradient(x, y, out double dX, out double dY);
double expectedDX = 2 * x * y + y * Math.Cos(x * y);
double expectedDY = x * x + x * Math.Cos(x * y);

bool ok = Close(value, Consumer.Model.F(x, y)) && Close(dX, expectedDX) && Close(dY, expectedDY);
Console.WriteLine($"f = {value:R}  df/dx = {dX:R} (expected {expectedDX:R})  df/dy = {dY:R} (expected {expectedDY:R})");
Console.WriteLine(ok ? "consumer: OK" : "consumer: MISMATCH");
return ok ? 0 : 1;

static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-12 * Math.Max(1.0, Math.Abs(b));

namespace Consumer
{
    public static partial class Model
    {
        [Differentiable]
        public static double F(double x, double y) => x * x * y + Math.Sin(x * y);
    }
}
CS

# A package cache of its own, so a stale GradGen of the same version in ~/.nuget/packages is never used.
export NUGET_PACKAGES="$work/packages"
echo "pack-and-consume: restoring and running a consumer of GradGen $version"
dotnet restore "$consumer/Consumer.csproj" -nologo -v quiet
installed="$NUGET_PACKAGES/gradgen/$version"
[[ -f "$installed/analyzers/dotnet/cs/GradGen.Generator.dll" ]] || {
  echo "pack-and-consume: GradGen $version was not restored from the local feed into $NUGET_PACKAGES" >&2
  exit 1
}
dotnet build "$consumer/Consumer.csproj" -c Release --no-restore -nologo -v quiet
dotnet run --project "$consumer/Consumer.csproj" -c Release --no-build

# A netstandard2.0 library must build too, with nothing but the GradGen reference: its framework lacks newer APIs
# the generated code may use elsewhere (MethodImplOptions.AggressiveOptimization on methods with loops), and the
# derivatives of an array are spans, which it gets only from System.Memory, which the package brings.
library="$work/library"
mkdir -p "$library"
cp "$consumer/Directory.Build.props" "$consumer/Directory.Build.targets" "$consumer/nuget.config" "$library/"
cat > "$library/Library.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>netstandard2.0</TargetFramework>
    <LangVersion>latest</LangVersion>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="GradGen" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > "$library/Horner.cs" <<'CS'
using GradGen;

namespace Library
{
    public static partial class Polynomial
    {
        // A loop: its reverse sweep uses the tape, and on newer frameworks gets AggressiveOptimization.
        [Differentiable]
        public static double Horner(double x, int n)
        {
            double p = 0;
            for (int i = n; i >= 0; i--)
            {
                p = p * x + 1.0 / (i + 1);
            }

            return p;
        }

        // An array: its derivative is a Span<double> (System.Memory on netstandard2.0).
        [Differentiable]
        public static double SumOfSquares(double[] x)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                s += x[i] * x[i];
            }

            return s;
        }
    }
}
CS
echo "pack-and-consume: building a netstandard2.0 library that uses GradGen $version"
dotnet build "$library/Library.csproj" -c Release -nologo -v quiet
echo "pack-and-consume: OK"
