"""MinHash signatures of the documents' shingles, stored per document, and the matrix of them
that candidates are found in.

A signature is `NUM_PERM` minimum hashes of a text's shingles and the number of its distinct
shingles. Each hash is the top 32 bits of `(a * shingle + b) mod 2^64` (multiply-add-shift
universal hashing of the 64-bit shingle hashes from `shingling.shingle_hashes`, numpy's
wrapping uint64 arithmetic), `a` odd; `a` and `b` come from BLAKE2b digests of `SEED` and the
hash's number, fixed whatever the numpy version. The shift is monotone, so the minimum is
taken on the 64-bit values and shifted once: about 0.2 ms for an article of 1,000 words. (A
prime modulus, `(a * x + b) mod (2^61 - 1)`, needs 128-bit products: done exactly with 64-bit
numpy integers it costs 20 times as much, and with coefficients small enough not to overflow
it estimates 0.4 for a pair of Jaccard similarity 0.8.) `document_signatures` keeps each
signature with `SCHEME`, which names every parameter: a signature of another scheme counts as
missing and is computed again (those of the datasketch "affine32" scheme used before, for one).

Candidates: one store's signatures live in memory as one numpy matrix (documents × NUM_PERM,
uint32: 5 MB for 10,000 documents), built on first use from `document_signatures` in one query
(30-45 ms for 10,000, ids compared included) and extended as documents are added. A new
signature is compared with every row at once (about 1 ms for 10,000); the share of equal hashes
estimates the Jaccard similarity of the two shingle sets (±0.04 or so with 128 hashes), and
rows estimated at `MIN_ESTIMATE` or more are candidates, which `found.py` ranks and verifies on
the texts. The lowest Jaccard similarity a verified copy can have is about 0.23 (80 % of a text
that has 30 % of the other's shingles), and the ranking accepts estimates down to 0.16: the
floor sits below both, so every pair the ranking would take is a candidate (a copy keeping half
of the paragraphs under a new header is about 0.5, one keeping a third 0.3). Different articles
on one topic share well under 5 % of their 5-word shingles (0.07 for one with the same
boilerplate paragraph and quotation): 0.6 candidates per new article among 10,000 in the
benchmark.

Documents without a signature (imported before copies were looked for, or by another path such
as a merge) get one on first use, `BATCH` at a time, each batch its own short transaction.
Before every use a few counts (`State`) tell whether the project changed since: documents this
connection added are signed; after anything else (another connection committed, documents
were removed) every id is compared, stored signatures loaded and those of removed documents
dropped. The matrix is kept per open store and dropped with it.
"""

from __future__ import annotations

import hashlib
import math
import struct
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.core.copies.shingling import TOKENS_VERSION, K, shingle_hashes
from annotator.core.records import DocumentId
from annotator.core.store import Store

if TYPE_CHECKING:
    import numpy as np

NUM_PERM = 128
SEED = 1
#: Lowest share of equal hashes (estimated Jaccard similarity) of a candidate.
MIN_ESTIMATE = 0.15
_LEAST_EQUAL = math.ceil(MIN_ESTIMATE * NUM_PERM)
#: Recorded with each signature: a signature of another scheme is computed again.
SCHEME = f"minhash-mulshift64;k={K};perm={NUM_PERM};seed={SEED};tokens={TOKENS_VERSION}"
#: Documents signed per transaction when signatures are missing.
BATCH = 200
#: Ids per query: well under SQLite's limit on bound parameters.
_IDS_PER_QUERY = 500
#: Shingles hashed at once (a block of 2,048 × NUM_PERM 64-bit values: 2 MB).
_BLOCK = 2048
_COUNT = struct.Struct("<I")
_BLOB_SIZE = _COUNT.size + 4 * NUM_PERM
#: A stored signature blob read as numpy reads it.
_RECORD = [("count", "<u4"), ("values", "<u4", (NUM_PERM,))]


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

        if len(blob) != _BLOB_SIZE:
            return None
        (count,) = _COUNT.unpack_from(blob)
        values = np.frombuffer(blob, dtype="<u4", offset=_COUNT.size).astype(np.uint32)
        return cls(count, values)


_coefficients: tuple[np.ndarray, np.ndarray] | None = None


def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The hashes' `a` (odd) and `b`, 64-bit, as uint64 rows."""
    global _coefficients
    import numpy as np

    if _coefficients is None:
        a, b = [], []
        for i in range(NUM_PERM):
            digest = hashlib.blake2b(f"copies/minhash/{SEED}/{i}".encode(), digest_size=16)
            value = digest.digest()
            a.append(int.from_bytes(value[:8], "little") | 1)
            b.append(int.from_bytes(value[8:], "little"))
        _coefficients = (np.array(a, dtype=np.uint64), np.array(b, dtype=np.uint64))
    return _coefficients


def sign(hashes: np.ndarray, count: int) -> Signature:
    """The signature of a text's shingles (`shingle_hashes`; `count` of them distinct)."""
    import numpy as np

    if not len(hashes):
        return Signature(count, np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32))
    a, b = _permutations()
    shingled = hashes.astype(np.uint64)[:, None]
    lowest = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    for begin in range(0, len(shingled), _BLOCK):
        block = shingled[begin : begin + _BLOCK] * a  # mod 2^64: numpy's uint64 wraps
        block += b
        np.minimum(lowest, block.min(axis=0), out=lowest)
    return Signature(count, (lowest >> np.uint64(32)).astype(np.uint32))


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


@dataclass(frozen=True)
class Candidate:
    doc_id: DocumentId
    estimate: float  # estimated Jaccard similarity with the signature asked about
    count: int  # the candidate's distinct shingles


