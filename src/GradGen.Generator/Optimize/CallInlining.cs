using System.Collections.Generic;
using System.Linq;
using GradGen.Generator.Ir;
using GradGen.Generator.Model;

namespace GradGen.Generator.Optimize
{
    /// <summary>
    /// Inlines calls to small [Differentiable] methods of the same type into the caller's body before either mode runs.
    /// <para>
    /// A call that is not inlined is reversed jointly: the callee's Reverse runs its primal again before its own
    /// backward sweep. For a small callee in a loop (a log-sum-exp per data point, a normal CDF per option) that
    /// recomputation is most of the cost of the gradient. Inlined, the callee's statements are the caller's: its
    /// values are computed once, and only those its backward sweep reads are recorded, on the caller's tape.
    /// </para>
    /// <para>
    /// Inlined: a static callee, or an instance callee called on <c>this</c>, not generic, of the caller's own type (so everything
    /// its body reads is accessible), not recursive, of at most <see cref="MaxStatements"/> IR statements, with no
    /// <c>[NoDerivative]</c> real parameter receiving a variable (inlined, the argument's derivative would flow), and
    /// with no <c>stackalloc</c> when the call is in a loop.
    /// </para>
    /// </summary>
    internal static class CallInlining
    {
        /// <summary>The largest body inlined, in IR statements (nested ones included).</summary>
        public const int MaxStatements = 120;

        /// <summary>How many calls deep inlined bodies inline their own callees.</summary>
        private const int MaxDepth = 4;

        /// <summary>The inlinable form of a method, or null when it is too large, recursive or has errors.</summary>
        public static InlineCallee? Candidate(MethodResult method)
        {
            // A generic callee is called: its body is in its type parameters, not the caller's types.
            if (method.Model is not { IsGeneric: false } model)
            {
                return null;
            }

            var statements = IrWalker.AllStatements(model.Body).ToList();
            if (statements.Count > MaxStatements || Calls(statements).Any(c => c.CalleeKey == model.Key))
            {
                return null;
            }

            return new InlineCallee(model.Key, model.QualifiedTypeName, model.IsStatic, model.Parameters, model.Locals, model.Results, model.Body);
        }

        /// <summary>The method with every inlinable call replaced by the callee's body.</summary>
        public static MethodResult Apply(MethodResult method, InlineRegistry registry)
        {
            if (method.Model is not { } model || !Calls(IrWalker.AllStatements(model.Body)).Any(c => registry.Find(c.CalleeKey) is not null))
            {
                return method;
            }

            var inliner = new Inliner(model, registry);
            var body = inliner.Inline(model.Body, new List<string> { model.Key }, inLoop: false);
            return method with { Model = model with { Body = body, Locals = model.Locals.Concat(inliner.Locals).ToEquatableArray() } };
        }

        private static IEnumerable<DiffCall> Calls(IEnumerable<Stmt> statements) =>
            statements.SelectMany(IrWalker.OwnExpressions).SelectMany(IrWalker.AllExpressions).OfType<DiffCall>();

        private sealed class Inliner
        {
            private readonly DiffMethodModel caller;
            private readonly InlineRegistry registry;
            private readonly NameScope names;
            private readonly string typeKey;

            public Inliner(DiffMethodModel caller, InlineRegistry registry)
            {
                this.caller = caller;
                this.registry = registry;
                names = new NameScope(DerivativeNames.Taken(caller).Concat(DerivativeNames.Reserved));
                typeKey = caller.QualifiedTypeName;
            }

            /// <summary>The locals inlined bodies brought, renamed.</summary>
            public List<Var> Locals { get; } = new();

