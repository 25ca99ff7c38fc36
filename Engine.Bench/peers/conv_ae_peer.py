"""PyTorch peer for the `conv` demo command: the reference convolutional autoencoder trained on Fashion-MNIST
with the same recipe (Adam 1e-3, batch 128, MSE, shuffled each epoch), reporting seconds per epoch and test MSE.

Encoder Conv(1,32,3,s2,p1)-ReLU-Conv(32,64,3,s2,p1)-ReLU-Flatten-Linear(3136,32);
decoder Linear(32,3136)-ReLU-Unflatten(64,7,7)-ConvT(64,32,3,s2,p1,op1)-ReLU-ConvT(32,1,3,s2,p1,op1)-Sigmoid.

Run: Engine.Bench/peers/peer-env /usr/bin/python3 Engine.Bench/peers/conv_ae_peer.py [--epochs 10] [--threads 2]
     [--steps N]: instead of epochs, time N training steps (after 40 warm-up steps) and print wall and process-CPU
     milliseconds per step; CPU time per step on one thread is the fairest number on a busy machine.
"""
import peer_env

peer_env.ensure()

import argparse
import gzip
import os
import time

import numpy as np
import torch
from torch import nn
from threadpoolctl import threadpool_limits

ROOT = "/usr/share/datasets/fashion-mnist/"


def idx(name):
    with gzip.open(ROOT + name, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def model():
    encoder = nn.Sequential(
        nn.Conv2d(1, 32, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),
        nn.Flatten(), nn.Linear(3136, 32))
    decoder = nn.Sequential(
        nn.Linear(32, 3136), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
        nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
        nn.ConvTranspose2d(32, 1, 3, stride=2, padding=1, output_padding=1), nn.Sigmoid())
    return nn.Sequential(encoder, decoder)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    print(f"load average {os.getloadavg()}")
    train = torch.from_numpy(idx("train-images-idx3-ubyte.gz").reshape(-1, 1, 28, 28).astype(np.float32) / 255)
    test = torch.from_numpy(idx("t10k-images-idx3-ubyte.gz").reshape(-1, 1, 28, 28).astype(np.float32) / 255)
    net = model()
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    with threadpool_limits(args.threads):
        if args.steps:
            time_steps(net, optimizer, loss_fn, train, args.steps)
            return
        for epoch in range(args.epochs):
            start, cpu = time.perf_counter(), time.process_time()
            order = torch.randperm(len(train))
            total = 0.0
            for i in range(0, len(train), 128):
                x = train[order[i:i + 128]]
                optimizer.zero_grad()
                loss = loss_fn(net(x), x)
                loss.backward()
                optimizer.step()
                total += loss.item() * len(x)
            seconds = time.perf_counter() - start
            with torch.no_grad():
                test_mse = sum(loss_fn(net(test[i:i + 1000]), test[i:i + 1000]).item() * 1000
                               for i in range(0, len(test), 1000)) / len(test)
            print(f"epoch {epoch + 1}: train {total / len(train):.5f} test_mse {test_mse:.5f} "
                  f"seconds {seconds:.1f} cpu {time.process_time() - cpu:.1f} load {os.getloadavg()[0]:.1f}",
                  flush=True)


def time_steps(net, optimizer, loss_fn, train, steps):
    def step(i):
        x = train[(i * 128) % 59904:(i * 128) % 59904 + 128]
        optimizer.zero_grad()
        loss_fn(net(x), x).backward()
        optimizer.step()

    for i in range(40):
        step(i)
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(steps):
        step(i)
    wall, cpu = (time.perf_counter() - start) * 1000 / steps, (time.process_time() - cpu) * 1000 / steps
    print(f"train step: wall {wall:.2f} ms cpu {cpu:.2f} ms (threads {torch.get_num_threads()}, "
          f"load {os.getloadavg()[0]:.1f}); x469 steps = {wall * 469 / 1000:.1f} s wall, {cpu * 469 / 1000:.1f} s cpu per epoch")


if __name__ == "__main__":
    main()
