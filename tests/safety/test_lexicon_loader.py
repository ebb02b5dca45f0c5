"""The phrase files are read with libyaml's parser when PyYAML has it (start-up time): every
file must read exactly as PyYAML's pure-Python safe loader reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from safety.lexicon import LEXICON_DIR, _read_yaml


@pytest.mark.parametrize("path", sorted(LEXICON_DIR.glob("*/*.yaml")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_phrase_file_reads_as_the_safe_loader_reads_it(path: Path) -> None:
    assert _read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8"))
