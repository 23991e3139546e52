"""
A tiny U-Net denoiser on 8x8 digits: the input is a digit with seeded Gaussian noise (sigma
0.3, clipped to [0, 1]), the target the clean digit. Encoder Conv3x3+ReLU (8x8, 2ch), MaxPool
to 4x4, Conv3x3+ReLU (6ch); decoder Upsample nearest x2 (exported as Resize) and, in parallel,
a ConvTranspose 2x2 stride 2 of the same bottleneck; both Concat'ed with the encoder's 8x8
features (the skip), Conv3x3+ReLU, Conv1x1, Sigmoid: a clean image in [0, 1]. Metric: MSE.

Re-export (from the repo root): /usr/bin/python3 models/zoo/unet-digits/export.py
"""
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common  # noqa: E402

NOISE = 0.3


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc1 = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU())
        self.down = nn.MaxPool2d(2)
        self.enc2 = nn.Sequential(nn.Conv2d(2, 6, 3, padding=1), nn.ReLU())
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.up_t = nn.ConvTranspose2d(6, 3, 2, stride=2)
        self.dec = nn.Sequential(nn.Conv2d(6 + 3 + 2, 2, 3, padding=1), nn.ReLU(), nn.Conv2d(2, 1, 1), nn.Sigmoid())

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(self.down(e1))
        return self.dec(torch.cat([self.up(e2), self.up_t(e2), e1], dim=1))


if __name__ == "__main__":
    folder = os.path.dirname(os.path.abspath(__file__))
    seed = 4
    common.seed_everything(seed)
    clean, _ = common.load_digits()
    noisy = np.clip(clean + NOISE * np.random.RandomState(seed).randn(*clean.shape), 0, 1).astype(np.float32)
    tr, te = common.split(len(clean), seed)
    model = UNet()
    loss = common.train(model, nn.functional.mse_loss, noisy[tr], clean[tr], 40, seed=seed)
    out = common.predict(model, noisy[te])
    mse = float(((out - clean[te]) ** 2).mean())
    baseline = float(((noisy[te] - clean[te]) ** 2).mean())
    ops = common.export(model, noisy[te], folder)
    common.write_test_split(folder, noisy[te], out, clean[te])
    common.write_card(folder, {
        "model": "unet-digits",
        "recipe": "Conv3x3(1->2)+ReLU [skip]; MaxPool 2; Conv3x3(2->6)+ReLU; Upsample nearest x2 || ConvTranspose2x2 s2 (6->3); Concat(6+3+2); Conv3x3(11->2)+ReLU; Conv1x1(2->1); Sigmoid",
        "data": {**common.DIGITS_DATA, "samples": int(len(clean)), "task": f"denoising: input = clip(digit + N(0, {NOISE}^2), 0, 1) with numpy RandomState({seed}), target = clean digit"},
        "split": {"method": f"numpy RandomState({seed}).permutation, first 20% test", "train": int(len(tr)), "test": int(len(te))},
        "training": {"optimizer": "Adam lr 0.003, cosine schedule", "batch": 32, "epochs": 40, "seed": seed, "loss": "MSE", "finalTrainLoss": round(loss, 6)},
        "input": {"name": "input", "shape": [1, 1, 8, 8], "layout": "NCHW", "preprocessing": "pixel value 0..16 divided by 16, plus the noise above (the test split file holds the noisy inputs)"},
        "output": {"name": "output", "shape": [1, 1, 8, 8], "meaning": "denoised image in [0, 1]"},
        "metrics": {"floatTestMSE": round(mse, 6), "noisyInputMSE": round(baseline, 6)},
        "parameters": common.params(model),
        "opset": common.OPSET,
        "onnxOps": ops,
    })
