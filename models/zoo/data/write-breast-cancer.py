"""
Writes breast-cancer.csv.gz from the copy scikit-learn ships (Debian's python3-sklearn):
a header line of the 30 feature names plus "malignant", then one row per sample, the label
1 for malignant and 0 for benign (scikit-learn's target is 0 = malignant; flipped so that the
model's score is the risk of malignancy). Run once by hand:
/usr/bin/python3 models/zoo/data/write-breast-cancer.py
"""
import gzip
import os

from sklearn.datasets import load_breast_cancer

d = load_breast_cancer()
here = os.path.dirname(os.path.abspath(__file__))
with gzip.GzipFile(os.path.join(here, "breast-cancer.csv.gz"), "wb", compresslevel=9, mtime=0) as f:
    f.write((",".join(n.replace(" ", "_") for n in d.feature_names) + ",malignant\n").encode())
    for x, t in zip(d.data, d.target):
        f.write((",".join(repr(float(v)) for v in x) + f",{1 - int(t)}\n").encode())
with open(os.path.join(here, "breast_cancer.rst"), "w") as f:
    f.write(d.DESCR)
