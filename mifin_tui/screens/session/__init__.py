"""A user's session: login, lock, own password and language, the main menu, the palette."""
