"""Manual-review items as SARIF 2.1.0, for code-scanning UIs."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from codemods.registry import all_rules
from migrator.process import FAILED, FileResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _tool_version() -> str:
    try:
        return version("milvus-migrate")
    except PackageNotFoundError:
        return "0+unknown"


def sarif_report(results: list[FileResult]) -> dict:
    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    sarif_results = []
    for result in results:
        uri = result.path.as_posix()
        for f in result.findings:
            entry = {
                "ruleId": f.code,
                "level": "warning",
                "message": {"text": f.message + (f" Suggestion: {f.suggestion}" if f.suggestion else "")},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri},
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
                    "level": "error",
                    "message": {"text": f"could not process file: {result.error}"},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": uri},
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
                        ],
                    }
                },
                "results": sarif_results,
            }
        ],
    }
