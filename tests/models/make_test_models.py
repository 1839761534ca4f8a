#!/usr/bin/env -S /usr/bin/python3
"""Writes tiny random-weight Stable Diffusion family models in the diffusers / optimum ONNX folder
layouts, with the input/output signatures of real exports, plus reference outputs of the txt2img and
img2img pipelines computed here in torch, independently of the C# pipeline that consumes them.

Run from the repository root with the Debian interpreter (it has torch 1.13, onnx 1.12, numpy):

    /usr/bin/python3 tests/models/make_test_models.py            # every model
    /usr/bin/python3 tests/models/make_test_models.py sd15 lcm   # some of them

Everything is deterministic: each model's weights come from torch.manual_seed(<model seed>), the
tokenizer merges are learned from a fixed word list, and torch runs on one thread.
See tests/models/README.md for what each folder imitates.
"""
import base64
import collections
import hashlib
import json
import math
import os
import shutil
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
# The CLIP-format BPE is seedtex-tiny's own (the recipe learns its vocabulary with it).
sys.path.insert(0, os.path.join(HERE, "..", "..", "samples", "train-tiny"))
import bpe as bpe_tokenizer  # noqa: E402
OPSET = 17
MAX_TOKENS = 77
DIFFUSERS_VERSION = "0.25.0"

# ---------------------------------------------------------------------------------------------
# Tokenizer: a small CLIP-format byte-level BPE vocabulary, learned from a list of material words.
# ---------------------------------------------------------------------------------------------

CORPUS = """
mossy stone brick wall seamless texture old red brick wall with white mortar cracked concrete floor
weathered oak wood planks dark walnut wood grain pine bark rough tree bark rusty metal plate brushed
steel sheet scratched iron panel copper roof tiles green patina gold leaf polished marble floor white
marble with grey veins sandstone blocks desert sand dunes beach sand with shells wet mud ground dry
cracked earth forest floor with leaves green grass lawn dense grass tufts gravel path cobblestone road
paving stones asphalt road with lines ceramic tiles bathroom tiles terracotta roof tiles slate roof
woven fabric cotton cloth denim leather brown leather wrinkled leather wool carpet persian rug ice
surface frozen lake snow field fresh snow lava rock molten lava volcanic rock granite cliff face
limestone rock wall mossy rocks river pebbles stone floor castle wall dungeon floor sci fi panel
metal grate hexagon tiles circuit board alien skin dragon scales fish scales blue sky with clouds
sunset sky over mountains night sky with stars overcast sky stormy clouds foggy forest ocean water
waves calm water lake reflection painted wood peeling paint plaster wall stucco wall wallpaper
pattern floral pattern checkered floor parquet floor herringbone bricks rubber tire tread camouflage
texture tileable seamless pbr albedo high detail photorealistic hand painted stylized game texture
""".split()

# A few words weighted up so that frequent prompt words become single tokens.
BOOST = {"texture": 6, "seamless": 6, "stone": 4, "wood": 4, "brick": 4, "wall": 4, "metal": 3,
         "sky": 3, "floor": 3, "tiles": 3, "rock": 3, "grass": 3, "sand": 3}


def learn_merges(max_merges=200):
    """Greedy byte-pair merges over the word list; a pair must occur at least twice."""
    freq = collections.Counter(CORPUS)
    for w, extra in BOOST.items():
        freq[w] += extra
    return bpe_tokenizer.learn_counts(freq, max_merges, min_count=2)


def added_token(content):
    return {"__type": "AddedToken", "content": content, "lstrip": False, "normalized": True,
            "rstrip": False, "single_word": False}


def write_tokenizer(folder, bpe, pad_token):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(bpe.vocab, f, ensure_ascii=False)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in bpe.merges:
            f.write(f"{a} {b}\n")
    special = {"bos_token": {k: v for k, v in added_token("<|startoftext|>").items() if k != "__type"},
               "eos_token": {k: v for k, v in added_token("<|endoftext|>").items() if k != "__type"},
               "pad_token": pad_token,
               "unk_token": {k: v for k, v in added_token("<|endoftext|>").items() if k != "__type"}}
    dump_json(os.path.join(folder, "special_tokens_map.json"), special)
    config = {"add_prefix_space": False, "bos_token": added_token("<|startoftext|>"), "do_lower_case": True,
              "eos_token": added_token("<|endoftext|>"), "errors": "replace", "model_max_length": MAX_TOKENS,
              "pad_token": pad_token, "tokenizer_class": "CLIPTokenizer",
              "unk_token": added_token("<|endoftext|>")}
    dump_json(os.path.join(folder, "tokenizer_config.json"), config)


# ---------------------------------------------------------------------------------------------
# Networks: SD-shaped, tiny. Attention is written out so the export has no fused fast paths.
# ---------------------------------------------------------------------------------------------

def attention(q, k, v, heads, mask=None):
    b, n, c = q.shape
    d = c // heads
    q = q.reshape(b, -1, heads, d).transpose(1, 2)
    k = k.reshape(b, -1, heads, d).transpose(1, 2)
    v = v.reshape(b, -1, heads, d).transpose(1, 2)
    scores = torch.matmul(q, k.transpose(-1, -2)) * (d ** -0.5)
    if mask is not None:
        scores = scores + mask
    return torch.matmul(torch.softmax(scores, dim=-1), v).transpose(1, 2).reshape(b, -1, c)


class Attention(nn.Module):
    def __init__(self, dim, ctx_dim, heads):
        super().__init__()
        self.heads = heads
        self.to_q = nn.Linear(dim, dim, bias=False)
        self.to_k = nn.Linear(ctx_dim, dim, bias=False)
        self.to_v = nn.Linear(ctx_dim, dim, bias=False)
        self.to_out = nn.Linear(dim, dim)

    def forward(self, x, ctx=None, mask=None):
        ctx = x if ctx is None else ctx
        return self.to_out(attention(self.to_q(x), self.to_k(ctx), self.to_v(ctx), self.heads, mask))


class ClipLayer(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, dim, heads)
        self.ln2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.fc2 = nn.Linear(4 * dim, dim)

    def forward(self, x, mask):
        x = x + self.attn(self.ln1(x), mask=mask)
        h = self.fc1(self.ln2(x))
        h = h * torch.sigmoid(1.702 * h)  # CLIP's quick_gelu
        return x + self.fc2(h)


class ClipTextEncoder(nn.Module):
    """CLIP text transformer. mode: 'clip' -> (last_hidden_state, pooler_output);
    'clip_hidden' -> (last_hidden_state, pooler_output, hidden_states.0..N);
    'clip_projection_hidden' -> (text_embeds, last_hidden_state, hidden_states.0..N)."""

    def __init__(self, vocab_size, dim, layers, heads, mode, projection_dim=None):
        super().__init__()
        self.mode = mode
        self.token_embedding = nn.Embedding(vocab_size, dim)
        self.position_embedding = nn.Parameter(torch.randn(MAX_TOKENS, dim) * 0.01)
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        self.layers = nn.ModuleList([ClipLayer(dim, heads) for _ in range(layers)])
        self.final_layer_norm = nn.LayerNorm(dim)
        self.text_projection = nn.Linear(dim, projection_dim, bias=False) if projection_dim else None

    def forward(self, input_ids):
        seq = input_ids.shape[1]
        x = self.token_embedding(input_ids.long()) + self.position_embedding[:seq]
        pos = torch.arange(seq)
        mask = torch.where(pos[None, :] > pos[:, None], torch.tensor(float("-inf")), torch.tensor(0.0))
        hidden = [x]
        for layer in self.layers:
            x = layer(x, mask)
            hidden.append(x)
        last = self.final_layer_norm(x)
        # CLIP pools at the end-of-text token, the highest id; argmax takes its first occurrence.
        eos = input_ids.to(torch.int32).argmax(dim=-1)
        pooled = last[torch.arange(last.shape[0]), eos]
        if self.mode == "clip":
            return last, pooled
        if self.mode == "clip_hidden":
            return (last, pooled, *hidden)
        return (self.text_projection(pooled), last, *hidden)


