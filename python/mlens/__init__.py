"""Multiplicity Lens from a notebook.

Write the app's generic dataset folder from arrays, lists or a DataFrame, start browser mode on it
(``mlens serve``), and show the app in a notebook cell. Needs numpy only; pandas is used when a
DataFrame is passed, IPython when ``show`` is called inside Jupyter.
"""
from .folder import write_folder, FolderError
from .server import serve, show, LensServer

__all__ = ["write_folder", "FolderError", "serve", "show", "LensServer"]
__version__ = "0.1.0"
