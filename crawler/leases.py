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
- Popping skips sites this worker already has CONCURRENT_REQUESTS_PER_DOMAIN requests of
  (among the best POP_WINDOW). scrapy-redis pops strictly by priority, and ours are
  depth-first (a site's articles before any other site's home page), so a worker's
  concurrency slots filled with one site's requests, each waiting for that site's delay:
  what Scrapy's DownloaderAwarePriorityQueue avoids in one process.
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

from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler import distributed
from crawler.discovery import origin

logger = logging.getLogger(__name__)

# Pop the best request (lowest score = highest priority) of a site this worker is not
# already busy with, among the first ARGV[2], into this worker's lease hash. Members are
# "<site origin>\n<pickled request>", so the script can see the site.
POP = """
local busy = {}
for i = 3, #ARGV do busy[ARGV[i]] = true end
local best = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1, 'WITHSCORES')
for i = 1, #best, 2 do
  local member = best[i]
  local site = string.sub(member, 1, (string.find(member, '\\n', 1, true) or 1) - 1)
  if not busy[site] then
    redis.call('ZREM', KEYS[1], member)
    redis.call('HSET', KEYS[2], ARGV[1], best[i + 1] .. '|' .. member)
    return member
  end
end
return false
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


POP_WINDOW = 200   # how far down the queue a worker looks for a request of a site it is not busy with


@dataclass
class Lease:
    """A request this worker took from the shared queue, and the attachments it yielded."""
    request: object
    children: dict = field(default_factory=dict)   # attachment request -> its field in the lease hash


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
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(max(0.2, min(5.0, self.timeout / 4)), now=False)
        logger.info("worker %s joined the crawl at %s (heartbeat timeout %g s)",
                    self.worker, self.server.connection_pool.connection_kwargs.get("host"), self.timeout)

    def close(self, reason):
        if self.loop.running:
            self.loop.stop()
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
        busy = self._end_finished_leases()
        if self.local:
            *_, request = heapq.heappop(self.local)
            self.local_set.discard(request)
            return request
        load = Counter(origin(r.url) for lease in self.leases.values()
                       for r in (lease.request, *lease.children) if r in busy)
        full = [site for site, n in load.items() if n >= self.per_site]
        lease_id = str(next(self.numbers))
        data = self.pop_script(keys=[self.queue.key, self.keys.leases(self.worker)],
                               args=[lease_id, POP_WINDOW, *full])
        if data is None:
            return None
        request = self.queue._decode_request(data.split(b"\n", 1)[1])
        self.leases[lease_id] = Lease(request)
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis", spider=self.spider)
        return request

    def has_pending_requests(self):
        """Work left here, in the queue, or in another worker's leases (it may queue more)."""
        self._end_finished_leases()
        if self.local or self.leases or len(self.queue):
            return True
        others = [w.decode() for w in self.server.hkeys(self.keys.workers) if w.decode() != self.worker]
        pipe = self.server.pipeline(transaction=False)
        for worker in others:
            pipe.exists(self.keys.leases(worker))
        return any(pipe.execute())

    def __len__(self):
        return len(self.queue) + len(self.local)

    # ------------------------------------------------------------ leases

    def _end_finished_leases(self) -> set:
        """Forget the leases whose request and attachments Scrapy is done with; return the
        requests it is not done with."""
        in_progress = self.crawler.engine._slot.inprogress if self.crawler.engine._slot else set()
        busy = in_progress | self.local_set
        done = [lease_id for lease_id, lease in self.leases.items()
                if lease.request not in busy and not any(child in busy for child in lease.children)]
        if not done:
            return busy
        fields = []
        for lease_id in done:
            fields.append(lease_id)
            fields += self.leases.pop(lease_id).children.values()
        self.server.hdel(self.keys.leases(self.worker), *fields)
        return busy

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
