"""
MobileNet-style CNN on 8x8 digits: a Conv-BN-ReLU6 stem, then depthwise separable blocks
(depthwise 3x3 conv with groups = channels, BN, ReLU6; pointwise 1x1 conv, BN, HardSwish), the
second depthwise conv strided (4x4 -> 2x2, as MobileNet downsamples: it keeps the circuit
under 2^14 constraints, so the model's setup fits a 2^15 powers of tau), then GlobalAveragePool
and a Linear classifier. ReLU6 exports
as Clip(0, 6), HardSwish as HardSwish (opset 14 on); BatchNorm folds into the Convs.

Re-export (from the repo root): /usr/bin/python3 models/zoo/mobilenet-digits/export.py
"""
import os
import sys

from torch import nn

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common  # noqa: E402


def separable(cin, cout, stride=1):
    return nn.Sequential(
        nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False), nn.BatchNorm2d(cin), nn.ReLU6(),
        nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.Hardswish(),
    )


class MobileNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 4, 3, 2, 1, bias=False), nn.BatchNorm2d(4), nn.ReLU6(),
            separable(4, 8),
            separable(8, 12, stride=2),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.fc = nn.Linear(12, 10)

    def forward(self, x):
        return self.fc(self.features(x))


if __name__ == "__main__":
    common.seed_everything(2)
    common.digits_classifier(os.path.dirname(os.path.abspath(__file__)), MobileNet(), seed=2, epochs=120, lr=1e-2,
                             recipe="stem Conv3x3 stride 2 (1->4, 8x8 -> 4x4)-BN-ReLU6; depthwise 3x3 (4ch)-BN-ReLU6, pointwise (4->8)-BN-HardSwish; depthwise 3x3 stride 2 (8ch, 4x4 -> 2x2)-BN-ReLU6, pointwise (8->12)-BN-HardSwish; GlobalAveragePool (a mean of 4); Linear(12->10)")
