"""A material classifier trained on procedural images only (never on generated ones).

Features are hand-made and cheap: colour moments in Lab, luminance percentiles, and the
luminance power spectrum in radial x orientation bins (structure: brick courses, grain
direction, cell size). A multinomial logistic regression sits on top.
"""
import math
import random

import torch
import torch.nn.functional as F

from colour import srgb_to_lab
from data import dataset
from data.materials import FAMILIES

RADIAL, ANGULAR = 10, 4


def features(images):
    """images [n, 3, h, w] sRGB in [0, 1] -> [n, d] features."""
    n, _, h, w = images.shape
    lab = srgb_to_lab(images.permute(0, 2, 3, 1))
    col = torch.cat([lab.mean(dim=(1, 2)), lab.std(dim=(1, 2))], 1) / 20
    lum = lab[..., 0].reshape(n, -1) / 100
    pct = torch.quantile(lum, torch.tensor([0.05, 0.25, 0.5, 0.75, 0.95]), dim=1).T * 5
    g = lab[..., 0] - lab[..., 0].mean(dim=(1, 2), keepdim=True)
    power = torch.fft.rfft2(g).abs() ** 2
    fy = torch.fft.fftfreq(h).view(h, 1) * 128 / h * h
    fx = torch.fft.rfftfreq(w).view(1, -1) * 128 / w * w
    r = torch.sqrt(fx ** 2 + fy ** 2)
    ang = torch.atan2(fy.abs().expand_as(r), fx.expand_as(r))            # 0..pi/2 (symmetric)
    rbin = (torch.log2(r.clamp_min(1)) / math.log2(64) * RADIAL).long().clamp(0, RADIAL - 1)
    abin = (ang / (math.pi / 2) * ANGULAR).long().clamp(0, ANGULAR - 1)
    idx = (rbin * ANGULAR + abin).view(-1)
    valid = (r >= 1).view(-1)
    spec = torch.zeros(n, RADIAL * ANGULAR)
    spec.index_add_(1, idx[valid], power.view(n, -1)[:, valid])
    count = torch.zeros(RADIAL * ANGULAR).index_add_(0, idx[valid], torch.ones(int(valid.sum())))
    spec = torch.log(spec / count.clamp_min(1) + 1e-3)
    spec = spec - spec.mean(1, keepdim=True)        # shape of the spectrum, not overall contrast
    contrast = torch.log(g.reshape(n, -1).std(1, keepdim=True) + 1e-3)
    return torch.cat([col, pct, spec / 3, contrast], 1)


def procedural_set(seed, per_family, size):
    rng = random.Random(seed)
    gen = torch.Generator().manual_seed(seed)
    specs = [s for fi in range(len(FAMILIES)) for s in dataset.sample_material_specs(rng, per_family, family=fi)]
    imgs = torch.cat([dataset.render_specs(gen, specs[i:i + 48], size) for i in range(0, len(specs), 48)])
    return imgs, torch.tensor([s.family for s in specs])


class Classifier:
    def __init__(self, mean, std, weight, bias):
        self.mean, self.std, self.weight, self.bias = mean, std, weight, bias

    def logits(self, images):
        return ((features(images) - self.mean) / self.std) @ self.weight.T + self.bias

    def predict(self, images):
        return self.logits(images).argmax(1)

    def state(self):
        return {"mean": self.mean, "std": self.std, "weight": self.weight, "bias": self.bias}


def train(seed, per_family=40, test_per_family=15, size=256):
    """Returns (classifier, held-out accuracy on fresh procedural images)."""
    x, y = procedural_set(seed, per_family, size)
    f = features(x)
    mean, std = f.mean(0), f.std(0).clamp_min(1e-4)
    z = (f - mean) / std
    lin = torch.nn.Linear(z.shape[1], len(FAMILIES))
    opt = torch.optim.LBFGS(lin.parameters(), max_iter=300, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(lin(z), y) + 1e-3 * lin.weight.pow(2).sum()
        loss.backward()
        return loss
    opt.step(closure)
    clf = Classifier(mean, std, lin.weight.detach(), lin.bias.detach())
    xt, yt = procedural_set(seed + 1, test_per_family, size)
    acc = (clf.predict(xt) == yt).float().mean().item()
    return clf, acc
