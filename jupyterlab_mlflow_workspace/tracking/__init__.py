"""Everything that talks to a tracking server: the allowlist, the shared HTTP client, the probe."""
