# Writes the binary-format reference models in xgb/ with XGBoost 1.7.4:
#   /usr/bin/python3 testdata/xgb_binary.py   (from boost/)
# Each is small so that the fuzzer starts from XGBoost's own bytes.
import os

import numpy as np
import xgboost as xgb

rng = np.random.default_rng(7)
X = rng.normal(size=(400, 5)).astype(np.float32)
X[rng.random(X.shape) < 0.1] = np.nan
y = np.nan_to_num(X[:, 0]) * 2 + np.nan_to_num(X[:, 1]) > 0
cases = {
    "model_binary_logistic.xgb": ({"objective": "binary:logistic", "eval_metric": ["auc", "logloss"]}, y.astype(np.float32)),
    "model_binary_poisson.xgb": ({"objective": "count:poisson", "base_score": 1.5}, rng.poisson(2, 400).astype(np.float32)),
}
for name, (params, label) in cases.items():
    d = xgb.DMatrix(X, label=label, feature_names=["f%d" % i for i in range(5)])
    bst = xgb.train(dict(params, max_depth=2, eta=0.5, seed=1), d, 2)
    bst.set_attr(source="sagemaker")
    bst.save_model(os.path.join(os.path.dirname(os.path.abspath(__file__)), "xgb", name))
