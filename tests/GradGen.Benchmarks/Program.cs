using BenchmarkDotNet.Running;

namespace GradGen.Benchmarks;

/// <summary>
/// Runs the benchmarks:
/// <code>dotnet run -c Release --project tests/GradGen.Benchmarks -- --filter '*'</code>
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
