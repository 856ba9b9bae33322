"""`mifin ssh-setup`: let remote staff reach Mifin over OpenSSH, and nothing else.

A system account whose every SSH session is forced into `mifin` on the branch
database; Mifin's own login comes after SSH's. Printed by default; `--apply`
(as root) creates the account and installs the sshd snippet, checked with `sshd -t`.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from mifin_tui.i18n import _

SNIPPET_PATH = Path("/etc/ssh/sshd_config.d/mifin.conf")


@dataclass(frozen=True)
class SshSetup:
    user: str
    db_path: Path
    mifin: str

    def force_command(self) -> str:
        # ESCDELAY: over slow links an Escape and the key after it arrive apart;
        # no animations: every repaint costs bytes on a 2G link.
        return (f"env ESCDELAY=250 TEXTUAL_ANIMATIONS=none "
                f"{shlex.quote(self.mifin)} --db {shlex.quote(str(self.db_path))}")

    def snippet(self) -> str:
        return "\n".join([
            "# Mifin: remote staff land in the application, and only there.",
            f"Match User {self.user}",
            f"    ForceCommand {self.force_command()}",
            "    PermitTTY yes",
            # the desk's name, sent by the cashier's `SendEnv MIFIN_WORKSTATION`: his
            # receipts print at his desk (the Workstations screen)
            "    AcceptEnv MIFIN_WORKSTATION",
            "    AllowTcpForwarding no",
            "    AllowAgentForwarding no",
            "    AllowStreamLocalForwarding no",
            "    X11Forwarding no",
            "    PermitTunnel no",
            "    PermitUserRC no",
            "",
        ])


def apply(setup: SshSetup, authorized_keys: Path | None = None) -> list[str]:
    """Create the account and install the snippet; returns what was done."""
    if os.geteuid() != 0:
        raise PermissionError(_("--apply needs root (sudo mifin ssh-setup --apply ...)."))
    done = []
    if subprocess.run(["id", setup.user], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "--system", "--create-home", "--shell", "/bin/sh",
                        setup.user], check=True)
        # A locked password blocks even key logins when PAM is off; '*' allows keys only.
        subprocess.run(["usermod", "-p", "*", setup.user], check=True)
        done.append(_("account {user} created (key login only)").format(user=setup.user))
    if authorized_keys:
        home = Path(os.path.expanduser(f"~{setup.user}"))
        ssh_dir = home / ".ssh"
        ssh_dir.mkdir(mode=0o700, exist_ok=True)
        target = ssh_dir / "authorized_keys"
        with target.open("a") as out:
            out.write(authorized_keys.read_text())
        shutil.chown(ssh_dir, setup.user)
        shutil.chown(target, setup.user)
        target.chmod(0o600)
        done.append(_("keys added to {path}").format(path=target))
    SNIPPET_PATH.parent.mkdir(parents=True, exist_ok=True)
    SNIPPET_PATH.write_text(setup.snippet())
    done.append(_("wrote {path}").format(path=SNIPPET_PATH))
    sshd = shutil.which("sshd") or "/usr/sbin/sshd"
    check = subprocess.run([sshd, "-t"], capture_output=True, text=True)
    if check.returncode != 0:
        SNIPPET_PATH.unlink()
        raise RuntimeError(_("sshd refused the configuration, snippet removed: {error}")
                           .format(error=check.stderr.strip()))
    done.append(_("sshd -t accepts the configuration; reload sshd to use it"))
    return done
