using System.Reflection;

namespace Engine.Tests.Api;

/// <summary>What the argument sweeps share: describing a member and calling it, unwrapping reflection's wrapper.</summary>
internal static class ApiReflection
{
    private static readonly NullabilityInfoContext Nullability = new();

    /// <summary>"Type.Method(Type name, ...)", or "Type.ctor(...)".</summary>
    public static string Describe(MethodBase member) =>
        $"{member.DeclaringType!.Name}.{(member is ConstructorInfo ? "ctor" : member.Name)}(" +
        string.Join(", ", member.GetParameters().Select(p => p.ParameterType.Name + " " + p.Name)) + ")";

    /// <summary>Calls <paramref name="member"/> on <paramref name="target"/> (null for static) and returns what it threw.</summary>
    public static Exception? Invoke(MethodBase member, object? target, object?[] arguments)
    {
        try
        {
            if (member is ConstructorInfo constructor)
                constructor.Invoke(arguments);
            else
                member.Invoke(target, arguments);
            return null;
        }
        catch (TargetInvocationException e)
        {
            return e.InnerException;
        }
    }

    /// <summary>Parameters of a reference type that the nullable annotations say must not be null.</summary>
    public static List<ParameterInfo> NonNullableReferenceParameters(MethodBase member) =>
        member.GetParameters().Where(p => !p.ParameterType.IsValueType && !p.ParameterType.IsByRefLike
            && !p.ParameterType.IsByRef && Nullability.Create(p).WriteState == NullabilityState.NotNull).ToList();

    /// <summary>Reflection cannot pass or return spans (ref structs) or return by reference.</summary>
    public static bool IsInvokable(MethodInfo method) =>
        !method.ReturnType.IsByRefLike && !method.ReturnType.IsByRef
        && method.GetParameters().All(p => !p.ParameterType.IsByRefLike && (!p.ParameterType.IsByRef || p.IsOut));
}
