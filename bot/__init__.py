"""Inner Child Companion: a gentle, scripted inner child companion.

The package is laid out so data travels one way (see ARCHITECTURE.md in the README):
adapters (``telegram``, ``console``, ``checkins``) -> ``companion`` (one turn) ->
``engine`` / ``safety`` / ``storage`` -> ``domain``.
"""