def sinusoid(t, dim):
    """Timestep embedding as diffusers' UNet2DConditionModel (flip_sin_to_cos=True, freq_shift=0)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t[:, None].float() * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb, groups):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.time = nn.Linear(temb, cout) if temb else None
        self.norm2 = nn.GroupNorm(groups, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, temb=None):
        h = self.conv1(F.silu(self.norm1(x)))
        if self.time is not None:
            h = h + self.time(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (x if self.skip is None else self.skip(x)) + h


class SpatialTransformer(nn.Module):
    def __init__(self, dim, ctx_dim, heads, groups):
        super().__init__()
        self.norm = nn.GroupNorm(groups, dim)
        self.proj_in = nn.Conv2d(dim, dim, 1)
        self.ln1 = nn.LayerNorm(dim)
        self.self_attn = Attention(dim, dim, heads)
        self.ln2 = nn.LayerNorm(dim)
        self.cross_attn = Attention(dim, ctx_dim, heads)
        self.ln3 = nn.LayerNorm(dim)
        self.ff1 = nn.Linear(dim, 2 * dim)
        self.ff2 = nn.Linear(2 * dim, dim)
        self.proj_out = nn.Conv2d(dim, dim, 1)

    def forward(self, x, ctx):
        b, c, h, w = x.shape
        t = self.proj_in(self.norm(x)).flatten(2).transpose(1, 2)
        t = t + self.self_attn(self.ln1(t))
        t = t + self.cross_attn(self.ln2(t), ctx)
        t = t + self.ff2(F.gelu(self.ff1(self.ln3(t))))
        t = t.transpose(1, 2).reshape(x.shape)
        return x + self.proj_out(t)


class UNet(nn.Module):
    """Two resolution levels, ResBlocks with timestep embedding, self- and cross-attention.
    Extra conditioning as in diffusers: 'text_time' (SDXL text_embeds + time_ids) and
    timestep_cond (LCM guidance embedding)."""

    def __init__(self, ctx_dim, ch=(32, 48), groups=8, heads=2, add_text_dim=None, add_time_dim=None,
                 time_cond_dim=None):
        super().__init__()
        c0, c1 = ch
        temb = 4 * c0
        self.c0 = c0
        self.time_cond = nn.Linear(time_cond_dim, c0, bias=False) if time_cond_dim else None
        self.time_mlp1 = nn.Linear(c0, temb)
        self.time_mlp2 = nn.Linear(temb, temb)
        self.add_time_dim = add_time_dim
        if add_text_dim:
            self.add_mlp1 = nn.Linear(add_text_dim + 6 * add_time_dim, temb)
            self.add_mlp2 = nn.Linear(temb, temb)
        self.conv_in = nn.Conv2d(4, c0, 3, padding=1)
        self.down1 = ResBlock(c0, c0, temb, groups)
        self.attn1 = SpatialTransformer(c0, ctx_dim, heads, groups)
        self.downsample = nn.Conv2d(c0, c0, 3, stride=2, padding=1)
        self.down2 = ResBlock(c0, c1, temb, groups)
        self.attn2 = SpatialTransformer(c1, ctx_dim, heads, groups)
        self.mid = ResBlock(c1, c1, temb, groups)
        self.up2 = ResBlock(2 * c1, c1, temb, groups)
        self.upsample = nn.Conv2d(c1, c1, 3, padding=1)
        self.up1 = ResBlock(c1 + c0, c0, temb, groups)
        self.attn_up1 = SpatialTransformer(c0, ctx_dim, heads, groups)
        self.norm_out = nn.GroupNorm(groups, c0)
        self.conv_out = nn.Conv2d(c0, 4, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states, text_embeds=None, time_ids=None,
                timestep_cond=None):
        # Exports feed timestep as [1] even at batch 2 (diffusers' ONNX pipeline does): broadcast here.
        t = timestep.to(torch.float32).reshape(-1).expand(sample.shape[0])
        e = sinusoid(t, self.c0)
        if self.time_cond is not None:
            e = e + self.time_cond(timestep_cond)
        temb = self.time_mlp2(F.silu(self.time_mlp1(e)))
        if text_embeds is not None:
            tid = sinusoid(time_ids.reshape(-1), self.add_time_dim).reshape(time_ids.shape[0], -1)
            add = torch.cat([text_embeds, tid], dim=-1)
            temb = temb + self.add_mlp2(F.silu(self.add_mlp1(add)))
        ctx = encoder_hidden_states
        h = self.conv_in(sample)
        s1 = self.attn1(self.down1(h, temb), ctx)
        h = self.downsample(s1)
        s2 = self.attn2(self.down2(h, temb), ctx)
        h = self.mid(s2, temb)
        h = self.up2(torch.cat([h, s2], dim=1), temb)
        h = self.upsample(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        h = self.attn_up1(self.up1(torch.cat([h, s1], dim=1), temb), ctx)
        # The identity term makes the random net behave roughly like a denoiser, so that sampling
        # loops end at well-scaled latents instead of at sigma_max-sized noise.
        return sample + self.conv_out(F.silu(self.norm_out(h)))


class VaeDecoder(nn.Module):
    def __init__(self, ch=(32, 32, 16, 16), groups=4):
        super().__init__()
        self.conv_in = nn.Conv2d(4, ch[0], 3, padding=1)
        self.res = ResBlock(ch[0], ch[0], None, groups)
        self.ups = nn.ModuleList([nn.Conv2d(ch[i], ch[i + 1], 3, padding=1) for i in range(3)])
        self.conv_out = nn.Conv2d(ch[3], 3, 3, padding=1)

    def forward(self, latent_sample):
        h = self.res(self.conv_in(latent_sample))
        for conv in self.ups:
            h = F.silu(conv(F.interpolate(h, scale_factor=2.0, mode="nearest")))
        return self.conv_out(h)


class VaeEncoder(nn.Module):
    """Returns the latent distribution's mean ('latent_sample' variant) or mean and log-variance
    stacked on channels ('latent_parameters' variant, as newer optimum exports)."""

    def __init__(self, ch=(16, 16, 32, 32), groups=4, parameters=False):
        super().__init__()
        self.parameters_out = parameters
        self.conv_in = nn.Conv2d(3, ch[0], 3, padding=1)
        self.downs = nn.ModuleList([nn.Conv2d(ch[i], ch[i + 1], 3, stride=2, padding=1) for i in range(3)])
        self.res = ResBlock(ch[3], ch[3], None, groups)
        self.norm_out = nn.GroupNorm(groups, ch[3])
        self.conv_out = nn.Conv2d(ch[3], 8, 3, padding=1)

    def forward(self, sample):
        h = self.conv_in(sample)
        for conv in self.downs:
            h = F.silu(conv(h))
        p = self.conv_out(F.silu(self.norm_out(self.res(h))))
        return p if self.parameters_out else p[:, :4]


class Fp16Boundary(nn.Module):
    """float16 at the graph boundary, float32 inside: ORT's CPU provider lacks many fp16 kernels."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, *args):
        args = [a.float() if a.dtype == torch.float16 else a for a in args]
        out = self.inner(*args)
        if isinstance(out, tuple):
            return tuple(o.half() for o in out)
        return out.half()


