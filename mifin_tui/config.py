"""Workstation settings: which printer this machine prints to, the paper, the theme.

They belong to the machine, not the institution: a branch's two counters print
to two different thermal printers. Read from `workstation.toml` in the user's
config folder (or `$MIFIN_CONFIG`), validated, with environment overrides
(`MIFIN_RECEIPT_PRINTER=cups:QUEUE`, `MIFIN_DOCUMENT_PRINTER=folder:/path`).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from platformdirs import user_config_dir

from mifin_tui.i18n import _
from mifin_tui.paths import APP_NAME, data_dir

PRINTER_KINDS = ("cups", "folder", "ask", "terminal")
# The terminal's pass-through carries ESC/POS text for a roll: receipts only.
RECEIPT_ONLY_KINDS = ("terminal",)
PAPER_WIDTHS = (58, 80)
THEMES = ("default", "high-contrast")


class ConfigError(ValueError):
    """The workstation file says something Mifin cannot use; the message names the key."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field  # e.g. "receipt_printer.target", for a settings screen


@dataclass(frozen=True)
class PrinterConfig:
    kind: str = "folder"  # cups | folder | ask | terminal (receipts only)
    target: str = ""  # CUPS queue, or folder (default: <data>/prints)
    paper_mm: int = 80  # receipts only

    def resolved_target(self) -> str:
        if self.kind == "cups":
            return self.target
        return self.target or str(data_dir() / "prints")


@dataclass(frozen=True)
class Workstation:
    receipt_printer: PrinterConfig = PrinterConfig()
    document_printer: PrinterConfig = PrinterConfig()
    theme: str = "default"


def config_path() -> Path:
    env = os.environ.get("MIFIN_CONFIG")
    return Path(env) if env else Path(user_config_dir(APP_NAME, appauthor=False)) / \
        "workstation.toml"


def _printer(section: dict, name: str) -> PrinterConfig:
    unknown = set(section) - {"kind", "target", "paper_mm"}
    if unknown:
        raise ConfigError(_("[{name}]: unknown key {key}.").format(
            name=name, key=", ".join(sorted(unknown))), name)
    cfg = PrinterConfig(kind=section.get("kind", "folder"),
                        target=str(section.get("target", "")),
                        paper_mm=section.get("paper_mm", 80))
    return validate_printer(cfg, name)


def validate_printer(cfg: PrinterConfig, name: str) -> PrinterConfig:
    if cfg.kind not in PRINTER_KINDS:
        raise ConfigError(_("[{name}] kind: one of {kinds}.").format(
            name=name, kinds=", ".join(PRINTER_KINDS)), f"{name}.kind")
    if cfg.kind in RECEIPT_ONLY_KINDS and "receipt" not in name.lower():
        raise ConfigError(_("[{name}] kind: the terminal's printer takes receipts only; "
                            "use cups, folder or ask.").format(name=name), f"{name}.kind")
    if cfg.kind == "cups" and not cfg.target.strip():
        raise ConfigError(_("[{name}] target: the CUPS queue name is required.").format(
            name=name), f"{name}.target")
    if cfg.paper_mm not in PAPER_WIDTHS:
        raise ConfigError(_("[{name}] paper_mm: 58 or 80.").format(name=name),
                          f"{name}.paper_mm")
    return cfg


def _override(cfg: PrinterConfig, env: str) -> PrinterConfig:
    value = os.environ.get(env, "")
    if not value:
        return cfg
    kind, _sep, target = value.partition(":")
    return validate_printer(replace(cfg, kind=kind, target=target), env)


def load(path: Path | None = None, *, environment: bool = True) -> Workstation:
    """The workstation's settings; `environment=False` reads the file alone (what a
    settings screen edits), without the MIFIN_*_PRINTER overrides."""
    path = path or config_path()
    data: dict = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(_("{path}: {error}").format(path=path, error=exc)) from exc
    unknown = set(data) - {"receipt_printer", "document_printer", "display"}
    if unknown:
        raise ConfigError(_("{path}: unknown section {name}.").format(
            path=path, name=", ".join(sorted(unknown))))
    theme = data.get("display", {}).get("theme", "default")
    if theme not in THEMES:
        raise ConfigError(_("[display] theme: one of {themes}.").format(
            themes=", ".join(THEMES)), "display.theme")
    ws = Workstation(
        receipt_printer=_printer(data.get("receipt_printer", {}), "receipt_printer"),
        document_printer=_printer(data.get("document_printer", {}), "document_printer"),
        theme=theme,
    )
    if not environment:
        return ws
    return replace(
        ws,
        receipt_printer=_override(ws.receipt_printer, "MIFIN_RECEIPT_PRINTER"),
        document_printer=_override(ws.document_printer, "MIFIN_DOCUMENT_PRINTER"),
    )


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def save(ws: Workstation, path: Path | None = None) -> Path:
    """Write the settings (atomically: a power cut leaves the old file or the new one)."""
    path = path or config_path()
    for cfg, name in ((ws.receipt_printer, "receipt_printer"),
                      (ws.document_printer, "document_printer")):
        validate_printer(cfg, name)
    lines = []
    for name, cfg in (("receipt_printer", ws.receipt_printer),
                      ("document_printer", ws.document_printer)):
        lines += [f"[{name}]", f"kind = {_toml_string(cfg.kind)}",
                  f"target = {_toml_string(cfg.target)}", f"paper_mm = {cfg.paper_mm}", ""]
    lines += ["[display]", f"theme = {_toml_string(ws.theme)}", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines), "utf-8")
    tmp.replace(path)
    return path
