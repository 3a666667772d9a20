"""The rig itself: servers start, programs run, state dumps see what was written."""

from pathlib import Path

from tests.rig.programs import normalize_output, run_program

PROGRAMS = Path(__file__).parent / "fixtures" / "programs"


def test_normalize_masks_ids_and_rounds_floats() -> None:
    out = normalize_output("id 449123456789012345 dist 0.123456\r\nok  \n")
    assert out == "id <ID> dist 0.123\nok"


def test_program_runs_against_a_fresh_server(milvus) -> None:
    run = run_program(PROGRAMS / "basic_script.py", milvus, mode="orm")
    assert run.returncode == 0, run.stderr
    assert "inserted 20" in run.stdout
    books = run.state["db:default"]["books"]
    assert books["row_count"] == 18
    assert [r["id"] for r in books["rows"]][:2] == [2, 3]
    assert books["indexes"][0]["index_type"] == "FLAT"


def test_each_factory_call_is_a_fresh_server(milvus_factory) -> None:
    first = milvus_factory()
    first.client().create_collection("c1", dimension=4)
    second = milvus_factory()
    assert second.client().list_collections() == []