def calibrate(layer, model, inputs, target_std):
    """Rescales a layer's weights so the model's output std on a typical input hits target_std."""
    with torch.no_grad():
        out = model(*inputs)
        out = out[0] if isinstance(out, tuple) else out
        std = float(out.float().std())
        layer.weight.mul_(target_std / std)
        if layer.bias is not None:
            layer.bias.mul_(target_std / std)


def calibrate_unet_residual(unet, inputs, target_std):
    """Scales conv_out so the net's departure from the identity term has the wanted size."""
    with torch.no_grad():
        diff = unet(*inputs) - inputs[0]
        k = target_std / float(diff.std())
        unet.conv_out.weight.mul_(k)
        unet.conv_out.bias.mul_(k)


# ---------------------------------------------------------------------------------------------
# Export helpers
# ---------------------------------------------------------------------------------------------

def export(module, args, path, input_names, output_names, dynamic_axes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, tuple(args), path, input_names=input_names, output_names=output_names,
                          dynamic_axes=dynamic_axes, opset_version=OPSET, do_constant_folding=True)
    model = onnx.load(path)
    onnx.checker.check_model(model)
    onnx.shape_inference.infer_shapes(model, strict_mode=True)
    return describe(model)


def describe(model):
    def value_info(v):
        t = v.type.tensor_type
        dims = [d.dim_param if d.dim_param else d.dim_value for d in t.shape.dim]
        return {"name": v.name, "dtype": onnx.TensorProto.DataType.Name(t.elem_type).lower(), "shape": dims}
    inits = {i.name for i in model.graph.initializer}
    return {"inputs": [value_info(v) for v in model.graph.input if v.name not in inits],
            "outputs": [value_info(v) for v in model.graph.output]}


def dump_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


# ---------------------------------------------------------------------------------------------
# Scheduler: diffusers' EulerDiscreteScheduler (s_churn = 0), written from its published formulas.
# ---------------------------------------------------------------------------------------------

class Euler:
    def __init__(self, config, steps):
        n = config["num_train_timesteps"]
        if config["beta_schedule"] == "scaled_linear":
            betas = torch.linspace(config["beta_start"] ** 0.5, config["beta_end"] ** 0.5, n,
                                   dtype=torch.float32) ** 2
        else:
            betas = torch.linspace(config["beta_start"], config["beta_end"], n, dtype=torch.float32)
        alphas_cumprod = torch.cumprod(1.0 - betas, dim=0)
        # Euler's own default when a config (e.g. PNDM's or DDIM's) has no timestep_spacing key.
        self.spacing = config.get("timestep_spacing", "linspace")
        if self.spacing == "linspace":
            ts = np.linspace(0, n - 1, steps, dtype=np.float64)[::-1].copy()
        elif self.spacing == "leading":
            ratio = n // steps
            ts = (np.arange(0, steps) * ratio).round()[::-1].copy().astype(np.float32)
            ts += config.get("steps_offset", 0)
        elif self.spacing == "trailing":
            ratio = n / steps
            ts = np.round(np.arange(n, 0, -ratio)).astype(np.float32) - 1
        else:
            raise ValueError(self.spacing)
        sig = np.array(((1 - alphas_cumprod) / alphas_cumprod) ** 0.5)
        sig = np.interp(ts, np.arange(0, len(sig)), sig)
        self.sigmas = torch.from_numpy(np.concatenate([sig, [0.0]]).astype(np.float32))
        self.timesteps = torch.from_numpy(ts.astype(np.float32))
        self.prediction = config.get("prediction_type", "epsilon")
        smax = float(self.sigmas.max())
        self.init_noise_sigma = smax if self.spacing in ("linspace", "trailing") else (smax ** 2 + 1) ** 0.5

    def scale_model_input(self, x, i):
        return x / ((self.sigmas[i] ** 2 + 1) ** 0.5)

    def step(self, model_output, i, x):
        sigma = self.sigmas[i]
        if self.prediction == "epsilon":
            denoised = x - sigma * model_output
        elif self.prediction == "v_prediction":
            denoised = model_output * (-sigma / (sigma ** 2 + 1) ** 0.5) + x / (sigma ** 2 + 1)
        else:
            raise ValueError(self.prediction)
        derivative = (x - denoised) / sigma
        return x + derivative * (self.sigmas[i + 1] - sigma)


class Lcm:
    """diffusers' LCMScheduler (epsilon prediction, timestep_spacing 'leading', no thresholding), with
    the inference timesteps picked as diffusers 0.25+ does (floor of an even spread over the
    original_inference_steps schedule)."""

    def __init__(self, config, steps):
        n = config["num_train_timesteps"]
        betas = torch.linspace(config["beta_start"] ** 0.5, config["beta_end"] ** 0.5, n, dtype=torch.float32) ** 2
        self.alphas_cumprod = torch.cumprod(1.0 - betas, dim=0)
        self.final_alpha_cumprod = torch.tensor(1.0) if config["set_alpha_to_one"] else self.alphas_cumprod[0]
        original = config["original_inference_steps"]
        k = n // original
        origin = (np.arange(1, original + 1) * k - 1)[::-1].copy()
        picks = np.floor(np.linspace(0, len(origin), num=steps, endpoint=False)).astype(np.int64)
        self.timesteps = torch.from_numpy(origin[picks].astype(np.int64))
        self.timestep_scaling = config["timestep_scaling"]
        self.spacing = "lcm (original_inference_steps %d)" % original
        self.prediction = config["prediction_type"]
        self.init_noise_sigma = 1.0
        self.sigmas = torch.zeros(0)

    def scale_model_input(self, x, i):
        return x

    def step(self, model_output, i, x, generator):
        t = int(self.timesteps[i])
        prev_t = int(self.timesteps[i + 1]) if i + 1 < len(self.timesteps) else t
        a_t = self.alphas_cumprod[t]
        a_prev = self.alphas_cumprod[prev_t] if prev_t >= 0 else self.final_alpha_cumprod
        # boundary-condition scalings of consistency models, sigma_data = 0.5
        scaled = t * self.timestep_scaling
        c_skip = 0.25 / (scaled ** 2 + 0.25)
        c_out = scaled / (scaled ** 2 + 0.25) ** 0.5
        x0 = (x - (1 - a_t).sqrt() * model_output) / a_t.sqrt()
        denoised = c_out * x0 + c_skip * x
        if i == len(self.timesteps) - 1:
            return denoised
        noise = torch.randn(model_output.shape, generator=generator, dtype=torch.float32)
        return a_prev.sqrt() * denoised + (1 - a_prev).sqrt() * noise


def guidance_embedding(w, dim):
    """LCM pipeline's embedding of the guidance scale: w * 1000, sin then cos, log(10000)/(half-1)."""
    w = w * 1000.0
    half = dim // 2
    freqs = torch.exp(torch.arange(half, dtype=torch.float32) * -(math.log(10000.0) / (half - 1)))
    args = w.to(torch.float32)[:, None] * freqs[None, :]
    return torch.cat([torch.sin(args), torch.cos(args)], dim=1)


# ---------------------------------------------------------------------------------------------
# Reference pipeline
# ---------------------------------------------------------------------------------------------

