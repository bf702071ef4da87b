"""The README's first run: two commands that work on a Python that refuses global installs, the
demo bound to this machine only, and the references the docs make found in the repository."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = "python3 -m venv .venv && . .venv/bin/activate && "


def quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_the_quick_start_is_two_commands_each_in_a_virtual_environment():
    serve, test = quick_start()
    assert serve == VENV + "pip install -r requirements.txt && streamlit run app.py"
    assert test == VENV + "pip install -r requirements-dev.txt && python -m pytest"


def test_ci_runs_the_readmes_test_command_as_written():
    _, test = quick_start()
    assert test in (ROOT / ".ci" / "run").read_text().splitlines()


def test_the_demo_listens_on_this_machine_only_and_the_image_on_every_address():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert "--server.address=0.0.0.0" in (ROOT / "Dockerfile").read_text()


def test_the_design_the_code_cites_is_in_the_repository():
    assert (ROOT / "docs" / "design.md").is_file()
    cited = []
    for path in [ROOT / "README.md", ROOT / "app.py", *ROOT.glob("docs/*.md"), *ROOT.glob("pages/**/*.py"),
                 *ROOT.glob("core/**/*.py"), *ROOT.glob("db/**/*.py")]:
        if "DESIGN.md" in path.read_text() or "product design" in path.read_text():
            cited.append(str(path.relative_to(ROOT)))
    assert sorted(cited) == []
