"""
A Keras-layout CNN on 8x8 digits, built in torch: the input is NHWC [1, 8, 8, 1] as Keras feeds
it, a Transpose makes it NCHW for the convs, and a Transpose back to NHWC comes before the
Flatten, so the Dense layer reads features in Keras' (row, column, channel) order. tf2onnx
exports of Keras models carry the same Transpose pairs. The output is a Softmax, as Keras
classifiers end.

Re-export (from the repo root): /usr/bin/python3 models/zoo/keras-nhwc-digits/export.py
"""
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common  # noqa: E402


class KerasStyle(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3, padding=1)
        self.conv2 = nn.Conv2d(6, 8, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.dense1 = nn.Linear(2 * 2 * 8, 16)
        self.dense2 = nn.Linear(16, 10)

    def forward(self, x):
        x = x.permute(0, 3, 1, 2)  # NHWC -> NCHW
        x = self.pool(torch.relu(self.conv2(self.pool(torch.relu(self.conv1(x))))))
        x = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)  # NCHW -> NHWC, Keras' Flatten order
        return torch.softmax(self.dense2(torch.relu(self.dense1(x))), dim=-1)


if __name__ == "__main__":
    folder = os.path.dirname(os.path.abspath(__file__))
    seed = 5
    common.seed_everything(seed)
    x, y = common.load_digits()
    x = np.ascontiguousarray(x.transpose(0, 2, 3, 1))  # NHWC
    tr, te = common.split(len(x), seed)
    model = KerasStyle()
    nll = lambda p, t: nn.functional.nll_loss(torch.log(p + 1e-9), t)
    loss = common.train(model, nll, x[tr], y[tr], 60, seed=seed)
    out = common.predict(model, x[te])
    acc = float((out.argmax(1) == y[te]).mean())
    ops = common.export(model, x[te], folder)
    common.write_test_split(folder, x[te], out, y[te])
    common.write_card(folder, {
        "model": "keras-nhwc-digits",
        "recipe": "input NHWC; Transpose to NCHW; Conv3x3(1->6)+ReLU; MaxPool 2; Conv3x3(6->8)+ReLU; MaxPool 2; Transpose to NHWC; Flatten; Dense(32->16)+ReLU; Dense(16->10); Softmax",
        "data": {**common.DIGITS_DATA, "samples": int(len(x)), "classes": 10},
        "split": {"method": f"numpy RandomState({seed}).permutation, first 20% test", "train": int(len(tr)), "test": int(len(te))},
        "training": {"optimizer": "Adam lr 0.003, cosine schedule", "batch": 32, "epochs": 60, "seed": seed, "finalTrainLoss": round(loss, 5)},
        "input": {"name": "input", "shape": [1, 8, 8, 1], "layout": "NHWC", "preprocessing": "pixel value 0..16 divided by 16"},
        "output": {"name": "output", "shape": [1, 10], "meaning": "class probabilities (Softmax)"},
        "metrics": {"floatTestAccuracy": round(acc, 4)},
        "parameters": common.params(model),
        "opset": common.OPSET,
        "onnxOps": ops,
    })
