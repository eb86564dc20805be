"""MinHash signatures of the documents' shingles, stored per document, and the LSH index over them.

A signature is `NUM_PERM` minimum hashes (datasketch's "affine32" permutations, seed `SEED`,
of the shingles' hashes from `shingling.shingle_hashes`, cut to 32 bits) and the number of
distinct shingles; `document_signatures` keeps them with `SCHEME`, which names every
parameter: a signature of another scheme counts as missing and is computed again.

The LSH index (datasketch `MinHashLSH`, `BANDS` bands of `ROWS` hashes) lives in memory, one per
open store (dropped with it), built on first use from the stored signatures: for 10,000
documents about 0.9 s and 130 MB (datasketch keeps a set per bucket). Documents without a
signature (imported before copies were looked for, or by another path such as a merge) get one
then, `BATCH` at a time, each batch its own short transaction. Before every use a few counts
(`State`) tell whether the project changed since: documents this connection added are signed;
after anything else (another connection committed, documents were removed) every id is
compared, stored signatures loaded and those of removed documents dropped.

Bands: datasketch's own choice for a threshold of 0.5 (25 bands of 5) finds a pair of
Jaccard similarity 0.5 only 55 % of the time, 0.4 only 23 %; but the Jaccard similarity of a
copy that kept half of the paragraphs under a new header is about 0.5 (0.51 in the tests), of
one that kept a third 0.3. With 42 bands of 3 (the curve's midpoint near 0.25) a pair is a
candidate with probability 0.68 at 0.3, 0.94 at 0.4, 0.99 at 0.5, and 0.04 at 0.1, 0.005 at
0.05 (different articles on one topic share well under 5 % of their 5-word shingles: 0.07 for
one with the same boilerplate paragraph and quotation). Every candidate is verified on the
texts (`found.py`), so a loose index costs only time: 0.6 candidates per new article among
10,000 in the benchmark.
"""

from __future__ import annotations

import gc
import struct
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.copies.shingling import TOKENS_VERSION, K, shingle_hashes
from annotator.core.records import DocumentId
from annotator.core.store import Store

if TYPE_CHECKING:
    import numpy as np

NUM_PERM = 128
SEED = 1
BANDS, ROWS = 42, 3
#: Recorded with each signature: a signature of another scheme is computed again.
SCHEME = f"minhash-affine32;k={K};perm={NUM_PERM};seed={SEED};tokens={TOKENS_VERSION}"
#: Documents signed per transaction when signatures are missing.
BATCH = 200
#: Ids per query: well under SQLite's limit on bound parameters.
_IDS_PER_QUERY = 500
_COUNT = struct.Struct("<I")


@dataclass(frozen=True)
class Signature:
    """A document's MinHash (`values`, NUM_PERM unsigned 32-bit) and its shingle count."""

    count: int
    values: np.ndarray

    def to_blob(self) -> bytes:
        return _COUNT.pack(self.count) + self.values.astype("<u4").tobytes()

    @classmethod
    def from_blob(cls, blob: bytes) -> Signature | None:
        """The stored signature, or None if the blob is not one of this scheme's."""
        import numpy as np

        if len(blob) != _COUNT.size + 4 * NUM_PERM:
            return None
        (count,) = _COUNT.unpack_from(blob)
        values = np.frombuffer(blob, dtype="<u4", offset=_COUNT.size).astype(np.uint32)
        return cls(count, values)

    def lean(self) -> Any:
        """The signature as datasketch's LeanMinHash (what the LSH index takes)."""
        from datasketch import LeanMinHash

        return LeanMinHash(seed=SEED, hashvalues=self.values, scheme="affine32")

    def estimate(self, other: Signature) -> float:
        """Estimated Jaccard similarity (share of equal minimum hashes)."""
        return float((self.values == other.values).mean())


_template: Any = None


def _identity(value: int) -> int:
    return value


def _minhash() -> Any:
    """An empty MinHash sharing one set of permutations (generating them costs ~1 ms) that
    takes 32-bit shingle hashes as they are (datasketch mixes them before permuting)."""
    global _template
    from datasketch import MinHash

    if _template is None:
        _template = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")
    return MinHash(
        num_perm=NUM_PERM,
        seed=SEED,
        permutations=_template.permutations,
        scheme="affine32",
        hashfunc=_identity,
    )


def sign(hashes: np.ndarray, count: int) -> Signature:
    """The signature of a text's shingles (`shingle_hashes`; `count` of them distinct)."""
    import numpy as np

    minhash = _minhash()
    if len(hashes):
        minhash.update_batch((hashes & np.uint64(0xFFFFFFFF)).astype(np.uint32).tolist())
    return Signature(count, minhash.hashvalues.astype(np.uint32))


def sign_text(text: str) -> tuple[set[int], Signature]:
    """The text's shingles (their hashes) and their signature."""
    hashes = shingle_hashes(text)
    shingled = set(hashes.tolist())
    return shingled, sign(hashes, len(shingled))


def store_signatures(store: Store, signed: Sequence[tuple[DocumentId, Signature]]) -> None:
    """Write signatures (call inside a transaction); documents gone meanwhile are skipped."""
    store.conn.executemany(
        "INSERT OR REPLACE INTO document_signatures (document_id, scheme, signature) "
        "SELECT id, ?, ? FROM documents WHERE id = ?",
        [(SCHEME, s.to_blob(), doc_id) for doc_id, s in signed],
    )


