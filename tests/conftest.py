"""Shared fixtures and settings of the test suite.

- Hypothesis: a modest, derandomised profile so the whole suite stays fast and
  reproducible (``HYPOTHESIS_PROFILE=thorough`` for a deeper local run).
- ``runner``: a Click ``CliRunner`` (stdout and stderr kept apart).
- ``in_tmp``: run a test inside an empty temporary directory (nothing lands in the repo).
- ``saint_etienne_kit``: Saint-Étienne's kit, written once per session through the CLI.
- ``outside``: a folder beside the output holding a precious file, which no write may touch.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))



@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Chdir into an empty temporary folder; user layouts from the repo are not seen."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("AFFICHES_GABARITS", raising=False)
    return work


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "ailleurs"
    folder.mkdir()
    (folder / "precieux.txt").write_bytes(b"ne pas toucher")
    return folder


@pytest.fixture(scope="session")
def saint_etienne_kit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The four files of Saint-Étienne's kit, made once through the CLI."""
    from affiches.cli.main import cli

    out = tmp_path_factory.mktemp("kit")
    result = CliRunner().invoke(cli, ["kit", "Saint-Étienne", "-o", str(out)])
    assert result.exit_code == 0, result.output
    folder = out / "saint-etienne"
    return {
        "affiche": folder / "affiche-a3-saint-etienne.pdf",
        "tract": folder / "tract-a5-saint-etienne.pdf",
        "visuel": folder / "visuel-carre-saint-etienne.png",
        "alt": folder / "visuel-carre-saint-etienne.txt",
    }
