"""Building blocks shared by the VAE and the UNet. Attention is written out with matmuls
(torch's fused attention paths do not export to ONNX in torch 1.13)."""
import math
import torch
from torch import nn
import torch.nn.functional as F

GROUPS = 8  # few groups: at 32-64 channels, 32 groups would normalise over 1-2 channels


def norm(c):
    return nn.GroupNorm(min(GROUPS, c), c, eps=1e-5)


def conv3(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, 3, stride=stride, padding=1)  # zero padding, as in SD


class ResBlock(nn.Module):
    """GroupNorm-SiLU-conv twice, with an optional FiLM (scale, shift) from an embedding."""

    def __init__(self, cin, cout, emb_dim=0):
        super().__init__()
        self.n1, self.c1 = norm(cin), conv3(cin, cout)
        self.n2, self.c2 = norm(cout), conv3(cout, cout)
        self.emb = nn.Linear(emb_dim, 2 * cout) if emb_dim else None
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, emb=None):
        h = self.c1(F.silu(self.n1(x)))
        h = self.n2(h)
        if self.emb is not None:
            scale, shift = self.emb(F.silu(emb)).unsqueeze(-1).unsqueeze(-1).chunk(2, dim=1)
            h = h * (1 + scale) + shift
        return self.skip(x) + self.c2(F.silu(h))


def attention(q, k, v, heads):
    """q [B, N, C], k/v [B, M, C] -> [B, N, C]."""
    b, n, c = q.shape
    d = c // heads
    q = q.reshape(b, n, heads, d).transpose(1, 2)
    k = k.reshape(b, -1, heads, d).transpose(1, 2)
    v = v.reshape(b, -1, heads, d).transpose(1, 2)
    w = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(d)), dim=-1)
    return torch.matmul(w, v).transpose(1, 2).reshape(b, n, c)


class MultiHead(nn.Module):
    def __init__(self, dim, ctx_dim, heads):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim, bias=False)
        self.k = nn.Linear(ctx_dim, dim, bias=False)
        self.v = nn.Linear(ctx_dim, dim, bias=False)
        self.o = nn.Linear(dim, dim)

    def forward(self, x, ctx):
        return self.o(attention(self.q(x), self.k(ctx), self.v(ctx), self.heads))


class SpatialTransformer(nn.Module):
    """SD's transformer block on a feature map: self-attention, cross-attention to the text,
    GEGLU feed-forward."""

    def __init__(self, c, ctx_dim, heads=4, ff_mult=2):
        super().__init__()
        self.norm = norm(c)
        self.proj_in = nn.Linear(c, c)
        self.ln1, self.self_attn = nn.LayerNorm(c), MultiHead(c, c, heads)
        self.ln2, self.cross_attn = nn.LayerNorm(c), MultiHead(c, ctx_dim, heads)
        self.ln3 = nn.LayerNorm(c)
        self.ff_in, self.ff_out = nn.Linear(c, ff_mult * c * 2), nn.Linear(ff_mult * c, c)
        self.proj_out = nn.Linear(c, c)

    def forward(self, x, ctx):
        b, c, h, w = x.shape
        t = self.proj_in(self.norm(x).reshape(b, c, h * w).transpose(1, 2))
        n = self.ln1(t)
        t = t + self.self_attn(n, n)
        t = t + self.cross_attn(self.ln2(t), ctx)
        a, gate = self.ff_in(self.ln3(t)).chunk(2, dim=-1)
        t = t + self.ff_out(a * F.gelu(gate))
        return x + self.proj_out(t).transpose(1, 2).reshape(b, c, h, w)


class Upsample(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = conv3(cin, cout)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))
