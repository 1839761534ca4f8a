"""A small autoencoder with SD's interface: 8x downsampling, 4 latent channels, images in
[-1, 1]. Channels are narrow at full resolution so decoding 512x512 stays cheap."""
from torch import nn
import torch.nn.functional as F
from .layers import ResBlock, Upsample, conv3, norm

CHANNELS = (32, 64, 128, 128)   # full, 1/2, 1/4, 1/8 resolution
LATENT = 4


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        c = CHANNELS
        self.conv_in = conv3(3, c[0])
        self.blocks = nn.ModuleList()
        for i in range(3):
            self.blocks.append(ResBlock(c[i], c[i]))
            self.blocks.append(conv3(c[i], c[i + 1], stride=2))
        self.mid = ResBlock(c[3], c[3])
        self.n_out, self.conv_out = norm(c[3]), conv3(c[3], LATENT)

    def forward(self, x):
        h = self.conv_in(x)
        for b in self.blocks:
            h = b(h)
        return self.conv_out(F.silu(self.n_out(self.mid(h))))


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        c = CHANNELS
        self.conv_in = conv3(LATENT, c[3])
        self.mid = nn.ModuleList([ResBlock(c[3], c[3]), ResBlock(c[3], c[3])])
        self.ups = nn.ModuleList()
        for i in (2, 1, 0):
            self.ups.append(Upsample(c[i + 1], c[i]))
            self.ups.append(ResBlock(c[i], c[i]))
        self.n_out, self.conv_out = norm(c[0]), conv3(c[0], 3)

    def forward(self, z):
        h = self.conv_in(z)
        for b in self.mid:
            h = b(h)
        for b in self.ups:
            h = b(h)
        return self.conv_out(F.silu(self.n_out(h)))


class AutoEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder, self.decoder = Encoder(), Decoder()
