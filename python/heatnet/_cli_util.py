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


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_output(path: "os.PathLike[str] | str"):
    """Yields a temporary path next to ``path``; renamed to ``path`` only when the block
    completes, removed otherwise (a failed command leaves no output file). The file gets the
    permissions of an ordinary new file (mkstemp's are private)."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(f"output {path!r}: folder {folder!r} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=".heatnet-", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        yield tmp
        if os.path.exists(tmp):
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text_atomically(path: "os.PathLike[str] | str", text: str) -> None:
    """``text`` into ``path`` through atomic_output (UTF-8)."""
    with atomic_output(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(text)
