"""The `nianbao` command line: a thin click layer over the packages.

Each part of the product owns its commands in its own module (`<package>/commands.py`,
a list `COMMANDS` of click commands); this file only gathers them, so the contract
(extract, crawl, export, changes, serve, demo, ...) stays in one visible place.
"""
from __future__ import annotations

import importlib

import click

from nianbao import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nianbao")
def main():
    """nianbao: find, read and archive 政府信息公开工作年度报告."""


for _module in ("extractors.commands", "localweb.commands", "crawler.commands", "archive.commands", "nianbao.demo", "nianbao.nightly"):
    try:
        _mod = importlib.import_module(_module)
    except ModuleNotFoundError as exc:  # a part not built yet
        if exc.name and _module.startswith(exc.name):
            continue
        raise
    for _command in getattr(_mod, "COMMANDS", []):
        main.add_command(_command)


if __name__ == "__main__":
    main()
