"""Core's human messages marked for translation and translated without Qt."""
