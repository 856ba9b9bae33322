"""`mifin [--db FILE] [--lang fr|en] [--check-terminal]` opens the interface with a parser
of those options alone (the commands' parsers and modules are not built at every start);
it must read them exactly as the full parser does, and leave everything else to it."""

from __future__ import annotations

import pytest

from mifin_tui.cli import _top_parser, build_parser, main, opens_interface
from mifin_tui.cli.common import EXIT_USAGE

INTERFACE_ARGV = [
    [],
    ["--db", "branch.db"],
    ["--db=branch.db"],
    ["--lang", "en", "--db", "/srv/mifin/kin.db"],
    ["--lang=fr", "--check-terminal"],
    ["--check-terminal", "--db", "x.db", "--lang", "fr"],
    ["--db", "a.db", "--db", "b.db"],  # the last one wins, as argparse has it
]


@pytest.mark.parametrize("argv", INTERFACE_ARGV, ids=lambda a: " ".join(a) or "(none)")
def test_the_interface_options_read_as_the_full_parser_reads_them(argv):
    assert opens_interface(argv)
    assert vars(_top_parser().parse_args(argv)) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", [
    ["check"], ["--db", "x.db", "check"], ["--help"], ["-h"], ["--version"],
    ["--db"], ["--db", "--lang", "fr"], ["--lang"], ["--check-terminal=yes"],
    ["--d", "x.db"],  # an abbreviation: argparse's to judge
    ["--verbose"], ["x.db"], ["user", "list"],
])
def test_anything_else_goes_to_the_full_parser(argv):
    assert not opens_interface(argv)


@pytest.mark.parametrize("argv,fragment", [
    (["--lang", "de"], "invalid choice"),
    (["--db"], "expected one argument"),
    (["--bogus"], "unrecognized arguments"),
    (["bogus"], "invalid choice"),
])
def test_usage_errors_are_the_full_parsers(argv, fragment, capsys):
    assert main(argv) == EXIT_USAGE
    err = capsys.readouterr().err.strip()
    assert err.startswith("mifin: ") and fragment in err and "\n" not in err
