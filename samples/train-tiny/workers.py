"""Data-parallel training on one machine: N single-threaded processes share each batch and sum
their gradients, so every process takes the same optimiser step.

Why: the tiny UNet is hundreds of small convolutions and matmuls per step. On this 2-core machine
one process with two threads spends much of each op on handing work between its threads; two
single-threaded processes, each with half the batch, keep both cores busy (measured in README).
"""
import os
import socket

import torch
import torch.distributed as dist


class Shard:
    """This process's part of each batch. Shard() is one worker: plain single-process training."""

    def __init__(self, rank=0, workers=1):
        self.rank, self.workers = rank, workers

    @property
    def main(self):
        """The worker that logs and writes checkpoints."""
        return self.rank == 0

    def part(self, batch):
        """This worker's contiguous slice of a batch (tensor or list; first dimension = samples)."""
        n = len(batch)
        return batch[n * self.rank // self.workers:n * (self.rank + 1) // self.workers]

    def sum_gradients(self, params, *scalars):
        """Sums the workers' gradients in place, and the given scalars with them (one message per step);
        returns the summed scalars. Every worker must hold gradients for the same parameters."""
        if self.workers == 1:
            return list(scalars)
        grads = [p.grad for p in params if p.grad is not None]
        flat = torch.cat([g.reshape(-1) for g in grads] + [torch.tensor(scalars, dtype=torch.float32)])
        dist.all_reduce(flat)
        offset = 0
        for g in grads:
            g.copy_(flat[offset:offset + g.numel()].view_as(g))
            offset += g.numel()
        return flat[offset:].tolist()


def spawn(fn, workers, *args):
    """Runs fn(shard, *args) in `workers` processes and waits for all of them."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # read by OpenBLAS when a worker loads torch: one thread each, or the workers' threads contend again
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    torch.multiprocessing.spawn(_start, args=(fn, workers, port, args), nprocs=workers)


def _start(rank, fn, workers, port, args):
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=workers)
    try:
        fn(Shard(rank, workers), *args)
    finally:
        dist.destroy_process_group()