class Index:
    """One store's signatures: a row each in `values` (and `counts`), `ids` in row order."""

    def __init__(self) -> None:
        import numpy as np

        self.ids: list[DocumentId] = []
        self.rows: dict[DocumentId, int] = {}
        self.values = np.zeros((0, NUM_PERM), dtype=np.uint32)
        self.counts = np.zeros(0, dtype=np.uint32)
        #: The project's state when the index was last in line with it; None: never.
        self.state: State | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.rows

    def signature(self, doc_id: DocumentId) -> Signature | None:
        row = self.rows.get(doc_id)
        if row is None:
            return None
        return Signature(int(self.counts[row]), self.values[row].copy())

    def _reserve(self, rows: int) -> None:
        """Room for `rows` rows (growing by a quarter at least: adding one is amortised)."""
        import numpy as np

        if rows <= len(self.values):
            return
        capacity = max(rows, len(self.values) * 5 // 4, 64)
        values = np.zeros((capacity, NUM_PERM), dtype=np.uint32)
        counts = np.zeros(capacity, dtype=np.uint32)
        values[: len(self.ids)] = self.values[: len(self.ids)]
        counts[: len(self.ids)] = self.counts[: len(self.ids)]
        self.values, self.counts = values, counts

    def add(self, doc_id: DocumentId, signature: Signature) -> None:
        row = self.rows.get(doc_id)
        if row is None:
            self._reserve(len(self.ids) + 1)
            row = self.rows[doc_id] = len(self.ids)
            self.ids.append(doc_id)
        self.values[row] = signature.values
        self.counts[row] = signature.count

    def extend(self, doc_ids: Sequence[DocumentId], counts: np.ndarray, values: np.ndarray) -> None:
        """Add many signatures at once (row i of `values` is `doc_ids[i]`'s)."""
        if any(doc_id in self.rows for doc_id in doc_ids):
            for i, doc_id in enumerate(doc_ids):
                self.add(doc_id, Signature(int(counts[i]), values[i]))
            return
        begin = len(self.ids)
        self._reserve(begin + len(doc_ids))
        self.values[begin : begin + len(doc_ids)] = values
        self.counts[begin : begin + len(doc_ids)] = counts
        self.ids.extend(doc_ids)
        self.rows.update((doc_id, begin + i) for i, doc_id in enumerate(doc_ids))

    def discard(self, doc_id: DocumentId) -> None:
        """Take a document's row out (the last row moves into its place)."""
        row = self.rows.pop(doc_id, None)
        if row is None:
            return
        last = len(self.ids) - 1
        if row != last:
            moved = self.ids[row] = self.ids[last]
            self.rows[moved] = row
            self.values[row] = self.values[last]
            self.counts[row] = self.counts[last]
        self.ids.pop()

    def candidates(self, signature: Signature) -> list[Candidate]:
        """The documents whose estimated Jaccard similarity with `signature` is at least
        MIN_ESTIMATE (none for a text without shingles), by row."""
        import numpy as np

        if not signature.count or not self.ids:
            return []
        used = len(self.ids)
        equal = np.count_nonzero(self.values[:used] == signature.values, axis=1)
        rows = np.flatnonzero((equal >= _LEAST_EQUAL) & (self.counts[:used] > 0))
        return [
            Candidate(self.ids[row], int(equal[row]) / NUM_PERM, int(self.counts[row]))
            for row in rows.tolist()
        ]


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
    if not _only_added(store, current, now, set(unsigned_ok)):
        _bring_in_line(store, current, set(unsigned_ok))
    current.state = state(store)
    return current


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
    if not into:
        _load(store, into, None)  # the first use: one query
    else:
        stored = {
            DocumentId(r[0])
            for r in conn.execute(
                "SELECT document_id FROM document_signatures WHERE scheme = ?", [SCHEME]
            )
        }
        for gone in set(into.ids) - stored:
            into.discard(gone)
        _load(store, into, sorted(stored.difference(into.ids)))
    # Whatever is not in the index now has no signature of this scheme, or an unreadable one.
    unsigned = {DocumentId(r[0]) for r in conn.execute("SELECT id FROM documents")}
    unsigned.difference_update(into.rows, unsigned_ok)
    _backfill(store, into, sorted(unsigned))


def _load(store: Store, into: Index, doc_ids: list[DocumentId] | None) -> None:
    """Add stored signatures (of `doc_ids`, or all of them) to the index; a blob that is no
    signature of this scheme is left out."""
    sql = "SELECT document_id, signature FROM document_signatures WHERE scheme = ?"
    if doc_ids is None:
        _add_rows(into, store.conn.execute(sql, [SCHEME]).fetchall())
        return
    for begin in range(0, len(doc_ids), _IDS_PER_QUERY):
        chunk = doc_ids[begin : begin + _IDS_PER_QUERY]
        rows = store.conn.execute(
            f"{sql} AND document_id IN ({', '.join('?' * len(chunk))})", [SCHEME, *chunk]
        ).fetchall()
        _add_rows(into, rows)


def _add_rows(into: Index, rows: list[tuple[str, bytes]]) -> None:
    """Rows of (document id, signature blob) into the index in one piece."""
    import numpy as np

    ids = [DocumentId(doc_id) for doc_id, blob in rows if len(blob) == _BLOB_SIZE]
    if not ids:
        return
    joined = b"".join(blob for _doc_id, blob in rows if len(blob) == _BLOB_SIZE)
    records = np.frombuffer(joined, dtype=_RECORD)
    into.extend(ids, records["count"], records["values"])


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
