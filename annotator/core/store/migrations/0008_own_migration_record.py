"""0008: Annotator keeps its own record of migrations (`PRAGMA user_version`).

Projects of earlier releases also carry sqlite-utils' table of applied migrations; it is no
longer read, so it goes.
"""

SQL = """
        DROP TABLE IF EXISTS _sqlite_migrations;
        """
