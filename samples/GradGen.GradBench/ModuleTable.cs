using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GradGen.GradBench;

/// <summary>
/// One call of a GradBench function, prepared from its JSON input: <see cref="Run"/> is what gets timed (input
/// conversion and output allocation happen before, JSON conversion of the result after), <see cref="Output"/>
/// turns the result of the last run into the JSON the eval expects.
/// </summary>
public sealed class PreparedCall
{
    public PreparedCall(Action run, Func<JsonElement> output)
    {
        Run = run;
        Output = output;
    }

    public Action Run { get; }

    public Func<JsonElement> Output { get; }
}

/// <summary>A function of a module (<c>primal</c>, <c>gradient</c>, <c>objective</c>, <c>jacobian</c>, ...).</summary>
public sealed class GradBenchFunction
{
    public GradBenchFunction(string name, Func<JsonElement, PreparedCall> prepare)
    {
        Name = name;
        Prepare = prepare;
    }

    public string Name { get; }

    /// <summary>
    /// Reads the <c>input</c> of an evaluate message (the <c>min_runs</c>/<c>min_seconds</c> fields are the protocol's, not
    /// read here) and allocates what the runs reuse; not part of the timed runs (GradBench's "prepare").
    /// </summary>
    public Func<JsonElement, PreparedCall> Prepare { get; }
}

/// <summary>
/// A GradBench module (one eval): its functions, which of them is the primal and which the derivative (for
/// <c>--report</c>), and how GradBench's nightly summary names the workload of an input.
/// </summary>
public sealed class GradBenchModule
{
    private readonly Dictionary<string, GradBenchFunction> _functions = new(StringComparer.Ordinal);

    public GradBenchModule(
        string name,
        string primalFunction,
        string derivativeFunction,
        Func<JsonElement, string> workloadName,
        params GradBenchFunction[] functions)
    {
        Name = name;
        PrimalFunction = primalFunction;
        DerivativeFunction = derivativeFunction;
        WorkloadName = workloadName;
        foreach (var function in functions)
        {
            _functions.Add(function.Name, function);
        }
    }

    public string Name { get; }

    public string PrimalFunction { get; }

    public string DerivativeFunction { get; }

    /// <summary>The workload key GradBench's <c>evals/&lt;eval&gt;/summary.json</c> uses for this input ("n=16,m=128", "2_5_1000", ...).</summary>
    public Func<JsonElement, string> WorkloadName { get; }

    public IReadOnlyDictionary<string, GradBenchFunction> Functions => _functions;
}

/// <summary>
/// The modules this tool defines. To add one: write <c>Modules/Name.cs</c> with a <c>[Differentiable]</c> objective
/// and a <c>public static GradBenchModule Module</c>, and add it to <see cref="All"/>.
/// </summary>
public static class ModuleTable
{
    private static readonly Dictionary<string, GradBenchModule> Modules = Build(
        Hello.Module,
        Llsq.Module,
        Lse.Module,
        Det.Module,
        Ode.Module,
        Gmm.Module,
        Lstm.Module,
        Kmeans.Module,
        Ba.Module);

    public static IReadOnlyDictionary<string, GradBenchModule> All => Modules;

    public static bool TryGet(string? name, out GradBenchModule module)
    {
        if (name is not null && Modules.TryGetValue(name, out var found))
        {
            module = found;
            return true;
        }

        module = null!;
        return false;
    }

    private static Dictionary<string, GradBenchModule> Build(params GradBenchModule[] modules)
    {
        var table = new Dictionary<string, GradBenchModule>(StringComparer.Ordinal);
        foreach (var module in modules)
        {
            table.Add(module.Name, module);
        }

        return table;
    }
}

/// <summary>JSON for the outputs every module shares: a number, a vector, a matrix (array of rows).</summary>
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(double[]))]
[JsonSerializable(typeof(double[][]))]
internal sealed partial class OutputJson : JsonSerializerContext
{
    public static JsonElement Number(double value) => JsonSerializer.SerializeToElement(value, Default.Double);

    public static JsonElement Vector(double[] values) => JsonSerializer.SerializeToElement(values, Default.DoubleArray);

    /// <summary>Rows of <paramref name="columns"/> consecutive values of a flat row-major array.</summary>
    public static double[][] Rows(double[] flat, int rows, int columns)
    {
        var result = new double[rows][];
        for (int i = 0; i < rows; i++)
        {
            result[i] = flat.AsSpan(i * columns, columns).ToArray();
        }

        return result;
    }

    /// <summary>Concatenates rows (all of the same length) into one row-major array.</summary>
    public static double[] Flatten(double[][] rows)
    {
        int total = 0;
        foreach (var row in rows)
        {
            total += row.Length;
        }

        var flat = new double[total];
        int offset = 0;
        foreach (var row in rows)
        {
            row.CopyTo(flat, offset);
            offset += row.Length;
        }

        return flat;
    }
}