def tensor_summary(t, first=8):
    a = t.detach().to(torch.float32).contiguous().numpy()
    return {"shape": list(a.shape), "sha256_f32le": hashlib.sha256(a.astype("<f4").tobytes()).hexdigest(),
            "first8": [float(v) for v in a.reshape(-1)[:first]]}


def image_record(decoded):
    img = ((decoded[0] / 2 + 0.5).clamp(0, 1) * 255).round().to(torch.uint8).permute(1, 2, 0).contiguous()
    raw = img.numpy().tobytes()
    return {"width": img.shape[1], "height": img.shape[0], "format": "rgb8, row-major, top row first",
            "sha256": hashlib.sha256(raw).hexdigest(), "base64": base64.b64encode(raw).decode("ascii")}


def decoder_stats(decoded):
    d = decoded[0].to(torch.float32)
    return {"shape": list(decoded.shape), "mean_per_channel": [float(c.mean()) for c in d],
            "min": float(d.min()), "max": float(d.max()),
            "fraction_clamped": float(((d < -1) | (d > 1)).float().mean())}


class Pipeline:
    """Holds one model's torch modules and knows how that model's graphs are fed."""

    def __init__(self, spec, modules, bpe):
        self.spec, self.bpe = spec, bpe
        self.m = {k: Fp16Boundary(v) for k, v in modules.items()} if spec.get("fp16") else modules

    def io(self, t):
        """Tensors cross the graph boundary in the model's float dtype (fp16 models round there)."""
        return t.half() if self.spec.get("fp16") else t

    def encode_prompt(self, text):
        """Returns (encoder_hidden_states, text_embeds or None, token id lists)."""
        s = self.spec
        if s["kind"] == "sdxl":
            ids1 = self.bpe.encode(text, self.bpe.vocab["<|endoftext|>"])
            ids2 = self.bpe.encode(text, self.bpe.vocab["!"])
            with torch.no_grad():
                o1 = self.m["text_encoder"](torch.tensor([ids1], dtype=ids_dtype(s)))
                o2 = self.m["text_encoder_2"](torch.tensor([ids2], dtype=ids_dtype(s)))
            # penultimate hidden states of both encoders, side by side; pooled = encoder 2's projection
            hidden = torch.cat([o1[2 + s["te_layers"] - 1], o2[2 + s["te2_layers"] - 1]], dim=-1)
            return hidden, o2[0], {"tokenizer": ids1, "tokenizer_2": ids2}
        ids = self.bpe.encode(text, self.bpe.vocab[s["pad_token"]])
        with torch.no_grad():
            out = self.m["text_encoder"](torch.tensor([ids], dtype=ids_dtype(s)))
        return out[0].to(torch.float32), None, {"tokenizer": ids}

    def unet(self, latent_in, t, hidden, text_embeds, time_ids, w_embedding):
        s = self.spec
        if s["timestep_dtype"] == "int64":
            ts = torch.tensor([int(t)], dtype=torch.int64)  # the float timestep truncated, as numpy's astype
        else:
            ts = torch.tensor([t], dtype=torch.float32)
        args = [self.io(latent_in), ts, self.io(hidden)]
        if s["kind"] == "sdxl":
            args += [self.io(text_embeds), self.io(time_ids)]
        extra = {"timestep_cond": self.io(w_embedding)} if s["kind"] == "lcm" else {}
        with torch.no_grad():
            return self.m["unet"](*args, **extra).to(torch.float32)

    def decode(self, latents):
        with torch.no_grad():
            return self.m["vae_decoder"](self.io(latents / self.spec["scaling_factor"])).to(torch.float32)

    def run(self, prompt, negative, seed, width, height, steps, guidance, init_image=None, strength=1.0):
        s = self.spec
        sched = Lcm(s["scheduler"], steps) if s["kind"] == "lcm" else Euler(s["scheduler"], steps)
        cfg = guidance > 1.0 and s["kind"] != "lcm"
        cond, cond_pooled, cond_ids = self.encode_prompt(prompt)
        record = {"model": s["name"], "pipeline": "img2img" if init_image is not None else "txt2img",
                  "prompt": prompt, "negative_prompt": negative if cfg else None, "seed": seed,
                  "width": width, "height": height, "steps": steps, "guidance_scale": guidance,
                  "classifier_free_guidance": cfg, "scheduler": "lcm" if s["kind"] == "lcm" else "euler",
                  "scheduler_settings": {"timestep_spacing": sched.spacing, "prediction_type": sched.prediction,
                                         "beta_schedule": s["scheduler"]["beta_schedule"]},
                  "unet_timestep_dtype": s["timestep_dtype"],
                  "input_ids_dtype": s.get("input_ids_dtype", "int32"), "token_ids": {"prompt": cond_ids}}
        hidden, pooled = cond, cond_pooled
        if cfg:
            unc, unc_pooled, unc_ids = self.encode_prompt(negative)
            record["token_ids"]["negative_prompt"] = unc_ids
            if s["kind"] == "sdxl" and negative == "":
                # SDXL's force_zeros_for_empty_prompt: an empty negative prompt means zero embeddings.
                unc, unc_pooled = torch.zeros_like(unc), torch.zeros_like(unc_pooled)
                record["negative_embeddings"] = "zeros (force_zeros_for_empty_prompt, empty negative prompt)"
            # diffusers order: [unconditional, conditional]
            hidden = torch.cat([unc, cond])
            pooled = torch.cat([unc_pooled, cond_pooled]) if cond_pooled is not None else None
        record["prompt_embedding"] = tensor_summary(cond)
        if cond_pooled is not None:
            record["prompt_text_embeds"] = tensor_summary(cond_pooled)
        batch = hidden.shape[0]
        time_ids = None
        if s["kind"] == "sdxl":
            # [original_height, original_width, crop_top, crop_left, target_height, target_width]
            time_ids = torch.tensor([[height, width, 0, 0, height, width]], dtype=torch.float32).repeat(batch, 1)
            record["time_ids"] = time_ids[0].tolist()
        w_embedding = None
        if s["kind"] == "lcm":
            # LCM: guidance enters the UNet as an embedding of (w - 1), no classifier-free batch.
            w_embedding = guidance_embedding(torch.tensor([guidance - 1.0]), s["time_cond_dim"])
            record["timestep_cond_first8"] = [float(v) for v in w_embedding[0, :8]]

        gen = torch.Generator().manual_seed(seed)
        shape = (1, 4, height // 8, width // 8)
        # The first draw from the seeded generator, for txt2img and img2img alike (the exported VAE
        # encoder returns the mean, so img2img makes no draw before this one).
        noise = torch.randn(shape, generator=gen, dtype=torch.float32)
        record["initial_noise"] = dict(tensor_summary(noise), values=[float(v) for v in noise.reshape(-1)])
        start = 0
        if init_image is None:
            latents = noise * sched.init_noise_sigma
        else:
            with torch.no_grad():
                mean = self.m["vae_encoder"](self.io(init_image)).to(torch.float32)[:, :4]
            init_latents = mean * s["scaling_factor"]
            record["init_latent_scaled"] = tensor_summary(init_latents)
            init_steps = min(int(steps * strength), steps)
            start = max(steps - init_steps, 0)
            record["strength"] = strength
            record["first_step_index"] = start
            latents = init_latents + noise * sched.sigmas[start]
        record["init_noise_sigma"] = sched.init_noise_sigma
        record["timesteps"] = [float(v) for v in sched.timesteps[start:]]
        if len(sched.sigmas):
            record["sigmas"] = [float(v) for v in sched.sigmas]
        record["initial_latent"] = tensor_summary(latents)
        for i in range(start, steps):
            model_in = sched.scale_model_input(torch.cat([latents] * batch), i)
            out = self.unet(model_in, float(sched.timesteps[i]), hidden, pooled, time_ids, w_embedding)
            if cfg:
                out = out[0:1] + guidance * (out[1:2] - out[0:1])
            if i == start:
                record["first_step_noise_pred"] = tensor_summary(out)
            if s["kind"] == "lcm":
                latents = sched.step(out, i, latents, gen)
            else:
                latents = sched.step(out, i, latents)
        record["final_latent"] = {"shape": list(latents.shape),
                                  "values": [float(v) for v in latents.reshape(-1)]}
        decoded = self.decode(latents)
        record["decoder_output"] = decoder_stats(decoded)
        record["image"] = image_record(decoded)
        return record


def gradient_image(width, height):
    """A deterministic RGB test picture: red rises left to right, green top to bottom, blue diagonal."""
    x = torch.arange(width, dtype=torch.float32)[None, :].expand(height, width)
    y = torch.arange(height, dtype=torch.float32)[:, None].expand(height, width)
    rgb = torch.stack([x / (width - 1), y / (height - 1), (x + y) / (width + height - 2)])
    u8 = (rgb * 255).round().to(torch.uint8)
    as_float = u8.to(torch.float32)[None] / 255.0 * 2.0 - 1.0
    return u8.permute(1, 2, 0).contiguous(), as_float


# ---------------------------------------------------------------------------------------------
# Model specifications
# ---------------------------------------------------------------------------------------------

SD15_SCHEDULER = {"_class_name": "PNDMScheduler", "_diffusers_version": "0.6.0", "beta_end": 0.012,
                  "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": False,
                  "num_train_timesteps": 1000, "prediction_type": "epsilon", "set_alpha_to_one": False,
                  "skip_prk_steps": True, "steps_offset": 1, "trained_betas": None}

SD21_SCHEDULER = {"_class_name": "DDIMScheduler", "_diffusers_version": "0.8.0", "beta_end": 0.012,
                  "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": False,
                  "num_train_timesteps": 1000, "prediction_type": "v_prediction", "set_alpha_to_one": False,
                  "skip_prk_steps": True, "steps_offset": 1, "trained_betas": None}

TURBO_SCHEDULER = {"_class_name": "EulerDiscreteScheduler", "_diffusers_version": "0.24.0.dev0",
                   "beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085,
                   "clip_sample": False, "interpolation_type": "linear", "num_train_timesteps": 1000,
                   "prediction_type": "epsilon", "sample_max_value": 1.0, "set_alpha_to_one": False,
                   "skip_prk_steps": True, "steps_offset": 1, "timestep_spacing": "trailing",
                   "trained_betas": None, "use_karras_sigmas": False}

SDXL_TURBO_SCHEDULER = {"_class_name": "EulerAncestralDiscreteScheduler", "_diffusers_version": "0.24.0.dev0",
                        "beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085,
                        "clip_sample": False, "interpolation_type": "linear", "num_train_timesteps": 1000,
                        "prediction_type": "epsilon", "sample_max_value": 1.0, "set_alpha_to_one": False,
                        "skip_prk_steps": True, "steps_offset": 1, "timestep_spacing": "trailing",
                        "trained_betas": None}

LCM_SCHEDULER = {"_class_name": "LCMScheduler", "_diffusers_version": "0.22.0.dev0", "beta_end": 0.012,
                 "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": False,
                 "clip_sample_range": 1.0, "dynamic_thresholding_ratio": 0.995, "num_train_timesteps": 1000,
                 "original_inference_steps": 50, "prediction_type": "epsilon", "rescale_betas_zero_snr": False,
                 "sample_max_value": 1.0, "set_alpha_to_one": True, "steps_offset": 1,
                 "thresholding": False, "timestep_scaling": 10.0, "timestep_spacing": "leading",
                 "trained_betas": None}

SPECS = {
    "sd15": dict(name="sd15", residual=0.15, kind="sd", layout="diffusers", seed=1501, dim=32, te_layers=2, heads=2,
                 pad_token="<|endoftext|>", timestep_dtype="int64", scheduler=SD15_SCHEDULER,
                 scaling_factor=0.18215, sample_size=64, prediction="epsilon"),
    "sd15-fp16": dict(name="sd15-fp16", residual=0.15, kind="sd", layout="diffusers", seed=1501, dim=32, te_layers=2, heads=2,
                      pad_token="<|endoftext|>", timestep_dtype="int64", scheduler=SD15_SCHEDULER,
                      scaling_factor=0.18215, sample_size=64, fp16=True),
    "sd21-v": dict(name="sd21-v", residual=0.3, kind="sd", layout="diffusers", seed=2101, dim=48, te_layers=2, heads=2,
                   pad_token="!", timestep_dtype="float32", scheduler=SD21_SCHEDULER,
                   scaling_factor=0.18215, sample_size=96),
    "sd-turbo": dict(name="sd-turbo", residual=0.07, kind="sd", layout="optimum", seed=2201, dim=48, te_layers=2, heads=2,
                     pad_token="!", timestep_dtype="float32", scheduler=TURBO_SCHEDULER,
                     scaling_factor=0.18215, sample_size=64),
    "sdxl-turbo": dict(name="sdxl-turbo", residual=0.06, kind="sdxl", layout="optimum", seed=2301, dim=32, dim2=48, proj=40,
                       add_time_dim=8, te_layers=2, te2_layers=2, heads=2, pad_token="<|endoftext|>",
                       timestep_dtype="float32", scheduler=SDXL_TURBO_SCHEDULER, scaling_factor=0.13025,
                       sample_size=64, vae_parameters=True, input_ids_dtype="int64"),
    "lcm": dict(name="lcm", residual=0.15, kind="lcm", layout="optimum", seed=2401, dim=32, te_layers=2, heads=2,
                pad_token="<|endoftext|>", timestep_dtype="float32", scheduler=LCM_SCHEDULER,
                scaling_factor=0.18215, sample_size=64, time_cond_dim=256),
}


def ids_dtype(spec):
    return torch.int64 if spec.get("input_ids_dtype") == "int64" else torch.int32


def build_modules(spec, vocab_size):
    torch.manual_seed(spec["seed"])
    m = {}
    if spec["kind"] == "sdxl":
        m["text_encoder"] = ClipTextEncoder(vocab_size, spec["dim"], spec["te_layers"], spec["heads"], "clip_hidden")
        m["text_encoder_2"] = ClipTextEncoder(vocab_size, spec["dim2"], spec["te2_layers"], spec["heads"],
                                              "clip_projection_hidden", projection_dim=spec["proj"])
        ctx = spec["dim"] + spec["dim2"]
        m["unet"] = UNet(ctx, add_text_dim=spec["proj"], add_time_dim=spec["add_time_dim"])
    else:
        m["text_encoder"] = ClipTextEncoder(vocab_size, spec["dim"], spec["te_layers"], spec["heads"], "clip")
        ctx = spec["dim"]
        m["unet"] = UNet(ctx, time_cond_dim=spec.get("time_cond_dim"))
    m["vae_decoder"] = VaeDecoder()
    m["vae_encoder"] = VaeEncoder(parameters=spec.get("vae_parameters", False))
    for mod in m.values():
        mod.eval()

    # Calibrate output scales on typical inputs so sampling stays well-scaled.
    g = torch.Generator().manual_seed(spec["seed"] + 1)
    lat = torch.randn(2, 4, 8, 8, generator=g)
    ctx_in = torch.randn(2, MAX_TOKENS, ctx, generator=g)
    extra = []
    if spec["kind"] == "sdxl":
        extra = [torch.randn(2, spec["proj"], generator=g), torch.tensor([[64.0, 64, 0, 0, 64, 64]] * 2)]
    if spec["kind"] == "lcm":
        extra = [None, None, guidance_embedding(torch.tensor([7.0, 7.0]), spec["time_cond_dim"])]
    with torch.no_grad():
        # Stronger timestep and text paths than a default init, so that a wrong timestep or prompt
        # embedding changes the picture clearly.
        for mod in m["unet"].modules():
            if isinstance(mod, ResBlock) and mod.time is not None:
                mod.time.weight.mul_(4.0)
            if isinstance(mod, SpatialTransformer):
                mod.cross_attn.to_out.weight.mul_(4.0)
    calibrate_unet_residual(m["unet"], [lat, torch.tensor([500.0]), ctx_in] + extra, spec["residual"])
    calibrate(m["vae_decoder"].conv_in, m["vae_decoder"], [lat / spec["scaling_factor"]], 1.0)
    calibrate(m["vae_decoder"].conv_out, m["vae_decoder"], [lat / spec["scaling_factor"]], 0.6)
    img = torch.rand(1, 3, 64, 64, generator=g) * 2 - 1
    calibrate(m["vae_encoder"].conv_out, m["vae_encoder"], [img], 1.0)
    return m


def export_model(spec, m, folder, vocab_size):
    """Writes the graphs with the names, dtypes and dynamic axes of the export this folder imitates."""
    fp16 = spec.get("fp16", False)
    ftype = torch.float16 if fp16 else torch.float32
    wrap = Fp16Boundary if fp16 else (lambda x: x)
    optimum = spec["layout"] == "optimum"
    graphs = {}
    ids = torch.zeros(1, MAX_TOKENS, dtype=ids_dtype(spec))
    ids[0, :3] = torch.tensor([vocab_size - 2, 5, vocab_size - 1])

    def te_axes(names):
        if not optimum:
            return {"input_ids": {0: "batch", 1: "sequence"}}  # diffusers' converter names inputs only
        axes = {"input_ids": {0: "batch_size", 1: "sequence_length"}}
        for n in names:
            axes[n] = {0: "batch_size"} if n == "pooler_output" else {0: "batch_size", 1: "sequence_length"}
        return axes

    if spec["kind"] == "sdxl":
        n1 = ["last_hidden_state", "pooler_output"] + [f"hidden_states.{i}" for i in range(spec["te_layers"] + 1)]
        n2 = ["text_embeds", "last_hidden_state"] + [f"hidden_states.{i}" for i in range(spec["te2_layers"] + 1)]
        graphs["text_encoder"] = export(m["text_encoder"], [ids], f"{folder}/text_encoder/model.onnx",
                                        ["input_ids"], n1, te_axes(n1))
        graphs["text_encoder_2"] = export(m["text_encoder_2"], [ids], f"{folder}/text_encoder_2/model.onnx",
                                          ["input_ids"], n2, te_axes(n2))
        ctx = spec["dim"] + spec["dim2"]
    else:
        names = ["last_hidden_state", "pooler_output"]
        graphs["text_encoder"] = export(wrap(m["text_encoder"]), [ids], f"{folder}/text_encoder/model.onnx",
                                        ["input_ids"], names, te_axes(names))
        ctx = spec["dim"]

    tdtype = torch.int64 if spec["timestep_dtype"] == "int64" else torch.float32
    unet_args = [torch.randn(2, 4, 8, 8).to(ftype), torch.tensor([999], dtype=tdtype),
                 torch.randn(2, MAX_TOKENS, ctx).to(ftype)]
    unet_in = ["sample", "timestep", "encoder_hidden_states"]
    if optimum:
        axes = {"sample": {0: "batch_size", 2: "height", 3: "width"}, "timestep": {0: "steps"},
                "encoder_hidden_states": {0: "batch_size", 1: "sequence_length"},
                "out_sample": {0: "batch_size", 2: "height", 3: "width"}}
    else:
        axes = {"sample": {0: "batch", 1: "channels", 2: "height", 3: "width"}, "timestep": {0: "batch"},
                "encoder_hidden_states": {0: "batch", 1: "sequence"}}
    if spec["kind"] == "sdxl":
        unet_args += [torch.randn(2, spec["proj"]), torch.tensor([[64.0, 64, 0, 0, 64, 64]] * 2)]
        unet_in += ["text_embeds", "time_ids"]
        axes.update({"text_embeds": {0: "batch_size"}, "time_ids": {0: "batch_size"}})
    if spec["kind"] == "lcm":
        unet_args += [torch.randn(2, spec["time_cond_dim"])]
        unet_in += ["timestep_cond"]
        axes["timestep_cond"] = {0: "batch_size"}
        unet_module = LcmUNetSignature(m["unet"])
    else:
        unet_module = wrap(m["unet"])
    graphs["unet"] = export(unet_module, unet_args, f"{folder}/unet/model.onnx", unet_in, ["out_sample"], axes)

    if optimum:
        dec_axes = {"latent_sample": {0: "batch_size", 2: "height_latent", 3: "width_latent"},
                    "sample": {0: "batch_size", 2: "height", 3: "width"}}
        enc_out = "latent_parameters" if spec.get("vae_parameters") else "latent_sample"
        enc_axes = {"sample": {0: "batch_size", 2: "height", 3: "width"},
                    enc_out: {0: "batch_size", 2: "height_latent", 3: "width_latent"}}
    else:
        dec_axes = {"latent_sample": {0: "batch", 1: "channels", 2: "height", 3: "width"}}
        enc_out = "latent_sample"
        enc_axes = {"sample": {0: "batch", 1: "channels", 2: "height", 3: "width"}}
    graphs["vae_decoder"] = export(wrap(m["vae_decoder"]), [torch.randn(1, 4, 8, 8).to(ftype)],
                                   f"{folder}/vae_decoder/model.onnx", ["latent_sample"], ["sample"], dec_axes)
    graphs["vae_encoder"] = export(wrap(m["vae_encoder"]), [torch.randn(1, 3, 64, 64).to(ftype)],
                                   f"{folder}/vae_encoder/model.onnx", ["sample"], [enc_out], enc_axes)
    return graphs


class LcmUNetSignature(nn.Module):
    """The LCM export's input list: timestep_cond follows encoder_hidden_states directly."""

    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states, timestep_cond):
        return self.unet(sample, timestep, encoder_hidden_states, timestep_cond=timestep_cond)


