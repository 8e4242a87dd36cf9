"""The package's shape: layers `ui -> search -> index -> analysis` (with `corpus` and `errors`
beneath them all), no import cycle, no private names or attributes of other modules, and an
index that unmodified Whoosh reads."""
from __future__ import annotations

import ast
import functools
import pickle
import pickletools
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import PROJECT, SEEDS

PACKAGE = PROJECT / "searcher"
LAYERS = {"analysis": 1, "index": 2, "search": 3, "ui": 4}  # anything else at the top: 0
# The one place that may use Whoosh's private attributes: the code for its on-disk format.
WHOOSH_FORMAT = "searcher.index.whoosh"


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.cache
def modules() -> dict[str, ast.Module]:
    """Every module of the package, parsed (once: the checks only read the trees)."""
    return {module_name(p): ast.parse(p.read_text(encoding="utf-8"), str(p))
            for p in sorted(PACKAGE.rglob("*.py"))}


def is_package(name: str) -> bool:
    return (PROJECT / Path(*name.split(".")) / "__init__.py").is_file()


def imports(name: str, tree: ast.Module, known: set[str]) -> list[tuple[str, str | None]]:
    """(module, imported name or None) for every import of a searcher module, at any depth
    (a function's imports count as much as the module's)."""
    package = name if is_package(name) else name.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, None) for a in node.names if a.name.split(".")[0] == "searcher"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "searcher":
                continue
            for a in node.names:
                sub = f"{target}.{a.name}"
                out.append((sub, None) if sub in known else (target, a.name))
    return out


def layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.get(parts[1], 0) if len(parts) > 1 else 0


def test_no_module_imports_from_a_layer_above_it():
    found = modules()
    upward = [f"{name} imports {target}" for name, tree in found.items()
              for target, _ in imports(name, tree, set(found)) if layer(target) > layer(name)
              and name not in ("searcher.__main__",)]
    assert upward == []


def test_there_is_no_import_cycle():
    found = modules()
    graph = {name: {t for t, _ in imports(name, tree, set(found)) if t in found and t != name}
             for name, tree in found.items()}
    # A package's __init__ re-exporting its modules is not a cycle with them: a module
    # importing its own package's __init__ is (that is what is checked through the edges).
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_no_private_names_or_attributes_of_other_modules():
    found = modules()
    bad = []
    for name, tree in found.items():
        for target, imported in imports(name, tree, set(found)):
            if imported and imported.startswith("_") and not imported.startswith("__"):
                bad.append(f"{name} imports {target}.{imported}")
        if name.startswith(WHOOSH_FORMAT):
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                    and not node.attr.startswith("__")
                    and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))):
                bad.append(f"{name}:{node.lineno} reads .{node.attr}")
    assert bad == []


def test_the_structure_checks_see_what_they_look_for():
    """The walk above finds imports at any depth, relative or absolute, and resolves them."""
    tree = ast.parse("from ..ui import cli\nimport searcher.search\n"
                     "def f():\n    from .documents import _private\n")
    known = {"searcher.ui", "searcher.ui.cli", "searcher.search", "searcher.search.documents"}
    assert sorted(imports("searcher.search.engine", tree, known)) == [
        ("searcher.search", None), ("searcher.search.documents", "_private"), ("searcher.ui.cli", None)]
    assert layer("searcher.ui.cli") > layer("searcher.search.engine") > layer("searcher.index.store")
    assert layer("searcher.index.store") > layer("searcher.analysis.tokens") > layer("searcher.corpus")


def test_the_largest_class_is_under_250_lines():
    sizes = {f"{name}.{node.name}": node.end_lineno - node.lineno + 1
             for name, tree in modules().items() for node in ast.walk(tree)
             if isinstance(node, ast.ClassDef)}
    largest = max(sizes, key=sizes.get)
    assert sizes[largest] < 250, largest


def test_indexes_built_before_the_split_are_told_apart():
    """Whoosh pickles the schema's analyzers by module path. The schema as the flat package
    pickled it (schema 5, kept as data) still unpickles, so an index that old opens far
    enough to be told it needs a rebuild; today's records its analyzers at the same paths."""
    from searcher.index import make_schema

    before = (PROJECT / "tests" / "data" / "schema-v5-flat-package.pickle").read_bytes()
    old = pickle.loads(before)
    assert set(make_schema().names()) - set(old.names()) == {"pairf", "abbr"}
    recorded = {arg for op, arg, _ in pickletools.genops(pickle.dumps(make_schema(), 2))
                if op.name == "GLOBAL" and arg.startswith("searcher")}
    assert recorded == {f"searcher.analysis {name}" for name in
                        ("VietnameseTokenizer", "NormalizeFilter", "FoldFilter", "PairFilter")}


@pytest.mark.slow
def test_unmodified_whoosh_reads_the_index(seed_index):
    """In a fresh interpreter that never imports searcher (no patches installed): the index
    searcher wrote opens, its postings decode, and its stored paragraphs are the files'."""
    _, index = seed_index
    script = f"""
import json, sys, types
from whoosh import index
from whoosh.filedb.filestore import FileStorage
# The schema names searcher's analyzers; stand-ins let it unpickle without importing searcher.
from whoosh.analysis import Filter, Tokenizer
pkg = types.ModuleType("searcher.analysis")
pkg.VietnameseTokenizer, pkg.NormalizeFilter, pkg.FoldFilter, pkg.PairFilter = (
    type("VietnameseTokenizer", (Tokenizer,), {{}}), type("NormalizeFilter", (Filter,), {{}}),
    type("FoldFilter", (Filter,), {{}}), type("PairFilter", (Filter,), {{}}))
sys.modules["searcher"] = types.ModuleType("searcher")
sys.modules["searcher.analysis"] = pkg
name = json.load(open({str(index / "CURRENT.json")!r}))["name"]
ix = FileStorage({str(index)!r}).open_index(indexname=name)
with ix.searcher() as s:
    r = s.reader()
    postings = sum(len(list(r.postings("syl", t).all_ids())) for t in r.field_terms("syl"))
    weights = sum(sum(1 for _ in r.postings("syl", t).items_as("frequency")) for t in list(r.field_terms("syl"))[:50])
    docs = [f for _, f in r.iter_docs() if "text" in f]
    print(json.dumps({{"postings": postings, "paragraphs": len(docs),
                      "texts": sorted(d["text"] for d in docs),
                      "an": r.doc_frequency("syl", "an"), "patched": "searcher.index" in sys.modules}}))
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    import json

    got = json.loads(proc.stdout)
    assert not got["patched"]
    lines = sorted(line for p in SEEDS.glob("*.txt")
                   for line in p.read_text(encoding="utf-8").split("\n")[1:] if line.strip())
    assert got["paragraphs"] == 76 and set(lines) <= set(got["texts"])
    assert got["an"] > 10 and got["postings"] > 1000


def test_whoosh_patches_refuse_another_whoosh(monkeypatch):
    """The patches replace private functions of Whoosh 2.7.4: any other version is refused
    with one line saying which is needed, before anything is patched."""
    import whoosh
    from whoosh.codec import whoosh3

    from searcher.errors import SearcherError
    from searcher.index.whoosh import compact

    monkeypatch.setattr(whoosh, "__version__", (2, 8, 0))
    before = whoosh3.delta_encode
    with pytest.raises(SearcherError) as err:
        compact.install()
    assert str(err.value) == "searcher needs Whoosh 2.7.4, found 2.8.0: pip install whoosh==2.7.4"
    assert whoosh3.delta_encode is before
    monkeypatch.setattr(whoosh, "__version__", (2, 7, 4))
    compact.install()  # idempotent on the right version
