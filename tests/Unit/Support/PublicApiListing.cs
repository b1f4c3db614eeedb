using System.Reflection;

namespace Tributary.Tests.Unit.Support;

/// <summary>
/// Lists an assembly's public surface, one sorted line per type and per public or protected member, in a form
/// stable enough to check in: types by full name, members with parameter names, types and defaults.
/// </summary>
internal static class PublicApiListing
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static string[] Of(Assembly assembly) =>
    [
        .. assembly.GetExportedTypes().SelectMany(Describe).Order(StringComparer.Ordinal),
    ];

    private static IEnumerable<string> Describe(Type type)
    {
        yield return $"{Kind(type)} {Name(type)}{Bases(type)}";
        if (type.IsEnum)
        {
            foreach (var value in Enum.GetNames(type))
            {
                yield return $"value {Name(type)}.{value}";
            }

            yield break;
        }

        foreach (var member in type.GetMembers(Declared).Where(IsVisible))
        {
            if (Member(type, member) is { } line)
            {
                yield return line;
            }
        }
    }

    private static string? Member(Type type, MemberInfo member) => member switch
    {
        ConstructorInfo c => $"ctor {Name(type)}({Parameters(c)})",
        MethodInfo { IsSpecialName: true } m when !m.Name.StartsWith("op_", StringComparison.Ordinal) => null,
        MethodInfo m => $"method {Modifiers(m)}{Name(type)}.{m.Name}{GenericArguments(m)}({Parameters(m)}) -> {Name(m.ReturnType)}",
        PropertyInfo p => $"property {Name(type)}.{p.Name} : {Name(p.PropertyType)} {{{Accessors(p)}}}",
        FieldInfo f => $"field {(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{Name(type)}.{f.Name} : {Name(f.FieldType)}",
        EventInfo e => $"event {Name(type)}.{e.Name} : {Name(e.EventHandlerType!)}",
        Type => null, // nested types are listed on their own, as exported types
        _ => $"member {Name(type)}.{member.Name}",
    };

    private static bool IsVisible(MemberInfo member) => member switch
    {
        MethodBase m => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly,
        FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
        PropertyInfo p => p.GetAccessors(nonPublic: true).Any(IsVisible),
        EventInfo e => e.AddMethod is { } add && IsVisible(add),
        _ => false,
    };

    private static string Kind(Type type) =>
        type.IsInterface ? "interface"
        : type.IsEnum ? "enum"
        : type.IsValueType ? "struct"
        : typeof(Delegate).IsAssignableFrom(type) ? "delegate"
        : type is { IsAbstract: true, IsSealed: true } ? "static class"
        : type.IsAbstract ? "abstract class"
        : type.IsSealed ? "sealed class"
        : "class";

    private static string Bases(Type type)
    {
        var bases = new List<string>();
        if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType) && baseType != typeof(Enum))
        {
            bases.Add(Name(baseType));
        }

        bases.AddRange(type.GetInterfaces().Select(Name).Order(StringComparer.Ordinal));
        return bases.Count == 0 ? "" : " : " + string.Join(", ", bases);
    }

    private static string Modifiers(MethodInfo method) =>
        (method.IsStatic ? "static " : "") + (method.IsAbstract ? "abstract " : method.IsVirtual && !method.IsFinal ? "virtual " : "");

    private static string Accessors(PropertyInfo property) =>
        string.Concat(property.GetAccessors(nonPublic: true).Where(IsVisible).Select(a => a == property.GetMethod ? " get;" : " set;").Order(StringComparer.Ordinal)) + " ";

    private static string GenericArguments(MethodInfo method) =>
        method.IsGenericMethodDefinition ? $"<{string.Join(", ", method.GetGenericArguments().Select(a => a.Name))}>" : "";

    private static string Parameters(MethodBase method) =>
        string.Join(", ", method.GetParameters().Select(p =>
            $"{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? (p.ParameterType.IsValueType && Nullable.GetUnderlyingType(p.ParameterType) is null ? "default" : "null")) : "")}"));

    private static string Name(Type type)
    {
        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        if (type.HasElementType)
        {
            var suffix = type.IsArray ? "[]" : type.IsByRef ? "&" : "*";
            return Name(type.GetElementType()!) + suffix;
        }

        var name = (type.FullName ?? $"{type.Namespace}.{type.Name}").Replace('+', '.');
        if (!type.IsGenericType)
        {
            return name;
        }

        var tick = name.IndexOf('`', StringComparison.Ordinal);
        var bare = tick < 0 ? name : name[..tick];
        return $"{bare}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>";
    }
}
