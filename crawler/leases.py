"""Leases: scrapy-redis's shared queue, made safe against a worker that dies mid-crawl.

What scrapy-redis gives (its Scheduler, RFPDupeFilter and PriorityQueue): one request
queue and one seen-URL set for all workers, so a page is queued once, whichever worker
found it. What it does not give: a request popped from the queue lives only in the
memory of the worker that popped it; kill that worker and the request is gone from the
queue while its URL stays in the seen-set, so no worker ever fetches it and whatever it
would have led to (reports, further pages) is silently lost. `LeasingScheduler` adds:

- Popping is leasing. One Lua script moves a request from the queue into the worker's
  lease hash (`reports:leases:<worker>`), and one marks a new request seen and queues
  it, so no request is ever in neither place.
- Popping takes only a request its site can take now (among the best POP_WINDOW): not
  of a site this worker already downloads CONCURRENT_REQUESTS_PER_DOMAIN requests of,
  has a request of waiting before the wire, or whose Scrapy delay since its last request
  may not be over; and not of a site without a free token in Redis (resting after an
  answer, or held by other workers). scrapy-redis pops strictly by priority, and ours are
  depth-first (a site's articles before any other site's home page): a popped request
  that must wait for its site waits in one of the worker's CONCURRENT_REQUESTS slots.
  Skipping only the sites with CONCURRENT_REQUESTS_PER_DOMAIN requests in progress, 64
  slots kept 27 requests on the wire on the national web (bench/national.py, 300 sites),
  the other 37 waiting out their sites' rests and delays; popping only what sites can
  take, about 50. When no site in the window can take one, the scheduler has
  the engine ask again when the first may (Scrapy asks only when a response comes or on
  its 5 s heartbeat, and a rest's end is neither).
- A lease ends only when Scrapy is done with the request: its response went through the
  callback, the requests it yielded are queued and its items pushed to the writer's list.
  Scrapy has no signal for that moment, but its engine keeps exactly those requests in
  its in-progress set (`engine._slot.inprogress`, checked at open: a Scrapy that moves it
  fails loudly rather than losing requests), so the scheduler compares its leases with
  that set whenever it is asked for a request, and on a timer.
- A report page and its attachments stay together. In one process the pipelines decide
  between a page and its PDF copy, and date the PDF from its page (crawler/pipelines.py);
  so the attachments a leased request yields are queued in this worker, not in Redis, as
  part of their page's lease ("<lease>/<fingerprint>" fields). If the worker dies, the
  page goes back to the queue and its attachments' fingerprints leave the seen-set, so
  whoever fetches the page again fetches them again too.
- Each worker keeps a heartbeat key (`reports:alive:<worker>`, NIANBAO_WORKER_TIMEOUT
  seconds). Every live worker looks for registered workers whose heartbeat expired, and
  one Lua script gives their leases back to the queue at their priority, where the other
  workers (or the same machine's restarted worker) take them. A worker stopped
  gracefully (SIGTERM) gives back what it did not finish itself.
- A worker is idle only when the queue is empty and no other worker holds a lease: their
  callbacks may still queue requests (scrapy-redis alone lets a worker quit while others
  work, and a worker dying after that leaves its requests to nobody).

The price of the guarantee: a request whose work was done but whose lease had not yet
been ended when its worker died is fetched twice (the writer stores the copy as
"unchanged"); `reports:reclaimed` records every request given back, with its URL.
"""
from __future__ import annotations

import heapq
import itertools
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, field

from scrapy import signals
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler import distributed
from crawler.discovery import origin

logger = logging.getLogger(__name__)

