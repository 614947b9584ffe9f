"""Widgets: each renders model objects; none fetches."""
