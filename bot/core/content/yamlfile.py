"""Read one YAML file into a model, turning every failure into a one-line ContentError."""

from __future__ import annotations

import hashlib
import json
import tempfile
from functools import cached_property
from pathlib import Path
from typing import TypeVar, cast

import yaml
from pydantic import BaseModel, ValidationError

from bot.core.errors import ContentError

M = TypeVar("M", bound=BaseModel)
# libyaml's parser: the content is read by every process at start, and the pure-Python one took
# over a second for it.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Loc = tuple[int | str, ...]


def format_loc(loc: Loc) -> str:
    """``("entries", 3, "asked")`` -> ``entries[3].asked``: the key path as an editor reads it."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_of(node: yaml.Node | None, loc: Loc) -> int | None:
    """The 1-based line where ``loc`` sits in a composed YAML tree, as deep as it exists."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        child = _child(node, part)
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line


def _child(node: yaml.Node | None, part: int | str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return cast(yaml.Node, value)
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return cast(yaml.Node, node.value[part])
    return None


class YamlFile:
    """One content file: its text parsed once; the node tree that gives an error its line is
    built only when there is an error to place."""

    def __init__(self, path: Path, cache: Path | None = None) -> None:
        self.name = path.name
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ContentError(self.name, "", "file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ContentError(self.name, "", f"cannot be read: {exc}") from None
        self._text = text
        self.digest = hashlib.sha256(text.encode()).hexdigest()[:24]
        kept = cache / f"content-{self.digest}.json" if cache else None
        self.data = _read_kept(kept) if kept else None
        if self.data is None:
            self.data = self._parse(text)
            if kept:
                _keep(kept, self.data)

    def _parse(self, text: str) -> object:
        try:
            return yaml.load(text, Loader=Loader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            reason = f"invalid YAML: {exc.problem or exc.context}"
            raise ContentError(self.name, "", reason, line) from None
        except yaml.YAMLError as exc:
            raise ContentError(self.name, "", f"invalid YAML: {exc}") from None

    @cached_property
    def tree(self) -> yaml.Node | None:
        return yaml.compose(self._text, Loader=Loader)

    def parse(self, model: type[M]) -> M:
        """Validate into ``model``; the first problem becomes the error, with its line."""
        if not isinstance(self.data, dict):
            raise ContentError(self.name, "", "expected a mapping of keys at the top level", 1)
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = tuple(first["loc"])
            raise self.error(loc, _reason(first)) from None

    def error(self, loc: Loc, reason: str) -> ContentError:
        """A ContentError pointing at ``loc`` in this file."""
        return ContentError(self.name, format_loc(loc), reason, line_of(self.tree, loc))


def _read_kept(path: Path) -> object:
    """The file's data as an earlier start parsed it (YAML is read in Python, JSON in C: a
    large FAQ parses in seconds, loads in milliseconds), or ``None``."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _keep(path: Path, data: object) -> None:
    """Keep the parsed data, named by the text's digest, written whole or not at all; data
    that JSON would not give back the same (dates, number keys) is simply not kept."""
    try:
        encoded = json.dumps(data, ensure_ascii=False)
        if json.loads(encoded) != data:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as out:
            out.write(encoded)
        Path(out.name).replace(path)
    except (OSError, TypeError, ValueError):
        return


def _reason(error: object) -> str:
    msg = str(getattr(error, "get", lambda *_: "")("msg", "invalid value"))
    kind = getattr(error, "get", lambda *_: "")("type", "")
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return "unknown key (check the spelling)"
    return msg.removeprefix("Value error, ")
