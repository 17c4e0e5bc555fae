"""The seed's preprocessing with pandas from the CSV copy (Debian's
python3-pandas cannot read parquet), reading only the kept columns.

usage: /usr/bin/python3 pandas_prep.py DATA_DIR OUT_DIR
"""
import json
import os
import sys
import time

import pandas as pd

data, out = sys.argv[1:3]
features = ["PRICE", "YEAR_BUILT", "SQUARE_FEET", "NUM_BEDROOMS", "NUM_BATHROOMS",
            "LOT_ACRES", "GARAGE_SPACES", "FRONT_PORCH", "DECK"]
phases = {}
t0 = time.perf_counter()


def lap(name):
    global t0
    phases[name] = time.perf_counter() - t0
    t0 = time.perf_counter()


df = pd.read_csv(os.path.join(data, "housing.csv"), usecols=features)[features]
n = len(df)
df = df.sample(frac=1, random_state=42).reset_index(drop=True)
a, b = int(0.6 * n), int(0.8 * n)
splits = [df.iloc[:a], df.iloc[a:b], df.iloc[b:]]
lap("read+shuffle+split")
cols = [c for c in features if c != "PRICE"]
mean = splits[0][cols].mean()
std = splits[0][cols].std(ddof=0).replace(0, 1)
lap("fit")
for name, s in zip(["train", "validation", "test"], splits):
    s = s.copy()
    s[cols] = (s[cols] - mean) / std
    os.makedirs(os.path.join(out, name), exist_ok=True)
    s.to_csv(os.path.join(out, name, "part-0.csv"), index=False)
lap("scale+write")
print(json.dumps({"engine": "pandas", "count": n, "splits": [len(s) for s in splits], "phases": phases}))
