"""A sync in a child process that kills itself (SIGKILL) at a chosen point.

    python sync_child.py DB URL ANALYST POINT N

POINT: where to die on its N-th passage —
  hub-write      in a hub transaction, rows written, not committed;
  hub-committed  after a batch's hub commit, inside the project transaction recording it;
  pull-apply     inside a pull's project transaction, rows written, not committed;
  committed      after a batch committed on both sides (the progress report);
  none           never.
Batches are small (BATCH rows) so that there are many points to die at.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from annotator.core.hub import sync_apply, sync_pull, sync_push, sync_state
from annotator.core.hub.sync import sync
from annotator.core.store import Store

BATCH = 300


def main() -> None:
    db, url, analyst, point, nth = sys.argv[1:6]
    count = [0]

    def passage(where: str) -> None:
        if where == point:
            count[0] += 1
            if count[0] == int(nth):
                os.kill(os.getpid(), signal.SIGKILL)

    def wrap(owner: Any, name: str, where: str) -> None:
        original = getattr(owner, name)

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            passage(where)
            return result

        setattr(owner, name, wrapped)

    sync_push.BATCH = BATCH
    sync_pull.BATCH = BATCH
    wrap(sync_push, "_write", "hub-write")
    wrap(sync_state, "clear_waiting", "hub-committed")  # only a push calls it
    wrap(sync_apply.Applier, "apply", "pull-apply")
    wrap(sync_apply.Applier, "load", "pull-apply")  # a clone's batches

    def progress(_text: str) -> bool:
        passage("committed")
        return True

    with Store.open(db, create=False) as store:
        report = sync(store, url, analyst, progress=progress)
    print(f"sent {report.sent} received {report.received} conflicts {len(report.conflicts)}")


if __name__ == "__main__":
    main()
