"""What operators watch: the metrics (``metrics``, called by every layer), whether the bot is
ready (``readiness``) and the HTTP endpoint that serves both (``server``).

Kept empty on purpose: ``metrics`` sits below every layer that counts something, while
``readiness`` and ``server`` sit above them all (``bot/telegram`` wires them), so importing
this package must not import either half.
"""
