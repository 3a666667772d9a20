"""Rule docs come from code: docs/rules.md and `milvus-migrate rules` both read RuleInfo."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

from click.testing import CliRunner

from codemods.base import Applicability
from codemods.registry import all_rules
from migrator.cli import rules_command

ROOT = Path(__file__).resolve().parents[1]


def _generator():
    spec = importlib.util.spec_from_file_location(
        "gen_rules_doc", ROOT / "scripts/gen_rules_doc.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_rules_doc_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == _generator().render(), (
        "docs/rules.md is stale: run `python scripts/gen_rules_doc.py` and commit the result"
    )


def test_generator_check_mode_detects_a_stale_page(tmp_path: Path, monkeypatch) -> None:
    gen = _generator()
    monkeypatch.setattr(gen, "DOC", tmp_path / "rules.md")
    monkeypatch.setattr(gen, "ROOT", tmp_path)
    (tmp_path / "rules.md").write_text("# Rules\n\nold text\n")
    assert gen.main(["--check"]) == 1
    assert gen.main([]) == 0
    assert gen.main(["--check"]) == 0
    assert (tmp_path / "rules.md").read_text() == gen.render()


def test_every_rule_is_documented_with_an_example() -> None:
    rules = all_rules()
    assert rules, "no rules registered"
    codes = [r.code for r in rules]
    assert len(codes) == len(set(codes))
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in rules:
        assert re.fullmatch(r"MM\d{3}", rule.code), rule.code
        assert rule.title.strip() and rule.description.strip(), rule.code
        if rule.applicability is not Applicability.REPORT_ONLY:
            # A rewrite is explained by what it does to an example.
            assert rule.before.strip() and rule.after.strip(), f"{rule.code} lacks before/after"
            assert rule.before != rule.after, rule.code
        assert f"## {rule.code}: " in page
        for example in (rule.before, rule.after):
            if example:
                assert example.rstrip("\n") in page


def test_rules_command_lists_and_explains() -> None:
    runner = CliRunner()
    listing = runner.invoke(rules_command, ["--no-color"])
    assert listing.exit_code == 0
    for rule in all_rules():
        assert re.search(
            rf"^{rule.code}\s+{re.escape(rule.applicability.value)}\s+", listing.output, re.M
        )

    rule = next(r for r in all_rules() if r.before)
    shown = runner.invoke(rules_command, ["--no-color", rule.code.lower()])
    assert shown.exit_code == 0
    assert shown.output.startswith(f"{rule.code}: {rule.title}\n")
    assert rule.description in shown.output
    assert rule.before.strip().splitlines()[0] in shown.output

    as_json = json.loads(runner.invoke(rules_command, ["--format", "json", "MM"]).output)
    assert [r["code"] for r in as_json] == [r.code for r in all_rules()]

    unknown = runner.invoke(rules_command, ["MM999"])
    assert unknown.exit_code == 2
    assert "unknown rule 'MM999'" in unknown.output
