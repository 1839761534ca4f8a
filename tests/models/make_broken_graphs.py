#!/usr/bin/env -S /usr/bin/python3
"""Writes tiny ONNX graphs that look like a UNet but do not fit the pipeline, for error-message tests.

Run by hand: /usr/bin/python3 tests/models/make_broken_graphs.py  (onnx from Debian's python3-onnx)
"""
import os

import onnx
from onnx import TensorProto, helper

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "broken")


def unet_like(name, inputs):
    """A graph whose output out_sample is Identity(sample), with the given (name, type, shape) inputs."""
    graph = helper.make_graph(
        [helper.make_node("Identity", ["sample"], ["out_sample"])],
        name,
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info("out_sample", TensorProto.FLOAT, ["batch", 4, "height", "width"])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="seedtex-tests")
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, name + ".onnx"))


def main():
    os.makedirs(HERE, exist_ok=True)
    sample = ("sample", TensorProto.FLOAT, ["batch", 4, "height", "width"])
    hidden = ("encoder_hidden_states", TensorProto.FLOAT, ["batch", "sequence", 32])
    unet_like("unet_string_timestep", [sample, ("timestep", TensorProto.STRING, [1]), hidden])
    unet_like("unet_no_hidden_states", [sample, ("timestep", TensorProto.INT64, [1])])
    unet_like("unet_extra_input", [sample, ("timestep", TensorProto.INT64, [1]), hidden, ("mask", TensorProto.FLOAT, [1])])


if __name__ == "__main__":
    main()