# Pop the best request (lowest score = highest priority), among the first ARGV[2], of a
# site that can take it now: not one this worker is busy with (ARGV[6..], see
# `LeasingScheduler.busy_sites`), and one with a free token (crawler/distributed.py's
# `SiteTokens`: ARGV[3] prefix, ARGV[4] tokens per site), i.e. neither resting after an
# answer nor held by other workers. A request popped for a site that cannot take it waits
# in this worker's CONCURRENT_REQUESTS slots until it can: slots full, wire half empty.
# Into this worker's lease hash. Members are "<site origin>\n<pickled request>", so the
# script can see the site. Returns the member; or, when no site of the window can take a
# request, the milliseconds until the first skipped for its tokens may (a resting token's
# rest, ARGV[5] for one held), -1 if none was. Read in chunks: the first usually has one.
POP = """
local busy, known = {}, {}
for i = 6, #ARGV do busy[ARGV[i]] = true end
local window, prefix, tokens, poll = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local function wait_for(site)
  local soonest = nil
  for n = 0, tokens - 1 do
    local key = prefix .. site .. ':' .. n
    local holder = redis.call('GET', key)
    if not holder then return 0 end
    local wait = poll
    if holder == 'resting' then wait = math.max(1, redis.call('PTTL', key)) end
    if not soonest or wait < soonest then soonest = wait end
  end
  return soonest
end
local soonest = -1
for first = 0, window - 1, 100 do
  local best = redis.call('ZRANGE', KEYS[1], first, math.min(first + 100, window) - 1, 'WITHSCORES')
  for i = 1, #best, 2 do
    local member = best[i]
    local site = string.sub(member, 1, (string.find(member, '\\n', 1, true) or 1) - 1)
    if not busy[site] then
      if known[site] == nil then known[site] = wait_for(site) end
      local wait = known[site]
      if wait == 0 then
        redis.call('ZREM', KEYS[1], member)
        redis.call('HSET', KEYS[2], ARGV[1], best[i + 1] .. '|' .. member)
        return member
      end
      if soonest < 0 or wait < soonest then soonest = wait end
    end
  end
  if #best < 200 then break end
end
return soonest
"""
# Mark a request seen and queue it, in one step (scrapy-redis does SADD, then ZADD).
ENQUEUE = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""
# Mark an attachment seen and record it (its URL) under its page's lease, in one step.
ENQUEUE_LOCAL = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1
"""
# Give a worker's leases back: requests to the queue, its attachments out of the seen-set
# (their page will find them again). Only if its heartbeat has expired, unless forced.
GIVE_BACK = """
if ARGV[2] ~= 'force' then
  if redis.call('EXISTS', KEYS[2]) == 1 then return false end
  if redis.call('HGET', KEYS[1], ARGV[1]) ~= 'running' then return false end
end
local moved, attachments = {}, {}
local leases = redis.call('HGETALL', KEYS[3])
for i = 1, #leases, 2 do
  local name, value = leases[i], leases[i + 1]
  local slash = string.find(name, '/', 1, true)
  if slash then
    redis.call('SREM', KEYS[5], string.sub(name, slash + 1))
    table.insert(attachments, value)
  else
    local bar = string.find(value, '|', 1, true)
    local member = string.sub(value, bar + 1)
    redis.call('ZADD', KEYS[4], string.sub(value, 1, bar - 1), member)
    table.insert(moved, member)
  end
