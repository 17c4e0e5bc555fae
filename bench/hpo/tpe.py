"""Optuna 3.1 TPE on the benchmark functions of bench/hpo (functions.go).

Usage: /usr/bin/python3 tpe.py FUNCTION SEEDS TRIALS
Prints one JSON line per seed: {"seed", "values", "ask_s"}, values in trial
order and ask_s the seconds each study.ask() took (the suggestion time).

/usr/bin/python3 tpe.py --eval FUNCTION PARAMS_JSON prints the function's
value at the given parameters (the Go side checks both definitions agree).
"""
import json
import math
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def branin(x1, x2):
    b = 5.1 / (4 * math.pi ** 2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    u = x2 - b * x1 * x1 + c * x1 - 6
    return u * u + 10 * (1 - t) * math.cos(x1) + 10


ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
     [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
     [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]


def hartmann6(x):
    s = 0.0
    for i in range(4):
        inner = sum(A[i][j] * (x[j] - P[i][j] * 1e-4) ** 2 for j in range(6))
        s += ALPHA[i] * math.exp(-inner)
    return -s


def objective(name, trial):
    if name == "branin":
        return branin(trial.suggest_float("x1", -5, 10), trial.suggest_float("x2", 0, 15))
    if name == "hartmann6":
        return hartmann6([trial.suggest_float("x%d" % (j + 1), 0, 1) for j in range(6)])
    if name == "mixed":
        eta = trial.suggest_float("eta", 1e-4, 1, log=True)
        booster = trial.suggest_categorical("booster", ["gblinear", "dart", "gbtree", "exact"])
        depth = trial.suggest_int("depth", 1, 12)
        off = {"gblinear": 1.0, "dart": 0.4, "gbtree": 0.0, "exact": 0.7}[booster]
        d = (depth - 6) / 4
        e = math.log10(eta) + 2
        return off + d * d + e * e / 4
    raise SystemExit("unknown function " + name)


def main():
    if sys.argv[1] == "--eval":
        params = json.loads(sys.argv[3])
        print(repr(objective(sys.argv[2], optuna.trial.FixedTrial(params))))
        return
    name, seeds, trials = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for seed in range(seeds):
        study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed))
        values, ask = [], []
        for _ in range(trials):
            t0 = time.perf_counter()
            trial = study.ask()
            v = objective(name, trial)  # suggest_* calls sample lazily: count them as asking
            ask.append(time.perf_counter() - t0)
            study.tell(trial, v)
            values.append(v)
        print(json.dumps({"seed": seed, "values": values, "ask_s": ask}), flush=True)


if __name__ == "__main__":
    main()
