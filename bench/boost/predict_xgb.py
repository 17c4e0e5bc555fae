#!/usr/bin/python3
"""Time XGBoost 1.7's prediction for the bench/boost harness.

usage: predict_xgb.py MODEL ROWS.f32 NUM_FEATURE THREADS REPEATS OUT.f32

Loads MODEL, reads little-endian float32 rows (NaN = missing) from
ROWS.f32, and predicts them REPEATS times with nthread=THREADS, each time
on a fresh DMatrix as the baseline does (the DMatrix build is timed
separately). Writes the last predictions to OUT.f32 (float32) so the
harness can compare them with its own, and prints one JSON line with the
median wall and CPU seconds of the DMatrix build and of predict.
"""
import json
import statistics
import sys
import time

import numpy as np
import xgboost as xgb


def timed(fn):
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w0, time.process_time() - c0


def main():
    model, rows, nfeat, threads, repeats, out = sys.argv[1:7]
    booster = xgb.Booster()
    booster.load_model(model)
    booster.set_param({"nthread": int(threads)})
    x = np.fromfile(rows, dtype="<f4").reshape(-1, int(nfeat))
    dm_wall, dm_cpu, wall, cpu = [], [], [], []
    pred = None
    for _ in range(int(repeats)):
        d, w, c = timed(lambda: xgb.DMatrix(x, missing=np.nan, nthread=int(threads),
                                               feature_names=booster.feature_names))
        dm_wall.append(w)
        dm_cpu.append(c)
        pred, w, c = timed(lambda: booster.predict(d))
        wall.append(w)
        cpu.append(c)
    np.asarray(pred, dtype="<f4").tofile(out)
    print(json.dumps({
        "engine": "xgboost " + xgb.__version__,
        "rows": int(x.shape[0]),
        "threads": int(threads),
        "dmatrix_wall_s": statistics.median(dm_wall),
        "dmatrix_cpu_s": statistics.median(dm_cpu),
        "predict_wall_s": statistics.median(wall),
        "predict_cpu_s": statistics.median(cpu),
    }))


if __name__ == "__main__":
    main()
