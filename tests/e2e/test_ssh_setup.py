"""`mifin ssh-setup --apply` for real: a real account, real sshd checks; /etc, /run and
/usr/local under a temporary root, so the machine's own sshd set-up is never touched."""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
import uuid
from pathlib import Path

import pytest

from mifin_tui.ssh_setup import SetupFailed, SshSetup, apply

pytestmark = pytest.mark.e2e


@pytest.fixture
def layout(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("--apply creates a system account: run as root (CI does)")
    sshd = shutil.which("sshd") or "/usr/sbin/sshd"
    if not os.path.exists(sshd) or not shutil.which("useradd"):
        pytest.skip("openssh-server and passwd are needed (apt-get install openssh-server)")
    root = tmp_path / "root"
    (root / "etc/ssh").mkdir(parents=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                    str(tmp_path / "host")], check=True)
    for name in ("alice", "bob"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f",
                        str(tmp_path / name)], check=True)
    (root / "etc/ssh/sshd_config").write_text(
        f"HostKey {tmp_path / 'host'}\nUsePAM no\n"
        f"Include {root}/etc/ssh/sshd_config.d/*.conf\n")
    # `sshd -t` looks for the machine's own privilege separation folder
    os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
    folder = tmp_path / "branch"
    folder.mkdir(mode=0o755)
    db = folder / "branch.db"
    db.write_bytes(b"")
    user = f"mifint{uuid.uuid4().hex[:8]}"
    setup = SshSetup(user=user, db_path=db, mifin="/usr/local/bin/mifin")
    yield {"root": root, "setup": setup, "dir": tmp_path, "sshd": sshd, "folder": folder}
    subprocess.run(["userdel", "--remove", user], capture_output=True)


def _exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True


def test_apply_twice_adds_the_key_once_and_the_block_once(layout):
    root, setup, d = layout["root"], layout["setup"], layout["dir"]
    keys = d / "keys.pub"
    keys.write_text((d / "alice.pub").read_text())
    assert not (root / "run/sshd").exists()
    done = apply(setup, keys, root=root, sshd=layout["sshd"])
    assert any("sshd -t accepts" in line for line in done), done
    keys.write_text((d / "alice.pub").read_text() + (d / "bob.pub").read_text())
    apply(setup, keys, root=root, sshd=layout["sshd"])

    account = pwd.getpwnam(setup.user)
    authorized = Path(account.pw_dir) / ".ssh/authorized_keys"
    lines = authorized.read_text().splitlines()
    assert [ln.split()[-1] for ln in lines] == ["alice", "bob"]
    assert stat.S_IMODE(authorized.stat().st_mode) == 0o600
    assert stat.S_IMODE(os.stat(account.pw_dir).st_mode) == 0o700
    snippet = (root / "etc/ssh/sshd_config.d/mifin.conf").read_text()
    assert snippet.count("Match User") == 1 and snippet.count("ForceCommand") == 1
    assert "ClientAliveInterval 15" in snippet and "ClientAliveCountMax 4" in snippet
    assert (root / "run/sshd").is_dir()
    # the account's shell is the launcher: nothing but Mifin, whatever sshd is asked
    launcher = setup.launcher_path(root)
    assert account.pw_shell == str(launcher)
    assert stat.S_IMODE(launcher.stat().st_mode) == 0o755
    assert launcher.read_text().splitlines()[-1] == f"exec {setup.force_command()}"
    out = subprocess.run([str(launcher), "-c", "/bin/sh -i"], capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin"})
    # it ran mifin (absent here: env says so), not the shell it was asked for
    assert out.returncode == 127 and "/usr/local/bin/mifin" in out.stderr, out
    folder = layout["folder"]
    for path in (folder, folder / "branch.db"):
        assert (path.stat().st_uid, path.stat().st_gid) == (account.pw_uid, account.pw_gid)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    # the server's own check of the final configuration
    check = subprocess.run([layout["sshd"], "-t", "-f", str(root / "etc/ssh/sshd_config")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_a_failing_step_undoes_everything(layout):
    root, d = layout["root"], layout["dir"]
    setup = SshSetup(layout["setup"].user, layout["setup"].db_path, "/usr/local/bin/mifin",
                     extra_config=("NoSuchSetting yes",))  # sshd -t refuses it, last step
    keys = d / "keys.pub"
    keys.write_text((d / "alice.pub").read_text())
    folder = layout["folder"]
    before = (folder.stat().st_uid, stat.S_IMODE(folder.stat().st_mode))
    with pytest.raises(SetupFailed) as failed:
        apply(setup, keys, root=root, sshd=layout["sshd"])
    assert "undone" in str(failed.value)
    assert not _exists(setup.user)
    assert not Path(f"/home/{setup.user}").exists()
    assert not (root / "etc/ssh/sshd_config.d/mifin.conf").exists()
    assert not (root / "etc/ssh/sshd_config.d").exists()
    assert not setup.launcher_path(root).exists()
    assert not (root / "run/sshd").exists()
    assert (folder.stat().st_uid, stat.S_IMODE(folder.stat().st_mode)) == before


def test_refuses_before_any_change(layout):
    root, setup = layout["root"], layout["setup"]
    with pytest.raises(SetupFailed, match="no public key"):
        empty = layout["dir"] / "empty.pub"
        empty.write_text("# nobody yet\n")
        apply(setup, empty, root=root, sshd=layout["sshd"])
    with pytest.raises(SetupFailed, match="sshd is not installed"):
        apply(setup, None, root=root, sshd=str(layout["dir"] / "no-sshd"))
    with pytest.raises(SetupFailed, match="No keys file"):
        apply(setup, layout["dir"] / "missing.pub", root=root, sshd=layout["sshd"])
    with pytest.raises(SetupFailed, match="not a system account"):
        apply(SshSetup("root", setup.db_path, setup.mifin), None, root=root,
              sshd=layout["sshd"])
    assert pwd.getpwnam("root").pw_shell != str(setup.launcher_path(root))
    assert not _exists(setup.user)
    assert not (root / "run/sshd").exists()
