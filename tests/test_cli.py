"""The `nianbao` group imports a command's module only when it runs (nianbao/cli.py)."""
import subprocess
import sys

from nianbao.cli import FAST_PATH, MODULES, _commands_of


def test_every_command_is_where_the_fast_path_says():
    found = {name: module for module in MODULES for name in _commands_of(module)}
    assert found == FAST_PATH


def test_the_nightly_does_not_import_the_local_web():
    code = "import sys; from nianbao.cli import main; main.get_command(None, 'nightly'); print('localweb' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
