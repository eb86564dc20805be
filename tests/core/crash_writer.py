"""Child process for the crash tests: changes annotations as fast as it can and reports each
committed change on stdout (flushed) before making the next one. Killed with SIGKILL at random."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from annotator.core.records import DocumentId
from annotator.core.session import Session
from annotator.core.store import Store


def main(db: str, doc_id: str, seed: int) -> None:
    rng = random.Random(seed)
    with Store.open(Path(db)) as store:
        session = Session(store, store.ensure_analyst(f"writer-{seed}"))
        text = store.documents.text(DocumentId(doc_id))
        claim = store.codebook.get().by_name("Claim").id
        mine: list[str] = []
        while True:
            if mine and rng.random() < 0.4:
                aid = rng.choice(mine)
                note = f"note {rng.randrange(10**9)}"
                session.update_annotation(aid, note=note)  # type: ignore[arg-type]
                print(f"update {aid} {note}", flush=True)
            else:
                start = rng.randrange(0, len(text) - 20)
                annotation, _ = session.create_annotation(
                    document_id=DocumentId(doc_id), label_id=claim, start=start, end=start + 10
                )
                mine.append(annotation.id)
                print(f"create {annotation.id} -", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
