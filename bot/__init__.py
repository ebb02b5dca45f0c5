"""Inner Child Companion: a gentle, scripted inner child companion.

The package is laid out so data travels one way (see "How it is built" in the README):
adapters (``telegram``, ``console``) and features (``checkins``) -> ``core`` (one turn) ->
``engine`` / ``safety`` / ``storage`` -> ``domain``; ``app`` installs the features.
"""
