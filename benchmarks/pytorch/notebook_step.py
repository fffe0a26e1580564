"""Times one full-batch step of the notebook's PyTorch models, for the side-by-side in issue 3.

The notebook's code with its target misalignment fixed: predictions are gathered from the dense
U·Vᵀ product at the (row, column) pairs in the same order as the targets. Same shape as our
benchmark's synthetic set: 943 users × 1,682 items, 90,000 training ratings.

    python3 benchmarks/pytorch/notebook_step.py [threads]

Needs PyTorch (Debian: apt-get install python3-torch). Prints milliseconds per iteration.
"""
import sys
import time

import numpy as np
import torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
torch.set_num_threads(threads)
torch.manual_seed(0)
N, M, NNZ = 943, 1682, 90_000
rng = np.random.default_rng(0)
flat = rng.choice(N * M, size=NNZ, replace=False)
rows = torch.tensor(flat // M)
cols = torch.tensor(flat % M)
targets = torch.tensor(rng.integers(1, 6, size=NNZ), dtype=torch.float32)


def plain_loss(U, V):
    predictions = torch.matmul(U, V.t())[rows, cols]
    return ((predictions - targets) ** 2).mean()


def regularized_loss(U, V, reg=0.1, gravity=1.0):
    predictions = torch.matmul(U, V.t())[rows, cols]
    mse = ((predictions - targets) ** 2).mean()
    r = (U * U).sum() / N + (V * V).sum() / M
    g = (torch.matmul(U.t(), U) * torch.matmul(V.t(), V)).sum() / (N * M)
    return mse + reg * r + gravity * g


def time_model(name, loss_fn, d, init, lr, warmup=5, iterations=100):
    U = (torch.randn(N, d) * init).requires_grad_()
    V = (torch.randn(M, d) * init).requires_grad_()
    optimizer = torch.optim.SGD([U, V], lr=lr)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(U, V)
        loss.backward()
        optimizer.step()
        return loss

    for _ in range(warmup):
        step()
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(iterations // 5):
            step()
        samples.append((time.perf_counter() - start) * 1000 / (iterations // 5))
    print(f"{name}: d={d} threads={threads} ms/iteration median={sorted(samples)[2]:.2f} min={min(samples):.2f} max={max(samples):.2f}")


time_model("plain", plain_loss, 30, 0.5, 10.0)
time_model("regularized", regularized_loss, 50, 0.05, 20.0)
