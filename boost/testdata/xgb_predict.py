#!/usr/bin/python3
"""Load a model with XGBoost and write what XGBoost predicts for it.

usage: xgb_predict.py JOBS.json

JOBS.json is a list of {"model", "rows", "num_feature", "out"} objects, so
that one Python start serves many models. "rows" names a file of
little-endian float32 rows (NaN = missing). "out" gets a JSON object with
the XGBoost version, the margin and prediction as float32 bit patterns,
the leaf indices, the SHAP contributions and the five importance scores.
"""
import json
import sys

import numpy as np
import xgboost as xgb


def bits(a):
    return np.ascontiguousarray(a, dtype="<f4").view("<u4").ravel().tolist()


def run(model, rows, nfeat, out):
    booster = xgb.Booster()
    booster.load_model(model)
    x = np.fromfile(rows, dtype="<f4").reshape(-1, int(nfeat))
    d = xgb.DMatrix(x, missing=np.nan, feature_names=booster.feature_names)
    res = {
        "version": xgb.__version__,
        "margin": bits(booster.predict(d, output_margin=True)),
        "pred": bits(booster.predict(d)),
        "leaves": booster.predict(d, pred_leaf=True).astype(np.int64).ravel().tolist(),
        "contribs": bits(booster.predict(d, pred_contribs=True)),
        "importance": {
            t: {k: float(v) for k, v in booster.get_score(importance_type=t).items()}
            for t in ("weight", "gain", "cover", "total_gain", "total_cover")
        },
    }
    with open(out, "w") as f:
        json.dump(res, f)


def main():
    with open(sys.argv[1]) as f:
        jobs = json.load(f)
    for j in jobs:
        run(j["model"], j["rows"], j["num_feature"], j["out"])


if __name__ == "__main__":
    main()
