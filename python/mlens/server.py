"""Start Multiplicity Lens in browser mode on a folder and show it in a notebook cell.

The server binds to 127.0.0.1 and prints a URL with a one-time token; ``serve`` waits for that line.
The app is found from ``MLENS_BIN`` (a path to ``bin/mlens.mjs`` or an ``mlens`` executable), else
this repository's ``bin/mlens.mjs``, else ``mlens`` on PATH.
"""
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time

_URL = re.compile(r"is at (http://\S+)")
_HERE = os.path.dirname(os.path.abspath(__file__))


def _command():
    env = os.environ.get("MLENS_BIN")
    if env:
        return ["node", env] if env.endswith((".mjs", ".js")) else [env]
    repo_bin = os.path.join(_HERE, "..", "..", "bin", "mlens.mjs")
    if os.path.isfile(repo_bin):
        return ["node", os.path.abspath(repo_bin)]
    found = shutil.which("mlens")
    if found:
        return [found]
    raise FileNotFoundError("cannot find the mlens command: set MLENS_BIN to bin/mlens.mjs of a Multiplicity Lens checkout")


class LensServer:
    """A running ``mlens serve``; ``url`` carries the token. Stop it with ``stop()`` or ``with``."""

    def __init__(self, process, url, log_path):
        self.process = process
        self.url = url
        self.log_path = log_path

    def stop(self, timeout=10):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def _repr_html_(self):  # a notebook cell that ends with the server shows the app
        return _iframe_html(self.url, "100%", 720)

    def __repr__(self):
        state = "running" if self.process.poll() is None else f"exited {self.process.returncode}"
        return f"LensServer({self.url!r}, {state})"


def serve(folder, port=0, data_dir=None, timeout=120):
    """Start ``mlens serve --dataset FOLDER`` and return a LensServer once its URL is printed."""
    folder = os.path.abspath(os.fspath(folder))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"{folder} is not a folder")
    cmd = _command() + ["serve", "--dataset", folder, "--port", str(int(port))]
    if data_dir is not None:
        cmd += ["--data-dir", os.fspath(data_dir)]
    log = tempfile.NamedTemporaryFile(prefix="mlens-serve-", suffix=".log", delete=False)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, text=True)
    found = {}

    def read():
        for line in proc.stdout:
            m = _URL.search(line)
            if m and "url" not in found:
                found["url"] = m.group(1)
        proc.stdout.close()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    while "url" not in found:
        if proc.poll() is not None:
            reader.join(1)
            if "url" in found:
                break
            log.close()
            with open(log.name, encoding="utf-8", errors="replace") as f:
                tail = f.read()[-2000:]
            raise RuntimeError(f"mlens serve exited with code {proc.returncode}:\n{tail}")
        if time.monotonic() > deadline:
            proc.kill()
            raise TimeoutError(f"mlens serve printed no URL within {timeout} s (log: {log.name})")
        time.sleep(0.05)
    return LensServer(proc, found["url"], log.name)


def _iframe_html(url, width, height):
    from html import escape
    return f'<iframe src="{escape(url)}" width="{escape(str(width))}" height="{int(height)}" style="border:0"></iframe>'


def show(target, width="100%", height=720, **serve_args):
    """Show the app in a notebook cell. ``target`` is a LensServer or a dataset folder (then a
    server is started). Returns an IPython IFrame when IPython is present, else the URL."""
    server = target if isinstance(target, LensServer) else serve(target, **serve_args)
    try:
        from IPython.display import IFrame
    except ImportError:
        return server.url
    return IFrame(server.url, width=width, height=height)
