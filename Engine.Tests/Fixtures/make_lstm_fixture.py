"""Writes lstm_fixture.json: tiny torch.nn.LSTM cases (weights, input, states, expected outputs and gradients).

Run with PyTorch 1.13:  /usr/bin/python3 Engine.Tests/Fixtures/make_lstm_fixture.py
The C# test (Engine.Tests/Layers/LstmTests.cs) loads the same numbers into Engine's Lstm and compares within 1e-5.

Every input value is rounded to float32 first, then the reference is computed in float64, so the expected values are
the exact answer for the float32 inputs the C# side sees. The loss whose gradients are stored is
L = sum(seed_output * output) + sum(seed_h * h_n) + sum(seed_c * c_n), so gradients flow from all three outputs.
Padded positions (lengths) go through pack_padded_sequence(enforce_sorted=False) and come back zero.
"""
import json
import os

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


def f32(t):
    return t.float().double()


def flat(t):
    return [float(f"{v:.9g}") for v in t.detach().reshape(-1).tolist()]


def make_case(name, batch, steps, input_size, hidden, num_layers, bidirectional, lengths, seed):
    g = torch.Generator().manual_seed(seed)
    lstm = torch.nn.LSTM(input_size, hidden, num_layers=num_layers, bidirectional=bidirectional,
                         batch_first=True).double()
    with torch.no_grad():
        for p in lstm.parameters():
            p.copy_(f32((torch.rand(p.shape, generator=g, dtype=torch.float64) * 2 - 1) / hidden ** 0.5))
    d = 2 if bidirectional else 1
    x = f32(torch.randn(batch, steps, input_size, generator=g, dtype=torch.float64)).requires_grad_()
    h0 = f32(0.5 * torch.randn(num_layers * d, batch, hidden, generator=g, dtype=torch.float64)).requires_grad_()
    c0 = f32(0.5 * torch.randn(num_layers * d, batch, hidden, generator=g, dtype=torch.float64)).requires_grad_()
    seed_out = f32(torch.randn(batch, steps, d * hidden, generator=g, dtype=torch.float64))
    seed_h = f32(torch.randn(num_layers * d, batch, hidden, generator=g, dtype=torch.float64))
    seed_c = f32(torch.randn(num_layers * d, batch, hidden, generator=g, dtype=torch.float64))

    if lengths is None:
        out, (hn, cn) = lstm(x, (h0, c0))
    else:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
        out_packed, (hn, cn) = lstm(packed, (h0, c0))
        out, _ = pad_packed_sequence(out_packed, batch_first=True, total_length=steps)
    loss = (seed_out * out).sum() + (seed_h * hn).sum() + (seed_c * cn).sum()
    loss.backward()

    return {
        "name": name, "batch": batch, "steps": steps, "input_size": input_size, "hidden": hidden,
        "num_layers": num_layers, "bidirectional": bidirectional, "lengths": lengths,
        "params": {n: flat(p) for n, p in lstm.named_parameters()},
        "input": flat(x), "h0": flat(h0), "c0": flat(c0),
        "seed_output": flat(seed_out), "seed_h": flat(seed_h), "seed_c": flat(seed_c),
        "output": flat(out), "h_n": flat(hn), "c_n": flat(cn),
        "grad": {"input": flat(x.grad), "h0": flat(h0.grad), "c0": flat(c0.grad),
                 **{n: flat(p.grad) for n, p in lstm.named_parameters()}},
    }


def main():
    cases = [
        make_case("single_layer_full", 2, 3, 3, 4, 1, False, None, 1),
        make_case("single_layer_lengths", 3, 4, 2, 3, 1, False, [4, 2, 3], 2),
        make_case("two_layer_bidirectional_lengths", 3, 4, 3, 2, 2, True, [2, 4, 1], 3),
    ]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lstm_fixture.json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"torch_version": torch.__version__, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
