"""Vendor-faithful sandboxes (separate ASGI apps; product code never imports them)."""
