"""Write the generic dataset folder that Multiplicity Lens opens (see the app's README):

    DATASET/
      captions.jsonl      {"image": "images/x.png", "caption": "...", "id"?: "...", "split"?: "..."}
      images/             the image files
      embeddings/         image.npy, text.npy (float32, rows in item order), meta.json

Images are numbered in order of first appearance and captions keep row order, as the app does, so
embedding rows line up with the app's items. The folder is written beside its target and renamed
into place, so a failed write never leaves half a dataset.
"""
import hashlib
import json
import os
import shutil
import tempfile

import numpy as np

from .png import encode_png

SPLITS = ("train", "val", "test")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".avif", ".gif")


class FolderError(ValueError):
    """Bad input for write_folder; the message names the row or the argument."""


def _sniff(data: bytes):
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return ".png"
    if data[:3] == b"\xff\xd8\xff":
        return ".jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return ".gif"
    if data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis"):
        return ".avif"
    return None


def _rows(data, image_col, caption_col, split_col, id_col):
    """Rows as dicts from a DataFrame, a dict of columns, or a sequence of dicts / (image, caption) pairs."""
    if hasattr(data, "to_dict") and hasattr(data, "columns"):  # a pandas DataFrame, without importing pandas
        cols = {str(c): list(data[c]) for c in data.columns}
        data = cols
    if isinstance(data, dict):
        for need in (image_col, caption_col):
            if need not in data:
                raise FolderError(f"no column {need!r}; columns are {sorted(map(str, data))}")
        n = len(data[caption_col])
        for name, col in data.items():
            if len(col) != n:
                raise FolderError(f"column {name!r} has {len(col)} values, column {caption_col!r} has {n}")
        keys = [k for k in (image_col, caption_col, split_col, id_col) if k in data]
        return [{k: data[k][i] for k in keys} for i in range(n)]
    rows = []
    for i, r in enumerate(data):
        if isinstance(r, dict):
            rows.append(r)
        elif isinstance(r, (tuple, list)) and len(r) == 2:
            rows.append({image_col: r[0], caption_col: r[1]})
        else:
            raise FolderError(f"row {i}: expected a dict or an (image, caption) pair, got {type(r).__name__}")
    return rows


def _image_key(value, row):
    """A key that identifies the same image across rows, and how to write it."""
    if isinstance(value, (str, os.PathLike)):
        p = os.fspath(value)
        if not os.path.isfile(p):
            raise FolderError(f"row {row}: image file {p!r} does not exist")
        ext = os.path.splitext(p)[1].lower()
        if ext not in IMAGE_SUFFIXES:
            raise FolderError(f"row {row}: image file {p!r} is not one of {', '.join(IMAGE_SUFFIXES)}")
        return ("path", os.path.realpath(p)), ext
    if isinstance(value, (bytes, bytearray, memoryview)):
        b = bytes(value)
        ext = _sniff(b)
        if ext is None:
            raise FolderError(f"row {row}: image bytes are not PNG, JPEG, WebP, GIF or AVIF (first bytes {b[:8]!r})")
        return ("bytes", hashlib.sha256(b).hexdigest()), ext
    if isinstance(value, np.ndarray):
        png = encode_png(value)
        return ("bytes", hashlib.sha256(png).hexdigest()), ".png"
    raise FolderError(f"row {row}: image must be a file path, image bytes or a numpy array, got {type(value).__name__}")


def _matrix(name, a, rows):
    m = np.asarray(a)
    if m.ndim != 2:
        raise FolderError(f"{name} has shape {m.shape}; expected 2-D (rows x dims)")
    if m.shape[0] != rows:
        raise FolderError(f"{name} has {m.shape[0]} rows; expected {rows}")
    if not np.issubdtype(m.dtype, np.number):
        raise FolderError(f"{name} has dtype {m.dtype}; expected numbers")
    m = m.astype(np.float32)
    bad = np.flatnonzero(~np.isfinite(m).all(axis=1))
    if bad.size:
        raise FolderError(f"{name} row {int(bad[0])} is not finite ({bad.size} such rows)")
    return np.ascontiguousarray(m)


