"""The structure is checked, not hoped for: strict types (pyproject.toml [tool.mypy]) and the
import-linter contracts (pyproject.toml [tool.importlinter]) that docs/architecture.md draws."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "db", "bench", "pages")
CONTRACTS = (
    "core knows nothing of Streamlit, SQLAlchemy, storage, pages or settings",
    "core: use cases over one port over the domain",
    "core's capability packages do not import each other in a circle",
    "the entry points sit above storage, storage above core",
    "storage reads no settings: it is handed the database URL",
    "pages do not import each other",
    "the shared page glue imports no page",
    "storage never imports Streamlit",
)


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    command = shutil.which("lint-imports")
    if command is None:
        pytest.fail("import-linter is not installed: pip install -r requirements-dev.txt")
    return subprocess.run([command, "--no-cache"], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_mypy_passes_strict_on_core_and_as_configured_elsewhere():
    result = subprocess.run([sys.executable, "-m", "mypy"], capture_output=True, text=True, cwd=ROOT,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_layer_contract_is_kept():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    for contract in CONTRACTS:
        assert f"{contract} KEPT" in result.stdout, contract


@pytest.mark.parametrize(("module", "line", "broken"), [
    ("core/domain/rules.py", "import sqlalchemy", CONTRACTS[0]),
    ("core/domain/rules.py", "import core.bulk.assign", CONTRACTS[1]),
    ("pages/audit_log.py", "import pages.agent_capacity", CONTRACTS[5]),
    ("db/engine.py", "import settings", CONTRACTS[4]),
])
def test_a_forbidden_import_breaks_its_contract(tmp_path, module, line, broken):
    """The contracts catch what they promise to: a copy of the tree with one bad import fails."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copy(ROOT / "settings.py", tmp_path / "settings.py")
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{line}\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert f"{broken} BROKEN" in result.stdout
