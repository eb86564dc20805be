"""Colleagues' changes as they happen: the hub's triggers notify the channel ``annotator_hub``
(the table's name as payload) on every committed write; `listen` waits for those notices on
its own connection and reports each."""

from __future__ import annotations

from collections.abc import Callable

from annotator.core.hub.connection import connect

#: The channel the hub's triggers notify (see `migrations`).
CHANNEL = "annotator_hub"


def listen(
    url: str,
    on_change: Callable[[str], object],
    *,
    stop: Callable[[], bool],
    password: str | None = None,
    poll: float = 1.0,
) -> None:
    """Call `on_change(table)` for every change committed on the hub until `stop()` is true
    (checked every `poll` seconds). Raises `HubError` when the hub cannot be reached."""
    with connect(url, password_prompt=(lambda: password) if password else None) as conn:
        conn.execute(f"LISTEN {CHANNEL}")
        while not stop():
            for notice in conn.notifies(timeout=poll):
                on_change(notice.payload)
                if stop():
                    return
