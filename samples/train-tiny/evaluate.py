#!/usr/bin/env -S /usr/bin/python3
"""Evaluate seedtex-tiny: VAE reconstruction, prompt adherence (procedural-only classifier),
colour adherence (CIE Lab), seed diversity; writes eval_report.json and contact_sheet.png.

Images come from the recipe's own Euler sampler (same scheduler formulas as the C# pipeline)
and, with --cli, from the C# pipeline through the exported ONNX model:

    /usr/bin/python3 samples/train-tiny/evaluate.py --cli "dotnet run --project src/Seedtex.Cli -c Release --"
"""
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")   # the same split of the cores as train.py, and why
import argparse
import json
import math
import random
import shlex
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
torch.set_num_threads(2)

import captions as cap  # noqa: E402
import classifier  # noqa: E402
import diffusion  # noqa: E402
from colour import mean_lab, delta_e  # noqa: E402
from data import dataset  # noqa: E402
from data.materials import FAMILY_NAMES  # noqa: E402

SIZE = 256
GUIDANCE = 4.0
STEPS = 8
DELTA_E_MAX = 15.0


def to_image(x):
    return (x.clamp(0, 1) * 255).round().byte().permute(1, 2, 0).numpy()


def load_png(path):
    return torch.from_numpy(np.asarray(Image.open(path).convert("RGB"), dtype=np.float32) / 255).permute(2, 0, 1)


