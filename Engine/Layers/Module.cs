using System.Text;
using Engine.Tensors;

namespace Engine.Layers;

/// <summary>
/// A building block of a model: it owns parameters and child modules, registered explicitly in its constructor,
/// and maps an input tensor to an output tensor.
/// </summary>
/// <remarks>
/// Parameter names are dotted paths, the same names PyTorch's <c>state_dict()</c> gives the same architecture
/// (<c>encoder.0.weight</c>), so weights move between the two by name.
/// </remarks>
public abstract class Module
{
    private readonly List<(string Name, Tensor Parameter)> _parameters = [];
    private readonly List<(string Name, Module Module)> _children = [];
    private readonly List<(string Name, Tensor Buffer)> _buffers = [];

    /// <summary>Maps the input to the output, recording the graph when gradients are on.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>True in training mode (the default); dropout and batch norm behave differently in eval mode.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Registers a parameter under <paramref name="name"/>, marks it as requiring grad and returns it.</summary>
    protected Tensor RegisterParameter(string name, Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        CheckName(name);
        parameter.RequiresGrad = true;
        parameter.Name ??= name;
        _parameters.Add((name, parameter));
        return parameter;
    }

    /// <summary>Registers state that is saved with the model but not trained (batch-norm running statistics).</summary>
    protected Tensor RegisterBuffer(string name, Tensor buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        CheckName(name);
        _buffers.Add((name, buffer));
        return buffer;
    }

    /// <summary>Registers a child module under <paramref name="name"/> and returns it.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name);
        _children.Add((name, module));
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{GetType().Name}: '{name}' is not a valid name (non-empty, no dots).", nameof(name));
        if (_parameters.Exists(p => p.Name == name) || _children.Exists(c => c.Name == name) || _buffers.Exists(b => b.Name == name))
            throw new ArgumentException($"{GetType().Name}: the name '{name}' is already registered.", nameof(name));
    }

    /// <summary>The direct children with their names, in registration order.</summary>
    public IReadOnlyList<(string Name, Module Module)> Children => _children;

    /// <summary>Every parameter of this module and its descendants with its dotted name, depth first.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters(string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(prefix); // here, not in the iterator, which would check only when enumerated
        return ParametersUnder(prefix);
    }

    private IEnumerable<(string Name, Tensor Parameter)> ParametersUnder(string prefix)
    {
        foreach (var (name, p) in _parameters) yield return (prefix + name, p);
        foreach (var (name, child) in _children)
            foreach (var item in child.ParametersUnder(prefix + name + "."))
                yield return item;
    }

    /// <summary>Every buffer of this module and its descendants with its dotted name.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return BuffersUnder(prefix);
    }

    private IEnumerable<(string Name, Tensor Buffer)> BuffersUnder(string prefix)
    {
        foreach (var (name, b) in _buffers) yield return (prefix + name, b);
        foreach (var (name, child) in _children)
            foreach (var item in child.BuffersUnder(prefix + name + "."))
                yield return item;
    }

    /// <summary>Parameters and buffers together, as PyTorch's <c>state_dict()</c> lists them.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> StateDict() =>
        NamedParameters().Concat(NamedBuffers()).OrderBy(x => x.Name, StringComparer.Ordinal);

    /// <summary>Every trainable parameter.</summary>
    public IReadOnlyList<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter).ToList();

    /// <summary>The number of trainable scalars.</summary>
    public long ParameterCount => NamedParameters().Sum(p => (long)p.Parameter.Size);

    /// <summary>Switches this module and its descendants to training mode.</summary>
    public void Train() => SetMode(true);

    /// <summary>Switches this module and its descendants to evaluation (inference) mode.</summary>
    public void Eval() => SetMode(false);

    private void SetMode(bool training)
    {
        IsTraining = training;
        foreach (var (_, child) in _children) child.SetMode(training);
    }

    /// <summary>Zeroes the gradient of every parameter.</summary>
    public void ZeroGrad()
    {
        foreach (var (_, p) in NamedParameters()) p.ZeroGrad();
    }

    /// <summary>A table of every parameter: name, shape and count, with the total.</summary>
    public string Summary()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{GetType().Name}");
        foreach (var (name, p) in NamedParameters())
            sb.AppendLine($"  {name,-32} {p.Shape,-16} {p.Size,12:N0}");
        sb.Append($"  {"total",-32} {"",-16} {ParameterCount,12:N0}");
        return sb.ToString();
    }
}
