"""The reports screen and the gérant's dashboard."""