def write_folder(out, data, *, image_embeddings=None, text_embeddings=None, encoder=None,
                 image_col="image", caption_col="caption", split_col="split", id_col="id",
                 link_images=False, overwrite=False):
    """Write ``data`` as a dataset folder at ``out`` and return its absolute path.

    ``data``: a DataFrame, a dict of columns, or a list of dicts / ``(image, caption)`` pairs. The
    image column holds a file path (copied, or hard-linked with ``link_images``), encoded image
    bytes, or a uint8 array (written as PNG). Rows with the same image share one image item.
    ``image_embeddings``: one row per distinct image, in order of first appearance;
    ``text_embeddings``: one row per caption, in row order. Both or neither.
    """
    out = os.path.abspath(os.fspath(out))
    if os.path.exists(out) and (not os.path.isdir(out) or os.listdir(out)) and not overwrite:
        raise FolderError(f"{out} exists and is not empty; pass overwrite=True to replace it")
    rows = _rows(data, image_col, caption_col, split_col, id_col)
    if not rows:
        raise FolderError("no rows: a dataset needs at least one caption")
    if (image_embeddings is None) != (text_embeddings is None):
        raise FolderError("give both image_embeddings and text_embeddings, or neither")

    images = {}  # key -> (index, relative path, source value, ext)
    lines = []
    for i, r in enumerate(rows):
        if image_col not in r or caption_col not in r:
            raise FolderError(f"row {i}: needs {image_col!r} and {caption_col!r}")
        cap = r[caption_col]
        if not isinstance(cap, str):
            raise FolderError(f"row {i}: caption must be a string, got {type(cap).__name__}")
        key, ext = _image_key(r[image_col], i)
        if key not in images:
            images[key] = (len(images), f"images/{len(images):06d}{ext}", r[image_col])
        rec = {"image": images[key][1], "caption": cap}
        if id_col in r and r[id_col] is not None:
            rec["id"] = str(r[id_col])
        if split_col in r and r[split_col] is not None:
            s = str(r[split_col])
            if s not in SPLITS:
                raise FolderError(f"row {i}: split {s!r} is not one of {', '.join(SPLITS)}")
            rec["split"] = s
        lines.append(json.dumps(rec, ensure_ascii=False))

    img_m = txt_m = None
    if image_embeddings is not None:
        img_m = _matrix("image_embeddings", image_embeddings, len(images))
        txt_m = _matrix("text_embeddings", text_embeddings, len(rows))
        if img_m.shape[1] != txt_m.shape[1]:
            raise FolderError(f"image_embeddings have {img_m.shape[1]} dims, text_embeddings {txt_m.shape[1]}")

    parent = os.path.dirname(out)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".mlens-write-", dir=parent)
    try:
        os.makedirs(os.path.join(tmp, "images"))
        for _key, (_idx, rel, value) in images.items():
            dst = os.path.join(tmp, rel)
            if isinstance(value, (str, os.PathLike)):
                if link_images:
                    try:
                        os.link(os.fspath(value), dst)
                        continue
                    except OSError:
                        pass
                shutil.copyfile(os.fspath(value), dst)
            else:
                with open(dst, "wb") as f:
                    f.write(encode_png(value) if isinstance(value, np.ndarray) else bytes(value))
        with open(os.path.join(tmp, "captions.jsonl"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        if img_m is not None:
            os.makedirs(os.path.join(tmp, "embeddings"))
            np.save(os.path.join(tmp, "embeddings", "image.npy"), img_m)
            np.save(os.path.join(tmp, "embeddings", "text.npy"), txt_m)
            with open(os.path.join(tmp, "embeddings", "meta.json"), "w", encoding="utf-8") as f:
                json.dump({"encoder": encoder or "python"}, f)
        if os.path.exists(out):
            old = out + ".old-" + os.path.basename(tmp)
            os.rename(out, old)
            os.rename(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
