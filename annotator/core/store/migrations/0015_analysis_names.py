"""0015: each linked annotation's speaker and target by name, kept by triggers, for the counts.

Counting claims by speaker or target used to read, for each of the ~60,000 linked claims of a
1,000,000-annotation project, the claim's row, its newest links and the spans they point to, at
random places in the file (1-2.5 s). `analysis_names` holds one row per annotation that is the
source of a link: the columns a count groups or filters by (label, sentiment, layer, document)
and its speaker and target named as the claims CSV names them
(annotator.core.store.export_table):

- the newest link of the kind (`created`, then `id`, the larger);
- its typed name, else the linked span's `speaker_name`, else the span's quote, if the span is
  in the claim's document and carries a speaker or target label;
- a quote that is not on one line already is stored as it is and flagged in `spaced`
  (1: speaker, 2: target): the reader puts it on one line (`" ".join(quote.split())`), which
  SQL in a trigger cannot do exactly.

Whether the source is a claim (its label's role) is asked when counting, not stored.

Triggers recompute an annotation's row from the tables (never patch it) whenever a link of it,
its own columns, or a span it links to changes, and when a label's role changes for the spans
of that label. They hold no Python function (connections run with `trusted_schema = OFF`).
A link rewritten by INSERT OR REPLACE with another source would leave the old source's row
stale: Annotator writes links with upserts, which fire the update triggers.
"""

#: What `str.split` splits on besides the space (as annotator.core.store.export_table).
SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _spaced(quote: str) -> str:
    return (
        f"({quote} GLOB '*[{SPACES}]*' OR instr({quote}, '  ') > 0 "
        f"OR unicode({quote}) = 32 OR substr({quote}, -1) = ' ')"
    )


def _link(alias: str, kind: str) -> str:
    return (
        f"LEFT JOIN links {alias} ON {alias}.id = (SELECT n.id FROM links n "
        f"WHERE n.source_id = c.id AND n.kind = '{kind}' ORDER BY n.created DESC, n.id DESC "
        "LIMIT 1) "
    )


def _span(alias: str, link: str) -> str:
    return (
        f"LEFT JOIN annotations {alias} ON {alias}.id = {link}.target_id "
        f"AND {alias}.document_id = c.document_id AND {alias}.label_id IN "
        "(SELECT id FROM labels WHERE role IN ('speaker', 'target')) "
    )


def _flag(link: str, span: str) -> str:
    return (
        f"({link}.name IS NULL AND {span}.speaker_name IS NULL AND {span}.quote IS NOT NULL "
        f"AND {_spaced(span + '.quote')})"
    )


def refresh(ids: str) -> str:
    """Statements recomputing the rows of the annotations `ids` (a SELECT of ids)."""
    return (
        f"DELETE FROM analysis_names WHERE id IN ({ids}); "
        "INSERT INTO analysis_names "
        "(id, label_id, sentiment, analyst_id, document_id, speaker, target, spaced) "
        "SELECT c.id, c.label_id, c.sentiment, c.analyst_id, c.document_id, "
        "coalesce(ls.name, sp.speaker_name, sp.quote), "
        "coalesce(lt.name, tg.speaker_name, tg.quote), "
        f"{_flag('ls', 'sp')} + 2 * {_flag('lt', 'tg')} "
        f"FROM annotations c {_link('ls', 'said_by')}{_span('sp', 'ls')}"
        f"{_link('lt', 'about')}{_span('tg', 'lt')}"
        f"WHERE c.id IN ({ids}) AND EXISTS (SELECT 1 FROM links x WHERE x.source_id = c.id);"
    )


_LINKING = "SELECT source_id FROM links WHERE target_id = {0}"
_OF_LABEL = (
    "SELECT source_id FROM links WHERE target_id IN "
    "(SELECT s.id FROM annotations s WHERE s.label_id = NEW.id)"
)

SQL = f"""
        CREATE TABLE analysis_names (
            id TEXT PRIMARY KEY,
            label_id TEXT NOT NULL,
            sentiment TEXT,
            analyst_id TEXT NOT NULL,
            document_id TEXT NOT NULL,
            speaker TEXT,
            target TEXT,
            spaced INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE TRIGGER analysis_names_link_insert AFTER INSERT ON links BEGIN
            {refresh("SELECT NEW.source_id")}
        END;
        CREATE TRIGGER analysis_names_link_update AFTER UPDATE ON links BEGIN
            {refresh("SELECT OLD.source_id UNION SELECT NEW.source_id")}
        END;
        CREATE TRIGGER analysis_names_link_delete AFTER DELETE ON links BEGIN
            {refresh("SELECT OLD.source_id")}
        END;
        CREATE TRIGGER analysis_names_annotation_insert AFTER INSERT ON annotations BEGIN
            {refresh("SELECT NEW.id UNION " + _LINKING.format("NEW.id"))}
        END;
        CREATE TRIGGER analysis_names_annotation_update AFTER UPDATE OF
            id, label_id, sentiment, analyst_id, document_id, speaker_name, quote
            ON annotations BEGIN
            {refresh("SELECT OLD.id UNION SELECT NEW.id UNION " + _LINKING.format("NEW.id"))}
        END;
        CREATE TRIGGER analysis_names_annotation_delete AFTER DELETE ON annotations BEGIN
            {refresh("SELECT OLD.id UNION " + _LINKING.format("OLD.id"))}
        END;
        CREATE TRIGGER analysis_names_label_role AFTER UPDATE OF role ON labels
            WHEN OLD.role IS NOT NEW.role BEGIN
            {refresh(_OF_LABEL)}
        END;
        INSERT INTO analysis_names
            (id, label_id, sentiment, analyst_id, document_id, speaker, target, spaced)
        SELECT c.id, c.label_id, c.sentiment, c.analyst_id, c.document_id,
            coalesce(ls.name, sp.speaker_name, sp.quote),
            coalesce(lt.name, tg.speaker_name, tg.quote),
            {_flag("ls", "sp")} + 2 * {_flag("lt", "tg")}
        FROM (SELECT DISTINCT source_id AS id FROM links) m
        CROSS JOIN annotations c ON c.id = m.id
        {_link("ls", "said_by")}{_span("sp", "ls")}{_link("lt", "about")}{_span("tg", "lt")};
        """
