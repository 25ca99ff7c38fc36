using Engine.Layers;
using Engine.Tensors;
using Engine.Kernels;

namespace Engine.Persistence.Onnx;

/// <summary>
/// The engine's layers as ONNX nodes, one module at a time: the mapping the model graphs share. Initializers take
/// the module's state-dict names (<c>encoder.0.weight</c>), as <c>torch.onnx.export</c> names them. Batch norm is
/// written in inference form (running statistics), whatever mode the module is in: an export is for serving.
/// </summary>
internal static class ModuleOnnx
{
    /// <summary>Adds the nodes of <paramref name="module"/> reading <paramref name="x"/>; returns its output's name.</summary>
    /// <param name="builder">The graph being built.</param>
    /// <param name="module">A Sequential of supported layers, or one such layer.</param>
    /// <param name="prefix">The module's state-dict prefix, with its trailing dot (<c>"decoder."</c>).</param>
    /// <param name="x">The input value.</param>
    /// <exception cref="ArgumentException">A layer has no ONNX mapping.</exception>
    public static string Emit(OnnxModelBuilder builder, Module module, string prefix, string x)
    {
        switch (module)
        {
            case Sequential sequential:
                foreach (var (name, child) in sequential.Children)
                    x = Emit(builder, child, $"{prefix}{name}.", x);
                return x;
            case Linear linear:
                return builder.Gemm(x, Initializer(builder, prefix + "weight", linear.Weight),
                    linear.Bias is null ? "" : Initializer(builder, prefix + "bias", linear.Bias));
            case Conv2d conv:
                return builder.Conv(x, Initializer(builder, prefix + "weight", conv.Weight),
                    conv.Bias is null ? null : Initializer(builder, prefix + "bias", conv.Bias),
                    conv.KernelSize, conv.KernelSize, conv.Stride, conv.Padding);
            case ConvTranspose2d deconv:
                return builder.ConvTranspose(x, Initializer(builder, prefix + "weight", deconv.Weight),
                    deconv.Bias is null ? null : Initializer(builder, prefix + "bias", deconv.Bias),
                    deconv.KernelSize, deconv.KernelSize, deconv.Stride, deconv.Padding, deconv.OutputPadding);
            case BatchNorm norm:
                return builder.BatchNormalization(x,
                    Initializer(builder, prefix + "weight", norm.Weight ?? Tensor.Ones(norm.NumFeatures)),
                    Initializer(builder, prefix + "bias", norm.Bias ?? Tensor.Zeros(norm.NumFeatures)),
                    Initializer(builder, prefix + "running_mean", norm.RunningMean),
                    Initializer(builder, prefix + "running_var", norm.RunningVar), norm.Eps);
            case Activation activation:
                return Activate(builder, activation.Kind, x);
            case Flatten { StartDim: 1, EndDim: -1 }:
                return builder.Flatten(x, 1);
            case Unflatten { Dim: 1 } unflatten:
                return builder.Reshape(x, [0, .. unflatten.Sizes.Select(s => (long)s)]);
            default:
                throw new ArgumentException(
                    $"OnnxExport: the layer '{prefix.TrimEnd('.')}' ({module.GetType().Name}) has no ONNX mapping " +
                    "(supported: Sequential, Linear, Conv2d, ConvTranspose2d, BatchNorm1d/2d, Activation, Flatten(1, -1), Unflatten(1, ...)).",
                    nameof(module));
        }
    }

    /// <summary>Applies an activation; the result is named <paramref name="output"/> when given.</summary>
    public static string Activate(OnnxModelBuilder builder, ActivationKind kind, string x, string? output = null) => kind switch
    {
        ActivationKind.Identity => output is null ? x : Rename(builder, x, output),
        ActivationKind.Relu => builder.Relu(x, output),
        ActivationKind.Sigmoid => builder.Sigmoid(x, output),
        ActivationKind.Tanh => builder.Tanh(x, output),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "OnnxExport: no ONNX operator for this activation."),
    };

    /// <summary>Gives value <paramref name="x"/> the name <paramref name="name"/> (an Identity node).</summary>
    public static string Rename(OnnxModelBuilder builder, string x, string name) => builder.AddNode("Identity", [x], name);

    /// <summary>
    /// Adds a tensor as an initializer under <paramref name="name"/>, once (a tied decoder shares the encoder's);
    /// returns the name.
    /// </summary>
    public static string Initializer(OnnxModelBuilder builder, string name, Tensor tensor)
    {
        if (builder.HasValue(name)) return name;
        return builder.AddInitializer(name, tensor.Shape.ToArray().Select(d => (long)d).ToArray(), tensor.ReadOnlySpan);
    }
}
