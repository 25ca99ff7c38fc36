"""PyTorch peer for the `conv` demo command: the reference convolutional autoencoder trained on Fashion-MNIST
with the same recipe (Adam 1e-3, batch 128, MSE, shuffled each epoch), reporting seconds per epoch and test MSE.

Encoder Conv(1,32,3,s2,p1)-ReLU-Conv(32,64,3,s2,p1)-ReLU-Flatten-Linear(3136,32);
decoder Linear(32,3136)-ReLU-Unflatten(64,7,7)-ConvT(64,32,3,s2,p1,op1)-ReLU-ConvT(32,1,3,s2,p1,op1)-Sigmoid.

Run: /work/shared/tools/peer-env /usr/bin/python3 Engine.Bench/peers/conv_ae_peer.py [--epochs 10] [--threads 2]
"""
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


if __name__ == "__main__":
    main()
