#!/usr/bin/env python3
"""PyTorch <-> Engine interop for the dense autoencoder, at a small size (20-16-8-4-8-16-20, ReLU, sigmoid out).

    make_dense_ae_fixture.py
        (needs torch; run under Engine.Bench/peers/peer-env) builds the architecture PyTorch's way, with
        nn.Sequential encoder/decoder, trains it 20 Adam steps on seeded data, and writes next to this script:
          dense_ae_torch.safetensors  its state_dict, with the engine-checkpoint header in __metadata__, so
                                      Engine.IO.Checkpoint.Load reads it directly;
          dense_ae_io.safetensors     inputs "input" (7, 20) and "z" (7, 4), and PyTorch's outputs
                                      "reconstruction", "latent" = encoder(input) and "decoded" = decoder(z).

    make_dense_ae_fixture.py --check CHECKPOINT IO
        the reverse direction: reads CHECKPOINT (written by Engine.IO.Checkpoint.Save) with the independent strict
        safetensors reader, builds the model its config describes, loads the weights and compares its outputs on
        IO's "input" and "z" with IO's "reconstruction", "latent" and "decoded" (written by the C# engine) within
        1e-5. With torch importable it does so with nn.Sequential + load_state_dict(strict=True); without torch,
        with a plain-Python forward pass after checking the tensor names and shapes torch would expect.
        Prints "OK (torch)" or "OK (plain python)" and exits 0, or prints "FAIL: ..." and exits 1.
"""
import json
import math
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_safetensors_fixtures import parse, serialize  # noqa: E402  (the independent reader/writer)

CONFIG = {"input_size": 20, "hidden_sizes": [16, 8], "latent_size": 4, "hidden": "Relu", "output": "Sigmoid",
          "latent": "Identity", "tied_weights": False}
TOLERANCE = 1e-5


def widths(config):
    return [config["input_size"]] + list(config["hidden_sizes"]) + [config["latent_size"]]


def expected_shapes(config):
    """The state_dict PyTorch gives build_torch(config): {name: shape}."""
    w = widths(config)
    layers = len(w) - 1
    shapes = {}
    for i in range(layers):
        shapes["encoder.%d.weight" % (2 * i)] = [w[i + 1], w[i]]
        shapes["encoder.%d.bias" % (2 * i)] = [w[i + 1]]
        shapes["decoder.%d.weight" % (2 * i)] = [w[layers - 1 - i], w[layers - i]]
        shapes["decoder.%d.bias" % (2 * i)] = [w[layers - 1 - i]]
    return shapes


def build_torch(config):
    """encoder = Sequential(Linear, act, Linear, act, ..., Linear, latent act); decoder mirrors it."""
    import torch.nn as nn

    act = {"Identity": nn.Identity, "Relu": nn.ReLU, "Sigmoid": nn.Sigmoid, "Tanh": nn.Tanh}
    w = widths(config)
    layers = len(w) - 1
    encoder, decoder = [], []
    for i in range(layers):
        encoder += [nn.Linear(w[i], w[i + 1]), act[config["latent" if i == layers - 1 else "hidden"]]()]
        decoder += [nn.Linear(w[layers - i], w[layers - 1 - i]), act[config["output" if i == layers - 1 else "hidden"]]()]

    class DenseAutoencoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Sequential(*encoder)
            self.decoder = nn.Sequential(*decoder)

        def forward(self, x):
            return self.decoder(self.encoder(x))

    return DenseAutoencoder()


def f32_bits(values):
    return [struct.unpack("<I", struct.pack("<f", v))[0] for v in values]


def floats(entry):
    return [struct.unpack("<f", struct.pack("<I", b))[0] for b in entry["bits"]]


def make_fixture():
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    with threadpool_limits(1):
        torch.manual_seed(20261127)
        model = build_torch(CONFIG)
        data = torch.rand(32, 20)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
        for _ in range(20):
            optimizer.zero_grad()
            torch.nn.functional.mse_loss(model(data), data).backward()
            optimizer.step()
        model.eval()
        x = torch.rand(7, 20)
        z = torch.randn(7, 4)
        with torch.no_grad():
            outputs = {"input": x, "z": z, "reconstruction": model(x), "latent": model.encoder(x),
                       "decoded": model.decoder(z)}

    def tensor(name, t):
        t = t.detach().contiguous().to(torch.float32)
        return {"name": name, "dtype": "F32", "shape": list(t.shape), "bits": f32_bits(t.flatten().tolist())}

    header = {"format": "engine-checkpoint", "version": "1", "model": "DenseAutoencoder",
              "config": json.dumps(CONFIG, separators=(",", ":")),
              "metadata": json.dumps({"producer": "make_dense_ae_fixture.py", "torch": torch.__version__})}
    state = [tensor(k, v) for k, v in model.state_dict().items()]
    assert {t["name"]: t["shape"] for t in state} == expected_shapes(CONFIG)
    with open(os.path.join(HERE, "dense_ae_torch.safetensors"), "wb") as f:
        f.write(serialize(state, header))
    with open(os.path.join(HERE, "dense_ae_io.safetensors"), "wb") as f:
        f.write(serialize([tensor(k, v) for k, v in outputs.items()], {"producer": "make_dense_ae_fixture.py"}))


