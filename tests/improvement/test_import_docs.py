from pathlib import Path

import pytest

from improvement.importing import headers as h

DOC = (Path(__file__).resolve().parents[2] / "docs" / "importing.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", list(h.ALIASES))
def test_the_documented_alias_table_lists_every_header_we_recognise(kind):
    for column, aliases in h.ALIASES[kind].items():
        assert f"| `{column}` |" in DOC
        for alias in aliases:
            assert f'"{alias}"' in DOC, (kind, column, alias)
