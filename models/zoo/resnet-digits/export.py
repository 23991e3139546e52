"""
ResNet-style CNN on 8x8 digits: a strided Conv-BatchNorm-ReLU stem (8x8 -> 4x4), two residual blocks (Conv-BN-ReLU,
Conv-BN, Add of the block input, ReLU; the second block halves the resolution with a strided
conv and a 1x1 strided projection on the skip), GlobalAveragePool and a Linear classifier.
In eval mode torch.onnx.export folds each BatchNorm into the Conv before it, so the ONNX holds
Conv, Relu, Add, GlobalAveragePool, Flatten, Gemm.

Re-export (from the repo root): /usr/bin/python3 models/zoo/resnet-digits/export.py
"""
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common  # noqa: E402


def cbr(cin, cout, stride=1, relu=True):
    layers = [nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout)]
    return nn.Sequential(*layers, nn.ReLU()) if relu else nn.Sequential(*layers)


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.a = cbr(cin, cout, stride)
        self.b = cbr(cout, cout, relu=False)
        self.skip = nn.Identity() if stride == 1 and cin == cout else nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        return torch.relu(self.b(self.a(x)) + self.skip(x))


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = cbr(1, 8, stride=2)
        self.block1 = Block(8, 8, 1)
        self.block2 = Block(8, 12, 2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(12, 10)

    def forward(self, x):
        x = self.block2(self.block1(self.stem(x)))
        return self.fc(torch.flatten(self.pool(x), 1))


if __name__ == "__main__":
    common.seed_everything(1)
    common.digits_classifier(os.path.dirname(os.path.abspath(__file__)), ResNet(), seed=1, epochs=40,
                             recipe="stem Conv3x3 stride 2 (1->8)-BN-ReLU; block Conv-BN-ReLU, Conv-BN, +x, ReLU (8ch, 4x4); block stride 2 (12ch, 2x2) with 1x1 projection skip; GlobalAveragePool; Linear(12->10)")
