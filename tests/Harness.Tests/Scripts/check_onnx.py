#!/usr/bin/env python3
"""Check an ONNX model with the reference implementation's checker, independently of Harness.

Usage: check_onnx.py MODEL

Loads MODEL with onnx.load, runs onnx.checker.check_model(model, full_check=True) (structure,
operator schemas against the declared opsets, and strict shape inference), and prints the IR
version, the opset imports, the producer, the metadata keys and the graph's inputs and outputs
with their element types and shapes. Exit status: 0 valid, 1 invalid or unreadable, 2 bad usage.
"""

import sys

import onnx


def describe(value_info):
    t = value_info.type
    if t.HasField("tensor_type"):
        elem = onnx.TensorProto.DataType.Name(t.tensor_type.elem_type)
        dims = []
        for d in t.tensor_type.shape.dim:
            dims.append(d.dim_param if d.HasField("dim_param") else str(d.dim_value) if d.HasField("dim_value") else "?")
        shape = "[" + ", ".join(dims) + "]" if t.tensor_type.HasField("shape") else "(unknown shape)"
        return f"{value_info.name}: tensor({elem}) {shape}"
    return f"{value_info.name}: {t.WhichOneof('value')}"


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print("usage: check_onnx.py MODEL", file=sys.stderr)
        return 2
    path = argv[1]
    try:
        model = onnx.load(path)
    except Exception as e:  # protobuf decode errors have no common base class
        print(f"error: cannot load {path}: {type(e).__name__}: {e}")
        return 1
    print(f"model: {path}")
    print(f"ir_version: {model.ir_version}")
    print("opset_import: " + ", ".join(f"{o.domain or 'ai.onnx'}={o.version}" for o in model.opset_import))
    print(f"producer: {model.producer_name} {model.producer_version}".rstrip())
    print("metadata: " + ", ".join(p.key for p in model.metadata_props))
    for i in model.graph.input:
        print("input  " + describe(i))
    for o in model.graph.output:
        print("output " + describe(o))
    try:
        onnx.checker.check_model(model, full_check=True)
    except Exception as e:  # ValidationError, InferenceError and friends
        print(f"INVALID: {type(e).__name__}: {e}")
        return 1
    print("valid (onnx.checker.check_model, full_check=True)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
