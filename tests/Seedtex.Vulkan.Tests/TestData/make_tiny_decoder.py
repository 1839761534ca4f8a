#!/usr/bin/env -S /usr/bin/python3
"""Writes tiny_vae_decoder.onnx: the tail of a VAE decoder, small enough to commit.

latent [1, 4, h, w] -> Resize x8 (nearest) -> Conv 3x3 (4 -> 3, pad 1) -> Tanh -> sample [1, 3, 8h, 8w]

The output has the decoder's name, layout and value range ([-1, 1]), which is all the zero-copy test needs.
Run with /usr/bin/python3 (Debian's, which has onnx and numpy).
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(20261124)
weights = (rng.standard_normal((3, 4, 3, 3)) * 0.4).astype(np.float32)
bias = (rng.standard_normal(3) * 0.1).astype(np.float32)

graph = helper.make_graph(
    nodes=[
        helper.make_node("Resize", ["latent", "", "scales"], ["upsampled"], mode="nearest"),
        helper.make_node("Conv", ["upsampled", "weight", "bias"], ["conv"], pads=[1, 1, 1, 1]),
        helper.make_node("Tanh", ["conv"], ["sample"]),
    ],
    name="tiny_vae_decoder",
    inputs=[helper.make_tensor_value_info("latent", TensorProto.FLOAT, [1, 4, "h", "w"])],
    outputs=[helper.make_tensor_value_info("sample", TensorProto.FLOAT, [1, 3, "H", "W"])],
    initializer=[
        numpy_helper.from_array(np.array([1, 1, 8, 8], dtype=np.float32), "scales"),
        numpy_helper.from_array(weights, "weight"),
        numpy_helper.from_array(bias, "bias"),
    ],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="seedtex-tests")
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny_vae_decoder.onnx"))