end
redis.call('DEL', KEYS[3])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return {moved, attachments}
"""


POP_WINDOW = 1000  # how far down the queue a worker looks for a request of a site that can take it
OTHERS_POLL_SECONDS = 0.5  # how often a worker with nothing to do looks again while others still work


@dataclass
class Lease:
    """A request this worker took from the shared queue, and the attachments it yielded."""
    request: object
    children: dict = field(default_factory=dict)   # attachment request -> its field in the lease hash


def _jitter(slot) -> float:
    """The share of its delay Scrapy may add at random before a slot's next request.

    `Slot.jitter` since Scrapy 2.19; before it, `randomize_delay`, now a property that
    warns on every read: read only where `jitter` is missing, since busy_sites asks for
    every resting site at every request popped.
    """
    jitter = getattr(slot, "jitter", None)
    if jitter is None:
        jitter = 0.5 if slot.randomize_delay else 0.0
    return jitter


class LeasingScheduler(Scheduler):
    """scrapy-redis's Scheduler with leases, heartbeats and giving back (see the module)."""

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.worker = distributed.worker_id(crawler)
        scheduler.timeout = crawler.settings.getfloat("NIANBAO_WORKER_TIMEOUT", 60.0)
        scheduler.per_site = max(1, crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 2))
        return scheduler

    # ------------------------------------------------------------ life

    def open(self, spider):
        super().open(spider)
        if not isinstance(getattr(getattr(self.crawler.engine, "_slot", None), "inprogress", None), set):
            raise RuntimeError("this Scrapy keeps no engine._slot.inprogress: leases cannot tell when a request is "
                               "done (crawler/leases.py was checked against Scrapy 2.19)")
        self.keys = distributed.NightKeys(spider.name)
        self.leases: dict[str, Lease] = {}
        self.local: list = []                # heap of (-priority, n, lease, request): attachments kept here
        self.local_set: set = set()
        self.numbers = itertools.count(1)
        self.pop_script = self.server.register_script(POP)
        self.enqueue_script = self.server.register_script(ENQUEUE)
        self.enqueue_local_script = self.server.register_script(ENQUEUE_LOCAL)
        self.give_back_script = self.server.register_script(GIVE_BACK)
        self.server.hset(self.keys.workers, self.worker, "running")
        self._beat()
        self.wake, self.wake_at = None, 0.0  # a call that has the engine ask for a request again
        # Sites whose delay since their last request may not be over (busy_sites): the
        # sites of requests on the wire and of answers since. Not every slot Scrapy keeps:
        # with thousands of sites that is thousands of slots looked at per request popped.
        self.resting: dict[str, object] = {}
        self.crawler.signals.connect(self._rests, signal=signals.request_left_downloader)
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(max(0.2, min(5.0, self.timeout / 4)), now=False)
        logger.info("worker %s joined the crawl at %s (heartbeat timeout %g s)",
                    self.worker, self.server.connection_pool.connection_kwargs.get("host"), self.timeout)

    def close(self, reason):
        if self.loop.running:
            self.loop.stop()
        if self.wake is not None and self.wake.active():
            self.wake.cancel()
        self._end_finished_leases()
        if self.leases:
            given = self._give_back(self.worker, force=True, state="running")
            logger.warning("stopping (%s): gave %d unfinished requests back to the queue", reason, len(given))
        super().close(reason)

    def _beat(self) -> None:
        self.server.set(self.keys.alive(self.worker), "1", px=int(self.timeout * 1000))

    def tick(self) -> None:
        """Heartbeat, end finished leases, give back the leases of workers that died."""
        try:
            self._beat()
            if self.server.hget(self.keys.workers, self.worker) != b"running":
                logger.warning("worker %s was taken for dead (no heartbeat for %g s; its requests were given to "
                               "others): working on", self.worker, self.timeout)
                self.server.hset(self.keys.workers, self.worker, "running")
            self._end_finished_leases()
            self.reclaim_dead_workers()
        except Exception:  # a Redis hiccup must not stop the heartbeat loop for good
            logger.exception("worker heartbeat failed; trying again")

    # ------------------------------------------------------------ the queue

    def enqueue_request(self, request):
        fingerprint = self.df.request_fingerprint(request)
        seen_check = "" if request.dont_filter else fingerprint
        parent = self._parent_of(request)
        if parent is not None:
            name = f"{parent}/{fingerprint}"
            added = self.enqueue_local_script(keys=[self.df.key, self.keys.leases(self.worker)],
                                              args=[seen_check, name, request.url])
            if added:
                self.leases[parent].children[request] = name
                heapq.heappush(self.local, (-request.priority, next(self.numbers), parent, request))
                self.local_set.add(request)
        else:
            member = origin(request.url).encode() + b"\n" + self.queue._encode_request(request)
            added = self.enqueue_script(keys=[self.df.key, self.queue.key],
                                        args=[seen_check, -request.priority, member])
        if not added:
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis", spider=self.spider)
        return True

    def _parent_of(self, request) -> str | None:
        """The lease of the page an attachment was found on, if this worker holds it."""
        page_url = request.meta.get("page_url")
        if not page_url or not request.meta.get("attachment"):
            return None
        for lease_id, lease in self.leases.items():
            if lease.request.url == page_url:
                return lease_id
        return None

    def next_request(self):
        self._end_finished_leases()
        if self.local:
            *_, request = heapq.heappop(self.local)
            self.local_set.discard(request)
            return request
        busy, soonest = self.busy_sites()
        lease_id = str(next(self.numbers))
        data = self.pop_script(keys=[self.queue.key, self.keys.leases(self.worker)],
                               args=[lease_id, POP_WINDOW, distributed.TOKEN_PREFIX, self.per_site,
                                     int(distributed.POLL_SECONDS * 1000), *busy])
        if not isinstance(data, bytes):
            # Nothing the sites can take now. Scrapy asks again when a response comes or on
            # its 5 s heartbeat; a site whose rest ends, or whose token another worker gives
            # back, is no such event: ask again then.
            waits = [w for w in (soonest, data / 1000 if data is not None and data >= 0 else None) if w is not None]
            if waits:
                self._wake_engine_in(min(waits))
            return None
        request = self.queue._decode_request(data.split(b"\n", 1)[1])
        self.leases[lease_id] = Lease(request)
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis", spider=self.spider)
        return request

    def busy_sites(self) -> tuple[list[str], float | None]:
        """Sites that cannot take one more request of this worker now, and the seconds until
        the first of them may that no response will announce (None: the responses will).

        A site is busy while this worker downloads CONCURRENT_REQUESTS_PER_DOMAIN of its
        requests; while one of its requests still waits before the wire (for robots.txt, a
        site token or Scrapy's delay: another would wait behind it); and until the longest
        delay Scrapy may draw since its last request started (DOWNLOAD_DELAY or
        AutoThrottle's, with DOWNLOAD_DELAY_JITTER's jitter) is over. What Redis knows
        (tokens held by other workers, a site resting after an answer) the POP script checks.
        """
        downloader = self.crawler.engine.downloader
        now = time.monotonic()
        load: Counter = Counter()
        busy: set[str] = set()
        soonest = None
        for request in downloader.active:          # from the first middleware until the answer
            site = origin(request.url)
            load[site] += 1
            slot = downloader.slots.get(site)
            if slot is None or request not in slot.transferring:
                busy.add(site)
                soonest = distributed.POLL_SECONDS
            else:
                self.resting[site] = slot
        busy.update(site for site, n in load.items() if n >= self.per_site)
        for site, slot in list(self.resting.items()):
            rest = slot.lastseen + slot.delay * (1 + _jitter(slot)) - now
            if rest <= 0:
                # rested; only a new request (in downloader.active) or an answer (which
                # may raise the delay: _rests) can make it rest again
                if site not in load:
                    del self.resting[site]
            elif site not in busy:
                busy.add(site)
                soonest = rest if soonest is None else min(soonest, rest)
        return list(busy), soonest

    def _rests(self, request, spider=None) -> None:
        """An answer came (the delay may have changed with it): the site may rest again."""
        site = origin(request.url)
        slot = self.crawler.engine.downloader.slots.get(site)
        if slot is not None:
            self.resting[site] = slot

    def _wake_engine_in(self, seconds: float) -> None:
        """Have the engine ask for a request in `seconds` (one pending call, the soonest)."""
        seconds = min(max(seconds, 0.01), 1.0)
        when = time.monotonic() + seconds
        if self.wake is not None and self.wake.active():
            if self.wake_at <= when:
                return
            self.wake.cancel()
        from twisted.internet import reactor  # the one Scrapy installed (not at import: tests import this module)

        self.wake_at = when
        self.wake = reactor.callLater(seconds, self._wake_engine)

    def _wake_engine(self) -> None:
        self.wake = None
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()

    def has_pending_requests(self):
        """Work left here, in the queue, or in another worker's leases (it may queue more)."""
        self._end_finished_leases()
        if self.local or self.leases or len(self.queue):
            return True
        others = [w.decode() for w in self.server.hkeys(self.keys.workers) if w.decode() != self.worker]
        pipe = self.server.pipeline(transaction=False)
        for worker in others:
            pipe.exists(self.keys.leases(worker))
        if any(pipe.execute()):
            # Their callbacks may queue requests, or they may finish and leave this worker the
            # last one out, who ends the night. This worker has nothing on the wire, so no
            # response will make Scrapy ask again, only its 5 s heartbeat: ask sooner.
            self._wake_engine_in(OTHERS_POLL_SECONDS)
            return True
        return False

    def __len__(self):
        return len(self.queue) + len(self.local)

    # ------------------------------------------------------------ leases

    def _end_finished_leases(self) -> None:
        """Forget the leases whose request and attachments Scrapy is done with.

        Asked at every request popped, over every lease held (up to CONCURRENT_REQUESTS):
        membership tests only, no set built per call."""
        in_progress = self.crawler.engine._slot.inprogress if self.crawler.engine._slot else set()
        local = self.local_set
        done = [lease_id for lease_id, lease in self.leases.items()
                if lease.request not in in_progress and lease.request not in local
                and not (lease.children and any(c in in_progress or c in local for c in lease.children))]
        if not done:
            return
        fields = []
        for lease_id in done:
            fields.append(lease_id)
            fields += self.leases.pop(lease_id).children.values()
        self.server.hdel(self.keys.leases(self.worker), *fields)

    def reclaim_dead_workers(self) -> int:
        """Give the leases of every worker whose heartbeat expired back to the queue."""
        states = self.server.hgetall(self.keys.workers)
        running = [w.decode() for w, state in states.items() if state == b"running" and w.decode() != self.worker]
        if not running:
            return 0
        pipe = self.server.pipeline(transaction=False)
        for worker in running:
            pipe.exists(self.keys.alive(worker))
        dead = [worker for worker, alive in zip(running, pipe.execute()) if not alive]
        total = 0
        for worker in dead:
            given = self._give_back(worker, force=False, state="dead")
            if given is None:
                continue  # it came back to life, or another worker was quicker
            total += len(given)
            released = distributed.release_tokens_of(self.server, worker)
            logger.warning("worker %s died: %d of its requests are back in the queue, %d site tokens freed%s",
                           worker, len(given), released, (": " + ", ".join(given[:5])) if given else "")
        return total

    def _give_back(self, worker: str, force: bool, state: str) -> list[str] | None:
        """URLs of the requests given back to the queue, or None if `worker` was not dead after all."""
        answer = self.give_back_script(
            keys=[self.keys.workers, self.keys.alive(worker), self.keys.leases(worker), self.queue.key, self.df.key],
            args=[worker, "force" if force else "", state])
        if answer is None:
            return None
        moved, attachments = answer
        urls = [self.queue.serializer.loads(member.split(b"\n", 1)[1]).get("url") for member in moved]
        self.server.rpush(self.keys.reclaimed, json.dumps(
            {"worker": worker, "by": self.worker, "at": time.time(), "urls": urls,
             "attachments": [url.decode() for url in attachments]}, ensure_ascii=False))
        if worker == self.worker:
            self.leases.clear()
            self.local.clear()
            self.local_set.clear()
        return urls
