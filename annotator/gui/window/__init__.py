"""The main window: layout, commands, project swap, and the flows it runs."""
