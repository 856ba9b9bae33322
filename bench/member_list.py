"""Member list at scale: the time to read a page of the list (first, middle, last) among
200 and among 200,000 members, and the screen's opening (first page drawn).

    python bench/member_list.py                          # builds 200 and 200,000 members
    python bench/member_list.py --big /tmp/m200k.db      # reuse a register built before

The registers are built by bench/member_search.py's generator. Keyset pages: the
figures should not grow with the register. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def reader():
    """A gérant's session (the administrator does not read members)."""
    from mifin_tui.cli.admin_commands import operator
    from mifin_tui.db.models import User
    from mifin_tui.services.admin import users
    from mifin_tui.services.kernel import auth

    password = "Kasai-pass-2026"
    if not User.select().where(User.username == "gerant").exists():
        users.add_user(operator(), "gerant", "Gérant Bench", password, ["manager"], "en")
        User.update(must_change_password=False).where(User.username == "gerant").execute()
    return auth.login("gerant", password)


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def measure(path: Path, repeat: int) -> dict[str, float]:
    from mifin_tui import db
    from mifin_tui.db.models import Member
    from mifin_tui.services.members import listing as member_list
    from mifin_tui.services.members import register as members

    db.open_database(path)
    ctx = reader()
    n = Member.select().count()
    keys = sorted(Member.select(Member.name_key, Member.id).tuples())
    middle, end = keys[len(keys) // 2], keys[-2]
    out = {
        "members": n,
        "first page ms": timed(lambda: member_list.page(ctx), repeat),
        "middle page ms": timed(lambda: member_list.page(ctx, after=middle), repeat),
        "last page ms": timed(lambda: member_list.page(ctx, after=end), repeat),
        "page back ms": timed(lambda: member_list.page(ctx, before=middle), repeat),
        "search ms": timed(lambda: member_list.search(ctx, "kabongo"), repeat),
        # Nothing typed yet (the picker, the adhésion's duplicates): the first names.
        "empty search ms": timed(lambda: members.search(ctx, ""), repeat),
        "open screen ms": open_screen(ctx),
    }
    db.close()
    return out


def open_screen(ctx) -> float:
    """Push the screen in a headless app and wait for its first page."""
    from mifin_tui.app import MifinApp
    from mifin_tui.screens.members.listing import MemberListScreen
    from mifin_tui.widgets import PagedTable

    async def run() -> float:
        app = MifinApp()
        async with app.run_test(size=(80, 24)) as pilot:
            t0 = time.perf_counter()
            await app.push_screen(MemberListScreen(ctx))
            await pilot.pause()
            assert app.screen.query_one(PagedTable).records
            return (time.perf_counter() - t0) * 1000

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--big", type=Path, help="a register of 200,000 built before")
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    from member_search import build

    with tempfile.TemporaryDirectory(prefix="mifin-members-") as tmp:
        small = Path(tmp) / "small.db"
        build(small, 200, 7)
        from mifin_tui import db

        db.close()
        big = args.big
        if big is None:
            big = Path(tmp) / "big.db"
            build(big, args.members, 7)
            db.close()
        rows = [measure(small, args.repeat), measure(big, args.repeat)]
    for key in rows[0]:
        a, b = rows[0][key], rows[1][key]
        print(f"{key:<16} {a:>10.1f} {b:>10.1f}" if key != "members"
              else f"{key:<16} {a:>10} {b:>10}")


if __name__ == "__main__":
    main()
