"""Read the committed seedtex-tiny ONNX graphs back into the recipe's torch modules.

Checkpoints under runs/ are not in git, but the exported model is: starting a run from it
(train.py --init-from-onnx) makes training cumulative across machines and sessions.

torch's exporter renames some weights (Linear weights become transposed `onnx::MatMul_N`,
GroupNorm affine parameters become `[C, 1, 1]` `onnx::Mul_N`/`onnx::Add_N`). The map from
initializer to parameter is found by exporting the same architecture with every parameter
set to distinct random values and matching values, so no naming rule is hard-coded here.
"""
import json
import tempfile
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

import export


def _initializers(path):
    """name -> float32 value; a weight stored as float16 behind a Cast (export.store_half) is read
    under the Cast's output name, the name the graph's consumers use."""
    graph = onnx.load(str(path)).graph
    values = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    for node in graph.node:
        if node.op_type == "Cast" and node.input[0] in values and node.input[0].endswith(export.HALF_SUFFIX):
            values[node.output[0]] = values.pop(node.input[0]).astype(np.float32)
    return values


def _transforms(p):
    """The forms a parameter can take in the exported graph."""
    yield "same", p
    if p.ndim == 2:
        yield "transpose", p.T
    yield "reshape", p.reshape(-1)


def _match(fresh, params):
    """initializer name -> (parameter name, transform); constants (not parameters) map to None."""
    out, used = {}, set()
    for name, value in fresh.items():
        hit = None
        for pname, p in params.items():
            for kind, form in _transforms(p):
                v = value.reshape(-1) if kind == "reshape" else value
                if v.shape == form.shape and np.array_equal(v, form):
                    hit = (pname, kind)
                    break
            if hit:
                break
        out[name] = hit
        if hit:
            used.add(hit[0])
    missing = sorted(set(params) - used)
    if missing:
        raise RuntimeError(f"parameters not found in the export: {missing[:5]}")
    return out


def load_into(module, onnx_path, export_fn):
    """Fill `module`'s parameters from the graph at onnx_path. export_fn(module, path) exports the
    module exactly as export.py does for that part."""
    gen = torch.Generator().manual_seed(1234)
    with torch.no_grad():
        originals = {n: p.detach().clone() for n, p in module.named_parameters()}
        for p in module.parameters():   # values float16 holds exactly, so weights stored half still match
            p.copy_(torch.randn(p.shape, generator=gen).half().float())
        with tempfile.TemporaryDirectory() as tmp:
            probe = Path(tmp) / "model.onnx"
            export_fn(module, probe)
            fresh = _initializers(probe)
        params = {n: p.detach().numpy().copy() for n, p in module.named_parameters()}
        mapping = _match(fresh, params)
        saved = _initializers(onnx_path)
        if set(saved) != set(fresh):
            raise RuntimeError(f"{onnx_path}: the graph's weights do not match this architecture")
        state = {n: p.clone() for n, p in originals.items()}
        for name, hit in mapping.items():
            if hit is None:
                if not np.array_equal(saved[name], fresh[name]):
                    raise RuntimeError(f"{onnx_path}: constant {name} differs from this code's")
                continue
            pname, kind = hit
            shape = originals[pname].shape
            value = saved[name].T if kind == "transpose" else saved[name].reshape(shape)
            state[pname] = torch.from_numpy(np.ascontiguousarray(value)).reshape(shape)
        for n, p in module.named_parameters():
            p.copy_(state[n])
    return module


def unet_channels(folder):
    """The UNet's widths per level, from the folder's unet/config.json (train.py --unet-channels)."""
    return tuple(json.loads((Path(folder) / "unet/config.json").read_text())["block_out_channels"])


def load_vae(folder, tok, ae):
    """Only the VAE of a model folder: its latent space, for a new text encoder and UNet to train on."""
    folder, parts = Path(folder), export.part_exporters(tok)
    load_into(ae.decoder, folder / "vae_decoder/model.onnx", parts["vae_decoder"])
    load_into(ae.encoder, folder / "vae_encoder/model.onnx", parts["vae_encoder"])


def load_all(folder, tok, ae, te, unet):
    """Every part of a model folder written by export.export_all."""
    folder, parts = Path(folder), export.part_exporters(tok)
    load_into(te, folder / "text_encoder/model.onnx", parts["text_encoder"])
    load_into(unet, folder / "unet/model.onnx", parts["unet"])
    load_vae(folder, tok, ae)
