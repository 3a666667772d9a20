"""Suppression comments are parsed next to the codemods that honour them (`codemods.suppress`);
this name stays for the pipeline and its tests."""

from codemods.suppress import Suppressions, find_suppressions, parse_directive

__all__ = ["Suppressions", "find_suppressions", "parse_directive"]
