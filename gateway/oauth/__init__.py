"""OAuth 2.0: our authorization server and the resource-server checks, one module per RFC."""
