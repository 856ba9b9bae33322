"""Mifin: the core-banking terminal of a microfinance institution."""

__version__ = "0.1.0"
