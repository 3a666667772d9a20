"""Run a Python program in a subprocess against a server and capture what it did."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.rig.dict_order import sort_printed_dicts
from tests.rig.servers import MilvusTarget, env_without_milvus
from tests.rig.state import dump_state

PROJECT_ROOT = Path(__file__).resolve().parents[2]
_LAUNCH = Path(__file__).with_name("launch.py")

_LONG_INT = re.compile(r"(?<![\w.])\d{15,}(?![\w.])")
_FLOAT = re.compile(r"(?<![\w.])-?\d+\.\d+(?:[eE][-+]?\d+)?(?![\w.])")
_HEX_ADDR = re.compile(r"0x[0-9a-fA-F]{6,}")


def normalize_output(text: str) -> str:
    """Mask what legitimately differs between runs: generated ids, timestamps, addresses,
    float noise."""
    text = text.replace("\r\n", "\n")
    text = _HEX_ADDR.sub("0x<ADDR>", text)
    text = _LONG_INT.sub("<ID>", text)
    text = _FLOAT.sub(lambda m: f"{round(float(m.group()), 3):.3f}", text)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


@dataclass
class ProgramRun:
    returncode: int
    stdout: str  # normalized
    stderr: str  # raw, for failure messages
    state: dict

    def comparable(self) -> dict:
        return {"returncode": self.returncode, "stdout": self.stdout, "state": self.state}


def run_program(
    program: Path,
    target: MilvusTarget,
    mode: str = "orm",
    cwd: Path | None = None,
    timeout: float = 300,
    extra_env: dict[str, str] | None = None,
) -> ProgramRun:
    """Run `program` (mode: see launch.py) and dump the server state."""
    env = env_without_milvus()
    env.update(target.env())
    env["PYTHONPATH"] = os.pathsep.join([str(PROJECT_ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env["PYTHONHASHSEED"] = "0"
    env.update(extra_env or {})
    proc = subprocess.run(
        [sys.executable, str(_LAUNCH), mode, str(program)],
        cwd=cwd or program.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    state = dump_state(target.uri)
    stdout = proc.stdout if target.lane == "lite" else sort_printed_dicts(proc.stdout)
    return ProgramRun(proc.returncode, normalize_output(stdout), proc.stderr, state)
