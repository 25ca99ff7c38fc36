using System.Diagnostics.CodeAnalysis;

namespace Engine.IO;

/// <summary>The content of a safetensors file: its tensors and its optional string-to-string metadata.</summary>
public sealed class SafeTensorFile
{
    private readonly Dictionary<string, SafeTensor> _byName;

    /// <summary>Wraps tensors (unique names) and metadata.</summary>
    /// <param name="tensors">The tensors, in the order they are to be listed.</param>
    /// <param name="metadata">The "__metadata__" map; null means none.</param>
    /// <exception cref="ArgumentException">Two tensors share a name.</exception>
    public SafeTensorFile(IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        _byName = new Dictionary<string, SafeTensor>(tensors.Count, StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            ArgumentNullException.ThrowIfNull(tensor, nameof(tensors));
            if (!_byName.TryAdd(tensor.Name, tensor))
                throw new ArgumentException($"SafeTensorFile: two tensors are named '{tensor.Name}'.", nameof(tensors));
        }
        Tensors = tensors.ToArray();
        Metadata = metadata is null
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : new Dictionary<string, string>(metadata, StringComparer.Ordinal);
    }

    /// <summary>The tensors; after <see cref="SafeTensors.Read(string)"/> in the order of their data in the file.</summary>
    public IReadOnlyList<SafeTensor> Tensors { get; }

    /// <summary>The "__metadata__" map of the header; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name; the message lists the names there are.</exception>
    public SafeTensor this[string name] => TryGet(name, out var tensor)
        ? tensor
        : throw new KeyNotFoundException(
            $"No tensor named '{name}'; the file has: {string.Join(", ", Tensors.Select(t => t.Name))}.");

    /// <summary>Looks a tensor up by name.</summary>
    public bool TryGet(string name, [MaybeNullWhen(false)] out SafeTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out tensor);
    }
}