@torch.no_grad()
def vae_psnr(ae, seed, clf):
    """Held-out procedural images (a seed never used in training) through encoder + decoder.
    The classifier's accuracy on the reconstructed materials is the ceiling for prompt
    adherence: a generated image is decoded by the same decoder."""
    imgs, _, families = dataset.material_batch(seed, 48, SIZE)
    skies, _, _ = dataset.sky_batch(seed, 12, SIZE // 2)
    out = {}
    for name, x in (("materials", imgs), ("skies", skies)):
        rec = torch.cat([(ae.decoder(ae.encoder(x[i:i + 8] * 2 - 1)) / 2 + 0.5).clamp(0, 1) for i in range(0, len(x), 8)])
        rec = (rec * 255).round() / 255
        mse = (rec - x).pow(2).mean(dim=(1, 2, 3))
        psnr = 10 * torch.log10(1 / mse)
        out[name] = {"psnr_db_mean_of_images": round(psnr.mean().item(), 2),
                     "psnr_db_pooled": round(10 * math.log10(1 / mse.mean().item()), 2), "images": len(x)}
        if name == "materials":
            y = torch.tensor(families)
            # per family: pixel-scale speckle (granite) cannot pass an 8x, 4-channel bottleneck
            out[name]["psnr_db_per_family"] = {
                FAMILY_NAMES[f]: round(psnr[y == f].mean().item(), 2) for f in y.unique().tolist()}
            out[name]["classifier_accuracy_original"] = round((clf.predict(x) == y).float().mean().item(), 4)
            out[name]["classifier_accuracy_reconstructed"] = round((clf.predict(rec) == y).float().mean().item(), 4)
    return out


class TorchGenerator:
    """The recipe's sampler on the trained torch modules (diffusers' Euler formulas)."""
    name = "torch"

    def __init__(self, tok, ae, te, unet, scale):
        self.tok, self.ae, self.te, self.unet, self.scale = tok, ae, te, unet, scale

    @torch.no_grad()
    def __call__(self, prompt, seeds, size=(SIZE, SIZE), guidance=GUIDANCE):
        h, w = size
        ids = torch.tensor([self.tok.encode(prompt)] * len(seeds) + [self.tok.encode("")] * len(seeds), dtype=torch.int32)
        ctx, _ = self.te(ids)
        cond, uncond = ctx[:len(seeds)], ctx[len(seeds):]
        noise = torch.cat([torch.randn(1, 4, h // 8, w // 8, generator=torch.Generator().manual_seed(s)) for s in seeds])
        lat = diffusion.sample(self.unet, cond, uncond, noise, STEPS, guidance)
        img = self.ae.decoder(lat / self.scale) / 2 + 0.5
        return (img.clamp(0, 1) * 255).round() / 255          # quantise like a PNG


class CliGenerator:
    """The C# pipeline: `seedtex generate` writing a PNG per seed."""
    name = "csharp"

    def __init__(self, cli, model):
        self.cli, self.model = shlex.split(cli), str(model)
        self.seconds = []

    def __call__(self, prompt, seeds, size=(SIZE, SIZE), guidance=GUIDANCE):
        out = []
        with tempfile.TemporaryDirectory() as d:
            for s in seeds:
                path = Path(d) / f"{s}.png"
                cmd = self.cli + ["generate", prompt, "--seed", str(s), "--steps", str(STEPS), "--guidance",
                                  str(guidance), "--size", str(size[1]), "--model", self.model, "-o", str(path)]
                t = time.time()
                r = subprocess.run(cmd, capture_output=True, text=True)
                self.seconds.append(time.time() - t)
                if r.returncode != 0:
                    raise RuntimeError(f"{' '.join(cmd)} -> {r.returncode}\n{r.stdout}\n{r.stderr}")
                out.append(load_png(path))
        return torch.stack(out)


def references(seed, per_prompt=16, materials=cap.EVAL_MATERIALS):
    """Mean Lab colour and images of procedural data matching each prompt's parameters."""
    gen = torch.Generator().manual_seed(seed)
    out = []
    for prompt, fam, tone, colour, wear, moss, wet in materials:
        spec = cap.MaterialSpec(fam, colour, tone, None, 0.8 * wear, 0.8 * moss, 0.8 * wet)
        imgs = dataset.render_specs(gen, [spec] * per_prompt, SIZE)
        out.append({"lab": mean_lab(imgs).mean(0), "images": imgs})
    return out


def feature_distance(clf, imgs):
    f = (classifier.features(imgs) - clf.mean) / clf.std
    d = torch.cdist(f, f)
    n = len(imgs)
    return (d.sum() / (n * (n - 1))).item()


def mean_abs_diff(imgs):
    n = len(imgs)
    tot = sum((imgs[i] - imgs[j]).abs().mean().item() for i in range(n) for j in range(i + 1, n))
    return tot / (n * (n - 1) / 2)


def generated_metrics(gen, clf, refs, seeds, guidance=GUIDANCE, materials=cap.EVAL_MATERIALS):
    rows, images = [], []
    for (prompt, fam, tone, colour, *_), ref in zip(materials, refs):
        imgs = gen(prompt, seeds, guidance=guidance)
        images.append(imgs)
        pred = clf.predict(imgs)
        ref_pred = clf.predict(ref["images"])
        de = delta_e(mean_lab(imgs), ref["lab"])
        rows.append({"prompt": prompt, "family": FAMILY_NAMES[fam],
                     "predicted": [FAMILY_NAMES[i] for i in pred.tolist()],
                     "correct": int((pred == fam).sum()),
                     "procedural_renders_correct": int((ref_pred == fam).sum()),
                     "delta_e": [round(v, 1) for v in de.tolist()],
                     "seed_mean_abs_diff": round(mean_abs_diff(imgs), 4),
                     "procedural_mean_abs_diff": round(mean_abs_diff(ref["images"][:len(seeds)]), 4),
                     "seed_feature_distance": round(feature_distance(clf, imgs), 3),
                     "procedural_feature_distance": round(feature_distance(clf, ref["images"][:len(seeds)]), 3)})
    n = len(rows) * len(seeds)
    summary = {
        "images": n, "size": SIZE, "steps": STEPS, "guidance": guidance,
        "prompt_adherence": round(sum(r["correct"] for r in rows) / n, 4),
        "prompt_adherence_controls": structure_controls(clf, images, materials),
        # the same measure on procedural renders of these very prompts: what a perfect generator would score
        "prompt_adherence_of_procedural_renders": round(
            sum(r["procedural_renders_correct"] for r in rows) / sum(len(ref["images"]) for ref in refs), 4),
        "colour_adherence_within_delta_e_15": round(sum(sum(d <= DELTA_E_MAX for d in r["delta_e"]) for r in rows) / n, 4),
        "median_delta_e": round(float(np.median([d for r in rows for d in r["delta_e"]])), 2),
        "seed_mean_abs_diff": round(float(np.mean([r["seed_mean_abs_diff"] for r in rows])), 4),
        "procedural_same_prompt_mean_abs_diff": round(float(np.mean([r["procedural_mean_abs_diff"] for r in rows])), 4),
        "seed_feature_distance": round(float(np.mean([r["seed_feature_distance"] for r in rows])), 3),
        "procedural_same_prompt_feature_distance": round(float(np.mean([r["procedural_feature_distance"] for r in rows])), 3),
    }
    return summary, rows, images


def structure_controls(clf, images, materials):
    """Adherence of the same images with their structure destroyed (pixels shuffled; each image
    its flat mean colour): near chance (1/24) shows the classifier judges structure, not colour."""
    x = torch.cat(images)
    y = torch.tensor([fam for (_, fam, *_), imgs in zip(materials, images) for _ in range(len(imgs))])
    n, c, h, w = x.shape
    g = torch.Generator().manual_seed(0)
    shuffled = torch.stack([im.reshape(c, -1)[:, torch.randperm(h * w, generator=g)].reshape(c, h, w) for im in x])
    flat = x.mean((2, 3), keepdim=True).expand_as(x).contiguous()
    return {name: round((clf.predict(t) == y).float().mean().item(), 4)
            for name, t in (("pixels_shuffled", shuffled), ("flat_mean_colour", flat))}


def contact_sheet(images, path, seeds_shown=4, thumb=128):
    """24 prompts x 4 seeds: two prompts per row, each with its caption above."""
    label_h, per_row = 14, 2
    rows = math.ceil(len(images) / per_row)
    w = per_row * seeds_shown * thumb + (per_row - 1) * 8
    sheet = Image.new("RGB", (w, rows * (thumb + label_h)), (24, 24, 24))
    draw = ImageDraw.Draw(sheet)
    for k, ((prompt, *_), imgs) in enumerate(zip(cap.EVAL_MATERIALS, images)):
        x0 = (k % per_row) * (seeds_shown * thumb + 8)
        y0 = (k // per_row) * (thumb + label_h)
        draw.text((x0 + 2, y0 + 1), prompt, fill=(230, 230, 230))
        small = F.interpolate(imgs[:seeds_shown], size=(thumb, thumb), mode="area")
        for j, im in enumerate(small):
            sheet.paste(Image.fromarray(to_image(im)), (x0 + j * thumb, y0 + label_h))
    sheet.save(path)


def sky_sheet(gen, path, seeds=(1, 2)):
    label_h, tw, th = 14, 256, 128
    sheet = Image.new("RGB", (len(seeds) * tw, len(cap.EVAL_SKIES) * (th + label_h)), (24, 24, 24))
    draw = ImageDraw.Draw(sheet)
    for k, (prompt, *_) in enumerate(cap.EVAL_SKIES):
        imgs = gen(prompt, list(seeds), size=(SIZE, 2 * SIZE))
        y0 = k * (th + label_h)
        draw.text((2, y0 + 1), prompt, fill=(230, 230, 230))
        small = F.interpolate(imgs, size=(th, tw), mode="area")
        for j, im in enumerate(small):
            sheet.paste(Image.fromarray(to_image(im)), (j * tw, y0 + label_h))
    sheet.save(path)


def _classifier(run, seed, log):
    path = run / "classifier_cnn.pt"
    if path.exists():
        st = torch.load(path)
        return classifier.Classifier.load(st), st["accuracy"]
    clf, acc, soft_acc = classifier.train(seed, log=log)
    accuracy = {"procedural": round(acc, 4), "procedural_softened": round(soft_acc, 4)}
    torch.save({**clf.state(), "accuracy": accuracy}, path)
    log(stage="evaluate", classifier_heldout_accuracy=accuracy)
    return clf, accuracy


def _update_report(path, key, value):
    report = json.loads(path.read_text()) if path.exists() else {}
    report[key] = value
    path.write_text(json.dumps(report, indent=2) + "\n")


EVAL_SEED = 90_000   # data seeds for evaluation, far from any training seed


def run_all(args, log, tok, ae, te, unet, bank):
    """Called by train.py after export: torch-sampler metrics, contact sheet, report."""
    report_path = HERE / "eval_report.json"
    for m in (ae, te, unet):
        m.eval()
    clf, acc = _classifier(args.run, EVAL_SEED, log)
    _update_report(report_path, "classifier", {"kind": "small CNN, images as rendered and softened",
                                               "trained_on": "procedural images only", "heldout_accuracy": acc})
    _update_report(report_path, "vae", vae_psnr(ae, EVAL_SEED + 7, clf))
    _update_report(report_path, "training", _training_summary(args.run))
    refs = references(EVAL_SEED + 11)
    seeds = list(range(1, args.eval_seeds + 1))
    gen = TorchGenerator(tok, ae, te, unet, bank["scale"])
    summary, rows, images = generated_metrics(gen, clf, refs, seeds, getattr(args, "guidance", GUIDANCE))
    _update_report(report_path, "torch_sampler", {"summary": summary, "per_prompt": rows})
    log(stage="evaluate", generator="torch", **summary)
    contact_sheet(images, HERE / "contact_sheet.png")
    sky_sheet(gen, HERE / "sky_sheet.png")


def _training_summary(run):
    out = {}
    for line in (run / "log.jsonl").read_text().splitlines():
        rec = json.loads(line)
        if rec.get("done"):
            out[rec["stage"]] = {"steps": rec["step"], "minutes": rec["minutes"]}
        if rec.get("stage") == "export" and "total_bytes" in rec:
            out["model_bytes"] = rec["total_bytes"]
        if rec.get("stage") == "bank" and "scaling_factor" in rec:
            out["scaling_factor"] = rec["scaling_factor"]
    return out


def main():
    """Stand-alone: re-evaluate an exported model with the torch sampler (its weights read back
    from the ONNX graphs) or with the C# CLI."""
    import train
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", type=Path, default=HERE / "runs" / "main")
    p.add_argument("--model", type=Path, default=train.REPO / "plugin" / "models" / "seedtex-tiny")
    p.add_argument("--cli", help="command that runs `seedtex` (generate is appended)")
    p.add_argument("--eval-seeds", type=train.seed_count, default=8)
    p.add_argument("--guidance", type=float, default=GUIDANCE)
    p.add_argument("--prompts", choices=("evaluation", "validation"), default="evaluation",
                   help="validation: two grammar captions per family, for choosing sampling settings; "
                        "reported in <run>/validation_report.json, eval_report.json is left alone")
    args = p.parse_args()
    log = train.Log(args.run / "log.jsonl")
    if args.cli:
        gen = CliGenerator(args.cli, args.model)
    else:
        tok, ae, te, unet, scale = _load_exported(args.model)
        if args.prompts == "evaluation":
            run_all(args, log, tok, ae, te, unet, {"scale": scale})
            return
        gen = TorchGenerator(tok, ae.eval(), te.eval(), unet.eval(), scale)
    clf, _ = _classifier(args.run, EVAL_SEED, log)
    materials = cap.validation_materials() if args.prompts == "validation" else cap.EVAL_MATERIALS
    seeds = list(range(1, args.eval_seeds + 1))
    summary, rows, _ = generated_metrics(gen, clf, references(EVAL_SEED + 11, materials=materials), seeds,
                                         args.guidance, materials)
    if args.cli:
        summary["seconds_per_image_including_process_start"] = round(float(np.mean(gen.seconds)), 2)
    if args.prompts == "validation":
        _update_report(args.run / "validation_report.json", f"{gen.name}, guidance {args.guidance:g}",
                       {"summary": summary, "per_prompt": rows})
        log(stage="validate", generator=gen.name, **summary)
    else:   # the torch sampler's evaluation went through run_all above
        _update_report(HERE / "eval_report.json", "csharp_pipeline", {"summary": summary, "per_prompt": rows})
        log(stage="evaluate", generator=gen.name, **summary)


def _load_exported(model):
    """The shipped model itself, read back from its ONNX graphs into the torch modules."""
    import bpe
    import from_onnx
    from models.text_encoder import TextEncoder, WIDTH
    from models.unet import UNet
    from models.vae import AutoEncoder
    tok = bpe.Tokenizer.load(model / "tokenizer")
    ae, te, unet = AutoEncoder(), TextEncoder(len(tok.vocab)), UNet(WIDTH, channels=from_onnx.unet_channels(model))
    from_onnx.load_all(model, tok, ae, te, unet)
    scale = json.loads((model / "vae_decoder/config.json").read_text())["scaling_factor"]
    return tok, ae, te, unet, scale


if __name__ == "__main__":
    main()
