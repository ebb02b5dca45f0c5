"""Check-ins: gentle nudges at the times people choose (see the check-ins issue)."""
