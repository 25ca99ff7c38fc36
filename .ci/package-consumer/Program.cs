using Engine.Models;
using Engine.Optim;
using Engine.Tensors;

// Trains one batch of a small dense autoencoder through the packed library, as a consumer would, and prints the
// loss. Exits with 1 if the loss is not finite or does not fall, so CI catches a package that builds but is broken.
var random = new Rng(42);
var model = new DenseAutoencoder(new DenseAutoencoderOptions(64, [32], 8), random);
var optimizer = new Adam(model.Parameters(), 1e-2f);
var batch = Tensor.Uniform(random, 0f, 1f, 16, 64);

float first = 0, last = 0;
for (int step = 0; step < 3; step++)
{
    optimizer.ZeroGrad();
    var loss = model.Loss(batch, random).Total;
    loss.Backward();
    optimizer.Step();
    last = loss.Item();
    if (step == 0) first = last;
    Console.WriteLine($"step {step + 1}: loss {last:F5}");
}

string version = typeof(DenseAutoencoder).Assembly.GetName().Version?.ToString() ?? "?";
bool ok = float.IsFinite(last) && last < first;
Console.WriteLine($"Engine {version}: {model.ParameterCount:N0} parameters, loss {first:F5} -> {last:F5} {(ok ? "OK" : "FAILED")}");
return ok ? 0 : 1;
