"""Small helpers shared by the Python commands (python/heatnet/__main__.py)."""
from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from typing import Any


def json_argument(value: str, what: str) -> Any:
    """A flag that takes inline JSON (starting with '{') or the path of a JSON file."""
    text = value
    if not value.lstrip().startswith("{"):
        try:
            with open(value, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise ValueError(f"{what} {value!r}: {e.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"{what} {value!r}: not valid JSON: {e}") from None


@contextmanager
def atomic_output(path: "os.PathLike[str] | str"):
    """Yields a temporary path next to ``path``; renamed to ``path`` only when the block
    completes, removed otherwise (a failed command leaves no output file)."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(f"output {path!r}: folder {folder!r} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=".heatnet-", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
