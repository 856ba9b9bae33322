"""The nightly closing's screen."""
