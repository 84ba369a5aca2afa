"""The `nianbao` command line: a thin click layer over the packages.

Each part of the product owns its commands in its own module (`<package>/commands.py`,
a list `COMMANDS` of click commands); this file only gathers them, so the contract
(extract, crawl, export, changes, serve, demo, ...) stays in one visible place.

A command's module is imported when that command runs, not before: `nianbao nightly`
starts every night and has no use for the local web's PDF and Word renderers or the
datasette server, whose imports would be a good part of a quiet night's time.
`FAST_PATH` says where each command lives; a name it does not know (a command added
to a module's COMMANDS but not here) is still found, by importing every module.
"""
from __future__ import annotations

import importlib

import click

from nianbao import __version__

MODULES = ("extractors.commands", "localweb.commands", "crawler.commands", "archive.commands", "nianbao.demo",
           "nianbao.nightly")
FAST_PATH = {"extract": "extractors.commands", "demo-web": "localweb.commands", "score": "localweb.commands",
             "crawl": "crawler.commands", "export": "archive.commands", "changes": "archive.commands",
             "serve": "archive.commands", "store": "archive.commands", "demo": "nianbao.demo",
             "nightly": "nianbao.nightly"}


def _commands_of(module: str) -> dict[str, click.Command]:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:  # a part not built yet
        if exc.name and module.startswith(exc.name):
            return {}
        raise
    return {command.name: command for command in getattr(mod, "COMMANDS", [])}


class LazyGroup(click.Group):
    """A group that imports a command's module only when the command is asked for."""

    def list_commands(self, ctx):
        return sorted(name for module in MODULES for name in _commands_of(module))

    def get_command(self, ctx, name):
        if name in FAST_PATH:
            found = _commands_of(FAST_PATH[name]).get(name)
            if found is not None:
                return found
        for module in MODULES:
            found = _commands_of(module).get(name)
            if found is not None:
                return found
        return None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nianbao")
def main():
    """nianbao: find, read and archive 政府信息公开工作年度报告."""


if __name__ == "__main__":
    main()
