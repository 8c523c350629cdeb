"""Fills the MLIR templates of bench/templates/.

A template file is MLIR with string.Template placeholders (`${name}`). A
file of fragments (the pieces of a function that the program builders
repeat or leave out) starts each with a line `// @fragment NAME` (or
`// @fragment NAME: what it is`); the text before the first such line
describes the file and is not emitted, nor are the marker lines. A file
without fragments is emitted whole."""

import functools
import os
import re
import string
import sys

TEMPLATE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                            "templates")
_MARKER = re.compile(r"^// @fragment ([\w-]+)(?::.*)?\n", re.M)


@functools.lru_cache(maxsize=None)
def _read(file):
    path = os.path.join(TEMPLATE_DIR, file)
    try:
        with open(path) as f:
            return f.read()
    except OSError as e:
        sys.exit(f"bench: cannot read template {path}: {e.strerror}")


@functools.lru_cache(maxsize=None)
def _fragments(file):
    parts = _MARKER.split(_read(file))
    if len(parts) < 3:
        sys.exit(f"bench: template {file} has no `// @fragment NAME` lines")
    return {name: body.rstrip("\n") for name, body in zip(parts[1::2], parts[2::2])}


def fill(file, fragment=None, **values):
    """The template `file` (bench/templates/<file>), or its fragment
    `fragment`, with `values` substituted for its placeholders."""
    where = file + (f" (fragment {fragment})" if fragment else "")
    if fragment is None:
        text = _read(file)
    else:
        text = _fragments(file).get(fragment)
        if text is None:
            sys.exit(f"bench: template {file} has no fragment {fragment}")
    try:
        return string.Template(text).substitute(values)
    except KeyError as e:
        sys.exit(f"bench: template {where}: no value for ${{{e.args[0]}}}")
    except ValueError as e:
        sys.exit(f"bench: template {where}: {e}")
