#!/usr/bin/env python3
"""Makes a uint8-input classifier from a float-input one: the graph takes the resized, centre-cropped RGB crop as bytes,
NHWC [N, crop, crop, 3], and does the uint8 -> float conversion, the NHWC -> NCHW transpose and the catalog's
normalisation itself, as a prefix in front of the original network:

    image (uint8 NHWC) -> Cast(float) -> Transpose(0,3,1,2) -> Div(scale) -> Sub(mean) -> Div(std) -> <original input>

The constants come from the source model's catalog entry (models/catalog.json "preprocessing"), and the ops are the
same float32 arithmetic as ImagePreprocessor's lookup table, ((v / scale) - mean[c]) / std[c], so the CPU path and
this graph give the same tensor and therefore the same labels.

Why NHWC: a decoded bitmap is interleaved pixels, so the host writes the crop in one sequential pass (3 of every 4
bytes); the layout change costs nothing on the device. Why one graph (not a second tiny model chained before the
classifier): on the CUDA provider two sessions mean the prefix's float output goes back to the host and up again,
four times the bytes we set out to save; one graph keeps it on the device with one 150 KB copy per image.

Needs `onnx` and `numpy` (Debian: python3-onnx, python3-numpy).

usage: add_uint8_prefix.py CATALOG.json SOURCE_MODEL_NAME SOURCE.onnx TARGET.onnx [--input-name image]
"""
import argparse
import hashlib
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("catalog")
    parser.add_argument("source_name", help="the catalog entry of SOURCE (its preprocessing gives the constants)")
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("--input-name", default="image")
    args = parser.parse_args()

    with open(args.catalog, encoding="utf-8") as f:
        catalog = json.load(f)
    entry = next(m for m in catalog["models"] if m["name"] == args.source_name)
    spec = entry["preprocessing"]
    if spec.get("layout", "NCHW").upper() != "NCHW":
        raise SystemExit(f"{args.source_name}: the source must take float NCHW")
    crop = int(spec["cropSize"])
    scale = float(spec.get("scale", 255))
    # Plane c of the tensor holds channel c of RGB, or of BGR when the catalog says so.
    order = [2, 1, 0] if spec.get("channelOrder", "RGB").upper() == "BGR" else [0, 1, 2]
    mean = np.array([spec["mean"][c] for c in order], dtype=np.float32).reshape(1, 3, 1, 1)
    std = np.array([spec["std"][c] for c in order], dtype=np.float32).reshape(1, 3, 1, 1)

    model = onnx.load(args.source)
    graph = model.graph
    initializer_names = {i.name for i in graph.initializer}
    inputs = [i for i in graph.input if i.name not in initializer_names]
    if len(inputs) != 1:
        raise SystemExit(f"expected one graph input, found {[i.name for i in inputs]}")
    old = inputs[0]
    if old.type.tensor_type.elem_type != TensorProto.FLOAT:
        raise SystemExit(f"input '{old.name}' is not float")
    batch = old.type.tensor_type.shape.dim[0]
    batch_dim = batch.dim_param or (batch.dim_value if batch.dim_value > 0 else "N")

    prefix = "uint8_prefix"
    names = {k: f"{prefix}/{k}" for k in ["float", "nchw", "scaled", "centred", "scale", "mean", "std"]}
    graph.initializer.extend([
        numpy_helper.from_array(np.array(scale, dtype=np.float32), names["scale"]),
        numpy_helper.from_array(mean, names["mean"]),
        numpy_helper.from_array(std, names["std"]),
    ])
    nodes = [
        helper.make_node("Cast", [args.input_name], [names["float"]], name=f"{prefix}/Cast", to=TensorProto.FLOAT),
        helper.make_node("Transpose", [names["float"]], [names["nchw"]], name=f"{prefix}/Transpose", perm=[0, 3, 1, 2]),
        helper.make_node("Div", [names["nchw"], names["scale"]], [names["scaled"]], name=f"{prefix}/DivScale"),
        helper.make_node("Sub", [names["scaled"], names["mean"]], [names["centred"]], name=f"{prefix}/SubMean"),
        # The last node writes the old input's name, so the original network reads it unchanged.
        helper.make_node("Div", [names["centred"], names["std"]], [old.name], name=f"{prefix}/DivStd"),
    ]
    original = list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes + original)

    new_input = helper.make_tensor_value_info(args.input_name, TensorProto.UINT8, [batch_dim, crop, crop, 3])
    kept = [i for i in graph.input if i.name != old.name]
    del graph.input[:]
    graph.input.extend([new_input] + kept)
    graph.doc_string = (graph.doc_string + "\n" if graph.doc_string else "") + (
        f"uint8 NHWC input '{args.input_name}' with a preprocessing prefix (tools/model-convert/add_uint8_prefix.py): "
        f"(v / {scale} - mean) / std, mean {spec['mean']}, std {spec['std']}, {spec.get('channelOrder', 'RGB')}, "
        f"from catalog entry {args.source_name}.")

    onnx.checker.check_model(model)
    onnx.save(model, args.target)
    data = open(args.target, "rb").read()
    print(json.dumps({
        "file": os.path.basename(args.target),
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "input": args.input_name,
        "inputShape": [str(batch_dim), crop, crop, 3],
        "nodes": len(graph.node),
        "onnx": onnx.__version__,
    }))


if __name__ == "__main__":
    main()