class Index:
    """The LSH index of one store's signatures, and the signatures themselves."""

    def __init__(self) -> None:
        from datasketch import MinHashLSH

        self.lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))
        self.signatures: dict[DocumentId, Signature] = {}
        #: The project's state when the index was last in line with it; None: never.
        self.state: State | None = None

    def add(self, doc_id: DocumentId, signature: Signature) -> None:
        self.discard(doc_id)
        self.signatures[doc_id] = signature
        if signature.count:
            self.lsh.insert(doc_id, signature.lean(), check_duplication=False)

    def discard(self, doc_id: DocumentId) -> None:
        old = self.signatures.pop(doc_id, None)
        if old is not None and old.count:
            self.lsh.remove(doc_id)

    def candidates(self, signature: Signature) -> list[DocumentId]:
        if not signature.count:
            return []
        return [DocumentId(key) for key in self.lsh.query(signature.lean())]


_indexes: weakref.WeakKeyDictionary[Store, Index] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class State:
    """What the index was last brought in line with. Counts and the largest rowid are read
    from the b-trees (microseconds): any document or signature added or removed by this
    connection changes one of them, anything another connection commits `version`."""

    version: int  # PRAGMA data_version: changes when another connection commits
    documents: int
    last_document: int
    signatures: int
    last_signature: int


def state(store: Store) -> State:
    version = int(store.conn.execute("PRAGMA data_version").fetchone()[0])
    counts = store.conn.execute(
        "SELECT (SELECT count(*) FROM documents), (SELECT max(rowid) FROM documents), "
        "(SELECT count(*) FROM document_signatures), "
        "(SELECT max(rowid) FROM document_signatures)"
    ).fetchone()
    return State(version, *(int(value or 0) for value in counts))


def index(store: Store, *, unsigned_ok: Iterable[DocumentId] = ()) -> Index:
    """The store's index, in line with its documents: missing signatures computed and stored
    (except for `unsigned_ok`, which the caller signs itself)."""
    current = _indexes.get(store)
    if current is None:
        current = _indexes[store] = Index()
    now = state(store)
    if current.state == now:
        return current
    # The LSH tables are ~500,000 small objects for 10,000 documents: the collector's passes
    # over them while they are made would triple the time.
    with _no_gc():
        if not _only_added(store, current, now, set(unsigned_ok)):
            _bring_in_line(store, current, set(unsigned_ok))
    current.state = state(store)
    return current


@contextmanager
def _no_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _only_added(store: Store, into: Index, now: State, unsigned_ok: set[DocumentId]) -> bool:
    """The common case, cheaply: since last time this connection only added documents (an
    import): sign them. False if anything else may have changed."""
    was = into.state
    if was is None or (now.version, now.signatures, now.last_signature) != (
        was.version,
        was.signatures,
        was.last_signature,
    ):
        return False
    added = [
        DocumentId(r[0])
        for r in store.conn.execute("SELECT id FROM documents WHERE rowid > ?", [was.last_document])
    ]
    if now.documents != was.documents + len(added):
        return False  # some were removed too
    _backfill(store, into, [doc_id for doc_id in added if doc_id not in unsigned_ok])
    return True


def _bring_in_line(store: Store, into: Index, unsigned_ok: set[DocumentId]) -> None:
    """Compare every id: signatures added or removed elsewhere, documents without one."""
    conn = store.conn
    stored = {
        DocumentId(r[0])
        for r in conn.execute(
            "SELECT document_id FROM document_signatures WHERE scheme = ?", [SCHEME]
        )
    }
    for gone in set(into.signatures) - stored:
        into.discard(gone)
    unreadable = _load(store, into, sorted(stored - set(into.signatures)))
    documents = {DocumentId(r[0]) for r in conn.execute("SELECT id FROM documents")}
    unsigned = (documents - stored) | unreadable
    _backfill(store, into, sorted(unsigned - unsigned_ok))


def _load(store: Store, into: Index, doc_ids: list[DocumentId]) -> set[DocumentId]:
    """Add stored signatures to the index; returns the ids whose blob is not one."""
    unreadable: set[DocumentId] = set()
    for begin in range(0, len(doc_ids), _IDS_PER_QUERY):
        chunk = doc_ids[begin : begin + _IDS_PER_QUERY]
        rows = store.conn.execute(
            "SELECT document_id, signature FROM document_signatures "
            f"WHERE scheme = ? AND document_id IN ({', '.join('?' * len(chunk))})",
            [SCHEME, *chunk],
        ).fetchall()
        for doc_id, blob in rows:
            signature = Signature.from_blob(bytes(blob))
            if signature is None:
                unreadable.add(DocumentId(doc_id))
            else:
                into.add(DocumentId(doc_id), signature)
    return unreadable


def _backfill(store: Store, into: Index, doc_ids: list[DocumentId]) -> None:
    """Sign documents that have no signature of this scheme, BATCH per transaction."""
    for begin in range(0, len(doc_ids), BATCH):
        chunk = doc_ids[begin : begin + BATCH]
        rows = store.conn.execute(
            f"SELECT id, text FROM documents WHERE id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
        signed = [(DocumentId(doc_id), sign_text(text)[1]) for doc_id, text in rows]
        with store.transaction():
            store_signatures(store, signed)
        for doc_id, signature in signed:
            into.add(doc_id, signature)
