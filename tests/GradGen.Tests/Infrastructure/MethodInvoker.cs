using System;
using System.Reflection;
using System.Reflection.Emit;

namespace GradGen.Tests.Infrastructure
{
    /// <summary>
    /// Calls a method by reflection where <see cref="MethodBase.Invoke(object, object[])"/> cannot: generated methods take
    /// <c>Span&lt;T&gt;</c> and <c>ReadOnlySpan&lt;T&gt;</c> (ref structs, which cannot be boxed). The emitted call takes a
    /// <c>T[]</c> for such a parameter and passes the span over it, so that what the method writes lands in the array.
    /// </summary>
    internal static class MethodInvoker
    {
        /// <summary>Calls the method on <paramref name="target"/> (ignored when static); out and ref values are written back to <paramref name="args"/>.</summary>
        public delegate object? Call(object? target, object?[] args);

        public static Call Emit(MethodInfo method)
        {
            if (method.ReturnType.IsByRefLike || method.ReturnType.IsByRef)
            {
                throw new NotSupportedException($"TEST BUG: {Reflect.Signature(method)} returns a {method.ReturnType}, which reflection cannot hand back.");
            }

            var dynamicMethod = new DynamicMethod("Call_" + method.Name, typeof(object), new[] { typeof(object), typeof(object?[]) }, restrictedSkipVisibility: true);
            var il = dynamicMethod.GetILGenerator();
            if (!method.IsStatic)
            {
                var declaring = method.DeclaringType!;
                il.Emit(OpCodes.Ldarg_0);
                // A struct is called on its box, so that what the method changes stays in the target (as with MethodInfo.Invoke).
                il.Emit(declaring.IsValueType ? OpCodes.Unbox : OpCodes.Castclass, declaring);
            }

            var parameters = method.GetParameters();
            var byRefLocals = new LocalBuilder?[parameters.Length];
            for (int i = 0; i < parameters.Length; i++)
            {
                var type = parameters[i].ParameterType;
                il.Emit(OpCodes.Ldarg_1);
                il.Emit(OpCodes.Ldc_I4, i);
                il.Emit(OpCodes.Ldelem_Ref);
                if (type.IsByRef)
                {
                    var local = byRefLocals[i] = il.DeclareLocal(type.GetElementType()!);
                    il.Emit(OpCodes.Unbox_Any, local.LocalType);
                    il.Emit(OpCodes.Stloc, local);
                    il.Emit(OpCodes.Ldloca, local);
                }
                else if (IsSpan(type))
                {
                    var array = type.GetGenericArguments()[0].MakeArrayType();
                    il.Emit(OpCodes.Castclass, array);
                    il.Emit(OpCodes.Call, type.GetMethod("op_Implicit", new[] { array })!);
                }
                else
                {
                    il.Emit(OpCodes.Unbox_Any, type);
                }
            }

            il.Emit(method.IsStatic || method.DeclaringType!.IsValueType ? OpCodes.Call : OpCodes.Callvirt, method);
            if (method.ReturnType == typeof(void))
            {
                il.Emit(OpCodes.Ldnull);
            }
            else if (method.ReturnType.IsValueType)
            {
                il.Emit(OpCodes.Box, method.ReturnType);
            }

            for (int i = 0; i < parameters.Length; i++)
            {
                if (byRefLocals[i] is { } local)
                {
                    il.Emit(OpCodes.Ldarg_1);
                    il.Emit(OpCodes.Ldc_I4, i);
                    il.Emit(OpCodes.Ldloc, local);
                    il.Emit(OpCodes.Box, local.LocalType);
                    il.Emit(OpCodes.Stelem_Ref);
                }
            }

            il.Emit(OpCodes.Ret);
            return dynamicMethod.CreateDelegate<Call>();
        }

        private static bool IsSpan(Type type) =>
            type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Span<>) || type.GetGenericTypeDefinition() == typeof(ReadOnlySpan<>));
    }
}
