"""The architecture, enforced: no import circle, data flowing one way
(cli → jobs → compose → scene → render), modules of a readable size, a docstring on
each, every error class in errors.py, errors shown by the command line in one place."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import affiches

PACKAGE = Path(affiches.__file__).parent
MAX_LINES = 410  # "about 400"
# Files other helpers are splitting in this wave (issue 8): remove them from here when done.
STILL_LARGE: set[str] = set()


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path, top_level_only: bool = False) -> set[str]:
    """The ``affiches…`` modules a file imports (everywhere, or only at module level)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("affiches"):
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("affiches"))
    known = modules()
    return {n for n in names if n in known}


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


# What each package may import from the package (besides itself). Data flows one way.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "limits": {"errors"},  # every resource limit (issue 9): a leaf, like errors
    "campaign": set(),
    "color": {"errors"},
    "scene": {"color", "errors"},
    "resources": {"errors"},
    "city": {"errors", "resources"},
    "text": {"errors", "limits", "resources"},
    "images": {"errors", "limits"},  # users' logos and photos: checked loading, pure pixel work
    "gabarits": {"errors", "limits", "resources", "campaign", "color", "scene", "text"},
    "compose": {"errors", "limits", "campaign", "color", "scene", "text", "gabarits", "images"},
    # Letters (issue 11): their layouts and composition, at the level of gabarits + compose;
    # they read the postal and date helpers of city/ (pure), never jobs/ or render/.
    "letters": {"errors", "limits", "resources", "city", "color", "scene", "text", "images"},
    "render": {"errors", "campaign", "color", "scene", "text", "printing", "images"},
    "printing": {"errors", "scene"},  # plans only: tiles, reduction, imposition
    "jobs": {"errors", "limits", "campaign", "city", "text", "gabarits", "compose", "scene", "render", "printing", "",
             "letters", "images"},
    "designer": {"errors", "limits", "campaign", "city", "text", "gabarits", "compose", "scene", "render", "jobs",
                 "color"},
    "web": {"errors", "limits", "city", "jobs", "resources"},  # the web page: a front end like cli
    "cli": {"errors", "limits", "city", "jobs", "designer", "gabarits", "resources", "", "text", "letters", "web"},
    "__main__": {"cli"},
    "": {"errors"},
}


@pytest.mark.parametrize("module", sorted(modules()))
def test_imports_follow_the_flow(module: str) -> None:
    package = package_of(module)
    allowed = ALLOWED[package] | {package}
    wrong = sorted(m for m in imports(modules()[module]) if package_of(m) not in allowed)
    assert not wrong, f"{module} imports {wrong}: not allowed for {package or 'affiches'}"


def test_nothing_imports_the_command_line() -> None:
    for module, path in modules().items():
        if package_of(module) not in ("cli", "__main__"):
            assert not any(package_of(m) == "cli" for m in imports(path)), module


def test_no_import_circle_at_module_level() -> None:
    graph = {m: imports(p, top_level_only=True) - {m} for m, p in modules().items()}
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for child in sorted(graph.get(node, ())):
            if state.get(child) == 1:
                pytest.fail("import circle: " + " → ".join([*stack[stack.index(child):], child]))
            if child not in state:
                visit(child, [*stack, child])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_every_module_imports_alone_in_a_fresh_interpreter() -> None:
    names = sorted(m for m in modules() if m != "affiches.__main__")
    script = (
        "import subprocess, sys\n"
        "bad = []\n"
        "for name in sys.argv[1:]:\n"
        "    r = subprocess.run([sys.executable, '-c', f'import {name}'], capture_output=True, text=True)\n"
        "    if r.returncode: bad.append(name + ': ' + r.stderr.strip().splitlines()[-1])\n"
        "print('\\n'.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", script, *names], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
    # python -m affiches is guarded: importing the module runs nothing.
    main = subprocess.run([sys.executable, "-c", "import affiches.__main__"], capture_output=True)
    assert main.returncode == 0 and main.stdout == b""


@pytest.mark.parametrize("module", sorted(modules()))
def test_modules_are_small_and_state_their_contract(module: str) -> None:
    path = modules()[module]
    text = path.read_text(encoding="utf-8")
    if text.strip():
        assert ast.get_docstring(ast.parse(text)), f"{module}: no docstring"
    relative = str(path.relative_to(PACKAGE))
    if relative not in STILL_LARGE:
        assert text.count("\n") <= MAX_LINES, f"{module}: {text.count(chr(10))} lines"


def test_every_error_class_lives_in_errors_py() -> None:
    for module, path in modules().items():
        if module == "affiches.errors":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
                assert not any(b.endswith("Error") for b in bases) and not node.name.endswith("Error"), (
                    f"{module}: error class {node.name} outside errors.py")


def test_errors_are_shown_in_one_place() -> None:
    """Only cli/common.py prints an error line (cli/fr.py only translates Click's usage
    errors); no per-command decorators."""
    for module, path in modules().items():
        if module in ("affiches.cli.common", "affiches.cli.fr"):
            continue
        text = path.read_text(encoding="utf-8")
        assert '"Erreur : ' not in text and "f\"Erreur : " not in text, module
        assert "handle_errors" not in text, module
