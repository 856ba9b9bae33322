"""`mifin ssh-setup`: let remote staff reach Mifin over OpenSSH, and nothing else.

A system account whose every SSH session is forced into `mifin` on the branch
database; Mifin's own login comes after SSH's. Printed by default; `--apply`
(as root) makes it so, step by step, each step journaled: when one fails, the ones
done before it are undone, and the server is left as it was.

The account's shell. sshd runs a `ForceCommand` through the user's shell (`shell -c
COMMAND`), so /usr/sbin/nologin would refuse every session, Mifin's too. The account
gets instead a launcher of its own (/usr/local/sbin/mifin-session-USER) as its shell:
it ignores whatever it is asked to run (a command, scp, sftp) and starts Mifin on the
branch database, nothing else; Mifin itself ends at once without a terminal. A shell
is reachable by no road: not by SSH (forced command and shell agree), not by `su`
(there is none to run), not by a password (the account has none).

A dead link: `ClientAliveInterval 15` and `ClientAliveCountMax 4` make sshd close a
session whose client stopped answering within 60 s; Mifin then sees the hang-up and
ends, its database released.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import stat
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mifin_tui.i18n import _, ngettext

SNIPPET = Path("etc/ssh/sshd_config.d/mifin.conf")
SSHD_CONFIG = Path("etc/ssh/sshd_config")
PRIVSEP_DIR = Path("run/sshd")
LAUNCHER_DIR = Path("usr/local/sbin")
# sshd asks a silent client every 15 s; after 4 unanswered asks (60 s) it hangs up.
CLIENT_ALIVE_INTERVAL = 15
CLIENT_ALIVE_COUNT_MAX = 4
# Folders that hold more than a database: never handed over to the account.
_SHARED_FOLDERS = {"/", "/etc", "/home", "/root", "/tmp", "/var", "/var/lib", "/var/tmp",
                   "/usr", "/usr/local", "/opt", "/srv", "/run", "/mnt", "/media"}


@dataclass(frozen=True)
class SshSetup:
    user: str
    db_path: Path
    mifin: str
    # Lines of the Match block beyond the lock-down (e.g. `AcceptEnv MIFIN_WORKSTATION`).
    extra_config: tuple[str, ...] = field(default=())

    def force_command(self) -> str:
        # ESCDELAY: over slow links an Escape and the key after it arrive apart;
        # no animations: every repaint costs bytes on a 2G link.
        return (f"env ESCDELAY=250 TEXTUAL_ANIMATIONS=none "
                f"{shlex.quote(self.mifin)} --db {shlex.quote(str(self.db_path))}")

    def config_lines(self) -> list[str]:
        """The settings of the account's Match block, one a line."""
        return [
            f"ForceCommand {self.force_command()}",
            "PermitTTY yes",
            # the desk's name, sent by the cashier's `SendEnv MIFIN_WORKSTATION`: his
            # receipts print at his desk (the Workstations screen)
            "AcceptEnv MIFIN_WORKSTATION",
            "AllowTcpForwarding no",
            "AllowAgentForwarding no",
            "AllowStreamLocalForwarding no",
            "X11Forwarding no",
            "PermitTunnel no",
            "PermitUserRC no",
            f"ClientAliveInterval {CLIENT_ALIVE_INTERVAL}",
            f"ClientAliveCountMax {CLIENT_ALIVE_COUNT_MAX}",
            *self.extra_config,
        ]

    def snippet(self) -> str:
        return "\n".join([
            "# Mifin: remote staff land in the application, and only there.",
            "# Written by `mifin ssh-setup --apply`: replaced, not edited, at each run.",
            f"Match User {self.user}",
            *(f"    {line}" for line in self.config_lines()),
            "",
        ])

    def launcher_path(self, root: Path = Path("/")) -> Path:
        return root / LAUNCHER_DIR / f"mifin-session-{self.user}"

    def launcher(self) -> str:
        return "\n".join([
            "#!/bin/sh",
            f"# The shell of {self.user}: Mifin on its branch database, whatever is asked",
            "# (sshd runs it as `SHELL -c COMMAND`). Written by `mifin ssh-setup --apply`.",
            f"exec {self.force_command()}",
            "",
        ])


def instructions(setup: SshSetup) -> list[str]:
    """What `--apply` does, for an administrator who does it by hand."""
    launcher = setup.launcher_path()
    folder = setup.db_path.parent
    user = setup.user
    return [
        _("# 1. The account's shell, {path} (mode 0755):").format(path=launcher),
        *(f"#    {line}" for line in setup.launcher().splitlines()),
        _("# 2. The account: useradd --system --create-home --shell {launcher} {user} && "
          "usermod -p '*' {user} && chmod 0700 ~{user}").format(launcher=launcher, user=user),
        _("# 3. Each staff member's public key in ~{user}/.ssh/authorized_keys "
          "(0600, folder 0700)").format(user=user),
        _("# 4. The database folder: chown -R {user}: {folder} && chmod 0700 {folder}").format(
            user=user, folder=folder),
        _("# 5. In /{path}, then `sshd -t` and reload sshd:").format(path=SNIPPET),
        setup.snippet().rstrip("\n"),
    ]


