namespace Concentrator.Host.Import.Libreswan;

/// <summary>An input the import cannot read at all (missing file, include loop); per-connection problems are
/// <see cref="ImportWarning"/>s instead.</summary>
internal sealed class ImportException(string message) : Exception(message);
