#!/usr/bin/env -S /usr/bin/python3
"""Small ONNX graphs for the seamless-tiling rewrite tests, and their expected outputs.

Run with the Debian interpreter (onnx 1.12 + numpy): /usr/bin/python3 tests/models/tiling/make_tiling_graphs.py
Output is deterministic (fixed numpy seed). The expected outputs are a plain numpy convolution over an
input padded with np.pad(mode="wrap") on the tiled axes and zeros on the others; nothing here runs ONNX Runtime.
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, external_data_helper, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 17
rng = np.random.default_rng(20261124)


def weights(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def save(model, name):
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, name))


def make_model(nodes, inits, x_shape, name, extra_inputs=()):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", x_shape[1], "height", "width"]), *extra_inputs],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", "channels", "out_height", "out_width"])],
        [numpy_helper.from_array(v, k) for k, v in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="seedtex-tests")
    model.ir_version = 8
    return model


# ---- reference maths -------------------------------------------------------------------------------------------
def pad_for(x, begins, ends, axes):
    """begins/ends per spatial axis (h, w); wrap on the tiled axes, zeros elsewhere, as the rewrite promises."""
    out = x
    for axis, (b, e) in enumerate(zip(begins, ends)):
        mode = "wrap" if "hw"[axis] in axes else "constant"
        widths = [(0, 0)] * 4
        widths[2 + axis] = (b, e)
        out = np.pad(out, widths, mode=mode)
    return out


def conv_valid(x, w, b, strides, dilations, group=1):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    sh, sw = strides
    dh, dw = dilations
    oh = (h - (kh - 1) * dh - 1) // sh + 1
    ow = (wd - (kw - 1) * dw - 1) // sw + 1
    y = np.zeros((n, m, oh, ow), dtype=np.float64)
    mg = m // group
    for o in range(m):
        g = o // mg
        for i in range(oh):
            for j in range(ow):
                patch = x[:, g * cg:(g + 1) * cg, i * sh:i * sh + (kh - 1) * dh + 1:dh, j * sw:j * sw + (kw - 1) * dw + 1:dw]
                y[:, o, i, j] = (patch.astype(np.float64) * w[o].astype(np.float64)).sum(axis=(1, 2, 3))
        if b is not None:
            y[:, o] += b[o]
    return y.astype(np.float32)


# ---- graphs -----------------------------------------------------------------------------------------------------
def conv3x3():
    """One Conv 3x3, pads 1, with bias: the shape of almost every Conv in an SD UNet or VAE."""
    w, b = weights(3, 2, 3, 3), weights(3)
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], name="conv3x3", kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    model = make_model([node], {"w": w, "b": b}, (1, 2), "conv3x3")

    def reference(x, axes):
        return conv_valid(pad_for(x, (1, 1), (1, 1), axes), w, b, (1, 1), (1, 1))
    return model, reference


def asymmetric():
    """Asymmetric and larger pads with stride 2 and a dilation, then a 1x1 Conv (no padding, left alone),
    then an auto_pad SAME_UPPER 2x2 Conv (stride 1: pads 0 before, 1 after), then a grouped 3x3."""
    w1 = weights(4, 2, 3, 5)
    w2 = weights(4, 4, 1, 1)
    w3, b3 = weights(4, 4, 2, 2), weights(4)
    w4 = weights(4, 2, 3, 3)
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["a"], name="down", kernel_shape=[3, 5], pads=[2, 1, 0, 3],
                         strides=[2, 2], dilations=[1, 2]),
        helper.make_node("Relu", ["a"], ["ar"], name="relu"),
        helper.make_node("Conv", ["ar", "w2"], ["p"], name="pointwise", kernel_shape=[1, 1]),
        helper.make_node("Conv", ["p", "w3", "b3"], ["s"], name="same_upper", auto_pad="SAME_UPPER"),
        helper.make_node("Conv", ["s", "w4"], ["y"], name="grouped", kernel_shape=[3, 3], pads=[1, 1, 1, 1], group=2),
    ]
    model = make_model(nodes, {"w1": w1, "w2": w2, "w3": w3, "b3": b3, "w4": w4}, (1, 2), "asymmetric")

    def reference(x, axes):
        a = np.maximum(conv_valid(pad_for(x, (2, 1), (0, 3), axes), w1, None, (2, 2), (1, 2)), 0)
        p = conv_valid(a, w2, None, (1, 1), (1, 1))
        s = conv_valid(pad_for(p, (0, 0), (1, 1), axes), w3, b3, (1, 1), (1, 1))
        return conv_valid(pad_for(s, (1, 1), (1, 1), axes), w4, None, (1, 1), (1, 1), group=2)
    return model, reference


def explicit_pad():
    """SD's VAE encoder downsampling: an explicit zero Pad (0 before, 1 after on h and w) and a 3x3 stride-2 Conv
    without pads. The rewrite folds the Pad into the Conv, so the Pad's zeros wrap on the tiled axes too."""
    w, b = weights(3, 2, 3, 3), weights(3)
    pads = np.array([0, 0, 0, 0, 0, 0, 1, 1], dtype=np.int64)
    nodes = [
        helper.make_node("Pad", ["x", "pads"], ["padded"], name="downsample_pad", mode="constant"),
        helper.make_node("Conv", ["padded", "w", "b"], ["y"], name="downsample_conv", kernel_shape=[3, 3], strides=[2, 2]),
    ]
    model = make_model(nodes, {"pads": pads, "w": w, "b": b}, (1, 2), "explicit_pad")

    def reference(x, axes):
        return conv_valid(pad_for(x, (0, 0), (1, 1), axes), w, b, (2, 2), (1, 1))
    return model, reference


