"""Quantile cuts of XGBoost 1.7's distributed sketch for the sketch tests.

Reads the job of xgb_cuts.py plus "shards": [row counts, in order] and
writes {"cuts": [...]} as xgb_cuts.py does. It starts a Rabit tracker on
127.0.0.1 and one worker process per shard; the worker of rank r loads
shard r, and its SketchOnDMatrix all-reduces the workers' summaries as
distributed hist training does. Every rank must return the same cuts.
"""
import json
import multiprocessing as mp
import os
import sys

import numpy as np

import xgb_cuts


def worker(envs, shards, w, jobs, out):
    import xgboost as xgb
    from xgboost import collective
    with collective.CommunicatorContext(**envs):
        r = collective.get_rank()
        x, wr = shards[r], None if w is None else w[r]
        d = xgb.DMatrix(x, weight=wr, missing=np.nan)
        out.put((r, [xgb_cuts.cuts(d, c["max_bin"], c["nthread"]) for c in jobs]))


def main():
    from xgboost.tracker import RabitTracker
    job = json.load(sys.stdin)
    # The tracker and workers log to stdout: keep it for the result alone.
    result = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    x = xgb_cuts.f32(job["x"]).reshape(job["rows"], job["cols"])
    w = xgb_cuts.f32(job.get("w"))
    bounds = np.cumsum([0] + job["shards"])
    shards = [x[bounds[i]:bounds[i + 1]] for i in range(len(job["shards"]))]
    ws = None if w is None else [w[bounds[i]:bounds[i + 1]] for i in range(len(job["shards"]))]
    n = len(shards)
    tracker = RabitTracker(host_ip="127.0.0.1", n_workers=n)
    tracker.start(n)
    out = mp.Queue()
    procs = [mp.Process(target=worker, args=(tracker.worker_envs(), shards, ws, job["cuts"], out)) for _ in range(n)]
    for p in procs:
        p.start()
    res = sorted((out.get(timeout=300) for _ in range(n)), key=lambda r: r[0])
    for p in procs:
        p.join()
    tracker.join()
    for r in res[1:]:
        if r[1] != res[0][1]:
            raise SystemExit("rank %d's cuts differ from rank 0's" % r[0])
    json.dump({"cuts": res[0][1]}, result)
    result.close()


if __name__ == "__main__":
    main()
