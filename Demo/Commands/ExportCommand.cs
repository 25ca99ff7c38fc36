using System.CommandLine;
using Engine.IO;
using Engine.Persistence.Onnx;
using Engine.Persistence;

namespace Demo.Commands;

/// <summary>`export --load CHECKPOINT (--onnx FILE | --safetensors FILE)`: a trained model for other tools.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var options = new Cli.CommandOptions
        {
            Load = Cli.DemoOptions.Load("The checkpoint to export: a --save file, OUT/interrupted.safetensors, or a text autoencoder saved by `text --save`."),
            Json = Cli.DemoOptions.Json(),
        };
        options.Load.Required = true;
        var onnx = Cli.DemoOptions.OutputFile("--onnx", "Write an ONNX model (opset 17, symbolic batch) here.");
        var safetensors = Cli.DemoOptions.OutputFile("--safetensors",
            "Write the weights (PyTorch state_dict names) and config here, without any training state.");
        var part = new Option<OnnxPart>("--part")
        {
            Description = "What the ONNX model computes: Reconstruct, Encoder (a VAE: mu and log_var) or Decoder (latent -> reconstruction). An LSTM text autoencoder exports its Encoder only.",
            DefaultValueFactory = _ => OnnxPart.Reconstruct,
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : nameof(OnnxPart.Reconstruct);
                if (Enum.TryParse<OnnxPart>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(text, out _)) return value;
                result.AddError($"--part must be one of {string.Join(", ", Enum.GetNames<OnnxPart>())}, got '{text}'.");
                return OnnxPart.Reconstruct;
            },
        };
        var command = options.AddTo(new Command("export", "Export a checkpoint (--load) to ONNX or to a plain safetensors state dict."));
        command.Options.Add(onnx);
        command.Options.Add(safetensors);
        command.Options.Add(part);
        command.Validators.Add(result =>
        {
            if (result.GetResult(onnx) is null && result.GetResult(safetensors) is null)
                result.AddError("export needs --onnx FILE or --safetensors FILE (or both).");
        });
        command.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token, context =>
            Run(context, parse.GetValue(onnx), parse.GetValue(safetensors), parse.GetValue(part))));
        return command;
    }

    private static void Run(RunContext context, string? onnx, string? safetensors, OnnxPart part)
    {
        string load = context.LoadPath ?? throw new ArgumentException("export needs --load CHECKPOINT.");
        if (IsTextAutoencoder(load))
        {
            RunText(context, onnx, safetensors, part);
            return;
        }
        var model = Checkpoint.Load(load);
        var info = Checkpoint.ReadInfo(load);
        context.Out.Line($"loaded {info.Model} from {context.LoadPath}: {model.ParameterCount:N0} parameters, config {info.ConfigJson}");
        if (onnx is not null)
        {
            Cli.OutputPaths.Write("--onnx", onnx, path => OnnxExport.Save(model, path, part));
            context.Out.Line($"wrote {onnx} ({part}, {new FileInfo(onnx).Length:N0} bytes)");
            context.Results["onnx"] = onnx;
        }
        if (safetensors is not null)
        {
            Cli.OutputPaths.Write("--safetensors", safetensors, path => Checkpoint.Save(model, path, info.Metadata));
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
        var model = Checkpoint.Load<Engine.Models.LstmTextAutoencoder>(context.LoadPath!);
        context.Out.Line($"loaded LstmTextAutoencoder from {context.LoadPath}: {model.Parameters().Sum(p => (long)p.Size):N0} parameters, " +
                         $"{model.Vocabulary.Count:N0} words");
        if (onnx is not null)
        {
            if (part != OnnxPart.Encoder)
                throw new ArgumentException(
                    $"export: an LSTM text autoencoder exports its encoder only (ids, lengths -> latent); greedy decoding " +
                    $"is a word-by-word loop with no ONNX graph here. Use --part Encoder (got {part}).");
            Cli.OutputPaths.Write("--onnx", onnx, path => OnnxExport.SaveEncoder(model, path));
            context.Out.Line($"wrote {onnx} (Encoder, {new FileInfo(onnx).Length:N0} bytes)");
            context.Results["onnx"] = onnx;
        }
        if (safetensors is not null)
        {
            Cli.OutputPaths.Write("--safetensors", safetensors, path => Checkpoint.Save(model, path));
            context.Out.Line($"wrote {safetensors} and {Checkpoint.VocabularyPath(safetensors)}");
            context.Results["safetensors"] = safetensors;
        }
        context.Results["model"] = nameof(Engine.Models.LstmTextAutoencoder);
    }
}

