"""Canonical models shared by every layer; imports nothing of ours and does no I/O."""
