"""The reading view: the article text, its highlights, the find bar and the label bar."""
