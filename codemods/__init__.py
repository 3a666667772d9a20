"""LibCST codemods that migrate pymilvus ORM code to MilvusClient."""

from codemods.base import Applicability, Change, Finding, Options, Outcome, RuleInfo
from codemods.engine import migrate_source

__all__ = ["Applicability", "Change", "Finding", "Options", "Outcome", "RuleInfo", "migrate_source"]
