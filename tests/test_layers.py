"""The layers of the house (README, layout): no module imports a layer above its own.

Every import of every module is read from its source (those inside functions too, relative
ones resolved), so a lazy import cannot slip past; so is every ``.archive.store`` a front end
reaches for at run time."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ocr", "archive", "ingest", "search_api", "archive_cli")
# Each package, and the project packages it may import (index_mappings is data only).
ALLOWED: dict[str, set[str]] = {
    "ocr": set(),
    "archive": {"ocr"},
    "ingest": {"ocr", "archive"},
    "search_api": {"ocr", "archive", "ingest"},
    "archive_cli": {"ocr", "archive", "ingest", "search_api"},
}
# Inside the core: the base modules, then the store, then search, then the use cases.
CORE_LAYERS = ("base", "archive.store", "archive.search", "archive.usecases")
# The front end reaches the store only through the use cases; keys and sessions are how it
# authenticates.
STORE_FOR_SEARCH_API = {"archive.store.keys", "archive.store.sessions", "archive.store.users"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, module: str | None = None) -> set[str]:
    """Every module the file (module ``module``, by default the one its path names) imports,
    and every name it imports from one (as module.name)."""
    package = (module or _module_name(path)).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            source = ".".join([*base, *([node.module] if node.module else [])])
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "store"
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "archive"
        ):  # svc.archive.store: the front end going round the use cases at run time
            found.add("archive.store.(at run time)")
    return found


def _core_layer(module: str) -> int:
    for index, layer in enumerate(CORE_LAYERS[1:], start=1):
        if module == layer or module.startswith(layer + "."):
            return index
    return 0


def _modules() -> list[tuple[str, set[str]]]:
    return [
        (_module_name(path), _imports(path))
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    ]


def _violations(module: str, imports: set[str]) -> list[str]:
    package = module.split(".")[0]
    out = []
    for name in sorted(imports):
        top = name.split(".")[0]
        if top in PACKAGES and top != package and top not in ALLOWED[package]:
            out.append(f"{module} imports {name}: {top} is above {package}")
        if package == "archive" and top == "archive" and _core_layer(name) > _core_layer(module):
            out.append(f"{module} imports {name}: a higher layer of the core")
        if (
            package == "search_api"
            and (name == "archive.store" or name.startswith("archive.store."))
            and not any(name.startswith(allowed) for allowed in STORE_FOR_SEARCH_API)
        ):
            out.append(f"{module} imports {name}: the store, not a use case")
    return out


def test_no_module_imports_a_layer_above_its_own() -> None:
    modules = _modules()
    assert len(modules) > 50  # the tree was found
    problems = [p for module, imports in modules for p in _violations(module, imports)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("module", "imports", "broken"),
    [
        ("ocr.pipeline", {"archive.domain"}, True),
        ("archive.domain", {"ingest.pipeline"}, True),
        ("archive.store.store", {"archive.usecases.find"}, True),
        ("archive.search.feed", {"archive.store"}, False),
        ("search_api.routes.search", {"archive.store.store"}, True),
        ("search_api.auth", {"archive.store.keys"}, False),
        ("search_api.app", {"archive", "archive.store"}, True),  # from archive import store
        ("search_api.web.routes", {"archive.store.(at run time)"}, True),
        ("archive_cli.main", {"search_api.app", "ingest.pipeline"}, False),
    ],
)
def test_the_rule_sees_an_upward_import(module: str, imports: set[str], broken: bool) -> None:
    assert bool(_violations(module, imports)) is broken


def test_relative_imports_and_reaching_round_are_read(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text(
        "from ..store import rows\ndef f(svc):\n    return svc.archive.store\n",
        encoding="utf-8",
    )
    found = _imports(sneaky, "archive.usecases.sneaky")
    assert {"archive.store.rows", "archive.store.(at run time)"} <= found
