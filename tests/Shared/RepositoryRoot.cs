namespace Tributary.Tests.Hosting;

/// <summary>Finds the repository's root (where Tributary.sln is) from the test assembly's output folder.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tributary.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Tributary.sln was not found above {AppContext.BaseDirectory}.");
    }
}
