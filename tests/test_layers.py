"""Imports point one way, as docs/architecture.md says: foundation -> scenario -> model ->
analysis -> experiments -> views -> workshop, each layer a folder, with no cycles and no
module left out of the table."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "labsim"


def documented_layers() -> dict[str, int]:
    """Module (dotted, inside labsim) -> layer number, from the table under '## Layers' in
    docs/architecture.md; a layer's modules live in the folder the row names."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    layers = {}
    for number, folder, modules in re.findall(r"^\| (\d+) \w+ \| `([\w/]+)` \| (.*) \|$",
                                              section, re.MULTILINE):
        prefix = "" if folder == "labsim/" else folder.removesuffix("/").replace("/", ".") + "."
        for module in re.findall(r"`([\w.]+)`", modules):
            name = prefix + module
            assert name not in layers, f"{name} is listed twice"
            layers[name] = int(number)
    return layers


def module_name(path: Path, package: Path = PACKAGE) -> str:
    """'scenario.policy' for labsim/scenario/policy.py, 'model.routes' for its __init__."""
    parts = path.relative_to(package).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by name; a folder's __init__ counts only when it holds
    code (a layer folder's __init__ is a docstring)."""
    found = {}
    for path in package.rglob("*.py"):
        if path.name == "__main__.py" or path == package / "__init__.py":
            continue
        if path.name == "__init__.py" and all(
                isinstance(node, ast.Expr) for node in ast.parse(path.read_text()).body):
            continue
        found[module_name(path, package)] = path
    return found


def imports_of(path: Path, package: Path = PACKAGE) -> set[str]:
    """labsim modules (or, where no module matches, packages) a file imports, at the top or
    inside functions; '' is the package itself (labsim/__init__)."""
    here = module_name(path, package).split(".") if path != package / "__init__.py" else []
    if path.name != "__init__.py":
        here = here[:-1]  # the package the file sits in
    known = set(modules(package)) | {module_name(p, package) for p in package.rglob("__init__.py")
                                     if p != package / "__init__.py"}
    found = set()

    def resolve(base: list[str], names: list[str]) -> None:
        stem = ".".join(base)
        for name in names:
            full = f"{stem}.{name}" if stem else name
            found.add(full if full in known else stem)

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[:len(here) - (node.level - 1)] if node.level > 1 else list(here)
                if node.level - 1 > len(here):
                    found.add("")
                    continue
                target = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "labsim":
                target = node.module.split(".")[1:]
            else:
                continue
            resolve(target, [alias.name for alias in node.names])
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("labsim.") for a in node.names
                      if a.name.startswith("labsim.")}
            found |= {"" for a in node.names if a.name == "labsim"}
    return found


def graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    return {name: imports_of(path, package) for name, path in modules(package).items()}


def layer_of(name: str, layers: dict[str, int]) -> int | None:
    """A module's layer, or a package's (the layer of the modules inside it)."""
    if name in layers:
        return layers[name]
    inside = {layer for module, layer in layers.items() if module.startswith(name + ".")}
    return inside.pop() if len(inside) == 1 else None


def upward_imports(edges: dict[str, set[str]], layers: dict[str, int]) -> list[str]:
    """Imports of the package itself, of a higher layer, or of a module with no layer."""
    def above(other: str, module: str) -> bool:
        layer = layer_of(other, layers)
        return other == "" or layer is None or layer > layers[module]

    return [f"{module} (layer {layers[module]}) imports {other or 'labsim'} "
            f"(layer {layer_of(other, layers)})"
            for module, imported in sorted(edges.items()) for other in sorted(imported)
            if above(other, module)]


def test_every_module_has_a_documented_layer_in_its_folder():
    assert set(modules()) == set(documented_layers())


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_no_module_imports_a_higher_layer_or_the_package():
    assert upward_imports(graph(), documented_layers()) == []


def test_there_is_no_import_cycle():
    edges, state, cycles = graph(), {}, []

    def visit(module: str, stack: list[str]) -> None:
        state[module] = "open"
        for other in sorted(edges.get(module, ())):
            if state.get(other) == "open":
                cycles.append(" -> ".join(stack[stack.index(other):] + [other]))
            elif other not in state and other in edges:
                visit(other, stack + [other])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_checks_can_fail(tmp_path):
    """Upward imports from a nested module, relative or absolute, at the top or inside a
    function, are caught by the parser these tests rely on."""
    package = tmp_path / "labsim"
    for folder in ("scenario", "views", "workshop"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text('"""A layer."""\n')
    (package / "__init__.py").write_text("")
    (package / "views" / "plots.py").write_text("X = 1\n")
    (package / "workshop" / "dashboards.py").write_text("X = 1\n")
    bad = package / "scenario" / "bad.py"
    bad.write_text("from ..views import plots\n"
                   "def f():\n    from ..workshop.dashboards import X\n"
                   "    from labsim.views.plots import X\n    from .. import run\n")
    assert imports_of(bad, package) == {"views.plots", "workshop.dashboards", ""}
    layers = {"scenario.bad": 1, "views.plots": 5, "workshop.dashboards": 6}
    assert len(upward_imports(graph(package), layers)) == 3


def test_the_code_fingerprint_leaves_out_exactly_the_views_and_the_workshop():
    """Views and the workshop cannot change a number, so only they may change without a new
    fingerprint."""
    from labsim.version import VIEW_LAYERS
    shown_only = {module.split(".")[0] for module, layer in documented_layers().items()
                  if layer >= 5}
    assert set(VIEW_LAYERS) == shown_only
