"""Tests of the notebook module against the real app: the folders it writes are opened by the
app's own CLI, and serve() starts the real browser-mode server."""
import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest
import urllib.request
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))

import numpy as np  # noqa: E402

import mlens  # noqa: E402
from mlens.png import encode_png  # noqa: E402


def decode_png(data):
    """Just enough of a PNG decoder (filter 0, 8-bit) to check our writer."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        (crc,) = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, kind
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, _depth, colour, *_ = ihdr
    ch = {0: 1, 2: 3, 6: 4}[colour]
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(h, w * ch + 1)
    assert (raw[:, 0] == 0).all()
    return raw[:, 1:].reshape(h, w, ch)


def mlens_cli(*args):
    r = subprocess.run(["node", os.path.join(REPO, "bin", "mlens.mjs"), *args], capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise AssertionError(f"mlens {' '.join(args)} failed ({r.returncode}): {r.stderr[-2000:]}")
    return json.loads(r.stdout)


def read_text(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def rgb(seed, h=12, w=16):
    return np.random.default_rng(seed).integers(0, 256, size=(h, w, 3), dtype=np.uint8)


class PngTest(unittest.TestCase):
    def test_round_trip_grey_rgb_rgba(self):
        rng = np.random.default_rng(0)
        for shape in [(5, 7), (9, 4, 3), (3, 3, 4)]:
            a = rng.integers(0, 256, size=shape, dtype=np.uint8)
            back = decode_png(encode_png(a))
            self.assertTrue(np.array_equal(back.reshape(a.shape), a), shape)

    def test_floats_in_unit_range_and_bad_shapes(self):
        back = decode_png(encode_png(np.full((2, 2, 3), 0.5)))
        self.assertTrue((back == 128).all())
        with self.assertRaises(ValueError):
            encode_png(np.zeros((2, 2, 2), dtype=np.uint8))
        with self.assertRaises(ValueError):
            encode_png(np.full((2, 2), 300, dtype=np.int32))


class WriteFolderTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def test_the_app_opens_what_it_writes(self):
        path_img = os.path.join(self.dir, "photo.png")
        with open(path_img, "wb") as f:
            f.write(encode_png(rgb(9)))
        a, b = rgb(1), rgb(2)
        data = {
            "image": [a, a, b, encode_png(rgb(3)), path_img, path_img],
            "caption": ["a red square", "a square", "a blue circle", "bytes", "a file", "the file again"],
            "split": ["train", "train", "val", "test", "test", None],
        }
        img = np.arange(4 * 8, dtype=np.float32).reshape(4, 8)
        txt = np.ones((6, 8), dtype=np.float64)
        out = mlens.write_folder(os.path.join(self.dir, "ds"), data, image_embeddings=img, text_embeddings=txt, encoder="unit-test")
        self.assertEqual(sorted(os.listdir(os.path.join(out, "images"))), ["000000.png", "000001.png", "000002.png", "000003.png"])
        lines = [json.loads(x) for x in read_text(os.path.join(out, "captions.jsonl")).splitlines()]
        self.assertEqual([x["image"] for x in lines], ["images/000000.png"] * 2 + ["images/000001.png", "images/000002.png"] + ["images/000003.png"] * 2)
        self.assertNotIn("split", lines[5])
        self.assertTrue(np.array_equal(np.load(os.path.join(out, "embeddings", "image.npy")), img))
        summary = mlens_cli("open", out, "--json")
        self.assertEqual(summary["images"], 4)
        self.assertEqual(summary["captions"], 6)
        self.assertEqual(summary["embeddings"]["dims"], 8)
        self.assertEqual([p for p in summary["problems"] if p.get("severity") == "error"], [])
        # the pixels the app will read are the ones given
        with open(os.path.join(out, "images", "000001.png"), "rb") as f:
            self.assertTrue(np.array_equal(decode_png(f.read()), b))

    def test_list_of_pairs_and_dataframe_like(self):
        class Frame:  # quacks like a DataFrame: .columns, .to_dict, frame[col]
            def __init__(self, cols):
                self.cols = cols
                self.columns = list(cols)

            def __getitem__(self, k):
                return self.cols[k]

            def to_dict(self):
                return self.cols

        out = mlens.write_folder(os.path.join(self.dir, "pairs"), [(rgb(1), "one"), (rgb(2), "two")])
        self.assertEqual(mlens_cli("open", out, "--json")["captions"], 2)
        out2 = mlens.write_folder(os.path.join(self.dir, "frame"), Frame({"img": [rgb(1)], "text": ["x"]}), image_col="img", caption_col="text")
        self.assertEqual(len(os.listdir(os.path.join(out2, "images"))), 1)

    def test_bad_input_is_named_and_leaves_nothing(self):
        target = os.path.join(self.dir, "bad")
        cases = [
            ({"image": [rgb(1)], "caption": [3]}, {}, "row 0: caption must be a string"),
            ({"image": [rgb(1)], "caption": ["x"], "split": ["dev"]}, {}, "row 0: split 'dev'"),
            ({"image": ["/nope/x.png"], "caption": ["x"]}, {}, "does not exist"),
            ({"image": [b"not an image"], "caption": ["x"]}, {}, "row 0: image bytes are not"),
            ({"image": [rgb(1), rgb(2)], "caption": ["x"]}, {}, "column 'image' has 2 values"),
            ({"image": [rgb(1), rgb(2)], "caption": ["x", "y"]},
             {"image_embeddings": np.array([[0.0, 1.0], [np.nan, 0.0]]), "text_embeddings": np.zeros((2, 2))},
             "image_embeddings row 1 is not finite"),
            ({"image": [rgb(1)], "caption": ["x"]}, {"image_embeddings": np.zeros((2, 3)), "text_embeddings": np.zeros((1, 3))},
             "image_embeddings has 2 rows; expected 1"),
            ({"image": [rgb(1)], "caption": ["x"]}, {"image_embeddings": np.zeros((1, 3))}, "give both"),
        ]
        for data, kw, message in cases:
            with self.assertRaises(mlens.FolderError) as cm:
                mlens.write_folder(target, data, **kw)
            self.assertIn(message, str(cm.exception))
        self.assertFalse(os.path.exists(target))
        self.assertEqual([n for n in os.listdir(self.dir) if n.startswith(".mlens-write-")], [])

    def test_an_existing_folder_is_kept_unless_overwrite(self):
        target = os.path.join(self.dir, "keep")
        mlens.write_folder(target, [(rgb(1), "first")])
        with self.assertRaises(mlens.FolderError):
            mlens.write_folder(target, [(rgb(2), "second")])
        self.assertIn("first", read_text(os.path.join(target, "captions.jsonl")))
        mlens.write_folder(target, [(rgb(2), "second")], overwrite=True)
        self.assertIn("second", read_text(os.path.join(target, "captions.jsonl")))


class ServeTest(unittest.TestCase):
    def test_serve_answers_with_the_app_and_stops(self):
        with tempfile.TemporaryDirectory() as d:
            ds = mlens.write_folder(os.path.join(d, "ds"), [(rgb(1), "one"), (rgb(2), "two")])
            with mlens.serve(ds, data_dir=os.path.join(d, "appdata")) as server:
                self.assertRegex(server.url, r"^http://127\.0\.0\.1:\d+/\?token=")
                with urllib.request.urlopen(server.url, timeout=30) as r:
                    self.assertEqual(r.status, 200)
                    self.assertIn("<html", r.read().decode("utf-8", "replace").lower())
                self.assertIn("<iframe", server._repr_html_())
                self.assertEqual(mlens.show(server), server.url) if not _has_ipython() else None
            self.assertIsNotNone(server.process.poll())


def _has_ipython():
    try:
        import IPython  # noqa: F401
        return True
    except ImportError:
        return False


if __name__ == "__main__":
    unittest.main()
