"""docs/reliability.md against the suite: every probe case has one row, every row names tests
that exist and carry its `probe` marker, and every probe marker is named in its row."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MATRIX = ROOT / "docs" / "reliability.md"
CASES = 62
ROW = re.compile(r"^\| (\d+) \|")
TEST_ID = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def rows() -> dict[int, list[str]]:
    """Each case's row, by number: its cells; a number seen twice is kept as a list entry."""
    found: dict[int, list[str]] = {}
    for line in MATRIX.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            case = int(match.group(1))
            assert case not in found, f"case {case} has two rows"
            found[case] = [cell.strip() for cell in line.strip().strip("|").split("|")]
    return found


def named_tests(cells: list[str]) -> set[tuple[str, str]]:
    return set(TEST_ID.findall(cells[-1]))


def probe_markers() -> dict[tuple[str, str], set[int]]:
    """Every test function in the suite with @pytest.mark.probe(...): its cases."""
    marked: dict[tuple[str, str], set[int]] = {}
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for decorator in node.decorator_list:
                if (isinstance(decorator, ast.Call)
                        and ast.unparse(decorator.func) == "pytest.mark.probe"):
                    cases = {ast.literal_eval(arg) for arg in decorator.args}
                    key = (f"tests/{path.name}", node.name)
                    marked.setdefault(key, set()).update(cases)
    return marked


def functions_in(path: str) -> set[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return {node.name for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}


def test_every_case_has_exactly_one_row() -> None:
    assert sorted(rows()) == list(range(1, CASES + 1))


def test_every_row_says_what_the_user_sees_and_names_a_test() -> None:
    for case, cells in rows().items():
        assert len(cells) == 4 and all(cells), f"row {case}: {cells}"
        assert named_tests(cells), f"row {case} names no test"


def test_every_named_test_exists() -> None:
    for case, cells in rows().items():
        for path, name in named_tests(cells):
            assert (ROOT / path).is_file(), f"row {case}: no {path}"
            assert name in functions_in(path), f"row {case}: no {path}::{name}"


def test_rows_and_probe_markers_agree() -> None:
    marked = probe_markers()
    for case, cells in rows().items():
        for test in named_tests(cells):
            assert case in marked.get(test, set()), f"{'::'.join(test)} lacks probe({case})"
    for test, cases in marked.items():
        for case in cases:
            assert test in named_tests(rows().get(case, [""])), (
                f"{'::'.join(test)} is marked probe({case}) but row {case} does not name it")

