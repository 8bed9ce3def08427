namespace Concentrator.Host.Tests;

internal static class RepoPaths
{
    /// <summary>The checkout's root: the first parent of the test binary that holds Concentrator.sln.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Concentrator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Concentrator.sln not found above " + AppContext.BaseDirectory);
    }
}