class SetupFailed(RuntimeError):
    """A step of --apply failed; what was done before it is undone."""


class _Journal:
    """The steps done so far, each with its undo; `rollback` undoes them, last first."""

    def __init__(self) -> None:
        self.done: list[str] = []
        self._undo: list[tuple[str, Callable[[], None]]] = []

    def did(self, what: str, undo: Callable[[], None] | None = None) -> None:
        self.done.append(what)
        if undo is not None:
            self._undo.append((what, undo))

    def rollback(self) -> list[str]:
        """Undo every step; returns the ones that could not be undone."""
        failed = []
        for what, undo in reversed(self._undo):
            try:
                undo()
            except (OSError, subprocess.CalledProcessError) as exc:
                failed.append(f"{what}: {exc}")
        self._undo.clear()
        return failed


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True, text=True)


def _restore_file(path: Path, before: bytes | None, mode: int | None) -> Callable[[], None]:
    def undo() -> None:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(before)
            if mode is not None:
                path.chmod(mode)
    return undo


def _write_file(journal: _Journal, path: Path, text: str, mode: int, what: str) -> None:
    before = path.read_bytes() if path.exists() else None
    old_mode = stat.S_IMODE(path.stat().st_mode) if before is not None else None
    if before == text.encode():
        journal.did(_("{what}: unchanged").format(what=what))
        return
    # The folders made first, so that they are removed last (rollback runs backwards).
    for folder in reversed(_make_dirs(path.parent)):
        journal.did("", folder.rmdir)
    path.write_text(text)
    path.chmod(mode)
    journal.did(what, _restore_file(path, before, old_mode))


def _make_dirs(folder: Path) -> list[Path]:
    """Create `folder` and its missing parents; returns the ones created, deepest first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(mode=0o755)
    return missing


def _key_lines(keys_file: Path) -> list[str]:
    """The public keys of `keys_file`, checked by ssh-keygen before anything changes."""
    lines = [ln.strip() for ln in keys_file.read_text().splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise SetupFailed(_("{path} holds no public key.").format(path=keys_file))
    keygen = shutil.which("ssh-keygen") or "/usr/bin/ssh-keygen"
    check = subprocess.run([keygen, "-l", "-f", str(keys_file)], capture_output=True,
                           text=True)
    if check.returncode != 0:
        raise SetupFailed(_("{path} is not a list of public keys: {error}").format(
            path=keys_file, error=check.stderr.strip() or check.stdout.strip()))
    return lines


def _key_id(line: str) -> tuple[str, ...]:
    """A key's type and body, whatever options or comment the line carries."""
    words = line.split()
    for i, word in enumerate(words[:-1]):
        if word.startswith(("ssh-", "ecdsa-", "sk-")):
            return (word, words[i + 1])
    return tuple(words)


def _shared_folder(folder: Path) -> bool:
    homes = {p.pw_dir for p in pwd.getpwall()}
    return str(folder) in _SHARED_FOLDERS or str(folder) in homes


def _take_folder(journal: _Journal, folder: Path, uid: int, gid: int) -> None:
    """Give the database folder (and what it holds) to the account, the folder 0700;
    the owners and modes before are journaled for the undo."""
    before = []
    for path in [folder, *sorted(folder.rglob("*"))]:
        st = path.lstat()
        before.append((path, st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)))

    def undo() -> None:
        for path, old_uid, old_gid, mode in before:
            os.lchown(path, old_uid, old_gid)
            if not path.is_symlink():
                path.chmod(mode)

    journal.did(_("the database folder {folder} given to the account (0700)").format(
        folder=folder), undo)
    for path, *_rest in before:
        os.lchown(path, uid, gid)
    folder.chmod(0o700)


def apply(setup: SshSetup, authorized_keys: Path | None = None, *,
          root: Path = Path("/"), sshd: str | None = None) -> list[str]:
    """Make the set-up so; returns what was done. `root`: where /etc, /run and
    /usr/local sit (tests give a folder; the account itself is a real one). A step that
    fails undoes the ones before it and raises SetupFailed."""
    if os.geteuid() != 0:
        raise PermissionError(_("--apply needs root (sudo mifin ssh-setup --apply ...)."))
    sshd = sshd or shutil.which("sshd") or "/usr/sbin/sshd"
    # Everything that can be checked is, before the first change.
    if not os.access(sshd, os.X_OK):
        raise SetupFailed(_("sshd is not installed ({path}): apt-get install "
                            "openssh-server").format(path=sshd))
    folder = setup.db_path.parent
    if not setup.db_path.exists():
        raise SetupFailed(_("No database at {path}.").format(path=setup.db_path))
    if _shared_folder(folder):
        raise SetupFailed(_("{folder} holds more than the database: put the database in a "
                            "folder of its own (e.g. /var/lib/mifin) first.").format(
            folder=folder))
    if authorized_keys is not None and not authorized_keys.is_file():
        raise SetupFailed(_("No keys file at {path}.").format(path=authorized_keys))
    keys = _key_lines(authorized_keys) if authorized_keys else []
    _check_account(setup.user)
    journal = _Journal()
    try:
        _steps(setup, keys, root, sshd, journal)
    except (OSError, subprocess.CalledProcessError, SetupFailed) as exc:
        detail = exc.stderr.strip() if isinstance(exc, subprocess.CalledProcessError) \
            and exc.stderr else str(exc)
        left = journal.rollback()
        message = _("ssh-setup failed: {error}; every change was undone.").format(
            error=detail)
        if left:
            message = _("ssh-setup failed: {error}; could not undo: {left}").format(
                error=detail, left="; ".join(left))
        raise SetupFailed(message) from exc
    return [line for line in journal.done if line]