def bad_graphs():
    relu = make_model([helper.make_node("Relu", ["x"], ["y"], name="only_relu")], {}, (1, 2), "no_conv")
    save(relu, "bad_no_conv.onnx")
    unpadded = make_model([helper.make_node("Conv", ["x", "w"], ["y"], name="unpadded", kernel_shape=[1, 1])],
                          {"w": weights(2, 2, 1, 1)}, (1, 2), "unpadded")
    save(unpadded, "bad_unpadded_conv.onnx")
    # SAME padding with stride 2 depends on the input size, so no fixed wrap can replace it.
    same_strided = make_model(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="same_strided", auto_pad="SAME_LOWER", strides=[2, 2])],
        {"w": weights(2, 2, 3, 3)}, (1, 2), "same_strided")
    save(same_strided, "bad_same_strided.onnx")
    # A padded Conv inside an If branch: the rewrite only walks the main graph, so it must refuse.
    branch = helper.make_graph(
        [helper.make_node("Conv", ["x", "w"], ["yb"], name="conv_in_branch", kernel_shape=[3, 3], pads=[1, 1, 1, 1])],
        "branch", [], [helper.make_tensor_value_info("yb", TensorProto.FLOAT, ["batch", "channels", "out_height", "out_width"])])
    cond = helper.make_tensor_value_info("cond", TensorProto.BOOL, [])
    in_if = make_model([helper.make_node("If", ["cond"], ["y"], name="branching", then_branch=branch, else_branch=branch)],
                       {"w": weights(2, 2, 3, 3)}, (1, 2), "conv_in_if", extra_inputs=[cond])
    save(in_if, "bad_conv_in_if.onnx")


def external_copy(model):
    """The conv3x3 graph with its weights in a side file, as large exports are stored (a real SD 1.5 UNet is
    over 2 GB and cannot live inside one protobuf)."""
    folder = os.path.join(HERE, "external")
    os.makedirs(folder, exist_ok=True)
    if os.path.exists(os.path.join(folder, "weights.bin")):
        os.remove(os.path.join(folder, "weights.bin"))  # onnx appends to an existing data file
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    external_data_helper.convert_model_to_external_data(copy, all_tensors_to_one_file=True, location="weights.bin",
                                                        size_threshold=0)
    onnx.save(copy, os.path.join(folder, "model.onnx"))


def add_cases(name, build, x, cases):
    """Saves the graph and appends its expected output for every tiling; returns the model."""
    model, reference = build()
    save(model, f"{name}.onnx")
    for axes in ["x", "y", "xy", "none"]:
        tiled = {"x": "w", "y": "h", "xy": "hw", "none": ""}[axes]
        y = reference(x, tiled)
        cases.append({"graph": f"{name}.onnx", "axes": axes, "input_shape": list(x.shape), "input": x.ravel().tolist(),
                      "output_shape": list(y.shape), "output": y.ravel().tolist()})
    return model


def main():
    x_small = rng.standard_normal((1, 2, 6, 8)).astype(np.float32)
    x_odd = rng.standard_normal((1, 2, 11, 14)).astype(np.float32)
    cases = []
    for name, build, x in [("conv3x3", conv3x3, x_small), ("asymmetric", asymmetric, x_odd)]:
        model = add_cases(name, build, x, cases)
        if name == "conv3x3":
            external_copy(model)
    bad_graphs()
    # Drawn after everything above, so the earlier graphs and their numbers stay as they were.
    x_pad = rng.standard_normal((1, 2, 8, 10)).astype(np.float32)
    add_cases("explicit_pad", explicit_pad, x_pad, cases)
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump({"note": "numpy reference: wrap-padded (np.pad mode=wrap) tiled axes, zero-padded others",
                   "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
