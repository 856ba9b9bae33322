"""The demo institution (`mifin demo`): a realistic COOPEC generated from a seed through
the real services, so every screen has work to show. Not part of the domain: nothing in
services imports it."""
