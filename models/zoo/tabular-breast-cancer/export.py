"""
Tabular MLP on the Wisconsin breast cancer data (scikit-learn's copy, committed as
models/zoo/data/breast-cancer.csv.gz): a BatchNorm on the input features (it stays a
BatchNormalization node, there is no layer before it to fold into), Linear + Tanh,
Linear + GELU (exported as the erf form: Div, Erf, Add, Mul, Mul), Linear + Sigmoid: the
output is a risk score in [0, 1] that the sample is malignant.

Preprocessing: each feature standardised with the train split's mean and standard deviation
(recorded in training.json), so the input values are of order 1.

Re-export (from the repo root): /usr/bin/python3 models/zoo/tabular-breast-cancer/export.py
"""
import os
import sys

import numpy as np
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common  # noqa: E402


def auc(scores, labels):
    """Area under the ROC curve: the chance a random positive outranks a random negative (ties half)."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (len(pos) * len(neg)))


class RiskMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.BatchNorm1d(30),
            nn.Linear(30, 16), nn.Tanh(),
            nn.Linear(16, 8), nn.GELU(),
            nn.Linear(8, 1), nn.Sigmoid(),
        )

    def forward(self, x):
        return self.net(x)


if __name__ == "__main__":
    folder = os.path.dirname(os.path.abspath(__file__))
    seed = 3
    common.seed_everything(seed)
    x, y, names = common.load_breast_cancer()
    tr, te = common.split(len(x), seed)
    mean, std = x[tr].mean(0), x[tr].std(0)
    xs = ((x - mean) / std).astype(np.float32)
    model = RiskMLP()
    bce = lambda p, t: nn.functional.binary_cross_entropy(p[:, 0], t.float())
    loss = common.train(model, bce, xs[tr], y[tr], 60, lr=3e-3, seed=seed)
    out = common.predict(model, xs[te])
    acc = float(((out[:, 0] > 0.5) == y[te]).mean())
    ops = common.export(model, xs[te], folder)
    common.write_test_split(folder, xs[te], out, y[te])
    common.write_card(folder, {
        "model": "tabular-breast-cancer",
        "recipe": "BatchNorm1d(30); Linear(30->16)+Tanh; Linear(16->8)+GELU (erf); Linear(8->1)+Sigmoid",
        "data": {
            "name": "Breast Cancer Wisconsin (Diagnostic), as shipped by scikit-learn",
            "file": "models/zoo/data/breast-cancer.csv.gz (written by models/zoo/data/write-breast-cancer.py)",
            "licence": "scikit-learn's copy: BSD-3-Clause (models/zoo/data/LICENSE.sklearn); the UCI data set: CC BY 4.0",
            "samples": int(len(x)), "features": 30, "label": "1 = malignant, 0 = benign",
        },
        "split": {"method": f"numpy RandomState({seed}).permutation, first 20% test", "train": int(len(tr)), "test": int(len(te))},
        "training": {"optimizer": "Adam lr 0.003, cosine schedule", "batch": 32, "epochs": 60, "seed": seed, "loss": "binary cross-entropy", "finalTrainLoss": round(loss, 5)},
        "input": {
            "name": "input", "shape": [1, 30], "preprocessing": "(feature - mean) / std, per feature, train split statistics",
            "features": names, "mean": [round(float(v), 8) for v in mean], "std": [round(float(v), 8) for v in std],
        },
        "output": {"name": "output", "shape": [1, 1], "meaning": "risk score in [0, 1] that the sample is malignant"},
        "metrics": {"floatTestAccuracy": round(acc, 4), "floatTestAUC": round(auc(out[:, 0], y[te]), 4)},
        "parameters": common.params(model),
        "opset": common.OPSET,
        "onnxOps": ops,
    })
