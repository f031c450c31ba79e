"""Workspaces: where tracking data lives (environment, local server, MLflow server, Azure ML)."""
