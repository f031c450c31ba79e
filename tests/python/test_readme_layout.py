"""README's Layout section names every folder, so a newcomer can find where a change goes."""

import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _tracked_folders() -> set[str]:
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    folders = set()
    for path in files:
        parts = path.split("/")
        if len(parts) > 1:
            folders.add(parts[0] + "/")
        nested = 3 if parts[0] == "ui-tests" and parts[1:2] == ["tests"] else 2
        if parts[0] in ("src", "jupyterlab_mlflow_workspace", "tests", "ui-tests"):
            if len(parts) > nested and parts[nested - 1] != "__tests__":
                folders.add("/".join(parts[:nested]) + "/")
    return {f for f in folders if f not in ("ui-tests/tests/",)}


def test_every_folder_is_in_the_readme_layout():
    readme = (ROOT / "README.md").read_text()
    layout = readme[readme.index("## Layout") :]
    layout = layout[: layout.index("\n## ", 1)]
    missing = sorted(f for f in _tracked_folders() if f"`{f}`" not in layout)
    assert missing == [], f"README's Layout section does not name: {missing}"
