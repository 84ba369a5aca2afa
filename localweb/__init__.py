"""The local web of bureau sites: the crawler's proving ground and the demo's default.

Real bureau sites cannot be reached from here, so this package generates (deterministically)
and serves on 127.0.0.1 a handful of sites that behave like the real ones, faults included:

    site key     port   family (organ of the seed)
    trs          N      TRS static CMS, createPageHTML paging, PubDate, ETag/304 (临江市民政局)
    hanweb       N+1    Hanweb datastore, further pages by POST dataproxy.jsp (云溪区民政局)
    jsapp        N+2    JavaScript-only front end on a JSON API (东港市民政局)
    attachments  N+3    reports as PDF/DOCX/.doc/OFD/ZIP attachments; one also in the page (北山区民政局)
    legacy       N+4    GB2312 in <meta> only, nested tables, ;jsessionid links, list in an
                        <iframe> whose links are onclick calls (梅岭县民政局)
    county       N+5    county portal listing 15 departments' reports (seed: 安平县民政局)
    hostile      N+6    robots.txt, calendar trap, 503+Retry-After, slow page, redirect,
                        404s, a huge file, decoys, tables only as images (南湖区民政局)

Data flows: report.py (figures, prose, contacts; checks.py computes failed_checks) ->
tables.py (the official grids) -> render/ (HTML, Word HTML, PDF, OFD, DOCX, DOC, ZIP, PNG) ->
sites/ (one module per family) -> web.py (a day's sites, seeds/gold/decoys files) ->
server.py (serving, access log). score.py scores a crawl; commands.py and
pytest_plugin.py are the two ways in (`nianbao demo-web`, the `local_web` fixture).

Files written per day (``<out>/day<N>/``): ``seeds.csv`` (name,url), ``gold.jsonl`` (spec
report records; url = the article page, or the attachment for attachment-only reports),
``decoys.jsonl`` ({url, site, kind}: pages a crawl must not record as its seed's report).
"""
