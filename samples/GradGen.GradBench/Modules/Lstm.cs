using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GradGen.GradBench;

/// <summary>
/// GradBench's <c>lstm</c> eval (ADBench's LSTM: l layers of b cells with diagonal weight matrices, run over a
/// sequence of c one-hot-ish characters of b bits). For each step t &lt; c − 1 the network predicts character t + 1
/// from character t; the loss is the mean cross-entropy −Σₜ Σᵢ yₜ₊₁,ᵢ · (ŷₜ,ᵢ − log(2 + Σⱼ exp ŷₜ,ⱼ)) / ((c − 1)·b).
/// <para>
/// Per layer, cell i: f = σ(xᵢ·W_f,ᵢ + b_f,ᵢ), in = σ(hᵢ·W_in,ᵢ + b_in,ᵢ), o = σ(xᵢ·W_o,ᵢ + b_o,ᵢ),
/// g = tanh(hᵢ·W_g,ᵢ + b_g,ᵢ), cᵢ ← cᵢ·f + in·g, hᵢ ← o·tanh cᵢ, where x is the layer's input (the previous layer's
/// hidden state; for the first layer the character times the input weights).
/// </para>
/// Layout: main parameters, per layer, the 4b weights (forget, input, output, change) then the 4b biases; extra
/// parameters: b input weights, b output weights, b output biases; state: per layer b hidden then b cell values.
/// Functions: <c>objective</c> and <c>jacobian</c> (the gradient over main then extra parameters, GradGen's
/// <c>ObjectiveGradient</c>).
/// </summary>
public static partial class Lstm
{
    [Differentiable]
    public static double Objective(
        double[] mainParams,
        double[] extraParams,
        [NoDerivative] double[] state,
        [NoDerivative] double[] sequence,
        int l,
        int c,
        int b)
    {
        // The state evolves along the sequence: work on a copy, after a slot for the first layer's input, so that
        // every layer reads its input where it lies (the first layer's slot, then the previous layer's hidden state)
        // as GradBench's C++ does with a pointer: [input (b) | per layer: hidden (b), cell (b)].
        double[] s = new double[b + 2 * l * b];
        for (int i = 0; i < 2 * l * b; i++)
        {
            s[b + i] = state[i];
        }

        double[] prediction = new double[b];
        double total = 0.0;
        int count = 0;
        int last = b + 2 * b * (l - 1);   // the last layer's hidden state
        for (int t = 0; t < c - 1; t++)
        {
            for (int i = 0; i < b; i++)
            {
                s[i] = sequence[t * b + i] * extraParams[i];
            }

            for (int layer = 0; layer < l; layer++)
            {
                int p = 8 * b * layer;
                int x = layer == 0 ? 0 : b + 2 * b * (layer - 1);
                int h = b + 2 * b * layer;
                for (int i = 0; i < b; i++)
                {
                    double forget = Sigmoid(s[x + i] * mainParams[p + i] + mainParams[p + 4 * b + i]);
                    double ingate = Sigmoid(s[h + i] * mainParams[p + b + i] + mainParams[p + 5 * b + i]);
                    double outgate = Sigmoid(s[x + i] * mainParams[p + 2 * b + i] + mainParams[p + 6 * b + i]);
                    double change = Math.Tanh(s[h + i] * mainParams[p + 3 * b + i] + mainParams[p + 7 * b + i]);
                    s[h + b + i] = s[h + b + i] * forget + ingate * change;
                    s[h + i] = outgate * Math.Tanh(s[h + b + i]);
                }
            }

            for (int i = 0; i < b; i++)
            {
                prediction[i] = s[last + i] * extraParams[b + i] + extraParams[2 * b + i];
            }

            // log(2 + Σ exp ŷ), ADBench's "logsumexp" (no shift).
            double sum = 0.0;
            for (int i = 0; i < b; i++)
            {
                sum += Math.Exp(prediction[i]);
            }

            sum += 2.0;
            double lse = Math.Log(sum);
            for (int i = 0; i < b; i++)
            {
                total += sequence[(t + 1) * b + i] * (prediction[i] - lse);
            }

            count += b;
        }

        return -total / count;
    }

    [Differentiable]
    public static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    public static GradBenchModule Module { get; } = new(
        "lstm",
        "objective",
        "jacobian",
        input =>
        {
            var p = Read(input);
            return $"l={p.L},c={p.C}";
        },
        new GradBenchFunction("objective", json =>
        {
            var p = Read(json);
            double result = 0.0;
            return new PreparedCall(
                () => result = Objective(p.Main, p.Extra, p.State, p.Sequence, p.L, p.C, p.B),
                () => OutputJson.Number(result));
        }),
        new GradBenchFunction("jacobian", json =>
        {
            var p = Read(json);
            var dMain = new double[p.Main.Length];
            var dExtra = new double[p.Extra.Length];
            var gradient = new double[p.Main.Length + p.Extra.Length];
            return new PreparedCall(
                () => ObjectiveGradient(p.Main, p.Extra, p.State, p.Sequence, p.L, p.C, p.B, dMain, dExtra),
                () =>
                {
                    dMain.CopyTo(gradient, 0);
                    dExtra.CopyTo(gradient, dMain.Length);
                    return OutputJson.Vector(gradient);
                });
        }));

    /// <summary>The input flattened row-major, as <see cref="Objective"/> takes it.</summary>
    private sealed record Parameters(int L, int C, int B, double[] Main, double[] Extra, double[] State, double[] Sequence);

    private static Parameters Read(JsonElement json)
    {
        var input = json.Deserialize(LstmJson.Default.LstmInput) ?? throw new JsonException("lstm: input is null");
        if (input.MainParams.Length == 0 || input.MainParams.Length % 2 != 0 || input.MainParams[0].Length % 4 != 0)
        {
            throw new JsonException("lstm: main_params must be 2 rows of 4b per layer");
        }

        int l = input.MainParams.Length / 2;
        int b = input.MainParams[0].Length / 4;
        int c = input.Sequence.Length;
        void Check(string name, double[][] rows, int count, int length)
        {
            if (rows.Length != count || Array.Exists(rows, r => r.Length != length))
            {
                throw new JsonException($"lstm: {name} must be {count} rows of {length} (l={l}, b={b}, c={c})");
            }
        }

        Check("main_params", input.MainParams, 2 * l, 4 * b);
        Check("extra_params", input.ExtraParams, 3, b);
        Check("state", input.State, 2 * l, b);
        Check("sequence", input.Sequence, c, b);
        if (c < 2)
        {
            throw new JsonException("lstm: the sequence needs at least 2 characters");
        }

        return new Parameters(
            l, c, b, OutputJson.Flatten(input.MainParams), OutputJson.Flatten(input.ExtraParams), OutputJson.Flatten(input.State),
            OutputJson.Flatten(input.Sequence));
    }
}

internal sealed class LstmInput
{
    [JsonPropertyName("main_params"), JsonRequired]
    public double[][] MainParams { get; set; } = Array.Empty<double[]>();

    [JsonPropertyName("extra_params"), JsonRequired]
    public double[][] ExtraParams { get; set; } = Array.Empty<double[]>();

    [JsonPropertyName("state"), JsonRequired]
    public double[][] State { get; set; } = Array.Empty<double[]>();

    [JsonPropertyName("sequence"), JsonRequired]
    public double[][] Sequence { get; set; } = Array.Empty<double[]>();
}

[JsonSerializable(typeof(LstmInput))]
internal sealed partial class LstmJson : JsonSerializerContext
{
}