# ---------------------------------------------------------------------------------------------
# Configs beside the graphs
# ---------------------------------------------------------------------------------------------

def clip_text_config(spec, dim, layers, vocab_size, projection=None, pad_id=1):
    cfg = {"_name_or_path": "seedtex-test/" + spec["name"],
           "architectures": ["CLIPTextModelWithProjection" if projection else "CLIPTextModel"],
           "attention_dropout": 0.0, "bos_token_id": vocab_size - 2, "eos_token_id": vocab_size - 1,
           "hidden_act": "quick_gelu", "hidden_size": dim, "initializer_factor": 1.0, "initializer_range": 0.02,
           "intermediate_size": 4 * dim, "layer_norm_eps": 1e-05, "max_position_embeddings": MAX_TOKENS,
           "model_type": "clip_text_model", "num_attention_heads": spec["heads"], "num_hidden_layers": layers,
           "pad_token_id": pad_id, "projection_dim": projection or dim, "torch_dtype": "float32",
           "transformers_version": "4.35.2", "vocab_size": vocab_size}
    if spec["kind"] == "sdxl":
        cfg["output_hidden_states"] = True
    return cfg


def unet_config(spec, ctx):
    cfg = {"_class_name": "UNet2DConditionModel", "_diffusers_version": DIFFUSERS_VERSION,
           "act_fn": "silu", "attention_head_dim": 2, "block_out_channels": [32, 48],
           "center_input_sample": False, "cross_attention_dim": ctx,
           "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D"], "flip_sin_to_cos": True,
           "freq_shift": 0, "in_channels": 4, "layers_per_block": 1, "mid_block_type": "UNetMidBlock2DCrossAttn",
           "norm_eps": 1e-05, "norm_num_groups": 8, "out_channels": 4, "sample_size": spec["sample_size"],
           "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"], "time_cond_proj_dim": None,
           "addition_embed_type": None, "addition_time_embed_dim": None,
           "projection_class_embeddings_input_dim": None}
    if spec["kind"] == "sdxl":
        cfg.update({"addition_embed_type": "text_time", "addition_time_embed_dim": spec["add_time_dim"],
                    "projection_class_embeddings_input_dim": spec["proj"] + 6 * spec["add_time_dim"]})
    if spec["kind"] == "lcm":
        cfg["time_cond_proj_dim"] = spec["time_cond_dim"]
    return cfg


