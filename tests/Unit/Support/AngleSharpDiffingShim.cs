using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace Tributary.Tests.Unit.Support;

/// <summary>
/// bunit 2.x is built against AngleSharp.Diffing 1.0.0.0, but the package feed only has 0.17.0, whose
/// assembly is what we ship. When bunit asks for 1.0.0.0, hand it the shipped one. The tests do not use
/// markup diffing, so the version gap is never exercised; this only lets bunit load.
/// </summary>
internal static class AngleSharpDiffingShim
{
#pragma warning disable CA2255 // A module initializer is the only hook that runs before bunit is first loaded.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Install() => AssemblyLoadContext.Default.Resolving += LoadShippedDiffing;

    private static Assembly? LoadShippedDiffing(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == "AngleSharp.Diffing"
            ? context.LoadFromAssemblyPath(Path.Combine(AppContext.BaseDirectory, "AngleSharp.Diffing.dll"))
            : null;
}
