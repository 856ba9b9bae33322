"""The nightly closing: its checks, its steps (one module per area's steps), its document."""