def vae_config(spec):
    return {"_class_name": "AutoencoderKL", "_diffusers_version": DIFFUSERS_VERSION, "act_fn": "silu",
            "block_out_channels": [16, 16, 32, 32],
            "down_block_types": ["DownEncoderBlock2D"] * 4, "force_upcast": spec["kind"] == "sdxl",
            "in_channels": 3, "latent_channels": 4, "layers_per_block": 1, "norm_num_groups": 4,
            "out_channels": 3, "sample_size": spec["sample_size"] * 8, "scaling_factor": spec["scaling_factor"],
            "up_block_types": ["UpDecoderBlock2D"] * 4}


def write_configs(spec, folder, bpe):
    vocab_size = len(bpe.vocab)
    sched = dict(spec["scheduler"])
    dump_json(f"{folder}/scheduler/scheduler_config.json", sched)
    if spec["layout"] == "diffusers":
        index = {"_class_name": "OnnxStableDiffusionPipeline", "_diffusers_version": DIFFUSERS_VERSION,
                 "feature_extractor": [None, None], "requires_safety_checker": False,
                 "safety_checker": [None, None], "scheduler": ["diffusers", sched["_class_name"]],
                 "text_encoder": ["onnxruntime", "OnnxRuntimeModel"], "tokenizer": ["transformers", "CLIPTokenizer"],
                 "unet": ["onnxruntime", "OnnxRuntimeModel"], "vae_decoder": ["onnxruntime", "OnnxRuntimeModel"],
                 "vae_encoder": ["onnxruntime", "OnnxRuntimeModel"]}
        write_tokenizer(f"{folder}/tokenizer", bpe, spec["pad_token"])
        if spec["name"] == "sd21-v":
            dump_json(f"{folder}/unet/config.json", unet_config(spec, spec["dim"]))
            dump_json(f"{folder}/vae_decoder/config.json", vae_config(spec))
        dump_json(f"{folder}/model_index.json", index)
        return
    # optimum keeps the source pipeline's model_index.json (vae, not vae_decoder / vae_encoder)
    cls = {"sdxl": "StableDiffusionXLPipeline", "lcm": "LatentConsistencyModelPipeline"}.get(spec["kind"],
                                                                                            "StableDiffusionPipeline")
    index = {"_class_name": cls, "_diffusers_version": "0.24.0.dev0", "feature_extractor": [None, None],
             "image_encoder": [None, None], "scheduler": ["diffusers", sched["_class_name"]],
             "text_encoder": ["transformers", "CLIPTextModel"], "tokenizer": ["transformers", "CLIPTokenizer"],
             "unet": ["diffusers", "UNet2DConditionModel"], "vae": ["diffusers", "AutoencoderKL"]}
    if spec["kind"] == "sdxl":
        index.update({"force_zeros_for_empty_prompt": True,
                      "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"],
                      "tokenizer_2": ["transformers", "CLIPTokenizer"]})
        del index["feature_extractor"]
    else:
        index.update({"requires_safety_checker": spec["kind"] == "lcm", "safety_checker": [None, None]})
    dump_json(f"{folder}/model_index.json", index)
    write_tokenizer(f"{folder}/tokenizer", bpe, spec["pad_token"])
    dump_json(f"{folder}/text_encoder/config.json",
              clip_text_config(spec, spec["dim"], spec["te_layers"], vocab_size,
                               pad_id=bpe.vocab[spec["pad_token"]]))
    ctx = spec["dim"]
    if spec["kind"] == "sdxl":
        write_tokenizer(f"{folder}/tokenizer_2", bpe, "!")
        dump_json(f"{folder}/text_encoder_2/config.json",
                  clip_text_config(spec, spec["dim2"], spec["te2_layers"], vocab_size, projection=spec["proj"],
                                   pad_id=bpe.vocab["!"]))
        ctx = spec["dim"] + spec["dim2"]
    dump_json(f"{folder}/unet/config.json", unet_config(spec, ctx))
    dump_json(f"{folder}/vae_decoder/config.json", vae_config(spec))
    dump_json(f"{folder}/vae_encoder/config.json", vae_config(spec))


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

