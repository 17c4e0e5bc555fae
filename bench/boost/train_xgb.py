#!/usr/bin/python3
"""XGBoost 1.7 side of the bench/boost training comparison.

usage: train_xgb.py DIR OBJECTIVE THREADS ROUNDS [PREDICT_REPEATS]

DIR holds the data written by the Go harness: x_train.f32, x_valid.f32
(row-major little-endian float32; the feature count is the
number of values over the number of labels) and y_train.f32,
y_valid.f32. Trains with the baseline's parameters (hist, max_depth 6,
eta 0.3, max_bin 256) and the validation set in evals, predicts the
validation rows PREDICT_REPEATS times (default 5), each on a fresh
DMatrix whose build is not timed, and prints one JSON line: DMatrix,
train and predict wall seconds, train CPU seconds, the final validation
metrics, the median predict time, and the resident set before the DMatrix and at its peak (MB).
"""
import json
import statistics
import sys
import time

import numpy as np
import xgboost as xgb


def rss_mb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def main():
    d, objective, threads, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    repeats = int(sys.argv[5]) if len(sys.argv) > 5 else 5
    yt = np.fromfile(d + "/y_train.f32", dtype="<f4")
    yv = np.fromfile(d + "/y_valid.f32", dtype="<f4")
    xt = np.fromfile(d + "/x_train.f32", dtype="<f4").reshape(len(yt), -1)
    xv = np.fromfile(d + "/x_valid.f32", dtype="<f4").reshape(len(yv), -1)
    # Reset the peak so it counts from here, as the baseline did.
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    base = rss_mb("VmRSS")
    t0 = time.perf_counter()
    dtrain = xgb.DMatrix(xt, label=yt, nthread=threads)
    dvalid = xgb.DMatrix(xv, label=yv, nthread=threads)
    t_dm = time.perf_counter() - t0
    params = {"tree_method": "hist", "max_depth": 6, "eta": 0.3, "max_bin": 256,
              "nthread": threads, "seed": 0, "objective": objective}
    if objective == "reg:squarederror":
        params["eval_metric"] = ["rmse", "mae"]
    else:
        params["eval_metric"] = ["logloss", "auc", "error"]
    res = {}
    c0, t0 = time.process_time(), time.perf_counter()
    bst = xgb.train(params, dtrain, rounds, evals=[(dvalid, "valid")], evals_result=res, verbose_eval=False)
    t_train, c_train = time.perf_counter() - t0, time.process_time() - c0
    t_pdm, t_pred = [], []
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        dp = xgb.DMatrix(xv, nthread=threads)
        t_pdm.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        bst.predict(dp)
        t_pred.append(time.perf_counter() - t0)
        del dp
    t_pdm, t_pred = statistics.median(t_pdm), statistics.median(t_pred)
    print(json.dumps({
        "dmatrix_s": t_dm, "train_s": t_train, "train_cpu_s": c_train,
        "predict_dmatrix_s": t_pdm, "predict_s": t_pred,
        "metrics": {k: v[-1] for k, v in res["valid"].items()},
        "base_mb": base, "peak_mb": rss_mb("VmHWM"),
    }))


if __name__ == "__main__":
    main()
