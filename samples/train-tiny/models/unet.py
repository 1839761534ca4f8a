"""A small SD-shaped UNet with SD's exact ONNX signature (sample, timestep, encoder_hidden_states).

Besides cross-attention at the two low resolutions, the text also enters through a pooled
embedding added to the time embedding: a learned query attends over encoder_hidden_states
inside the UNet. Tiny nets learn global colour slowly through attention alone; FiLM from the
pooled text gives every ResBlock the colour and material at once.
"""
import math
import torch
from torch import nn
import torch.nn.functional as F
from .layers import ResBlock, SpatialTransformer, Upsample, conv3, norm

CHANNELS = (48, 96, 128)
EMB = 128
TIME_FREQS = 64


def timestep_features(t, dim=TIME_FREQS):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    a = t.float().unsqueeze(1) * freqs.unsqueeze(0)
    return torch.cat([torch.cos(a), torch.sin(a)], dim=1)


class AttentionPool(nn.Module):
    """One learned query attending over the token states -> one vector per prompt."""

    def __init__(self, ctx_dim, out_dim):
        super().__init__()
        self.query = nn.Parameter(torch.randn(1, 1, ctx_dim) * 0.02)
        self.key = nn.Linear(ctx_dim, ctx_dim, bias=False)
        self.out = nn.Linear(ctx_dim, out_dim)
        self.scale = ctx_dim ** -0.5

    def forward(self, ctx):
        w = torch.softmax(torch.matmul(self.query, self.key(ctx).transpose(1, 2)) * self.scale, dim=-1)
        return self.out(torch.matmul(w, ctx).squeeze(1))


class UNet(nn.Module):
    def __init__(self, ctx_dim, in_channels=4, channels=CHANNELS):
        super().__init__()
        self.channels = tuple(channels)
        c0, c1, c2 = self.channels
        self.time = nn.Sequential(nn.Linear(TIME_FREQS, EMB), nn.SiLU(), nn.Linear(EMB, EMB))
        self.pool = AttentionPool(ctx_dim, EMB)
        self.conv_in = conv3(in_channels, c0)
        self.d0a, self.d0b, self.d0c = ResBlock(c0, c0, EMB), ResBlock(c0, c0, EMB), ResBlock(c0, c0, EMB)
        self.down0 = conv3(c0, c0, stride=2)
        self.d1, self.d1b, self.a1 = ResBlock(c0, c1, EMB), ResBlock(c1, c1, EMB), SpatialTransformer(c1, ctx_dim)
        self.down1 = conv3(c1, c1, stride=2)
        self.d2, self.d2b, self.a2 = ResBlock(c1, c2, EMB), ResBlock(c2, c2, EMB), SpatialTransformer(c2, ctx_dim)
        self.mid, self.mid_attn = ResBlock(c2, c2, EMB), SpatialTransformer(c2, ctx_dim)
        self.u2, self.u2b, self.ua2 = ResBlock(2 * c2, c2, EMB), ResBlock(c2, c2, EMB), SpatialTransformer(c2, ctx_dim)
        self.up1 = Upsample(c2, c1)
        self.u1, self.u1b, self.ua1 = ResBlock(2 * c1, c1, EMB), ResBlock(c1, c1, EMB), SpatialTransformer(c1, ctx_dim)
        self.up0 = Upsample(c1, c0)
        self.u0a, self.u0b, self.u0c = ResBlock(2 * c0, c0, EMB), ResBlock(c0, c0, EMB), ResBlock(c0, c0, EMB)
        self.n_out, self.conv_out = norm(c0), conv3(c0, in_channels)
        nn.init.zeros_(self.conv_out.weight)
        nn.init.zeros_(self.conv_out.bias)

    def forward(self, sample, timestep, encoder_hidden_states, pooled_keep=None):
        """pooled_keep: training only, [B] of 0/1; 0 drops that sample's pooled text vector (train.py --pool-dropout)."""
        ctx = encoder_hidden_states
        t = timestep.reshape(-1).expand(sample.shape[0])   # [1] broadcasts to the batch
        emb = self.time(timestep_features(t))
        pooled = self.pool(ctx)
        if pooled_keep is not None:
            pooled = pooled * pooled_keep.unsqueeze(1)
        emb = emb + pooled
        h = self.conv_in(sample)
        s0 = self.d0c(self.d0b(self.d0a(h, emb), emb), emb)
        s1 = self.a1(self.d1b(self.d1(self.down0(s0), emb), emb), ctx)
        s2 = self.a2(self.d2b(self.d2(self.down1(s1), emb), emb), ctx)
        h = self.mid_attn(self.mid(s2, emb), ctx)
        h = self.ua2(self.u2b(self.u2(torch.cat([h, s2], 1), emb), emb), ctx)
        h = self.ua1(self.u1b(self.u1(torch.cat([self.up1(h), s1], 1), emb), emb), ctx)
        h = self.u0c(self.u0b(self.u0a(torch.cat([self.up0(h), s0], 1), emb), emb), emb)
        return self.conv_out(F.silu(self.n_out(h)))
