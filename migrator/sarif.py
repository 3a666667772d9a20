"""Manual-review items as SARIF 2.1.0, for code-scanning UIs."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import quote

from codemods import Finding
from codemods.registry import all_rules
from migrator.process import FAILED, FileResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
# Not a codemod rule: the id of "this file could not be processed" results.
NOT_PROCESSED = {
    "id": "MM000",
    "name": "FileNotProcessed",
    "shortDescription": {"text": "File could not be processed"},
    "fullDescription": {
        "text": "milvus-migrate could not read, parse or rewrite this file (or notebook cell); "
        "it was left unchanged. The message says why."
    },
    "defaultConfiguration": {"level": "error"},
}


def _artifact_location(path: Path) -> dict:
    """A relative path becomes a URI relative to %SRCROOT% (the working directory), which is
    what code-scanning UIs resolve against the repository; an absolute one a file:// URI."""
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return {"uri": path.as_uri()}
    return {"uri": quote(path.as_posix()), "uriBaseId": SRCROOT}


def _tool_version() -> str:
    try:
        return version("milvus-migrate")
    except PackageNotFoundError:
        return "0+unknown"


def _finding_text(f: Finding) -> str:
    return f"{f.message} Suggestion: {f.suggestion}" if f.suggestion else f.message


def sarif_report(results: list[FileResult]) -> dict:
    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    index[NOT_PROCESSED["id"]] = len(rules)
    sarif_results = []
    for result in results:
        location = _artifact_location(result.path)
        for f in result.findings:
            entry = {
                "ruleId": f.code,
                "level": "warning",
                "message": {"text": _finding_text(f)},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": location,
                            "region": {"startLine": max(f.line, 1), "startColumn": f.column + 1},
                        }
                    }
                ],
            }
            if f.code in index:
                entry["ruleIndex"] = index[f.code]
            sarif_results.append(entry)
        if result.status == FAILED:
            sarif_results.append(
                {
                    "ruleId": "MM000",
                    "ruleIndex": index["MM000"],
                    "level": "error",
                    "message": {"text": f"could not process file: {result.error}"},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": location,
                                "region": {"startLine": result.error_line or 1},
                            }
                        }
                    ],
                }
            )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "milvus-migrate",
                        "version": _tool_version(),
                        "informationUri": "https://pypi.org/project/milvus-migrate/",
                        "rules": [
                            {
                                "id": r.code,
                                "name": r.title,
                                "shortDescription": {"text": r.title},
                                "fullDescription": {"text": r.description},
                            }
                            for r in rules
                        ]
                        + [NOT_PROCESSED],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().as_uri() + "/"}},
                "results": sarif_results,
            }
        ],
    }
