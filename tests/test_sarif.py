"""Machine output: `--format json` and `--format sarif`, the latter checked against the
required fields and value constraints of the SARIF 2.1.0 schema (written out by hand here from
sarif-schema-2.1.0.json, so the test needs no network)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

LEVELS = {"none", "note", "warning", "error"}


def _require(obj: dict, where: str, *keys: str) -> None:
    assert isinstance(obj, dict), f"{where} must be an object"
    for key in keys:
        assert key in obj, f"{where}: required property {key!r} missing"


def _message(msg: dict, where: str) -> None:
    # message: anyOf [required text] or [required id]
    assert isinstance(msg, dict) and ("text" in msg or "id" in msg), f"{where}: text or id"
    if "text" in msg:
        assert isinstance(msg["text"], str) and msg["text"].strip(), f"{where}.text empty"


def _uri_reference(uri: str, where: str) -> None:
    # format: uri-reference (RFC 3986): no spaces or other characters that need escaping
    assert isinstance(uri, str) and uri, where
    assert not re.search(r"[\s\"<>\\^`{|}]", uri), f"{where}: {uri!r} is not a URI reference"


def validate_sarif(log: dict) -> list[dict]:
    """Raise AssertionError on a schema violation; return all results."""
    _require(log, "sarifLog", "version", "runs")
    assert log["version"] == "2.1.0"
    if "$schema" in log:
        _uri_reference(log["$schema"], "$schema")
    assert isinstance(log["runs"], list)
    results: list[dict] = []
    for r, run in enumerate(log["runs"]):
        where = f"runs[{r}]"
        _require(run, where, "tool")
        _require(run["tool"], f"{where}.tool", "driver")
        driver = run["tool"]["driver"]
        _require(driver, f"{where}.tool.driver", "name")
        assert isinstance(driver["name"], str) and driver["name"]
        rules = driver.get("rules", [])
        ids = [rule.get("id") for rule in rules]
        assert len(ids) == len(set(ids)), "rules must be unique"
        for i, rule in enumerate(rules):
            _require(rule, f"{where}.rules[{i}]", "id")
            for key in ("shortDescription", "fullDescription"):
                if key in rule:  # multiformatMessageString: required text
                    _require(rule[key], f"{where}.rules[{i}].{key}", "text")
        for base, loc in run.get("originalUriBaseIds", {}).items():
            _uri_reference(loc["uri"], f"originalUriBaseIds[{base}]")
            assert loc["uri"].endswith("/"), "a base URI must end with a slash"
        for k, res in enumerate(run.get("results", [])):
            rw = f"{where}.results[{k}]"
            _require(res, rw, "message")
            _message(res["message"], f"{rw}.message")
            assert res.get("level", "warning") in LEVELS
            if "ruleIndex" in res:
                assert isinstance(res["ruleIndex"], int) and res["ruleIndex"] >= -1
                if res["ruleIndex"] >= 0:
                    assert rules[res["ruleIndex"]]["id"] == res["ruleId"], f"{rw}: ruleIndex"
            for n, location in enumerate(res.get("locations", [])):
                phys = location["physicalLocation"]
                # physicalLocation: anyOf [required address] or [required artifactLocation]
                assert "address" in phys or "artifactLocation" in phys
                art = phys["artifactLocation"]
                _uri_reference(art["uri"], f"{rw}.locations[{n}].uri")
                if "uriBaseId" in art:
                    assert art["uriBaseId"] in run.get("originalUriBaseIds", {})
                region = phys.get("region", {})
                for key in ("startLine", "startColumn", "endLine", "endColumn"):
                    if key in region:
                        assert isinstance(region[key], int) and region[key] >= 1, (rw, key)
            results.append(res)
    return results


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "my app").mkdir()
    (tmp_path / "my app" / "star.py").write_text("from pymilvus import *\nx = 1\n")
    (tmp_path / "broken.py").write_text("from pymilvus import Collection\ndef f(:\n")
    (tmp_path / "ok.py").write_text("from pymilvus import Collection\n")
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "a",
                "metadata": {},
                "outputs": [],
                "source": ["%%bash\n", "pip install pymilvus"],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (tmp_path / "nb.ipynb").write_text(json.dumps(nb, indent=1) + "\n")
    return tmp_path


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "migrator", *args], cwd=cwd, capture_output=True, text=True
    )


def test_sarif_report_is_valid_and_complete(tree: Path) -> None:
    run = _cli("--shim", "--check", "--format", "sarif", ".", cwd=tree)
    assert run.returncode == 2  # broken.py could not be processed
    log = json.loads(run.stdout)
    results = validate_sarif(log)
    by_file = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in results}
    assert set(by_file) == {"my%20app/star.py", "broken.py", "nb.ipynb"}
    star = by_file["my%20app/star.py"]
    assert star["ruleId"] == "MM001" and star["level"] == "warning"
    assert star["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 1}
    broken = by_file["broken.py"]
    assert broken["ruleId"] == "MM000" and broken["level"] == "error"
    assert "syntax error" in broken["message"]["text"]
    assert broken["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert by_file["nb.ipynb"]["ruleId"] == "MM000"
    assert "%%bash" in by_file["nb.ipynb"]["message"]["text"]
    assert log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tree.resolve().as_uri() + "/"
    # Nothing but the SARIF document on stdout; nothing written.
    assert (tree / "ok.py").read_text() == "from pymilvus import Collection\n"


def test_sarif_with_absolute_paths_outside_the_working_directory(
    tree: Path, tmp_path_factory
) -> None:
    elsewhere = tmp_path_factory.mktemp("cwd")
    run = _cli("--shim", "--check", "--format", "sarif", str(tree / "my app"), cwd=elsewhere)
    results = validate_sarif(json.loads(run.stdout))
    uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == (tree / "my app" / "star.py").resolve().as_uri()


def test_sarif_with_nothing_to_report_is_still_valid(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("print(1)\n")
    run = _cli("--format", "sarif", ".", cwd=tmp_path)
    assert run.returncode == 0
    log = json.loads(run.stdout)
    assert validate_sarif(log) == []
    assert log["runs"][0]["results"] == []


def test_validator_rejects_broken_documents() -> None:
    good = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": []}]}
    validate_sarif(good)
    for broken in (
        {"runs": []},
        {"version": "2.0.0", "runs": []},
        {"version": "2.1.0", "runs": [{"results": []}]},
        {"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]},
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{}]}]},
    ):
        with pytest.raises(AssertionError):
            validate_sarif(broken)


def test_json_report_shape(tree: Path) -> None:
    run = _cli("--shim", "--check", "--format", "json", ".", cwd=tree)
    report = json.loads(run.stdout)
    assert report["mode"] == "check"
    files = {Path(f["path"]).as_posix(): f for f in report["files"]}
    assert files["ok.py"]["status"] == "changed"
    assert files["ok.py"]["changes"][0]["code"] == "MM001"
    assert files["ok.py"]["changes"][0]["line"] == 1
    assert files["broken.py"]["status"] == "failed"
    assert files["broken.py"]["error"]["line"] == 2
    item = files["my app/star.py"]["manual_review"][0]
    assert set(item) >= {"line", "column", "code", "message"}
    assert report["summary"] == {
        "scanned": 4,
        "changed": 1,
        "unchanged": 2,
        "skipped": 0,
        "failed": 1,
        "manual_review": 2,
    }
