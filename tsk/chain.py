"""The hash chain's two primitives, knowing no ledger: the canonical JSON form and the link.

Every chain in a ledger is built from these: each complaint's history (`tsk.history`) and the
ledger-wide audit record (`tsk.store.state`). They are a format: every stored hash depends on
these bytes.
"""

from __future__ import annotations

import json
from hashlib import sha256
from typing import Any

_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def canonical(value: Any) -> str:
    """The one JSON form of details and of the chain link's payload: keys sorted, no spaces,
    text as it is (not \\u-escaped)."""
    return _encode(value)


def link(prev_hash: str, payload: str) -> str:
    return sha256((prev_hash + payload).encode("utf-8")).hexdigest()