REFERENCES = {
    "sd15": [dict(prompt="mossy stone brick wall, seamless texture", negative="", seed=42, width=64, height=64,
                  steps=4, guidance=5.0),
             dict(prompt="rusty metal plate with scratches", negative="blurry, dark", seed=7, width=96, height=64,
                  steps=4, guidance=5.0),
             dict(prompt="weathered oak wood planks", negative="", seed=1234, width=64, height=64, steps=4,
                  guidance=5.0, img2img=True, strength=0.5),
             # 20 linspace steps give fractional timesteps: the int64 UNet must get them truncated.
             dict(prompt="polished marble floor, white marble with grey veins", negative="", seed=2024, width=64,
                  height=64, steps=20, guidance=7.5)],
    "sd15-fp16": [dict(prompt="mossy stone brick wall, seamless texture", negative="", seed=42, width=64,
                       height=64, steps=4, guidance=5.0)],
    "sd21-v": [dict(prompt="blue sky with clouds over mountains", negative="", seed=42, width=64, height=64,
                    steps=4, guidance=5.0),
               dict(prompt="blue sky with clouds over mountains", negative="", seed=42, width=64, height=64,
                    steps=20, guidance=7.5)],
    "sd-turbo": [dict(prompt="cobblestone road, seamless texture", negative="", seed=42, width=64, height=64,
                      steps=1, guidance=0.0),
                 dict(prompt="cobblestone road, seamless texture", negative="", seed=42, width=64, height=64,
                      steps=2, guidance=0.0)],
    "sdxl-turbo": [dict(prompt="green grass lawn, seamless texture", negative="", seed=42, width=64, height=64,
                        steps=1, guidance=0.0),
                   # Classifier-free guidance paths of the SDXL pipeline (plain Euler, not ancestral):
                   dict(prompt="green grass lawn, seamless texture", negative="", seed=43, width=64, height=64,
                        steps=2, guidance=2.0),
                   dict(prompt="green grass lawn, seamless texture", negative="blurry", seed=44, width=64,
                        height=64, steps=2, guidance=2.0)],
    "lcm": [dict(prompt="red brick wall", negative="", seed=42, width=64, height=64, steps=4, guidance=8.0)],
}


