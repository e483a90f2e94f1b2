"""Input schemas shared by every entry point (CLI, HTTP, …), so that no interface imports another's."""
