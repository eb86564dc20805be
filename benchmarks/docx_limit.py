"""A .docx over the document limit: how soon and how cheaply it is refused, next to its floor.

Usage:
    .venv/bin/python benchmarks/docx_limit.py [--million-chars N] [--no-old]

The .docx (built once in the temporary folder's `annotator-benchmarks`: python-docx's own
template with N million characters of text in paragraphs of about 500 characters; 80 million
by default, over `limits.MAX_DOCUMENT_CHARS`) is read three ways, each in a child process of
its own so that its peak memory (max RSS) is its own:

- Floor: inflating the main XML part with zipfile, nothing parsed.
- Refusal: `read_document` as `annotator import` calls it (archive checks, then the text
  counted while the XML streams past, stopped once over the limit).
- Old way (skipped with --no-old): what the import did before the limit was checked while
  streaming: python-docx builds the whole document and its text is joined.

The script prints figures and exits 0.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

_CHILD = """
import resource, sys, time, zipfile
from pathlib import Path
path, how = Path(sys.argv[1]), sys.argv[2]
start = time.perf_counter()
if how == "floor":
    with zipfile.ZipFile(path) as archive, archive.open("word/document.xml") as member:
        while member.read(1 << 20):
            pass
    outcome = "inflated"
elif how == "refusal":
    from annotator.core.errors import ImportRefused
    from annotator.core.importing import read_document
    try:
        outcome = f"imported {len(read_document(path).text):,} characters"
    except ImportRefused as exc:
        outcome = "refused: " + exc.reason
else:
    import io
    import docx
    from annotator.core.importing.docx_text import _blocks
    text = "\\n".join(_blocks(docx.Document(io.BytesIO(path.read_bytes()))))
    outcome = f"built {len(text):,} characters"
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{seconds:7.2f} s  {rss:7.0f} MiB max RSS  {outcome}")
"""


def build(path: Path, million: int) -> None:
    import docx

    template = Path(tempfile.gettempdir()) / "annotator-benchmarks" / "template.docx"
    docx.Document().save(str(template))
    words = [
        "the",
        "minister",
        "said",
        "talks",
        "on",
        "water",
        "would",
        "resume",
        "next",
        "week",
        "after",
        "a",
        "row",
        "over",
        "dams",
    ]
    rng = random.Random(19)

    def paragraphs(n: int) -> bytes:  # varied text: it compresses like prose, about 3:1
        out = []
        for _ in range(n):
            text = " ".join(rng.choices(words, k=120))[:500]
            out.append(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
        return "".join(out).encode()

    count = million * 1_000_000 // 501
    with zipfile.ZipFile(template) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "word/document.xml":
                head, tail = data.split(b"<w:body>", 1)
                with new.open("word/document.xml", "w", force_zip64=True) as member:
                    member.write(head + b"<w:body>")
                    for _ in range(count // 1000):
                        member.write(paragraphs(1000))
                    member.write(tail)
            else:
                new.writestr(info, data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--million-chars", type=int, default=80)
    parser.add_argument("--no-old", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.gettempdir()) / "annotator-benchmarks"
    folder.mkdir(exist_ok=True)
    path = folder / f"long-{args.million_chars}M.docx"
    if not path.exists():
        build(path, args.million_chars)
    with zipfile.ZipFile(path) as archive:
        xml = archive.getinfo("word/document.xml").file_size
    print(f"{path.name}: {path.stat().st_size / 2**20:.0f} MiB, {xml / 2**20:.0f} MiB of XML")
    for how in ("floor", "refusal") + (() if args.no_old else ("old",)):
        result = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path), how], capture_output=True, text=True
        )
        print(f"{how:8} {result.stdout.strip() or result.stderr.strip()[-300:]}")


if __name__ == "__main__":
    main()
