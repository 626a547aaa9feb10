"""docs/importing.md pictures the council layouts; the pictures are drawn from the very
workbooks the import tests read, so they cannot drift from what the importer is tested on."""

import importlib.util
import inspect
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.improvement import layouts

PICTURES = Path(__file__).resolve().parents[2] / "docs" / "pictures"
SVG = "{http://www.w3.org/2000/svg}"
REDRAW = ".venv/bin/python docs/pictures/draw_layouts.py"


def _load_generator():
    spec = importlib.util.spec_from_file_location("draw_layouts", PICTURES / "draw_layouts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


draw_layouts = _load_generator()
NAMES = list(draw_layouts.PICTURES)


def _texts(svg: str) -> list[str]:
    return [text.text for text in ET.fromstring(svg).iter(f"{SVG}text")]


def _fills(svg: str) -> set[str]:
    return {rect.get("fill") for rect in ET.fromstring(svg).iter(f"{SVG}rect")}


def test_every_layout_the_import_tests_build_has_a_picture():
    builders = {
        name
        for name, function in inspect.getmembers(layouts, inspect.isfunction)
        if function.__module__ == layouts.__name__ and not name.startswith("_")
    }
    assert builders == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_the_committed_picture_is_the_layout_as_it_is_today(name, tmp_path):
    drawn = draw_layouts.write(name, tmp_path)

    committed = PICTURES / f"{name}.svg"
    assert drawn.read_bytes() == committed.read_bytes(), f"{committed} is stale: run {REDRAW}"


@pytest.mark.parametrize("name", NAMES)
def test_each_picture_is_an_svg_image_with_a_title_and_a_description(name):
    svg = ET.parse(PICTURES / f"{name}.svg").getroot()

    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert int(svg.get("width")) <= 900
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title.text.strip()
    assert len(desc.text.split()) >= 20  # says in words what the picture shows
    assert svg.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]


def test_a_hidden_column_is_drawn_hatched_and_labelled_without_its_values():
    svg = draw_layouts.draw("hidden_columns_and_totals")

    assert "hidden" in _texts(svg)
    assert "url(#hidden_columns_and_totals-hatch)" in _fills(svg)
    assert "RAG 2023 (old)" not in svg
    assert "Blue-ish note" not in svg


def test_a_row_merged_across_the_sheet_shows_its_whole_text_once():
    texts = _texts(draw_layouts.draw("workstream_summary"))

    assert texts.count("1 Support and Develop Our Workforce") == 1
    assert texts.count("NEXT KEY MILESTONES") == 1


def test_a_rag_shown_only_by_colour_is_drawn_in_that_colour_whatever_palette_it_names():
    fills = _fills(draw_layouts.draw("several_sheets_colour_only"))

    # rgb red, amber and green; accent6 of the Office theme; Excel's indexed red; "Good".
    assert {"#FF0000", "#FFC000", "#92D050", "#9BBB59", "#C6EFCE"} <= fills


def test_text_too_long_for_its_cell_is_cut_with_an_ellipsis():
    texts = _texts(draw_layouts.draw("strategic_plan"))

    placeholders = [text for text in texts if text.startswith("To be completed")]
    assert placeholders
    assert layouts.PLACEHOLDER not in texts
    assert all(text.endswith("…") for text in placeholders)
