"""Imports point one way, as docs/architecture.md says: scenario -> model -> analysis ->
experiments -> views, with no cycles and no module left out of the table."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "labsim"


def documented_layers() -> dict[str, int]:
    """Module -> layer number, from the table under '## Layers' in docs/architecture.md."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    layers = {}
    for number, modules in re.findall(r"^\| (\d+) [^|]*\| (.*) \|$", section, re.MULTILINE):
        for module in re.findall(r"`(\w+)`", modules):
            assert module not in layers, f"{module} is listed twice"
            layers[module] = int(number)
    return layers


def imports_of(path: Path) -> set[str]:
    """labsim modules a file imports, at the top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 1:
                found |= {alias.name for alias in node.names}
            elif node.module and node.module.split(".")[0] == "labsim":
                parts = node.module.split(".")
                found |= {parts[1]} if len(parts) > 1 else {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names
                      if a.name.startswith("labsim.")}
    return found


def graph() -> dict[str, set[str]]:
    return {path.stem: imports_of(path) for path in PACKAGE.glob("*.py")
            if path.stem not in ("__init__", "__main__")}


def test_every_module_has_a_documented_layer():
    assert set(graph()) == set(documented_layers())


def test_no_module_imports_a_higher_layer_or_the_package():
    layers = documented_layers()
    wrong = [f"{module} (layer {layers[module]}) imports {other} (layer {layers.get(other)})"
             for module, imported in graph().items() for other in imported
             if other == "__init__" or layers.get(other, 99) > layers[module]]
    assert wrong == []


def test_there_is_no_import_cycle():
    edges, state, cycles = graph(), {}, []

    def visit(module: str, stack: list[str]) -> None:
        state[module] = "open"
        for other in sorted(edges.get(module, ())):
            if state.get(other) == "open":
                cycles.append(" -> ".join(stack[stack.index(other):] + [other]))
            elif other not in state:
                visit(other, stack + [other])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_checks_can_fail(tmp_path):
    """A module importing upwards is caught by the parser this test relies on."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from .widgets import x\n    from labsim import plots\n")
    assert imports_of(bad) == {"widgets", "plots"}


def test_the_code_fingerprint_leaves_out_exactly_the_views():
    """Views cannot change a number, so only they may change without a new fingerprint."""
    from labsim.version import VIEW_MODULES
    views = {module for module, layer in documented_layers().items() if layer == 5}
    assert set(VIEW_MODULES) == views
