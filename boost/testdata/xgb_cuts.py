"""Quantile cuts and trees of XGBoost 1.7 for the sketch tests.

Reads a JSON job on stdin:
  {"rows": n, "cols": m, "x": base64 little-endian float32, row-major (NaN = missing),
   "y": base64 float32 labels or null, "w": base64 float32 weights or null,
   "cuts": [{"max_bin": b, "nthread": t}, ...],
   "train": [{"params": {...}, "rounds": r, "y": base64 labels or null, "w": base64 weights or null,
              "gh": base64 float32 gradient/hessian pairs or null}, ...]}
(a training's own labels and weights replace the job's; with "gh" the training
runs one round on those gradients, given as a custom objective)
and writes JSON: {"cuts": [{"values": [bits], "ptrs": [...], "mins": [bits]}, ...],
                  "models": [{"trees": [...]} | {"error": msg}, ...]}.

XGBoost 1.7 has no Python API for the cuts (DMatrix.get_quantile_cut is
2.0's), so they are read by calling the library's own
common::SketchOnDMatrix, the function its hist method calls to build
them, through ctypes. libxgboost.so exports its C++ symbols; the call
passes the HistogramCuts it returns by a hidden pointer and its empty
hessian Span by reference (Span has a non-trivial destructor), as the
x86-64 System V C++ ABI does.
"""
import base64
import ctypes
import json
import sys

import numpy as np
import xgboost as xgb
from xgboost.core import _LIB


def f32(s):
    return None if s is None else np.frombuffer(base64.b64decode(s), dtype="<f4")


def bits(a):
    return np.asarray(a, dtype=np.float32).view(np.uint32).tolist()


_lib = ctypes.CDLL(_LIB._name)
_sketch = _lib._ZN7xgboost6common15SketchOnDMatrixEPNS_7DMatrixEiibNS0_4SpanIfLm18446744073709551615EEE
_sketch.restype = None
_sketch.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_bool, ctypes.c_void_p]


def _vec(kind, addr):
    t = {"f": ctypes.c_float, "j": ctypes.c_uint32}[kind]
    size = getattr(_lib, "_ZNK7xgboost16HostDeviceVectorI%sE4SizeEv" % kind)
    size.restype, size.argtypes = ctypes.c_size_t, [ctypes.c_void_p]
    ptr = getattr(_lib, "_ZNK7xgboost16HostDeviceVectorI%sE16ConstHostPointerEv" % kind)
    ptr.restype, ptr.argtypes = ctypes.POINTER(t), [ctypes.c_void_p]
    n = size(addr)
    return [] if n == 0 else np.ctypeslib.as_array(ptr(addr), (n,)).copy()


def cuts(d, max_bin, nthread):
    # HistogramCuts: bool, float, then three HostDeviceVector (one pointer each).
    out = ctypes.create_string_buffer(64)
    span = ctypes.create_string_buffer(16)  # {size 0, data nullptr}
    dmat = ctypes.c_void_p.from_address(d.handle.value).value  # shared_ptr<DMatrix>'s pointer
    base = ctypes.addressof(out)
    _sketch(base, dmat, max_bin, nthread, False, ctypes.addressof(span))
    return {"values": bits(_vec("f", base + 8)), "ptrs": [int(v) for v in _vec("j", base + 16)],
            "mins": bits(_vec("f", base + 24))}


def main():
    job = json.load(sys.stdin)
    x = f32(job["x"]).reshape(job["rows"], job["cols"])
    y, w = f32(job.get("y")), f32(job.get("w"))
    d = xgb.DMatrix(x, label=y, weight=w, missing=np.nan)
    out = {"cuts": [cuts(d, c["max_bin"], c["nthread"]) for c in job.get("cuts") or []], "models": []}
    for c in job.get("train") or []:
        try:
            dt = d
            if c.get("w") is not None:
                dt = xgb.DMatrix(x, label=y, weight=f32(c["w"]), missing=np.nan)
            if c.get("y") is not None:
                dt.set_label(f32(c["y"]))
            if c.get("gh") is not None:
                gh = f32(c["gh"]).reshape(-1, 2)
                b = xgb.train(c["params"], dt, 1, obj=lambda _p, _d: (gh[:, 0].copy(), gh[:, 1].copy()))
            else:
                b = xgb.train(c["params"], dt, c["rounds"])
        except Exception as e:  # reported to the test
            out["models"].append({"error": str(e)})
            continue
        m = json.loads(b.save_raw("json"))["learner"]
        trees = [{k: t[k] for k in ("left_children", "right_children", "split_indices", "split_conditions", "default_left",
                                    "loss_changes", "base_weights", "sum_hessian")}
                 for t in m["gradient_booster"]["model"]["trees"]]
        out["models"].append({"trees": trees})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
