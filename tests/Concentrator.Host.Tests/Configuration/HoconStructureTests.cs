using Concentrator.Host.Configuration;

namespace Concentrator.Host.Tests.Configuration;

public sealed class HoconStructureTests
{
    [Theory]
    [InlineData("rw { local { id = \"a\" ", "line 1: '{' is never closed")]
    [InlineData("a = [1, 2", "line 1: '[' is never closed")]
    [InlineData("a = 1\n}", "line 2: '}' does not close anything")]
    [InlineData("a = \"open", "line 1: unterminated string")]
    [InlineData("a {\n  b =\n}", "line 2: a key has '=' but no value")]
    [InlineData("a : : b", "line 1: a key has ':' but no value")]
    [InlineData("a = [1, 2}", "line 1: '}' does not close anything")]
    public void FindError_Broken_NamesLine(string text, string expected) =>
        Assert.Equal(expected, HoconStructure.FindError(text));

    [Theory]
    [InlineData("a { b = \"}{\" } # } unbalanced in a comment")]
    [InlineData("a = \"\"\"multi\n{ line\"\"\"\nb = 2")]
    [InlineData("// comment {\na = [ \"x\", \"y\" ]\nc { d = 1s, e = \"\\\"\" }")]
    [InlineData("road { dpd { delay = 30s, timeout = 150s } }")]
    public void FindError_Sound_ReturnsNull(string text) => Assert.Null(HoconStructure.FindError(text));

    [Fact]
    public void FindError_RepositoryConfigs_AreSound()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "config"), "*.conf").Append(Path.Combine(RepoPaths.Root, "HOCON.conf")))
        {
            Assert.True(HoconStructure.FindError(File.ReadAllText(file)) is null, file);
        }
    }
}
