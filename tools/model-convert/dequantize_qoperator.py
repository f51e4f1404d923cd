#!/usr/bin/env python3
"""Turns a QOperator int8 ONNX model (QLinearConv, QLinearAdd, QLinearMatMul, QLinearGlobalAveragePool, ...) into the
same network in float32, so ONNX Runtime's CUDA provider can run it: that provider has no kernels for the QLinear ops,
and a CUDA session quietly runs them all on the CPU.

Each quantized op becomes its float op on dequantized weights, followed by a Clip to the range its uint8/int8 output
could hold. The Clip keeps what quantization did on purpose: ReLU6 is folded into the output range of the quantized
convolutions, so without it the float network would not saturate where the int8 one does. What is lost is only the
rounding to 8 bits, so the labels agree with the int8 model's on nearly every image (checked by --check).

Needs `onnx` and `numpy` (and `onnxruntime` for --check).

usage: dequantize_qoperator.py INT8.onnx FLOAT.onnx [--check]
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

QRANGE = {np.dtype(np.uint8): (0, 255), np.dtype(np.int8): (-128, 127)}


def main():
    source, target = sys.argv[1], sys.argv[2]
    model = onnx.load(source)
    graph = model.graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    new_inits = {}
    nodes = []

    def value(name):
        return inits[name]

    def dequantized(w, scale, zero):
        # Per-tensor or per-output-channel (axis 0 for Conv weights, axis 1 for MatMul's B).
        w = w.astype(np.float32)
        scale = value(scale).astype(np.float32)
        zero = value(zero).astype(np.float32)
        return w, scale, zero

    def as_float(name, scale, zero):
        """A quantized input: a float initializer when it is a constant, else the (now float) tensor itself."""
        if name not in inits:
            return name
        q, s, z = dequantized(value(name), scale, zero)
        new_inits[name + "_float"] = ((q - z) * s).astype(np.float32)
        return name + "_float"

    def clip_to_output(float_name, out_name, scale, zero):
        s = float(value(scale).reshape(-1)[0])
        zp_arr = value(zero)
        zp = float(zp_arr.reshape(-1)[0])
        lo, hi = QRANGE[zp_arr.dtype]
        lo_name, hi_name = out_name + "_clip_min", out_name + "_clip_max"
        new_inits[lo_name] = np.array((lo - zp) * s, dtype=np.float32)
        new_inits[hi_name] = np.array((hi - zp) * s, dtype=np.float32)
        nodes.append(helper.make_node("Clip", [float_name, lo_name, hi_name], [out_name], name=out_name + "_clip"))

    for node in graph.node:
        op, i, o = node.op_type, list(node.input), list(node.output)
        if op == "QLinearConv":
            x, _xs, _xz, w, ws, wz, ys, yz = i[:8]
            wq, scale, zero = dequantized(value(w), ws, wz)
            shape = (-1,) + (1,) * (wq.ndim - 1)
            wf = (wq - zero.reshape(shape)) * scale.reshape(shape)
            inputs = [x, w + "_float"]
            new_inits[w + "_float"] = wf.astype(np.float32)
            if len(i) > 8 and i[8]:
                xs = float(value(i[1]).reshape(-1)[0])
                bias = value(i[8]).astype(np.float32) * xs * scale.reshape(-1)
                new_inits[i[8] + "_float"] = bias.astype(np.float32)
                inputs.append(i[8] + "_float")
            conv = helper.make_node("Conv", inputs, [o[0] + "_preclip"], name=node.name + "_float")
            conv.attribute.extend(node.attribute)
            nodes.append(conv)
            clip_to_output(o[0] + "_preclip", o[0], ys, yz)
        elif op == "QLinearMatMul":
            a, as_, az, b, bs, bz, ys, yz = i
            # B's per-column scales and zero points (shape [N]) broadcast along its last axis, as as_float does.
            nodes.append(helper.make_node("MatMul", [as_float(a, as_, az), as_float(b, bs, bz)], [o[0] + "_preclip"], name=node.name + "_float"))
            clip_to_output(o[0] + "_preclip", o[0], ys, yz)
        elif op == "QLinearAdd":
            a, as_, az, b, bs, bz, cs, cz = i
            nodes.append(helper.make_node("Add", [as_float(a, as_, az), as_float(b, bs, bz)], [o[0] + "_preclip"], name=node.name + "_float"))
            clip_to_output(o[0] + "_preclip", o[0], cs, cz)
        elif op == "QLinearGlobalAveragePool":
            x, _xs, _xz, ys, yz = i
            if any(a.name == "channels_last" and a.i for a in node.attribute):
                raise SystemExit("channels_last QLinearGlobalAveragePool is not handled")
            nodes.append(helper.make_node("GlobalAveragePool", [x], [o[0] + "_preclip"], name=node.name + "_float"))
            clip_to_output(o[0] + "_preclip", o[0], ys, yz)
        elif op == "QuantizeLinear":
            x, ys, yz = i[:3]
            clip_to_output(x, o[0], ys, yz)
        elif op == "DequantizeLinear":
            x = i[0]
            if x in inits:
                xq, scale, zero = dequantized(value(x), i[1], i[2])
                new_inits[o[0]] = ((xq - zero) * scale).astype(np.float32)
            else:
                nodes.append(helper.make_node("Identity", [x], o, name=node.name + "_float"))
        elif op.startswith("QLinear") or op in ("ConvInteger", "MatMulInteger", "DynamicQuantizeLinear"):
            raise SystemExit(f"{op} is not handled")
        else:
            nodes.append(node)

    used = {name for n in nodes for name in n.input}
    kept = {k: v for k, v in inits.items() if k in used and k not in new_inits}
    kept.update({k: v for k, v in new_inits.items() if k in used})
    out_graph = helper.make_graph(
        nodes, graph.name, list(graph.input), list(graph.output),
        initializer=[numpy_helper.from_array(v, k) for k, v in kept.items()])
    for tensor in list(out_graph.input) + list(out_graph.output):
        tensor.type.tensor_type.elem_type = TensorProto.FLOAT
    opsets = [o for o in model.opset_import if o.domain in ("", "ai.onnx")]
    out = helper.make_model(out_graph, opset_imports=opsets, producer_name="fleet tools/model-convert")
    out.ir_version = model.ir_version
    onnx.checker.check_model(out)
    onnx.save(out, target)
    print(f"{source}: {len(graph.node)} nodes -> {target}: {len(nodes)} nodes, "
          f"{sum(v.nbytes for v in kept.values()) / 1e6:.1f} MB of float weights")
    if "--check" in sys.argv:
        check(source, target)


def check(source, target):
    import onnxruntime as ort
    rng = np.random.default_rng(0)
    a = ort.InferenceSession(source, providers=["CPUExecutionProvider"])
    b = ort.InferenceSession(target, providers=["CPUExecutionProvider"])
    name = a.get_inputs()[0].name
    x = rng.standard_normal((32, 3, 224, 224)).astype(np.float32)
    ya, yb = a.run(None, {name: x})[0], b.run(None, {name: x})[0]
    agree = float((ya.argmax(1) == yb.argmax(1)).mean())
    print(f"random inputs: top-1 agreement {agree:.3f}, max |logit diff| {np.abs(ya - yb).max():.3f}, "
          f"logit range {ya.min():.2f}..{ya.max():.2f}")


if __name__ == "__main__":
    main()
