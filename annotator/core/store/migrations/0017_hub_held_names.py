"""0017: names the team hub gives a row that this project uses for another row.

A label, analyst or talking point renamed on the hub to a name this project already gives a
different row keeps its name here meanwhile (a new one takes a stand-in name); the sync lists
it, and gives it the hub's name as soon as that name is free here.
"""

SQL = """
        -- One row per held name: the table (analysts, labels, talking_points), the project's
        -- id of the row, the hub's name it could not take and the name it keeps here.
        CREATE TABLE hub_held_names (
            tbl TEXT NOT NULL,
            id TEXT NOT NULL,
            hub_name TEXT NOT NULL,
            kept_name TEXT NOT NULL,
            PRIMARY KEY (tbl, id)
        ) WITHOUT ROWID;
        """