def reference_name(r):
    g = ("%g" % r["guidance"]).replace(".", "p")
    kind = "img2img" if r.get("img2img") else "txt2img"
    extra = "_s%s" % ("%g" % r["strength"]).replace(".", "p") if r.get("img2img") else ""
    return f"{kind}_{r['width']}x{r['height']}_seed{r['seed']}_steps{r['steps']}_g{g}{extra}.json"


def folder_size(folder):
    files = {}
    for root, _, names in os.walk(folder):
        for n in names:
            p = os.path.join(root, n)
            files[os.path.relpath(p, folder)] = os.path.getsize(p)
    return files


def make(name, bpe):
    spec = SPECS[name]
    folder = os.path.join(HERE, name)
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    vocab_size = len(bpe.vocab)
    m = build_modules(spec, vocab_size)
    write_configs(spec, folder, bpe)
    graphs = export_model(spec, m, folder, vocab_size)
    dump_json(f"{folder}/reference/graphs.json", graphs)
    pipe = Pipeline(spec, m, bpe)
    for r in REFERENCES.get(name, []):
        init = None
        init_u8 = None
        if r.get("img2img"):
            init_u8, init = gradient_image(r["width"], r["height"])
        rec = pipe.run(r["prompt"], r["negative"], r["seed"], r["width"], r["height"], r["steps"], r["guidance"],
                       init_image=init, strength=r.get("strength", 1.0))
        if init_u8 is not None:
            raw = init_u8.numpy().tobytes()
            rec["init_image"] = {"width": r["width"], "height": r["height"], "format": "rgb8, row-major, top row first",
                                 "description": "R = x/(w-1), G = y/(h-1), B = (x+y)/(w+h-2), times 255, rounded",
                                 "sha256": hashlib.sha256(raw).hexdigest(),
                                 "base64": base64.b64encode(raw).decode("ascii")}
        rec["notes"] = reference_notes(spec)
        dump_json(os.path.join(folder, "reference", reference_name(r)), rec)
        print(f"  {reference_name(r)}: image mean {np.frombuffer(base64.b64decode(rec['image']['base64']), np.uint8).mean():.1f}"
              f" latent std {np.std(rec['final_latent']['values']):.3f} clamped {rec['decoder_output']['fraction_clamped']:.3f}")
    sizes = folder_size(folder)
    print(f"{name}: {sum(sizes.values()) / 1e6:.2f} MB")
    return m, graphs


def reference_notes(spec):
    notes = ["Computed by tests/models/make_test_models.py with the torch modules the graphs were exported from.",
             "Noise: torch.randn(shape, generator=torch.Generator().manual_seed(seed)) on the CPU, float32.",
             "Euler discrete (diffusers formulas, s_churn 0). timestep_spacing from scheduler_config.json, "
             "'linspace' (Euler's default) where the config has none.",
             "Model timestep: the scheduler's float timestep, shape [1]; int64 models get it truncated."]
    if spec.get("fp16"):
        notes.append("fp16 model: scheduler math in float32; every tensor is rounded to float16 where it enters "
                     "or leaves a graph.")
    if spec["kind"] == "sdxl":
        notes.append("SDXL: encoder_hidden_states = concat(text_encoder hidden_states.%d, text_encoder_2 "
                     "hidden_states.%d) on the last axis; text_embeds = text_encoder_2 text_embeds; time_ids = "
                     "[orig_h, orig_w, crop_top, crop_left, target_h, target_w]. Euler with 1 step equals Euler "
                     "ancestral (sigma_up = 0 at the last step)." % (spec["te_layers"] - 1, spec["te2_layers"] - 1))
    if spec.get("vae_parameters"):
        notes.append("vae_encoder outputs latent_parameters = [mean (4 ch), logvar (4 ch)]; the mean is used.")
    notes.append("img2img (where present): latents = vae_encoder mean * scaling_factor + noise * sigmas[first "
                 "step index]; the noise is the generator's first draw (no draw for VAE sampling).")
    return notes


def dump_io_cases(name, spec, m, bpe, out_dir, graphs):
    """Writes each graph's inputs and torch's outputs as raw little-endian files plus a manifest, so
    that an ONNX Runtime program can check the exported graphs against torch (not part of the repo)."""
    wrap = Fp16Boundary if spec.get("fp16") else (lambda x: x)
    ftype = torch.float16 if spec.get("fp16") else torch.float32
    g = torch.Generator().manual_seed(99)
    ids = torch.tensor([bpe.encode("rusty metal plate with scratches", bpe.vocab[spec["pad_token"]]),
                        bpe.encode("", bpe.vocab[spec["pad_token"]])], dtype=ids_dtype(spec))
    ctx = spec["dim"] + spec.get("dim2", 0)
    tdtype = torch.int64 if spec["timestep_dtype"] == "int64" else torch.float32
    cases = {"text_encoder": [ids], "text_encoder_2": [ids],
             "unet": [torch.randn(2, 4, 8, 12, generator=g).to(ftype), torch.tensor([500], dtype=tdtype),
                      torch.randn(2, MAX_TOKENS, ctx, generator=g).to(ftype)],
             "vae_decoder": [(torch.randn(1, 4, 8, 12, generator=g) / spec["scaling_factor"]).to(ftype)],
             "vae_encoder": [(torch.rand(1, 3, 64, 96, generator=g) * 2 - 1).to(ftype)]}
    if spec["kind"] == "sdxl":
        cases["unet"] += [torch.randn(2, spec["proj"], generator=g), torch.tensor([[64.0, 96, 0, 0, 64, 96]] * 2)]
    if spec["kind"] == "lcm":
        cases["unet"] += [guidance_embedding(torch.tensor([3.0, 7.0]), spec["time_cond_dim"])]
    manifest = []
    for graph, info in graphs.items():
        module = LcmUNetSignature(m["unet"]) if graph == "unet" and spec["kind"] == "lcm" else wrap(m[graph])
        args = cases[graph]
        with torch.no_grad():
            outs = module(*args)
        outs = outs if isinstance(outs, tuple) else (outs,)
        entry = {"model": f"{name}/{graph}/model.onnx", "inputs": [], "outputs": []}
        for kind, tensors in (("inputs", args), ("outputs", outs)):
            for v, t in zip(info[kind], tensors):
                fname = f"{name}_{graph}_{kind}_{v['name']}.bin"
                t.contiguous().numpy().tofile(os.path.join(out_dir, fname))
                entry[kind].append({"name": v["name"], "dtype": str(t.dtype).replace("torch.", ""),
                                    "shape": list(t.shape), "file": fname})
        manifest.append(entry)
    return manifest


def main():
    args = sys.argv[1:]
    dump_dir = None
    if "--dump-io" in args:
        k = args.index("--dump-io")
        dump_dir = args[k + 1]
        del args[k:k + 2]
        os.makedirs(dump_dir, exist_ok=True)
    names = args or list(SPECS)
    bpe = bpe_tokenizer.Tokenizer(learn_merges())
    manifest = []
    for n in names:
        spec = SPECS[n]
        m, graphs = make(n, bpe)
        if dump_dir:
            manifest += dump_io_cases(n, spec, m, bpe, dump_dir, graphs)
    if dump_dir:
        dump_json(os.path.join(dump_dir, "manifest.json"), manifest)


if __name__ == "__main__":
    main()
