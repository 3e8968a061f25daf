"""environment.yml (conda-forge) and requirements.txt (pip) pin the same packages at the same versions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# Packages that belong to the conda environment itself, not to the project's pinned set.
CONDA_ONLY = {"python", "pip"}


def normalise(name: str) -> str:
    """PEP 503 normalisation: case-insensitive, runs of '-', '_' and '.' are equivalent."""
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def split_pin(spec: str, separators: tuple[str, ...]) -> tuple[str, str | None]:
    """'name==1.2' or 'name=1.2' -> (normalised name, '1.2'); a bare name -> (name, None)."""
    spec = spec.split("#", 1)[0].strip()
    for sep in separators:
        if sep in spec:
            name, version = spec.split(sep, 1)
            return normalise(name), version.strip()
    return normalise(re.split(r"[<>=!~\s\[;]", spec, maxsplit=1)[0]), None


def read_requirements(path: Path) -> dict[str, str | None]:
    pins: dict[str, str | None] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name, version = split_pin(line, ("==",))
        assert name not in pins, f"requirements.txt lists {name} twice"
        pins[name] = version
    return pins


def read_environment(path: Path) -> tuple[dict, dict[str, str | None]]:
    env = yaml.safe_load(path.read_text(encoding="utf-8"))
    pins: dict[str, str | None] = {}
    for dep in env.get("dependencies", []):
        if isinstance(dep, dict):
            assert set(dep) == {"pip"}, f"unexpected mapping in dependencies: {dep}"
            entries = [(split_pin(p, ("==",)), "pip") for p in dep["pip"]]
        else:
            entries = [(split_pin(str(dep), ("==", "=")), "conda")]
        for (name, version), source in entries:
            assert name not in pins, f"environment.yml lists {name} twice ({source})"
            pins[name] = version
    return env, pins


@pytest.fixture(scope="module")
def requirements() -> dict[str, str | None]:
    return read_requirements(ROOT / "requirements.txt")


@pytest.fixture(scope="module")
def environment() -> tuple[dict, dict[str, str | None]]:
    return read_environment(ROOT / "environment.yml")


def test_every_requirement_is_pinned_exactly(requirements):
    unpinned = sorted(name for name, version in requirements.items() if not version)
    assert not unpinned, f"requirements.txt must pin with '==': {unpinned}"


def test_environment_is_the_conda_forge_nianbao_env_on_python_311(environment):
    env, pins = environment
    assert env["name"] == "nianbao"
    assert env["channels"] == ["conda-forge"]
    assert pins.get("python") == "3.11"


def test_environment_and_requirements_hold_the_same_packages_and_versions(requirements, environment):
    _, env_pins = environment
    env_pins = {n: v for n, v in env_pins.items() if n not in CONDA_ONLY}
    only_pip = sorted(set(requirements) - set(env_pins))
    only_conda = sorted(set(env_pins) - set(requirements))
    versions = sorted(
        f"{n}: requirements.txt {requirements[n]} vs environment.yml {env_pins[n]}"
        for n in set(requirements) & set(env_pins)
        if requirements[n] != env_pins[n]
    )
    assert not (only_pip or only_conda or versions), (
        "requirements.txt and environment.yml drifted apart:\n"
        f"  only in requirements.txt: {only_pip}\n"
        f"  only in environment.yml: {only_conda}\n"
        f"  different versions: {versions}"
    )


@pytest.mark.parametrize(
    ("spec", "expected"),
    [("Jupyter_Lab==4.6.6", ("jupyter-lab", "4.6.6")), ("ruamel.yaml=0.18", ("ruamel-yaml", "0.18"))],
)
def test_names_are_normalised_for_case_dash_underscore_and_dot(spec, expected):
    assert split_pin(spec, ("==", "=")) == expected


def read_pyproject() -> dict:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_pyproject_names_its_dependencies_unpinned_and_each_is_pinned_in_requirements(requirements):
    """Versions live in requirements.txt and environment.yml only: pyproject.toml lists bare names."""
    project = read_pyproject()["project"]
    names = project["dependencies"] + [n for extra in project["optional-dependencies"].values() for n in extra]
    assert names
    pinned_here = [n for n in names if split_pin(n, ("==",))[1] is not None or re.search(r"[<>=!~]", n)]
    assert not pinned_here, f"pyproject.toml pins {pinned_here}: pin in requirements.txt and environment.yml"
    missing = sorted(normalise(n) for n in names if normalise(n) not in requirements)
    assert not missing, f"pyproject.toml needs packages requirements.txt does not pin: {missing}"


def test_one_distribution_installs_the_engine_helpers_and_publishing_with_the_nianbao_command():
    config = read_pyproject()
    assert config["project"]["scripts"] == {"nianbao": "nianbao.cli:main"}
    assert config["tool"]["setuptools"]["packages"]["find"]["include"] == ["nianbao*", "helpers*", "publish*"]
    data = config["tool"]["setuptools"]["package-data"]["nianbao"]
    assert data == ["spec/*.csv"] and list((ROOT / "nianbao").glob(data[0]))
