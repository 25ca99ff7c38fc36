using System.CommandLine;
using Engine.IO;
using Engine.IO.Onnx;

namespace Demo.Commands;

/// <summary>`export --load CHECKPOINT (--onnx FILE | --safetensors FILE)`: a trained model for other tools.</summary>
internal static class ExportCommand
{
    public static Command Create(CommonOptions options)
    {
        var onnx = new Option<string?>("--onnx") { Description = "Write an ONNX model (opset 17, symbolic batch) here." };
        var safetensors = new Option<string?>("--safetensors")
        {
            Description = "Write the weights (PyTorch state_dict names) and config here, without any training state.",
        };
        var part = new Option<OnnxPart>("--part")
        {
            Description = "What the ONNX model computes: Reconstruct, Encoder (a VAE: mu and log_var) or Decoder (latent -> reconstruction). An LSTM text autoencoder exports its Encoder only.",
            DefaultValueFactory = _ => OnnxPart.Reconstruct,
        };
        var command = new Command("export", "Export a checkpoint (--load) to ONNX or to a plain safetensors state dict.");
        command.Options.Add(onnx);
        command.Options.Add(safetensors);
        command.Options.Add(part);
        command.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token, context =>
            Run(context, parse.GetValue(onnx), parse.GetValue(safetensors), parse.GetValue(part))));
        return command;
    }

    private static void Run(RunContext context, string? onnx, string? safetensors, OnnxPart part)
    {
        if (context.LoadPath is null)
            throw new ArgumentException("export needs --load CHECKPOINT.");
        if (onnx is null && safetensors is null)
            throw new ArgumentException("export needs --onnx FILE or --safetensors FILE (or both).");
        if (IsTextAutoencoder(context.LoadPath))
        {
            RunText(context, onnx, safetensors, part);
            return;
        }
        var model = Checkpoint.Load(context.LoadPath);
        var info = Checkpoint.ReadInfo(context.LoadPath);
        context.Out.Line($"loaded {info.Model} from {context.LoadPath}: {model.ParameterCount:N0} parameters, config {info.ConfigJson}");
        if (onnx is not null)
        {
            OnnxExport.Save(model, CreateDirectoryFor(onnx), part);
            context.Out.Line($"wrote {onnx} ({part}, {new FileInfo(onnx).Length:N0} bytes)");
            context.Results["onnx"] = onnx;
        }
        if (safetensors is not null)
        {
            Checkpoint.Save(model, CreateDirectoryFor(safetensors), info.Metadata);
            context.Out.Line($"wrote {safetensors} ({new FileInfo(safetensors).Length:N0} bytes)");
            context.Results["safetensors"] = safetensors;
        }
        context.Results["model"] = info.Model;
    }

    // An LSTM text autoencoder is saved by LstmTextAutoencoder.Save (weights + vocabulary), not as a checkpoint.
    private static bool IsTextAutoencoder(string path) =>
        SafeTensors.Read(path).Metadata.TryGetValue("format", out string? format) && format == "engine-lstm-text-autoencoder";

    private static void RunText(RunContext context, string? onnx, string? safetensors, OnnxPart part)
    {
        var model = Engine.Models.LstmTextAutoencoder.Load(context.LoadPath!);
        context.Out.Line($"loaded LstmTextAutoencoder from {context.LoadPath}: {model.Parameters().Sum(p => (long)p.Size):N0} parameters, " +
                         $"{model.Vocabulary.Count:N0} words");
        if (onnx is not null)
        {
            if (part != OnnxPart.Encoder)
                throw new ArgumentException(
                    $"export: an LSTM text autoencoder exports its encoder only (ids, lengths -> latent); greedy decoding " +
                    $"is a word-by-word loop with no ONNX graph here. Use --part Encoder (got {part}).");
            OnnxExport.SaveEncoder(model, CreateDirectoryFor(onnx));
            context.Out.Line($"wrote {onnx} (Encoder, {new FileInfo(onnx).Length:N0} bytes)");
            context.Results["onnx"] = onnx;
        }
        if (safetensors is not null)
        {
            model.Save(CreateDirectoryFor(safetensors));
            context.Out.Line($"wrote {safetensors} and {Engine.Models.LstmTextAutoencoder.VocabularyPath(safetensors)}");
            context.Results["safetensors"] = safetensors;
        }
        context.Results["model"] = nameof(Engine.Models.LstmTextAutoencoder);
    }

    internal static string CreateDirectoryFor(string file)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(file));
        if (directory is not null) Directory.CreateDirectory(directory);
        return file;
    }
}
