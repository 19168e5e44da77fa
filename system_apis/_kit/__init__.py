"""What every system API shares: connector base, vendor errors, client factory, policies."""
