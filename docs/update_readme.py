"""Regenerate the generated sections of README.md from the code (`make readme`)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from readiness.data.contract import contract_markdown

README = Path(__file__).resolve().parent.parent / "README.md"
_SECTION = re.compile(r"(<!-- contract:start -->\n).*?(<!-- contract:end -->)", re.S)


def render(text: str) -> str:
    """README text with the contract section replaced by the current contract."""
    body = contract_markdown().strip() + "\n"
    return _SECTION.sub(lambda m: m.group(1) + body + m.group(2), text)


if __name__ == "__main__":
    old = README.read_text(encoding="utf-8")
    new = render(old)
    README.write_text(new, encoding="utf-8")
    state = "updated" if new != old else "already current"
    sys.stdout.write(f"README.md {state}\n")