def plain_forward(state, config, x, part):
    """Row-major plain-Python forward pass: y = act(x W^T + b) per layer."""
    act = {"Identity": lambda v: v, "Relu": lambda v: max(v, 0.0), "Tanh": math.tanh,
           "Sigmoid": lambda v: 1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v))}
    layers = len(widths(config)) - 1

    def linear(rows, prefix, fn):
        weight, bias = state[prefix + ".weight"], state[prefix + ".bias"]
        out_features, in_features = weight["shape"]
        w, b = floats(weight), floats(bias)
        return [[fn(sum(row[k] * w[o * in_features + k] for k in range(in_features)) + b[o])
                 for o in range(out_features)] for row in rows]

    def run(rows, stack):
        for i in range(layers):
            last = i == layers - 1
            name = ("latent" if last else "hidden") if stack == "encoder" else ("output" if last else "hidden")
            rows = linear(rows, "%s.%d" % (stack, 2 * i), act[config[name]])
        return rows

    if part == "latent":
        return run(x, "encoder")
    if part == "decoded":
        return run(x, "decoder")
    return run(run(x, "encoder"), "decoder")


def check(checkpoint_path, io_path):
    with open(checkpoint_path, "rb") as f:
        metadata, state = parse(f.read())
    with open(io_path, "rb") as f:
        _, io = parse(f.read())
    if metadata is None or metadata.get("format") != "engine-checkpoint" or metadata.get("version") != "1":
        raise ValueError("not a version-1 engine checkpoint: %r" % (metadata,))
    if metadata.get("model") != "DenseAutoencoder":
        raise ValueError("model %r is not DenseAutoencoder" % metadata.get("model"))
    config = json.loads(metadata["config"])
    if config.get("tied_weights"):
        raise ValueError("tied weights have no nn.Sequential equivalent")
    shapes = {name: t["shape"] for name, t in state.items()}
    if shapes != expected_shapes(config):
        raise ValueError("state_dict names/shapes %r differ from PyTorch's %r" % (shapes, expected_shapes(config)))

    def rows(name):
        t = io[name]
        values = floats(t)
        n, d = t["shape"]
        return [values[r * d:(r + 1) * d] for r in range(n)]

    try:
        import torch
    except ImportError:
        torch = None
    results = {}
    if torch is not None:
        model = build_torch(config)
        tensors = {name: torch.tensor(floats(t), dtype=torch.float32).reshape(t["shape"]) for name, t in state.items()}
        model.load_state_dict(tensors, strict=True)
        model.eval()
        with torch.no_grad():
            x = torch.tensor(rows("input"), dtype=torch.float32)
            z = torch.tensor(rows("z"), dtype=torch.float32)
            results = {"reconstruction": model(x).tolist(), "latent": model.encoder(x).tolist(),
                       "decoded": model.decoder(z).tolist()}
    else:
        for part, source in (("reconstruction", "input"), ("latent", "input"), ("decoded", "z")):
            results[part] = plain_forward(state, config, rows(source), part)
    for part, got in results.items():
        want = rows(part)
        worst = max(abs(a - b) for ra, rb in zip(got, want) for a, b in zip(ra, rb))
        if worst > TOLERANCE:
            raise ValueError("%s differs from the engine's by %.3g (tolerance %g)" % (part, worst, TOLERANCE))
    return "torch" if torch is not None else "plain python"


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--check":
        try:
            how = check(sys.argv[2], sys.argv[3])
        except (ValueError, KeyError, TypeError, RuntimeError, UnicodeDecodeError, struct.error) as e:
            print("FAIL: %s" % e)
            sys.exit(1)
        print("OK (%s)" % how)
    elif len(sys.argv) == 1:
        make_fixture()
    else:
        print(__doc__)
        sys.exit(2)
