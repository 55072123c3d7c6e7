using System;
using System.IO;
using System.Text;

namespace GradGen.GradBench;

/// <summary>
/// GradBench tool for GradGen. Without arguments, or with GradBench's <c>--multithreaded</c> (accepted; every function
/// runs on one thread): speaks GradBench's protocol on stdin/stdout (see <see cref="Protocol"/>).
/// <c>--report [--data DIR] [--quick]</c>: times every module on the golden inputs and prints a markdown table next to GradBench's
/// published nightly ratios (see <see cref="Report"/>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--report")
        {
            string data = Path.Combine(AppContext.BaseDirectory, "Data");
            bool quick = false;
            for (int i = 1; i < args.Length; i++)
            {
                if (args[i] == "--data" && i + 1 < args.Length)
                {
                    data = args[++i];
                }
                else if (args[i] == "--quick")
                {
                    quick = true;
                }
                else
                {
                    return Usage();
                }
            }

            Report.Write(Console.Out, Path.Combine(data, "golden"), Path.Combine(data, "nightly"), quick);
            return 0;
        }

        bool multithreaded = false;
        foreach (var arg in args)
        {
            if (arg == "--multithreaded")
            {
                multithreaded = true;
            }
            else
            {
                return Usage();
            }
        }

        if (multithreaded)
        {
            // As GradBench's pytorch tool does: say so, and carry on single-threaded.
            Console.Error.WriteLine("gradgen: --multithreaded accepted; GradGen's derivatives run on one thread");
        }

        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        using var stdin = new StreamReader(Console.OpenStandardInput(), utf8);
        using var stdout = new StreamWriter(Console.OpenStandardOutput(), utf8) { AutoFlush = false };
        Protocol.Run(stdin, stdout, multithreaded);
        return 0;
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: gradgen-gradbench [--multithreaded]");
        Console.Error.WriteLine("                                       GradBench tool protocol on stdin/stdout (--multithreaded, which");
        Console.Error.WriteLine("                                       GradBench passes to every tool, is accepted: functions run on one thread)");
        Console.Error.WriteLine("       gradgen-gradbench --report [--data DIR] [--quick]");
        Console.Error.WriteLine("                                       time every module on DIR/golden (default: Data next to the program)");
        Console.Error.WriteLine("                                       and compare with GradBench's nightly ratios in DIR/nightly;");
        Console.Error.WriteLine("                                       --quick: one run each, to check the report works (times mean nothing)");
        return 2;
    }
}
