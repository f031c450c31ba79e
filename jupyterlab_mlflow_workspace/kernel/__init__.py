"""Helpers that run inside a kernel: standard library only, never tornado or jupyter_server.

The public entry point is ``jupyterlab_mlflow_workspace.connect`` (see ``kernel/connect.py``).
"""
