"""The layers run one way, as the README's architecture section shows: content, matching,
storage and messages at the bottom; the dialogs on them; the conversation engine and router on
the dialogs; then the channels; then the composition root and the tools. A module imports only
from its own layer or below, no import cycle exists anywhere, and nothing below the channels
imports a platform SDK or the web server."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("app.py", "bot", "dialogs", "tools")

# Lowest first. A module belongs to the first layer with a prefix that names it.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "foundation: content, matching, storage, messages",
        (
            "bot.core.errors",
            "bot.core.vocabulary",
            "bot.core.text",
            "bot.core.messages",
            "bot.core.choices",
            "bot.core.content",
            "bot.core.model",
            "bot.core.training",
            "bot.core.faq",
            "bot.core.safety",
            "bot.core.triage",
            "bot.core.triage_training",
            "bot.core.present",
            "bot.core.contacts",
            "bot.core.drafts",
            "bot.core.adoption",
            "bot.core.lifecycle",
            "bot.core.storage",
            "bot.core.turn",
        ),
    ),
    ("dialogs", ("dialogs",)),
    (
        "conversation",
        (
            "bot.core.state",
            "bot.core.router",
            "bot.core.engine",
            "bot.core.ask",
            "bot.core.invariants",
            "bot.core.desk",
        ),
    ),
    ("channels", ("bot.channels",)),
    (
        "composition and operator commands",
        (
            "bot.settings",
            "bot.wiring",
            "bot.server",
            "bot.records",
            "bot.reports",
            "bot.spreadsheet",
            "bot.teams_package",
            "bot.dashboard",
        ),
    ),
    ("command line and tools", ("app", "tools")),
]
NAMESPACES = frozenset({"bot", "bot.core"})  # package files with nothing in them
PLATFORM = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "aiohttp")
BELOW_CHANNELS = 3


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    paths: list[Path] = []
    for source in SOURCES:
        target = ROOT / source
        paths += [target] if target.is_file() else sorted(target.rglob("*.py")) if target.is_dir() else []
    return {module_name(p): p for p in paths if "migrations" not in p.parts or p.name != "env.py"}


def imported(source: str, modules: Iterable[str]) -> set[str]:
    """Every module ``source`` imports, at any depth in the file (lazy imports count too)."""
    known = set(modules)
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{a.name}" for a in node.names} & known
            names.update(submodules)
            if len(submodules) < len(node.names):  # not only submodules: the package itself
                names.add(node.module)
    return names


def layer_of(module: str) -> int | None:
    if module in NAMESPACES:
        return 0
    for number, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return number
    return None


def violations(module: str, source: str, modules: Iterable[str]) -> list[str]:
    """Each import of ``module`` that runs against the layers."""
    known = set(modules)
    own = layer_of(module)
    found = []
    for name in sorted(imported(source, known)):
        target = (
            layer_of(name) if name in known or name.split(".")[0] in {"bot", "dialogs", "tools"} else None
        )
        if own is not None and target is not None and target > own:
            found.append(f"{module} ({LAYERS[own][0]}) imports {name} ({LAYERS[target][0]})")
        if own is not None and own < BELOW_CHANNELS and name.split(".")[0] in PLATFORM:
            found.append(f"{module} ({LAYERS[own][0]}) imports the platform library {name}")
    return found


def graph() -> dict[str, set[str]]:
    """Each module's imports. Importing ``a.b.c`` from outside ``a.b`` runs ``a.b``'s
    ``__init__`` first, so that is an import too."""
    modules = project_modules()

    def runs(importer: str, name: str) -> set[str]:
        parents = {".".join(name.split(".")[:k]) for k in range(1, name.count(".") + 1)}
        outside = {p for p in parents if importer != p and not importer.startswith(p + ".")}
        return ({name} | outside) & set(modules)

    return {
        m: {r for n in imported(p.read_text(encoding="utf-8"), modules) for r in runs(m, n)} - {m}
        for m, p in modules.items()
    }


def cycle(edges: dict[str, set[str]]) -> list[str]:
    """One import cycle, or an empty list (a depth-first search for a back edge)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_every_module_has_a_layer() -> None:
    assert [m for m in project_modules() if layer_of(m) is None] == []


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    modules = project_modules()
    found = [v for m, p in modules.items() for v in violations(m, p.read_text(encoding="utf-8"), modules)]
    assert found == []


def test_there_is_no_import_cycle() -> None:
    assert cycle(graph()) == []


def test_an_import_against_the_layers_is_caught() -> None:
    """The checks above would see a dialog reaching up into the engine, the core importing a
    channel or Slack, and a cycle."""
    modules = project_modules()
    assert violations("dialogs.flowchart", "from bot.core.engine import ConversationEngine", modules)
    assert violations("bot.core.faq", "import bot.channels.slack", modules)
    assert violations("bot.core.router", "from slack_sdk.models.blocks import SectionBlock", modules)
    assert violations("bot.core.storage.port", "from bot.core.state import ConversationState", modules)
    edges = graph()
    assert cycle(edges) == []
    # a package whose __init__ imports a module that imports back into the package's models
    edges["bot.core.content"] = edges["bot.core.content"] | {"bot.core.content.loader"}
    assert cycle(edges)
    assert not violations("bot.channels.console", "from bot.core.engine import ConversationEngine", modules)
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_only_settings_reads_the_environment() -> None:
    """The tools only hand the environment on to the processes a benchmark starts."""
    offenders = []
    for module, path in project_modules().items():
        if module == "bot.settings" or module.split(".")[0] == "tools":
            continue
        text = path.read_text(encoding="utf-8")
        if "os.environ" in text or "getenv" in text:
            offenders.append(module)
    assert offenders == []


def test_app_imports_the_developer_tools_only_inside_their_commands() -> None:
    """So that ``app.py ask`` and ``serve`` never load benchmarks, fakes or their imports."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    names = {a.name for n in top if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module or "" for n in top if isinstance(n, ast.ImportFrom)}
    assert not [n for n in names if n == "tools" or n.startswith("tools.")]
