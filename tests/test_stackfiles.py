"""Which stack file a STACK argument (or its absence) resolves to."""

from __future__ import annotations

from pathlib import Path

import pytest

from gcmod.config import ConfigError
from gcmod.stackfiles import DEFAULT_STACK, resolve, samples_dir


def _stacks(directory: Path, *names: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name in names:
        (directory / f"Pulumi.{name}.yaml").write_text("config: {}\n", encoding="utf-8")
    return directory


def test_samples_default_to_saas_prod() -> None:
    assert resolve(None, samples_dir()).name == DEFAULT_STACK


def test_project_with_one_stack_defaults_to_it(tmp_path: Path) -> None:
    ref = resolve(None, _stacks(tmp_path, "town"))
    assert (ref.name, ref.path.name) == ("town", "Pulumi.town.yaml")


@pytest.mark.parametrize("prod", ["prod", "production"])
def test_project_with_several_stacks_defaults_to_prod(tmp_path: Path, prod: str) -> None:
    assert resolve(None, _stacks(tmp_path, "dev", prod, "staging")).name == prod


def test_project_without_a_default_asks_for_a_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        resolve(None, _stacks(tmp_path, "dev", "staging"))
    assert "name one: dev, staging" in str(err.value)


def test_named_stack_wins_over_the_default(tmp_path: Path) -> None:
    assert resolve("dev", _stacks(tmp_path, "dev", "prod")).name == "dev"
