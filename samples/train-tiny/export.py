"""Export the trained parts in the diffusers ONNX folder layout (what optimum writes for
OnnxStableDiffusionPipeline): model_index.json, scheduler/, tokenizer/, text_encoder/, unet/,
vae_decoder/, vae_encoder/, each model as model.onnx (opset 17, float32 inputs, outputs and
arithmetic) with a config.json. Weights are stored as float16, each behind a Cast to float32
that ONNX Runtime folds when it loads the graph: half the bytes for the 24 MB budget, the same
speed, and images within one 8-bit level of float32 storage."""
import json
import shutil
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper
from torch import nn

import diffusion
from models import text_encoder as te_mod, vae as vae_mod

OPSET = 17
DEFAULT_STEPS, DEFAULT_GUIDANCE = 8, 4.0
DIFFUSERS_VERSION = "0.27.2"


class _TextEncoderOnnx(nn.Module):
    def __init__(self, te):
        super().__init__()
        self.te = te

    def forward(self, input_ids):
        return self.te(input_ids)


class _Call(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


def _export(module, args, path, inputs, outputs, axes, static_dims=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, args, str(path), input_names=inputs, output_names=outputs,
                          dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True)
    model = onnx.load(str(path))
    if static_dims:   # torch names some fixed output dims after the op that made them; pin them
        for out in model.graph.output:
            for axis, value in static_dims.get(out.name, {}).items():
                out.type.tensor_type.shape.dim[axis].dim_value = value
    store_half(model.graph)
    onnx.save(model, str(path))
    onnx.checker.check_model(model, full_check=True)
    onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    return path.stat().st_size


HALF_SUFFIX = "_fp16"
HALF_MIN_ELEMENTS = 1024   # smaller tensors (norm scales, biases) save nothing worth their precision


def store_half(graph):
    """Replace each large float32 initializer by a float16 one of the same name + HALF_SUFFIX and
    a Cast back to the original name, so every consumer still reads float32. Tensors whose
    values float16 cannot hold (the causal mask's -1e9) stay float32."""
    kept, casts = [], []
    for init in graph.initializer:
        value = numpy_helper.to_array(init)
        if (init.data_type != onnx.TensorProto.FLOAT or value.size < HALF_MIN_ELEMENTS
                or not np.all(np.abs(value) <= np.finfo(np.float16).max)):
            kept.append(init)
            continue
        half = numpy_helper.from_array(value.astype(np.float16), init.name + HALF_SUFFIX)
        kept.append(half)
        casts.append(helper.make_node("Cast", [half.name], [init.name], to=onnx.TensorProto.FLOAT))
    nodes = casts + list(graph.node)
    del graph.initializer[:], graph.node[:]
    graph.initializer.extend(kept)
    graph.node.extend(nodes)


def _write_json(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2) + "\n")


def configs(vocab_size, scale, tok, unet_channels):
    vae = {"_class_name": "AutoencoderKL", "_diffusers_version": DIFFUSERS_VERSION,
           "in_channels": 3, "out_channels": 3, "latent_channels": vae_mod.LATENT,
           "block_out_channels": list(vae_mod.CHANNELS), "layers_per_block": 1,
           "down_block_types": ["DownEncoderBlock2D"] * 4, "up_block_types": ["UpDecoderBlock2D"] * 4,
           "act_fn": "silu", "norm_num_groups": 8, "sample_size": 256, "scaling_factor": scale,
           "force_upcast": False}
    return {
        "model_index.json": {
            "_class_name": "OnnxStableDiffusionPipeline", "_diffusers_version": DIFFUSERS_VERSION,
            "feature_extractor": [None, None], "requires_safety_checker": False, "safety_checker": [None, None],
            "scheduler": ["diffusers", "EulerDiscreteScheduler"], "text_encoder": ["diffusers", "OnnxRuntimeModel"],
            "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "OnnxRuntimeModel"],
            "vae_decoder": ["diffusers", "OnnxRuntimeModel"], "vae_encoder": ["diffusers", "OnnxRuntimeModel"]},
        "scheduler/scheduler_config.json": {
            "_class_name": "EulerDiscreteScheduler", "_diffusers_version": DIFFUSERS_VERSION,
            "num_train_timesteps": diffusion.TRAIN_STEPS, "beta_start": diffusion.BETA_START,
            "beta_end": diffusion.BETA_END, "beta_schedule": "scaled_linear", "trained_betas": None,
            "prediction_type": diffusion.PREDICTION, "timestep_spacing": diffusion.SPACING, "steps_offset": 1,
            "interpolation_type": "linear", "use_karras_sigmas": False, "timestep_type": "discrete",
            "rescale_betas_zero_snr": False, "final_sigmas_type": "zero"},
        "text_encoder/config.json": {
            "architectures": ["CLIPTextModel"], "model_type": "clip_text_model", "vocab_size": vocab_size,
            "hidden_size": te_mod.WIDTH, "intermediate_size": 4 * te_mod.WIDTH,
            "num_hidden_layers": te_mod.LAYERS, "num_attention_heads": te_mod.HEADS,
            "max_position_embeddings": te_mod.MAX_POS, "hidden_act": "gelu", "layer_norm_eps": 1e-5,
            "projection_dim": te_mod.WIDTH, "bos_token_id": tok.sot, "eos_token_id": tok.eot,
            "pad_token_id": tok.eot, "torch_dtype": "float32"},
        "unet/config.json": {
            "_class_name": "UNet2DConditionModel", "_diffusers_version": DIFFUSERS_VERSION,
            "sample_size": 32, "in_channels": 4, "out_channels": 4,
            "block_out_channels": list(unet_channels), "layers_per_block": 2,
            "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"],
            "up_block_types": ["CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"],
            "mid_block_type": "UNetMidBlock2DCrossAttn", "cross_attention_dim": te_mod.WIDTH,
            "attention_head_dim": 4, "norm_num_groups": 8, "act_fn": "silu",
            "addition_embed_type": "text_attention_pool",
            "addition_embed_type_note": "a learned-query attention pool over encoder_hidden_states, added to the time embedding inside the graph"},
        # Seedtex's own defaults for this model (read by ModelConfig; diffusers ignores the file)
        "seedtex.json": {"defaults": {"steps": DEFAULT_STEPS, "guidance": DEFAULT_GUIDANCE, "scheduler": "euler",
                                      "size": 256},
                         "purpose": "procedural tileable game materials and 2:1 sky backdrops; not a general model"},
        "vae_decoder/config.json": vae,
        "vae_encoder/config.json": vae,
    }


