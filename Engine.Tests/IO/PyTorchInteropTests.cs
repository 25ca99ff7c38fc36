using System.Diagnostics;
using Engine.Autodiff;
using Engine.IO;
using Engine.Models;
using Engine.Optim;
using Engine.Persistence;
using Engine.Tensors;
using Engine.Tests.Testing;

namespace Engine.Tests.IO;

/// <summary>
/// Weights move between PyTorch and the engine: a model trained in PyTorch (Fixtures/make_dense_ae_fixture.py,
/// nn.Sequential encoder/decoder) loads here and reproduces PyTorch's outputs within 1e-5; and our checkpoint of a
/// model trained further here loads in Python with the same names and shapes and gives our outputs there.
/// </summary>
[Trait("Layer", "IO")]
public sealed class PyTorchInteropTests
{
    private const float Atol = 1e-5f;

    private static Tensor Io(SafeTensorFile file, string name) =>
        Tensor.FromArray(file[name].ToFloatArray(), file[name].GetShape());

    private static void AssertMatches(AutoencoderModel model, SafeTensorFile io, string what)
    {
        using var _ = GradMode.Disable();
        var x = Io(io, "input");
        TensorAssert.AllClose(io["reconstruction"].ToFloatArray(), model.Reconstruct(x).ToArray(), 0f, Atol, $"{what}: reconstruction");
        TensorAssert.AllClose(io["latent"].ToFloatArray(), model.Encode(x).ToArray(), 0f, Atol, $"{what}: latent");
        TensorAssert.AllClose(io["decoded"].ToFloatArray(), model.Decode(Io(io, "z")).ToArray(), 0f, Atol, $"{what}: decoded");
    }

    [Fact]
    public void PyTorchStateDict_LoadsAsACheckpoint_AndReproducesTorchOutputs()
    {
        var io = SafeTensors.Read(Fixtures.PathOf("dense_ae_io.safetensors"));
        var model = Assert.IsType<DenseAutoencoder>(Checkpoint.Load(Fixtures.PathOf("dense_ae_torch.safetensors")));

        Assert.Equal([16, 8], model.Options.HiddenSizes);
        AssertMatches(model, io, "Checkpoint.Load");
    }

    [Fact]
    public void PyTorchStateDict_LoadsIntoAModelBuiltHere()
    {
        var io = SafeTensors.Read(Fixtures.PathOf("dense_ae_io.safetensors"));
        var model = new DenseAutoencoder(new DenseAutoencoderOptions(20, [16, 8], 4), new Random(1));
        Checkpoint.LoadStateDict(model, SafeTensors.Read(Fixtures.PathOf("dense_ae_torch.safetensors")), "torch fixture");
        model.Eval();

        AssertMatches(model, io, "LoadStateDict");
    }

    [Fact]
    public void OurCheckpoint_LoadsInPython_WithTorchNamesAndOurOutputs()
    {
        const string python = "/usr/bin/python3";
        Assert.True(File.Exists(python), $"{python} is needed to read our checkpoint on the Python side.");
        var model = Checkpoint.Load(Fixtures.PathOf("dense_ae_torch.safetensors"));
        // Train a few steps here, so the weights Python checks are ours, not the fixture's.
        model.Train();
        var optimizer = new Adam(model.Parameters(), 1e-2f);
        var data = Tensor.Uniform(new Random(Seeds.Default), 0f, 1f, 16, 20);
        for (int step = 0; step < 5; step++)
        {
            optimizer.ZeroGrad();
            model.Loss(data, new Random(0)).Total.Backward();
            optimizer.Step();
        }
        model.Eval();
        var x = Tensor.Uniform(new Random(Seeds.Default + 1), 0f, 1f, 7, 20);
        var z = Tensor.Normal(new Random(Seeds.Default + 2), 0f, 1f, 7, 4);
        string directory = Directory.CreateTempSubdirectory("engine-torch-").FullName;
        try
        {
            string checkpoint = Path.Combine(directory, "ours.safetensors"), io = Path.Combine(directory, "io.safetensors");
            Checkpoint.Save(model, checkpoint);
            using (GradMode.Disable())
            {
                SafeTensors.Write(io,
                [
                    new SafeTensor("input", [7, 20], x.ToArray()), new SafeTensor("z", [7, 4], z.ToArray()),
                    new SafeTensor("reconstruction", [7, 20], model.Reconstruct(x).ToArray()),
                    new SafeTensor("latent", [7, 4], model.Encode(x).ToArray()),
                    new SafeTensor("decoded", [7, 20], model.Decode(z).ToArray()),
                ]);
            }
            var start = new ProcessStartInfo(python)
            {
                ArgumentList = { Fixtures.PathOf("make_dense_ae_fixture.py"), "--check", checkpoint, io },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            Assert.True(process.WaitForExit(60_000), "python --check did not finish in 60 s");
            Assert.True(process.ExitCode == 0, $"python --check failed: {output}");
            Assert.Contains("OK", output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
