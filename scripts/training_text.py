"""The parallel training text as the word-list builders read it (scripts/quality/build.py,
scripts/markup/build.py): ../shared/data/train*/ pairs, never the held-out test set, and the
last 400 lines of the news validation set (the starter model's dev set) skipped."""
import glob
import os

DEV_FILE, DEV_SIZE = "bmmt-news-valid", 400


def read(path):
    """The lines of one side of a pair of files, the dev lines left out."""
    lines = open(path, encoding="utf-8").read().splitlines()
    if os.path.basename(path).startswith(DEV_FILE + "."):
        lines = lines[:-DEV_SIZE]
    return lines


def pairs(data):
    """(Indonesian, English) sentence pairs of DATA/train and DATA/train-extra."""
    out = []
    for folder in ("train", "train-extra"):
        for path in sorted(glob.glob(os.path.join(data, folder, "*.id"))):
            out += zip(read(path), read(path[:-3] + ".en"))
    return out