            /// <param name="inlining">The keys of the methods whose bodies are being inlined, outermost first: never inlined again.</param>
            /// <param name="inLoop">Whether a loop encloses the statements.</param>
            public EquatableArray<Stmt> Inline(EquatableArray<Stmt> statements, List<string> inlining, bool inLoop)
            {
                var output = new List<Stmt>();
                foreach (var statement in statements)
                {
                    switch (statement)
                    {
                        case Assign { Value: DiffCall call } assign when Inlinable(call, inlining, inLoop) is { } callee:
                            output.Add(assign with { Value = Expand(callee, call, assign.Line, inlining, inLoop, output)[0] });
                            break;
                        case Store { Value: DiffCall call } store when Inlinable(call, inlining, inLoop) is { } callee:
                            output.Add(store with { Value = Expand(callee, call, store.Line, inlining, inLoop, output)[0] });
                            break;
                        case AssignTuple { Value: DiffCall call } tuple when tuple.Targets.All(t => t is Var) && Inlinable(call, inlining, inLoop) is { } callee:
                            var results = Expand(callee, call, tuple.Line, inlining, inLoop, output);
                            output.AddRange(tuple.Targets.Select((target, i) => new Assign(tuple.Line, (Var)target, AssignOp.Set, results[i])));
                            break;
                        case If branch:
                            output.Add(branch with { Then = Inline(branch.Then, inlining, inLoop), Else = Inline(branch.Else, inlining, inLoop) });
                            break;
                        case While loop:
                            output.Add(loop with { Body = Inline(loop.Body, inlining, inLoop: true), Step = Inline(loop.Step, inlining, inLoop: true) });
                            break;
                        case For loop:
                            output.Add(loop with { Body = Inline(loop.Body, inlining, inLoop: true) });
                            break;
                        default:
                            output.Add(statement);
                            break;
                    }
                }

                return output.ToEquatableArray();
            }

            private InlineCallee? Inlinable(DiffCall call, List<string> inlining, bool inLoop)
            {
                var callee = call.Custom is null ? registry.Find(call.CalleeKey) : null;
                return callee is not null
                    && callee.TypeKey == typeKey
                    && (callee.IsStatic || !caller.IsStatic && call.Receiver is null or This)
                    && !inlining.Contains(callee.Key)
                    && inlining.Count <= MaxDepth
                    && !callee.Parameters.Where((p, i) => !p.Wrt && Types.IsDifferentiable(p.Type) && call.Args[i] is not Const).Any()
                    && !(inLoop && Allocates(callee))
                    ? callee
                    : null;
            }

            /// <summary>
            /// Adds the callee's body, its locals renamed and its parameters bound to the arguments, to
            /// <paramref name="output"/>; returns the variables that hold its results.
            /// </summary>
            private List<Expr> Expand(InlineCallee callee, DiffCall call, int line, List<string> inlining, bool inLoop, List<Stmt> output)
            {
                var written = new HashSet<string>(IrWalker.Writes(callee.Body));
                var bound = new Dictionary<string, Expr>();
                for (var i = 0; i < callee.Parameters.Count; i++)
                {
                    var parameter = callee.Parameters[i];
                    var argument = call.Args[i];
                    if (!written.Contains(parameter.Name) && (argument is Const && argument.Type == parameter.Type || argument is Var && SameShape(argument.Type, parameter.Type)))
                    {
                        bound[parameter.Name] = argument;
                    }
                    else
                    {
                        // A parameter the callee assigns, or an argument that is an expression: a local of its own.
                        var copy = NewLocal(parameter.Type, parameter.Name);
                        output.Add(new Assign(line, copy, AssignOp.Set, argument));
                        bound[parameter.Name] = copy;
                    }
                }

                foreach (var local in callee.Locals)
                {
                    bound[local.Name] = NewLocal(local.Type, local.Name);
                }

                var body = IrRewriter.Map(callee.Body, e => e is Var v && bound.TryGetValue(v.Name, out var replacement) ? replacement : e);
                var nested = new List<string>(inlining) { callee.Key };
                output.AddRange(Inline(IrRewriter.AtLine(body, line), nested, inLoop));
                return callee.Results.Select(r => bound[r.Name]).ToList();
            }

            /// <summary>Whether the callee takes a <c>stackalloc</c> buffer: in a loop it would grow the stack on every iteration (GG0005 in user code).</summary>
            private static bool Allocates(InlineCallee callee) =>
                IrWalker.AllStatements(callee.Body).SelectMany(IrWalker.OwnExpressions).Any(IrWalker.Stackallocs);

            /// <summary>Whether a variable of type <paramref name="argument"/> can stand for one of <paramref name="parameter"/>: the same type, or an array for a span.</summary>
            private static bool SameShape(IrType argument, IrType parameter) =>
                argument == parameter
                || Types.ElementType(argument) is { } element && element == Types.ElementType(parameter) && Types.IsMatrix(argument) == Types.IsMatrix(parameter);

            /// <summary>A fresh local named after <paramref name="name"/> without its numbering (<c>i_2</c> gives <c>i_5</c>, not <c>i_2_2</c>).</summary>
            private Var NewLocal(IrType type, string name)
            {
                var local = new Var(type, names.Fresh(System.Text.RegularExpressions.Regex.Replace(name, "_[0-9]+$", "")));
                Locals.Add(local);
                return local;
            }
        }
    }
}
