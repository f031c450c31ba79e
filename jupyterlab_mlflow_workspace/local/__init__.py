"""The local MLflow tracking server the extension runs on demand (the default workspace)."""
