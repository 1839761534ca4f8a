"""A small CLIP-shaped text transformer: causal self-attention, pre-LayerNorm, outputs
last_hidden_state and pooler_output (the state at the first <|endoftext|>, which has the
highest id in the vocabulary, exactly how CLIP finds it with argmax)."""
import torch
from torch import nn
import torch.nn.functional as F
from .layers import attention

WIDTH, LAYERS, HEADS, MAX_POS = 128, 2, 4, 77


class Layer(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln1, self.qkv, self.o = nn.LayerNorm(d), nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.ln2, self.fc1, self.fc2 = nn.LayerNorm(d), nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x, mask):
        q, k, v = self.qkv(self.ln1(x)).chunk(3, dim=-1)
        b, n, c = q.shape
        d = c // self.heads
        q, k, v = (t.reshape(b, n, self.heads, d).transpose(1, 2) for t in (q, k, v))
        w = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) * d ** -0.5 + mask, dim=-1)
        x = x + self.o(torch.matmul(w, v).transpose(1, 2).reshape(b, n, c))
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class TextEncoder(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, WIDTH)
        self.pos = nn.Parameter(torch.randn(MAX_POS, WIDTH) * 0.01)
        self.layers = nn.ModuleList([Layer(WIDTH, HEADS) for _ in range(LAYERS)])
        self.ln = nn.LayerNorm(WIDTH)

    def forward(self, input_ids):
        n = input_ids.shape[1]
        x = self.tok(input_ids.long()) + self.pos[:n]
        mask = torch.triu(torch.full((n, n), -1e9, device=x.device), diagonal=1)
        for layer in self.layers:
            x = layer(x, mask)
        x = self.ln(x)
        eos = input_ids.long().argmax(dim=-1)
        pooled = x[torch.arange(x.shape[0]), eos]
        return x, pooled