def part_exporters(tok):
    """name -> fn(module, path) exporting that part with its ONNX names and dynamic axes."""
    ids = torch.tensor([tok.encode("dark red bricks")] * 2, dtype=torch.int32)
    ctx = torch.randn(2, 77, te_mod.WIDTH)
    return {
        "text_encoder": lambda te, path: _export(
            _TextEncoderOnnx(te), (ids,), path, ["input_ids"], ["last_hidden_state", "pooler_output"],
            {"input_ids": {0: "batch", 1: "sequence"}, "last_hidden_state": {0: "batch", 1: "sequence"},
             "pooler_output": {0: "batch"}},
            {"last_hidden_state": {2: te_mod.WIDTH}, "pooler_output": {1: te_mod.WIDTH}}),
        "unet": lambda unet, path: _export(
            unet, (torch.randn(2, 4, 32, 32), torch.tensor([999.0]), ctx), path,
            ["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
            {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "steps"},
             "encoder_hidden_states": {0: "batch", 1: "sequence"},
             "out_sample": {0: "batch", 2: "height", 3: "width"}}),
        "vae_decoder": lambda decoder, path: _export(
            _Call(decoder), (torch.randn(1, 4, 32, 32),), path, ["latent_sample"], ["sample"],
            {"latent_sample": {0: "batch", 2: "height", 3: "width"}, "sample": {0: "batch", 2: "height", 3: "width"}}),
        "vae_encoder": lambda encoder, path: _export(
            _Call(encoder), (torch.randn(1, 3, 256, 256),), path, ["sample"], ["latent_sample"],
            {"sample": {0: "batch", 2: "height", 3: "width"}, "latent_sample": {0: "batch", 2: "height", 3: "width"}}),
    }


def export_all(out, tok, ae, te, unet, scale, log):
    """Write the whole model folder to out (via a temporary sibling, then swap)."""
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tok.save(tmp / "tokenizer")
    for name, obj in configs(len(tok.vocab), scale, tok, unet.channels).items():
        _write_json(tmp / name, obj)
    parts = part_exporters(tok)
    sizes = {name: parts[name](module, tmp / name / "model.onnx")
             for name, module in (("text_encoder", te), ("unet", unet), ("vae_decoder", ae.decoder),
                                  ("vae_encoder", ae.encoder))}
    _check_no_circular_pads(tmp)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    log(stage="export", out=str(out), bytes=sizes, total_bytes=total)
    return total


def _check_no_circular_pads(folder):
    """SD exports use zero-padded convs; the tiling rewrite expects exactly that."""
    for path in folder.rglob("model.onnx"):
        for node in onnx.load(str(path)).graph.node:
            if node.op_type == "Pad":
                mode = next((a.s for a in node.attribute if a.name == "mode"), b"constant")
                if mode != b"constant":
                    raise RuntimeError(f"{path}: Pad mode {mode!r}, expected zero padding only")
