"""The local web: which sites exist on a given day, and the files that describe it.

`build_web` generates every site's content for one day (deterministically: the same day
and options give byte-identical sites). The set of sites is a parameter so that larger
synthetic webs can be assembled from the same families. `Web.write` puts, for one day,
the seed list, the gold records and the decoy URLs where a crawl can be scored against
them, once the sites' base URLs (ports) are known.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from localweb.sites import attachments, columns, county, faults, hanweb, hostile, jsapp, legacy, paged, platform, searched, shielded, trs
from localweb.sites.base import Options, Site

# In port order: with a first port N, site i listens on N + i.
FAMILIES = {
    "trs": trs.build,
    "hanweb": hanweb.build,
    "jsapp": jsapp.build,
    "attachments": attachments.build,
    "legacy": legacy.build,
    "county": county.build,
    "hostile": hostile.build,
}
# Served only when named (build_web(1, ["faults"])): its faults would slow every crawl of
# the default web, whose gold and score the demo and the tests rely on.
ON_REQUEST = {
    "faults": faults.build,
    "columns": columns.build,            # reports in the column 政府信息公开, paged by goPage(n)
    "columns_form": columns.build_form,  # reports in the column 其他, paged by a POST form
    "searched": searched.build,          # reports filed under news, found by the site's search only
    "platform_bureau": platform.build_bureau,  # a bureau whose 政府信息公开 is on the county's platform…
    "platform": platform.build_platform,       # …another origin, seeded for the county government
    "paged": paged.build,          # reports split over article pages (createPageHTML)
    "paged_gap": paged.build_gap,  # …one of whose pages is gone: a partial report
    "shielded": shielded.build,    # behind a 521 cookie challenge a browser passes
    "bound": shielded.build_bound,  # behind a 202 challenge whose cookie works in a browser only
    "fortress": shielded.build_fortress,  # behind a 412 challenge no browser passes: blocked
}


@dataclass
class Web:
    sites: list[Site]
    options: Options

    def site(self, key: str) -> Site:
        for site in self.sites:
            if site.key == key:
                return site
        raise KeyError(f"no site {key!r} in this web; sites: {', '.join(s.key for s in self.sites)}")

    def seeds(self, bases: dict[str, str]) -> list[dict]:
        """The seed list: one entry per site, the seed's organ name and its start URL."""
        return [{"name": s.seed_name, "url": bases[s.key] + s.seed_path} for s in self.sites]

    def gold(self, bases: dict[str, str]) -> list[dict]:
        """Every report the web publishes for its seeds, as spec records with absolute URLs."""
        return [{**record, "url": absolute(bases, s.key, path)} for s in self.sites for path, record in s.gold]

    def decoys(self, bases: dict[str, str]) -> list[dict]:
        """URLs a crawl must not record as a report of its seed, with why."""
        return [{"url": absolute(bases, s.key, path), "site": s.key, "kind": kind} for s in self.sites
                for path, kind in s.decoys]

    def write(self, out_dir: Path, bases: dict[str, str]) -> dict[str, Path]:
        """Write seeds.csv, gold.jsonl and decoys.jsonl under out_dir/day<N>/; return their paths."""
        directory = Path(out_dir) / f"day{self.options.day}"
        directory.mkdir(parents=True, exist_ok=True)
        paths = {"seeds": directory / "seeds.csv", "gold": directory / "gold.jsonl",
                 "decoys": directory / "decoys.jsonl"}
        with open(paths["seeds"], "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=["name", "url"], lineterminator="\n")
            writer.writeheader()
            writer.writerows(self.seeds(bases))
        for name, rows in (("gold", self.gold(bases)), ("decoys", self.decoys(bases))):
            with open(paths[name], "w", encoding="utf-8") as handle:
                for row in rows:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        return paths


def absolute(bases: dict[str, str], key: str, path: str) -> str:
    """A site's path as a URL: on that site, or on another of the web's sites where the path
    begins with {{origin:KEY}} (a bureau's report published on its county's platform)."""
    if path.startswith("{{origin:"):
        other, _, rest = path[len("{{origin:"):].partition("}}")
        return bases[other] + rest
    return bases[key] + path


def build_web(day: int = 1, sites: list[str] | None = None, **options) -> Web:
    """Generate the web of `day` with the named sites (all families by default)."""
    opts = Options(day=day, **options)
    keys = sites or list(FAMILIES)
    known = {**FAMILIES, **ON_REQUEST}
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise ValueError(f"unknown site families {unknown}; known: {', '.join(known)}")
    return Web(sites=[known[k](opts) for k in keys], options=opts)
