"""Thin authenticated REST handlers, one module per capability."""
