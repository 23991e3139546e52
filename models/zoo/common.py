"""
Shared helpers of the zoo's export scripts: data loading, seeded splits, the training loop,
ONNX export and the training card. Run only by hand (Debian's python3-torch, python3-onnx,
python3-sklearn; see README.md): CI never runs any of this, it reads the committed outputs.
"""
import gzip
import json
import os
import random

import numpy as np
import torch

ZOO = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(ZOO))
DIGITS_CSV = os.path.join(REPO, "models", "digits-mlp", "data", "digits.csv.gz")
BREAST_CANCER_CSV = os.path.join(ZOO, "data", "breast-cancer.csv.gz")
OPSET = 17


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)


def split(n, seed, test_fraction=0.2):
    """A seeded permutation: the first test_fraction of it is the test split."""
    perm = np.random.RandomState(seed).permutation(n)
    k = int(round(n * test_fraction))
    return perm[k:], perm[:k]


def load_digits():
    """UCI optdigits as shipped by scikit-learn: x [N,1,8,8] in [0,1] (pixel/16), y [N]."""
    raw = np.loadtxt(DIGITS_CSV, delimiter=",", dtype=np.float32)
    return raw[:, :64].reshape(-1, 1, 8, 8) / 16.0, raw[:, 64].astype(np.int64)


def load_breast_cancer():
    """Wisconsin diagnostic breast cancer (30 features, label 1 = malignant), from the committed CSV."""
    with gzip.open(BREAST_CANCER_CSV, "rt") as f:
        header = f.readline().strip().split(",")
        raw = np.loadtxt(f, delimiter=",", dtype=np.float64)
    return raw[:, :30], raw[:, 30].astype(np.int64), header[:30]


def train(model, loss_fn, x, y, epochs, lr=3e-3, batch=32, seed=0):
    """Adam on shuffled mini-batches (the shuffle seeded); returns the final epoch's mean loss."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    gen = torch.Generator().manual_seed(seed)
    xt, yt = torch.as_tensor(x), torch.as_tensor(y)
    last = 0.0
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(xt), generator=gen)
        total = 0.0
        for i in range(0, len(xt), batch):
            idx = order[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        sched.step()
        last = total / len(xt)
    model.eval()
    return last


def predict(model, x):
    """Outputs one sample at a time, as the exported batch-1 graph computes them."""
    model.eval()
    with torch.no_grad():
        return np.stack([model(torch.as_tensor(x[i:i + 1]))[0].numpy() for i in range(len(x))])


def export(model, sample, folder):
    """torch.onnx.export at batch 1; returns the op types present in the exported graph."""
    import onnx
    path = os.path.join(folder, "model.float.onnx")
    model.eval()
    torch.onnx.export(model, torch.as_tensor(sample[:1]), path, opset_version=OPSET,
                      input_names=["input"], output_names=["output"], do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    return sorted({n.op_type for n in m.graph.node})


def params(model):
    return int(sum(p.numel() for p in model.parameters()))


def short(values):
    """float32 values as the shortest decimals that read back as the same float32."""
    return [float(str(v)) for v in np.asarray(values, dtype=np.float32).ravel()]


def write_test_split(folder, x, outputs, targets):
    """The test inputs (as fed to the ONNX), torch's outputs and the targets: the TS tests read these."""
    doc = {
        "inputDims": [1] + list(x.shape[1:]),
        "inputs": [short(s) for s in x],
        "outputs": [short(o) for o in outputs],
        "targets": [np.asarray(t).ravel().tolist() for t in targets],
    }
    with gzip.GzipFile(os.path.join(folder, "test-split.json.gz"), "wb", compresslevel=9, mtime=0) as f:
        f.write(json.dumps(doc, separators=(",", ":")).encode())


def write_card(folder, card):
    with open(os.path.join(folder, "training.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    print(json.dumps(card, indent=2))


DIGITS_DATA = {
    "name": "UCI optdigits (8x8 handwritten digits) as shipped by scikit-learn",
    "file": "models/digits-mlp/data/digits.csv.gz",
    "licence": "BSD-3-Clause (scikit-learn; see models/digits-mlp/data/LICENSE.sklearn)",
}


def digits_classifier(folder, model, seed, epochs, recipe, lr=3e-3):
    """Trains `model` on the digits train split, exports it, writes the test split and the card."""
    seed_everything(seed)
    x, y = load_digits()
    tr, te = split(len(x), seed)
    loss = train(model, torch.nn.CrossEntropyLoss(), x[tr], y[tr], epochs, lr=lr, seed=seed)
    out = predict(model, x[te])
    acc = float((out.argmax(1) == y[te]).mean())
    ops = export(model, x[te], folder)
    write_test_split(folder, x[te], out, y[te])
    write_card(folder, {
        "model": os.path.basename(folder),
        "recipe": recipe,
        "data": {**DIGITS_DATA, "samples": int(len(x)), "classes": 10},
        "split": {"method": f"numpy RandomState({seed}).permutation, first 20% test", "train": int(len(tr)), "test": int(len(te))},
        "training": {"optimizer": f"Adam lr {lr}, cosine schedule", "batch": 32, "epochs": epochs, "seed": seed, "finalTrainLoss": round(loss, 5)},
        "input": {"name": "input", "shape": [1, 1, 8, 8], "layout": "NCHW", "preprocessing": "pixel value 0..16 divided by 16"},
        "output": {"name": "output", "shape": [1, 10], "meaning": "class logits (argmax = digit)"},
        "metrics": {"floatTestAccuracy": round(acc, 4)},
        "parameters": params(model),
        "opset": OPSET,
        "onnxOps": ops,
    })
