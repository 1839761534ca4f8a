#!/usr/bin/env -S /usr/bin/python3
"""Train seedtex-tiny from nothing and export it in the diffusers ONNX layout.

    /usr/bin/python3 samples/train-tiny/train.py            # whole recipe, resumes if interrupted

Stages (each resumes from its checkpoint under --run, and is skipped once done):
tokenizer -> vae -> bank (latents of procedural images) -> diffusion (text encoder + UNet)
-> export (ONNX to plugin/models/seedtex-tiny) -> evaluate (report + contact sheet).
Stages are bounded by minutes and steps, whichever comes first, so a run fits its time slot
on a shared machine; the log records how many steps each stage really took.
"""
import os
import sys

# When torch's OpenMP threads and OpenBLAS's own threads both take the 2 cores, they spin against
# each other. Convolutions (oneDNN) follow torch's threads, so those get the cores and OpenBLAS's
# small matmuls one thread: the VAE trains 1.7x and the UNet 1.2x faster than the other way round
# (README). The UNet stage's --workers do better still.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import argparse
import copy
import json
import math
import random
import shutil
import time
from pathlib import Path

import torch
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
torch.set_num_threads(2)

import bpe  # noqa: E402
import captions as cap  # noqa: E402
import diffusion  # noqa: E402
import workers  # noqa: E402
from workers import Shard  # noqa: E402
from data import dataset  # noqa: E402
from models.vae import AutoEncoder  # noqa: E402
from models.text_encoder import TextEncoder, WIDTH  # noqa: E402
from models.layers import GROUPS  # noqa: E402
from models.unet import CHANNELS, EMB, UNet  # noqa: E402

REPO = HERE.parent.parent


class Log:
    def __init__(self, path):
        self.path = path

    def __call__(self, **rec):
        rec["time"] = time.strftime("%H:%M:%S")
        line = json.dumps(rec)
        print(line, flush=True)
        with open(self.path, "a") as f:
            f.write(line + "\n")


def save_atomic(obj, path):
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def cosine_lr(base, frac, warm):
    return base * min(1.0, warm) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(frac, 1.0))))


class Budget:
    """Stops a stage at max_steps or after `minutes` of its own training time (kept across resumes)."""

    def __init__(self, minutes, max_steps, elapsed=0.0):
        self.limit, self.max_steps, self.elapsed = minutes * 60, max_steps, elapsed
        self._t = time.time()

    def tick(self):
        now = time.time()
        self.elapsed += now - self._t
        self._t = now

    def frac(self, step):
        if self.limit <= 0:
            return 1.0   # a stage given 0 minutes is skipped
        return max(self.elapsed / self.limit, step / self.max_steps)

    def done(self, step):
        return self.frac(step) >= 1.0


def init_from_onnx(run, args, log):
    """Seed the run's checkpoints from the committed model, so training continues from it.
    The tokenizer and the encoder (the latent space) stay as they are; the UNet and text encoder
    keep training (with --fresh-unet: new ones train from scratch) and the decoder is fine-tuned."""
    import from_onnx
    # the file written last marks the run as initialised (or training under way): resume
    if (run / ("vae.pt" if args.fresh_unet else "diffusion.pt")).exists():
        return
    shutil.copytree(args.init_from_onnx / "tokenizer", run / "tokenizer", dirs_exist_ok=True)
    tok = bpe.Tokenizer.load(run / "tokenizer")
    ae = AutoEncoder()
    if args.fresh_unet:
        from_onnx.load_vae(args.init_from_onnx, tok, ae)
    else:
        channels = from_onnx.unet_channels(args.init_from_onnx)
        if channels != args.unet_channels:
            raise SystemExit(f"--init-from-onnx {args.init_from_onnx} has a UNet of widths {channels}, not "
                             f"--unet-channels {args.unet_channels}: pass --unet-channels "
                             f"{','.join(map(str, channels))}, or --fresh-unet to train a new one")
        te, unet = TextEncoder(len(tok.vocab)), UNet(WIDTH, channels=channels)
        from_onnx.load_all(args.init_from_onnx, tok, ae, te, unet)
    scale = json.loads((args.init_from_onnx / "vae_decoder/config.json").read_text())["scaling_factor"]
    save_atomic({"model": ae.state_dict(), "step": 0, "elapsed": 0.0, "done": True, "scale": scale},
                run / "vae.pt")
    if not args.fresh_unet:
        save_atomic(_diff_state(te, unet, {"te": te, "unet": unet}, None, 0, None, False), run / "diffusion.pt")
    log(stage="init", source=str(args.init_from_onnx), scaling_factor=scale, fresh_unet=args.fresh_unet)


