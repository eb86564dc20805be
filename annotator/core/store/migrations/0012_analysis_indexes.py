"""0012: indexes for the analysis view (counts by speaker, target, sentiment, layer, time).

Measured on 10,000 documents / 1,000,000 annotations (benchmarks/analysis.py):

- annotations_for_analysis: counting by label, sentiment, layer and document reads this
  index alone instead of every annotation's row (quote, context and note included).
- links_for_analysis: a claim's newest link of a kind, and what it names, from the index.
- annotations_by_short_quote / annotations_by_spaced_quote: the spans a name may stand for
  (a span without a typed name is named by its quote on one line: a short quote, or one to
  put on one line), so that one speaker's or target's passages are found without reading
  every link. A query uses a partial index only when it repeats the index's condition word
  for word: annotator.core.store.analysis_rows holds the same text (a test checks the plan).
"""

#: What `str.split` splits on besides the space (as annotator.core.store.export_table).
SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
SPACED = (
    f"(quote GLOB '*[{SPACES}]*' OR instr(quote, '  ') > 0 OR unicode(quote) = 32 "
    "OR substr(quote, -1) = ' ')"
)

SQL = f"""
        CREATE INDEX annotations_for_analysis
            ON annotations(label_id, sentiment, analyst_id, document_id);
        CREATE INDEX links_for_analysis ON links(source_id, kind, created, id, name, target_id);
        CREATE INDEX annotations_by_short_quote ON annotations(quote)
            WHERE speaker_name IS NULL AND length(quote) <= 40;
        CREATE INDEX annotations_by_spaced_quote ON annotations(document_id)
            WHERE speaker_name IS NULL AND {SPACED};
        """
