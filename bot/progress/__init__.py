"""Seeing progress: the mood chart (``/mood``) and the path walked so far (``/progress``)."""