def stage_tokenizer(run, args, log):
    folder = run / "tokenizer"
    if not (folder / "merges.txt").exists():
        merges = bpe.learn(cap.corpus(8000, args.seed))
        bpe.Tokenizer(merges).save(folder)
        log(stage="tokenizer", merges=len(merges))
    return bpe.Tokenizer.load(folder)


def _crop(img, size, gen, roll_y=True):
    """Random periodic shift (exact: the images tile), flip, then a size x size corner crop."""
    n, _, h, w = img.shape
    dx = int(torch.randint(0, w, (1,), generator=gen))
    dy = int(torch.randint(0, h, (1,), generator=gen)) if roll_y else 0
    img = torch.roll(img, (dy, dx), (2, 3))[:, :, :size, :size]
    if torch.rand(1, generator=gen) < 0.5:
        img = img.flip(3)
    return img


class ImagePool:
    """Full 128 px materials and 2:1 skies, a few replaced every 4 steps: rendering is dearer than a crop."""

    def __init__(self, seeds, materials, skies, refresh_skies=True):
        self.seeds, self.refresh_skies = seeds, refresh_skies
        self.materials, _, _ = dataset.material_batch(seeds[0], materials, 128)
        self.skies, _, _ = dataset.sky_batch(seeds[1], skies, 64)

    def refresh(self, step):
        if step % 4:
            return
        fresh, _, _ = dataset.material_batch(self.seeds[2] + step, 8, 128)
        self.materials[(step // 4 * 8) % len(self.materials):][:8] = fresh
        if self.refresh_skies:
            sky, _, _ = dataset.sky_batch(self.seeds[2] + step, 2, 64)
            self.skies[(step // 4 * 2) % len(self.skies):][:2] = sky


class PsnrMeter:
    """Smoothed training PSNR of images in [-1, 1]."""

    def __init__(self):
        self.value = None

    def add(self, mse):
        psnr = 10 * math.log10(4.0 / max(mse, 1e-10))
        self.value = psnr if self.value is None else 0.98 * self.value + 0.02 * psnr
        return round(self.value, 2)


def _optimise(opt, loss):
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()


def _save_stage(path, state, opt, step, budget, done):
    save_atomic({"model": state, "opt": opt.state_dict(), "step": step, "elapsed": budget.elapsed, "done": done}, path)


def stage_vae(run, args, log):
    path = run / "vae.pt"
    torch.manual_seed(args.seed)
    ae = AutoEncoder()
    ae.scale = None   # a latent scale fixed by an earlier export, if any
    opt = torch.optim.AdamW(ae.parameters(), lr=args.vae_lr, weight_decay=0.0)
    st = torch.load(path) if path.exists() else {"step": 0, "elapsed": 0.0, "done": False}
    if "model" in st:
        ae.load_state_dict(st["model"])
    if "opt" in st:
        opt.load_state_dict(st["opt"])
    if st["done"]:
        ae.scale = st.get("scale")
        return ae
    step, budget = st["step"], Budget(args.vae_minutes, args.vae_steps, st["elapsed"])
    pool = ImagePool((args.seed * 1_000_003 + 17, args.seed * 1_000_003 + 18, args.seed * 7_919), 192, 48)
    gen = torch.Generator().manual_seed(args.seed * 31 + step)
    last_save, meter = time.time(), PsnrMeter()
    while not budget.done(step):
        pool.refresh(step)
        mi = torch.randint(0, len(pool.materials), (args.vae_batch - 2,), generator=gen)
        si = torch.randint(0, len(pool.skies), (2,), generator=gen)
        x = torch.cat([_crop(pool.materials[mi], 64, gen), _crop(pool.skies[si], 64, gen, roll_y=False)]) * 2 - 1
        for g in opt.param_groups:
            g["lr"] = cosine_lr(args.vae_lr, budget.frac(step), (step + 1) / 100)
        z = ae.encoder(x)
        # a little latent noise makes the decoder forgiving of the UNet's small errors
        rec = ae.decoder(z + 0.03 * z.detach().std() * torch.randn(z.shape, generator=gen))
        mse = F.mse_loss(rec, x)
        _optimise(opt, mse + 0.1 * F.l1_loss(rec, x) + 1e-5 * z.pow(2).mean())
        step += 1
        budget.tick()
        psnr = meter.add(mse.item())
        if step % 25 == 0:
            log(stage="vae", step=step, psnr_train=psnr, z_std=round(z.std().item(), 3),
                minutes=round(budget.elapsed / 60, 1))
        if time.time() - last_save > args.save_every:
            _save_stage(path, ae.state_dict(), opt, step, budget, False)
            last_save = time.time()
    _save_stage(path, ae.state_dict(), opt, step, budget, True)
    log(stage="vae", done=True, step=step, minutes=round(budget.elapsed / 60, 1))
    return ae


def _grad_l1(a, b):
    """L1 distance of horizontal and vertical neighbour differences: penalises blur and the
    decoder's own edges at its 8-pixel block boundaries."""
    return (F.l1_loss(a[..., :, 1:] - a[..., :, :-1], b[..., :, 1:] - b[..., :, :-1])
            + F.l1_loss(a[..., 1:, :] - a[..., :-1, :], b[..., 1:, :] - b[..., :-1, :]))


def stage_decoder(run, args, log, ae):
    """Fine-tune the decoder alone; the encoder, hence the latent space the UNet learnt, stays fixed."""
    path = run / "decoder.pt"
    st = torch.load(path) if path.exists() else {"step": 0, "elapsed": 0.0, "done": False}
    opt = torch.optim.AdamW(ae.decoder.parameters(), lr=args.decoder_lr, weight_decay=0.0)
    if "model" in st:
        ae.decoder.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
    if st["done"] or args.decoder_minutes <= 0:
        return ae
    step, budget = st["step"], Budget(args.decoder_minutes, args.decoder_steps, st["elapsed"])
    ae.encoder.requires_grad_(False)
    pool = ImagePool((args.seed * 1_000_003 + 29, args.seed * 1_000_003 + 30, args.seed * 6_007), 160, 40, refresh_skies=False)
    gen = torch.Generator().manual_seed(args.seed * 37 + step)
    last_save, meter = time.time(), PsnrMeter()
    while not budget.done(step):
        pool.refresh(step)
        if step % 5 == 4:
            x = _crop(pool.skies[torch.randint(0, len(pool.skies), (args.vae_batch,), generator=gen)], 64, gen, roll_y=False)
        else:
            x = _crop(pool.materials[torch.randint(0, len(pool.materials), (args.vae_batch,), generator=gen)], 96, gen)
        x = x * 2 - 1
        for g in opt.param_groups:
            g["lr"] = cosine_lr(args.decoder_lr, budget.frac(step), (step + 1) / 50)
        with torch.no_grad():
            z = ae.encoder(x)
        rec = ae.decoder(z + 0.03 * z.std() * torch.randn(z.shape, generator=gen))
        mse = F.mse_loss(rec, x)
        _optimise(opt, mse + 0.1 * F.l1_loss(rec, x) + args.decoder_edge * _grad_l1(rec, x))
        step += 1
        budget.tick()
        psnr = meter.add(mse.item())
        if step % 25 == 0:
            log(stage="decoder", step=step, psnr_train=psnr, minutes=round(budget.elapsed / 60, 1))
        if time.time() - last_save > args.save_every:
            _save_stage(path, ae.decoder.state_dict(), opt, step, budget, False)
            last_save = time.time()
    _save_stage(path, ae.decoder.state_dict(), opt, step, budget, True)
    log(stage="decoder", done=True, step=step, minutes=round(budget.elapsed / 60, 1))
    return ae


PAD = 16  # pixels of wrap-around context when encoding, so latents of a tiling image tile too


@torch.no_grad()
def encode_periodic(encoder, img, wrap_y=True):
    x = img * 2 - 1
    x = F.pad(x, (PAD, PAD, PAD if wrap_y else 0, PAD if wrap_y else 0), mode="circular")
    z = encoder(x)
    p = PAD // 8
    return z[:, :, p:-p, p:-p] if wrap_y else z[:, :, :, p:-p]


def stage_bank(run, args, log, ae):
    path = run / "bank.pt"
    if path.exists():
        return torch.load(path)
    ae.eval()
    rng = random.Random(args.seed * 101)
    specs = dataset.sample_material_specs(rng, args.bank, colour_mix=args.colour_mix)
    lat = []
    for i in range(0, len(specs), 32):
        gen = torch.Generator().manual_seed(args.seed * 1009 + i)
        img = dataset.render_specs(gen, specs[i:i + 32], 128)
        lat.append(encode_periodic(ae.encoder, img))
        if i % 320 == 0:
            log(stage="bank", materials=i)
    sky_lat, sky_meta = [], []
    for i in range(0, args.bank // 4, 32):
        img, _, meta = dataset.sky_batch(args.seed * 2003 + i, 32, 64)
        sky_lat.append(encode_periodic(ae.encoder, img, wrap_y=False))
        sky_meta += meta
    lat = torch.cat(lat)
    # a model continued from an export keeps the scale its UNet was trained with
    scale = ae.scale or 1.0 / lat.std().item()
    bank = {"materials": lat, "specs": [vars(s) for s in specs], "skies": torch.cat(sky_lat),
            "sky_meta": sky_meta, "scale": scale}
    save_atomic(bank, path)
    log(stage="bank", materials=len(specs), skies=len(sky_meta), latent_std=round(lat.std().item(), 4),
        latent_mean=round(lat.mean().item(), 4), scaling_factor=round(scale, 5))
    return bank


def _roll_flip(z, gen, roll_y=True):
    n, _, h, w = z.shape
    dx = int(torch.randint(0, w, (1,), generator=gen))
    dy = int(torch.randint(0, h, (1,), generator=gen)) if roll_y else 0
    z = torch.roll(z, (dy, dx), (2, 3))
    if torch.rand(1, generator=gen) < 0.5:
        z = z.flip(3)
    if roll_y and torch.rand(1, generator=gen) < 0.5:
        z = z.flip(2)
    return z


def stage_diffusion(run, args, log, tok, bank):
    path = run / "diffusion.pt"
    if args.workers > 1 and not (path.exists() and torch.load(path)["done"]):
        workers.spawn(_train_diffusion, args.workers, run, args, log, tok, bank)
    return _train_diffusion(Shard(), run, args, log, tok, bank)


def _train_diffusion(shard, run, args, log, tok, bank):
    """Trains to the stage's budget (skipped once done) and returns the EMA text encoder and UNet.
    Every worker builds the whole batch from the same seeds and trains on its shard.part of it."""
    path = run / "diffusion.pt"
    torch.manual_seed(args.seed)   # fresh weights are the run's own, and the same in every worker
    te, unet = TextEncoder(len(tok.vocab)), UNet(WIDTH, channels=args.unet_channels)
    ema = {"te": copy.deepcopy(te), "unet": copy.deepcopy(unet)}
    # training only, never exported: names the family from the UNet's pooled text vector (--family-loss)
    family_head = torch.nn.Linear(EMB, len(dataset.materials.FAMILIES)) if args.family_loss else None
    params = list(te.parameters()) + list(unet.parameters())
    params += list(family_head.parameters()) if family_head else []
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    st = torch.load(path) if path.exists() else {"step": 0, "elapsed": 0.0, "done": False}
    if "te" in st:
        saved = tuple(st.get("unet_channels", CHANNELS))   # checkpoints from before the flag have the default
        if saved != unet.channels:
            raise SystemExit(f"{path} holds a UNet of widths {saved}, not --unet-channels {unet.channels}: "
                             f"resume with --unet-channels {','.join(map(str, saved))}")
        te.load_state_dict(st["te"])
        unet.load_state_dict(st["unet"])
        ema["te"].load_state_dict(st["ema_te"])
        ema["unet"].load_state_dict(st["ema_unet"])
    if family_head and st.get("family_head"):
        family_head.load_state_dict(st["family_head"])
    if st.get("opt"):
        opt.load_state_dict(st["opt"])
    if st["done"]:
        return ema["te"], ema["unet"]
    step, budget = st["step"], Budget(args.unet_minutes, args.unet_steps, st["elapsed"])
    specs = [cap.MaterialSpec(**s) for s in bank["specs"]]
    scale = bank["scale"]
    last_save, avg, avg_family = time.time(), None, None
    # the bank's mean per-image latent variance: the reference for --contrast-balance
    ref_var = diffusion.image_variance(bank["materials"] * scale).mean().item() if args.contrast_balance else None
    pairs = list(zip(ema["te"].parameters(), te.parameters())) + list(zip(ema["unet"].parameters(), unet.parameters()))
    while not budget.done(step):
        rng = random.Random(args.seed * 1_000_033 + step)
        gen = torch.Generator().manual_seed(args.seed * 1_000_037 + step)
        sky_step = step % 5 == 4
        if sky_step:
            idx = torch.randint(0, len(bank["skies"]), (args.batch,), generator=gen)
            z = _roll_flip(bank["skies"][idx], gen, roll_y=False)
            texts = [dataset.training_sky_caption(*bank["sky_meta"][i], rng) for i in idx.tolist()]
        else:
            idx = torch.randint(0, len(specs), (args.batch,), generator=gen)
            z = _roll_flip(bank["materials"][idx], gen)
            texts = [dataset.training_caption(specs[i], rng) for i in idx.tolist()]
        texts = ["" if rng.random() < args.empty_prompts else t for t in texts]   # for classifier-free guidance
        ids = torch.tensor([tok.encode(t) for t in texts], dtype=torch.int32)
        x0 = z * scale
        t = torch.randint(0, diffusion.TRAIN_STEPS, (len(texts),), generator=gen)
        noise = torch.randn(x0.shape, generator=gen)
        xt, v = diffusion.v_target(x0, noise, t)
        keep = (torch.rand(len(texts), generator=gen) >= args.pool_dropout).float() if args.pool_dropout else None
        for g in opt.param_groups:
            g["lr"] = cosine_lr(args.lr, budget.frac(step), (step + 1) / 200)
        # the whole batch was drawn above, so every worker's draws stay in step; from here on, its part
        ctx, _ = te(shard.part(ids))
        part_t = shard.part(t)
        per_sample = (unet(shard.part(xt), part_t.float(), ctx, keep if keep is None else shard.part(keep))
                      - shard.part(v)).pow(2).mean((1, 2, 3))
        weight = diffusion.min_snr_weight(part_t, args.min_snr)
        if args.contrast_balance:
            weight = weight * diffusion.contrast_weight(shard.part(x0), ref_var)
        loss = (per_sample * weight).sum() / len(texts)   # summed over the workers: the batch mean
        ce_sum = 0.0
        if family_head and not sky_step:
            named = torch.tensor([t != "" for t in texts])
            family = torch.tensor([specs[i].family for i in idx.tolist()])
            part_named = shard.part(named)
            ce = F.cross_entropy(family_head(unet.pool(ctx[part_named])), shard.part(family)[part_named],
                                 reduction="sum") / max(int(named.sum()), 1)
            loss = loss + args.family_loss * ce
            ce_sum = ce.item()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        budget.tick()
        # the main worker's clock decides the learning rate and the end for all of them
        loss_sum, ce_sum, budget.elapsed = shard.sum_gradients(params, loss.item(), ce_sum,
                                                               budget.elapsed if shard.main else 0.0)
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        decay = min(args.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            for e, p in pairs:
                e.mul_(decay).add_(p.detach(), alpha=1 - decay)
        step += 1
        avg = loss_sum if avg is None else 0.98 * avg + 0.02 * loss_sum
        if family_head and not sky_step:
            avg_family = ce_sum if avg_family is None else 0.98 * avg_family + 0.02 * ce_sum
        if shard.main and step % 25 == 0:
            log(stage="diffusion", step=step, loss=round(avg, 4), minutes=round(budget.elapsed / 60, 1),
                family_ce=round(avg_family, 4) if avg_family is not None else None,
                sec_per_step=round(budget.elapsed / max(step - st["step"], 1), 3) if st["step"] == 0 else None)
        if shard.main and time.time() - last_save > args.save_every:
            save_atomic(_diff_state(te, unet, ema, opt, step, budget, False, family_head), path)
            last_save = time.time()
    if shard.main:
        save_atomic(_diff_state(te, unet, ema, opt, step, budget, True, family_head), path)
        log(stage="diffusion", done=True, step=step, minutes=round(budget.elapsed / 60, 1))
    return ema["te"], ema["unet"]


def _diff_state(te, unet, ema, opt, step, budget, done, family_head=None):
    return {"te": te.state_dict(), "unet": unet.state_dict(), "ema_te": ema["te"].state_dict(),
            "ema_unet": ema["unet"].state_dict(), "opt": opt.state_dict() if opt else None, "step": step,
            "elapsed": budget.elapsed if budget else 0.0, "done": done,
            "family_head": family_head.state_dict() if family_head else None, "unet_channels": list(unet.channels)}


def channel_list(text):
    """argparse type of --unet-channels: three widths, each a multiple of the GroupNorm groups."""
    try:
        widths = tuple(int(w) for w in text.split(","))
    except ValueError:
        widths = ()
    if len(widths) != 3 or any(w <= 0 or w % GROUPS for w in widths):
        raise argparse.ArgumentTypeError(f"'{text}': give three widths, multiples of {GROUPS}, e.g. 48,96,128")
    return widths


def seed_count(text):
    """argparse type of --eval-seeds: the seed-diversity measures compare pairs of seeds."""
    n = int(text)
    if n < 2:
        raise argparse.ArgumentTypeError(f"{n} seed(s): the seed measures compare pairs of images; use 2 or more")
    return n


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", type=Path, default=HERE / "runs" / "main", help="checkpoint folder (resumes)")
    p.add_argument("--out", type=Path, default=REPO / "plugin" / "models" / "seedtex-tiny")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--until", choices=("tokenizer", "vae", "bank", "diffusion", "decoder", "export", "evaluate"), default="evaluate")
    p.add_argument("--vae-minutes", type=float, default=25)
    p.add_argument("--vae-steps", type=int, default=20000)
    p.add_argument("--vae-batch", type=int, default=10)
    p.add_argument("--vae-lr", type=float, default=1e-3)
    p.add_argument("--bank", type=int, default=2400, help="material images in the latent bank")
    p.add_argument("--unet-channels", type=channel_list, default=CHANNELS,
                   help="the UNet's widths per level, e.g. 56,112,160 (default: the shipped model's)")
    p.add_argument("--unet-minutes", type=float, default=60)
    p.add_argument("--unet-steps", type=int, default=100000)
    p.add_argument("--batch", type=int, default=24)
    p.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                   help="processes sharing each UNet batch, one thread each (data-parallel; default: 2 where "
                        "there are 2 cores; at most --batch)")
    p.add_argument("--lr", type=float, default=4e-4)
    p.add_argument("--ema", type=float, default=0.998)
    p.add_argument("--min-snr", type=float, default=5.0, help="cap on the x0 loss weight SNR+1 (0: off)")
    p.add_argument("--contrast-balance", action="store_true",
                   help="weigh each image's loss by its latent contrast, so faint detail (weave, grain) counts")
    p.add_argument("--empty-prompts", type=float, default=0.1,
                   help="share of training captions replaced by the empty prompt, which guidance subtracts")
    p.add_argument("--colour-mix", type=float, default=0.0,
                   help="share of bank materials coloured from any colour word, not only their family's (0: off)")
    p.add_argument("--family-loss", type=float, default=0.0,
                   help="weight of a loss that names the family from the pooled text vector, so colour words cannot drown the noun (0: off)")
    p.add_argument("--pool-dropout", type=float, default=0.0,
                   help="share of samples trained without the pooled text vector, so cross-attention must carry the prompt too")
    p.add_argument("--decoder-minutes", type=float, default=15, help="decoder fine-tune after the UNet (0: skip)")
    p.add_argument("--decoder-steps", type=int, default=20000)
    p.add_argument("--decoder-lr", type=float, default=3e-4)
    p.add_argument("--decoder-edge", type=float, default=0.5, help="weight of the neighbour-difference loss")
    p.add_argument("--init-from-onnx", type=Path, default=None,
                   help="continue from an exported model folder (e.g. plugin/models/seedtex-tiny)")
    p.add_argument("--fresh-unet", action="store_true",
                   help="with --init-from-onnx: keep only its tokenizer and VAE; train a new text encoder and UNet")
    p.add_argument("--save-every", type=float, default=180, help="seconds between checkpoints")
    p.add_argument("--eval-seeds", type=seed_count, default=8)
    args = p.parse_args()
    if not 1 <= args.workers <= args.batch:
        p.error(f"--workers {args.workers}: give 1 to --batch ({args.batch}) processes")
    if args.fresh_unet and not args.init_from_onnx:
        p.error("--fresh-unet keeps the tokenizer and VAE of --init-from-onnx: pass the model folder too")
    args.run.mkdir(parents=True, exist_ok=True)
    (args.run / "args.json").write_text(json.dumps({k: str(v) for k, v in vars(args).items()}, indent=2))
    log = Log(args.run / "log.jsonl")
    if args.init_from_onnx:
        init_from_onnx(args.run, args, log)
    order = ("tokenizer", "vae", "bank", "diffusion", "decoder", "export", "evaluate")
    stop = order.index(args.until)
    tok = stage_tokenizer(args.run, args, log)
    if stop < 1:
        return
    ae = stage_vae(args.run, args, log)
    if stop < 2:
        return
    bank = stage_bank(args.run, args, log, ae)
    if stop < 3:
        return
    te, unet = stage_diffusion(args.run, args, log, tok, bank)
    if stop < 4:
        return
    ae = stage_decoder(args.run, args, log, ae)
    if stop < 5:
        return
    import export
    export.export_all(args.out, tok, ae, te, unet, bank["scale"], log)
    if stop < 6:
        return
    import evaluate
    evaluate.run_all(args, log, tok, ae, te, unet, bank)


if __name__ == "__main__":
    main()
