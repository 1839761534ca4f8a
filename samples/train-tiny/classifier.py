"""A material classifier trained on procedural images only (never on generated ones).

A small CNN (four strided convolutions, mean and spread pooled over the whole image, so it
judges texture, not placement) sees every training image as rendered and softened (blurred,
a little noise): an image decoded from 8x latents never keeps pixel-exact detail, and a
classifier that calls a good reconstruction of bricks "dirt" measures the wrong thing.
The hand-made features (colour moments in Lab, luminance percentiles, the luminance power
spectrum in radial x orientation bins) stay for the seed-diversity distance.
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


class MaterialNet(torch.nn.Module):
    def __init__(self, families, width=32):
        super().__init__()
        chans = (3, width // 2, width, 2 * width, 2 * width)
        layers = []
        for a, b in zip(chans, chans[1:]):
            layers += [torch.nn.Conv2d(a, b, 3, stride=2, padding=1), torch.nn.GroupNorm(8, b), torch.nn.SiLU()]
        self.body = torch.nn.Sequential(*layers)
        self.head = torch.nn.Linear(2 * chans[-1], families)

    def forward(self, images):
        h = self.body(F.avg_pool2d(images * 2 - 1, 2))      # 256 px -> 128 px: the net judges structure
        return self.head(torch.cat([h.mean((2, 3)), h.std((2, 3))], 1))


class Classifier:
    def __init__(self, net, feature_mean, feature_std):
        self.net, self.mean, self.std = net.eval(), feature_mean, feature_std

    @torch.no_grad()
    def predict(self, images):
        return torch.cat([self.net(images[i:i + 32]).argmax(1) for i in range(0, len(images), 32)])

    def state(self):
        return {"net": self.net.state_dict(), "mean": self.mean, "std": self.std}

    @staticmethod
    def load(state):
        net = MaterialNet(len(FAMILIES))
        net.load_state_dict(state["net"])
        return Classifier(net, state["mean"], state["std"])


def soften(images, gen):
    """A copy of each image with its finest detail lost, as any 8x-latent decoder loses it:
    Gaussian blur of a random width (0.5..2 px) plus a little noise."""
    n, c, h, w = images.shape
    out = torch.empty_like(images)
    r = torch.arange(-6, 7, dtype=torch.float32)
    for i in range(n):
        sigma = 0.5 + 1.5 * torch.rand(1, generator=gen).item()
        k = torch.exp(-0.5 * (r / sigma) ** 2)
        k = (k / k.sum()).view(1, 1, 1, -1).expand(c, 1, 1, -1)
        x = F.pad(images[i:i + 1], (6, 6, 6, 6), mode="circular")     # the images tile
        x = F.conv2d(F.conv2d(x, k, groups=c), k.transpose(2, 3), groups=c)
        out[i] = x[0] + 0.02 * torch.rand(1, generator=gen).item() * torch.randn(c, h, w, generator=gen)
    return out.clamp(0, 1)


def train(seed, per_family=40, test_per_family=15, size=256, steps=1500, batch=32, log=None):
    """Returns (classifier, held-out accuracy on fresh procedural images, on the same softened)."""
    x, y = procedural_set(seed, per_family, size)
    f = features(x)
    gen = torch.Generator().manual_seed(seed + 2)
    torch.manual_seed(seed + 3)
    net = MaterialNet(len(FAMILIES))
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
    for step in range(steps):
        i = torch.randint(0, len(x), (batch,), generator=gen)
        xb = torch.roll(x[i], tuple(torch.randint(0, size, (2,), generator=gen).tolist()), (2, 3))
        if torch.rand(1, generator=gen) < 0.5:
            xb = xb.flip(3)
        soft = torch.rand(batch, generator=gen) < 0.5
        xb[soft] = soften(xb[soft], gen)
        for g in opt.param_groups:
            g["lr"] = 2e-3 * 0.5 * (1 + math.cos(math.pi * step / steps))
        loss = F.cross_entropy(net(xb), y[i], label_smoothing=0.05)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if log and step % 100 == 0:
            log(stage="classifier", step=step, loss=round(loss.item(), 4))
    clf = Classifier(net, f.mean(0), f.std(0).clamp_min(1e-4))
    xt, yt = procedural_set(seed + 1, test_per_family, size)
    accuracy = lambda imgs: (clf.predict(imgs) == yt).float().mean().item()
    return clf, accuracy(xt), accuracy(soften(xt, gen))
