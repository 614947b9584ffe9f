"""Screens: one module per screen; they compose widgets."""
