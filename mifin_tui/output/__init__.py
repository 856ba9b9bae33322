"""The output layer: documents built from services (plain data), rendered to PDF or text and
dispatched to this workstation's printers or files. Screens and the CLI call it; it calls
services and `printers/`, never Textual."""