def _check_account(user: str) -> None:
    """An account that exists already must be a system account (made by this command
    before): root's or a person's shell is never replaced by Mifin."""
    try:
        account = pwd.getpwnam(user)
    except KeyError:
        return
    if account.pw_uid == 0 or account.pw_uid >= 1000:
        raise SetupFailed(_("{user} is not a system account: give remote staff an account "
                            "of its own (--user mifin).").format(user=user))


def _steps(setup: SshSetup, keys: Sequence[str], root: Path, sshd: str,
           journal: _Journal) -> None:
    privsep = root / PRIVSEP_DIR
    if not privsep.is_dir():
        # sshd refuses to start without it (on a machine with no systemd to make it).
        privsep.mkdir(mode=0o755, parents=True)
        journal.did(_("created {path} (sshd needs it)").format(path=privsep),
                    privsep.rmdir)
    launcher = setup.launcher_path(root)
    _write_file(journal, launcher, setup.launcher(), 0o755,
                _("wrote the account's shell {path}").format(path=launcher))

    user = setup.user
    try:
        account = pwd.getpwnam(user)
    except KeyError:
        _run("useradd", "--system", "--create-home", "--shell", str(launcher), user)
        journal.did(_("account {user} created (key login only)").format(user=user),
                    lambda: _run("userdel", "--remove", user))
        # A locked password blocks even key logins when PAM is off; '*' allows keys only.
        _run("usermod", "-p", "*", user)
        account = pwd.getpwnam(user)
    else:
        if account.pw_shell != str(launcher):
            old_shell = account.pw_shell
            _run("usermod", "--shell", str(launcher), user)
            journal.did(_("shell of {user} set to {path}").format(user=user, path=launcher),
                        lambda: _run("usermod", "--shell", old_shell, user))
    home = Path(account.pw_dir)
    if not home.is_dir():
        raise SetupFailed(_("the home folder of {user}, {path}, is missing").format(
            user=user, path=home))
    home_mode = stat.S_IMODE(home.stat().st_mode)
    if home_mode != 0o700:
        home.chmod(0o700)
        journal.did(_("{path} made private (0700)").format(path=home),
                    lambda: home.chmod(home_mode))
    if keys:
        _add_keys(journal, home, account.pw_uid, account.pw_gid, keys)
    _take_folder(journal, setup.db_path.parent, account.pw_uid, account.pw_gid)
    snippet = root / SNIPPET
    _write_file(journal, snippet, setup.snippet(), 0o644,
                _("wrote {path}").format(path=snippet))
    check = subprocess.run([sshd, "-t", "-f", str(root / SSHD_CONFIG)], capture_output=True,
                           text=True)
    if check.returncode != 0:
        raise SetupFailed(_("sshd refused the configuration: {error}").format(
            error=check.stderr.strip()))
    journal.did(_("sshd -t accepts the configuration; reload sshd to use it"))


def _add_keys(journal: _Journal, home: Path, uid: int, gid: int, keys: Sequence[str]
              ) -> None:
    ssh_dir = home / ".ssh"
    if not ssh_dir.is_dir():
        ssh_dir.mkdir(mode=0o700)
        os.chown(ssh_dir, uid, gid)
        journal.did("", lambda: shutil.rmtree(ssh_dir))
    target = ssh_dir / "authorized_keys"
    text = target.read_text() if target.exists() else ""
    known = {_key_id(line) for line in text.splitlines() if line.strip()}
    new = []
    for key in keys:  # a key already there (or twice in the file given) is added once
        if _key_id(key) not in known:
            known.add(_key_id(key))
            new.append(key)
    if new:
        before = text.encode() if target.exists() else None
        if text and not text.endswith("\n"):
            text += "\n"
        target.write_text(text + "\n".join(new) + "\n")
        journal.did(ngettext("{count} key added to {path}", "{count} keys added to {path}",
                             len(new)).format(count=len(new), path=target),
                    _restore_file(target, before, 0o600))
    else:
        journal.did(_("the keys were already in {path}").format(path=target))
    os.chown(target, uid, gid)
    target.chmod(0o600)
