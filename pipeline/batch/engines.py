"""Where a batch's documents are parsed: this process, local worker processes, or a Dask cluster.

An engine runs one function over a list of jobs and yields `(index, result)`
as each job ends, in whatever order they end; the batch puts the results back
in input order, so the tables do not depend on the engine. A job the engine
could not run to its end (its Dask worker died more often than the cluster
allows) yields a `Lost` instead of a result.

- `LocalEngine(workers, limits)`: a pool of processes on this machine (one
  process does it all, in this one, only when `limits` sets none); a worker
  dies with the process that started it. A watchdog thread of this process
  reads each busy worker's clock and memory (its own pages and its
  children's: Tesseract) and kills a worker whose job is over `limits`: that
  job is `Lost`, saying which limit it passed. A worker that dies otherwise
  (killed by the system for its memory, a crash in a library) takes the pool
  down with it: the jobs it may have been running are run again, each alone
  in a process of its own, and one that dies there too is `Lost`; the others
  go on in a new pool.
- `DaskEngine(workers, scheduler)`: `dask.distributed`. With no scheduler
  address, a local cluster of `workers` processes (one thread each) is started
  on first use and stopped at the end; with `tcp://HOST:PORT`, the jobs go to
  that cluster. A job is a few names and numbers, never a file's bytes, and
  its result is small: with every engine, the worker writes the rows to the
  output's cache, where the batch reads them.
  A worker that dies takes its job back to the scheduler, which gives it to
  another worker, up to `distributed.scheduler.allowed-failures` times (3 by
  default); after that the job is `Lost`. A local cluster gives each worker
  the memory `limits` allows (its nanny restarts a worker over it) and serves
  no dashboard; a cluster of one's own applies its own limits.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

ENGINES = ("local", "dask")
# How long a scheduler named by address may take to answer before the run ends, before anything is written.
CONNECT_SECONDS = 5
# Retries of a job whose function raised (the parse functions catch a document's own errors,
# so this is for the rare failure of the worker's machine itself: a full disk, a lost mount).
DASK_RETRIES = 1


@dataclass(frozen=True, slots=True)
class Lost:
    """A job that no worker finished, and why: `code` as the `errors` table names it."""

    message: str
    code: str = "worker_lost"


@dataclass(frozen=True, slots=True)
class Limits:
    """What one job (one file) may take of its worker; 0 for no limit.

    The defaults are far above what a real plan takes (a 500-page PDF parses
    in a minute and under 300 MB; an OCR page in a few seconds): they are
    there so that no single file, however made, can take the machine.
    """

    seconds: float = 1800.0  # wall-clock time of the job
    megabytes: int = 2048  # memory of the worker's own and its children's (Tesseract) while it runs the job

    @property
    def any(self) -> bool:
        return bool(self.seconds or self.megabytes)


DEFAULT_LIMITS = Limits()


class EngineUnavailable(Exception):
    """The engine asked for cannot run here (a package missing, a scheduler not reachable); one line."""


def make_engine(name: str, workers: int | None = None, scheduler: str | None = None, limits: Limits | None = None):
    limits = DEFAULT_LIMITS if limits is None else limits
    if name == "local":
        if scheduler:
            raise EngineUnavailable("--scheduler is for --engine dask")
        return LocalEngine(workers or os.cpu_count() or 1, limits)
    if name == "dask":
        return DaskEngine(workers or os.cpu_count() or 1, scheduler, limits)
    raise EngineUnavailable(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")


# ------------------------------------------------------------------ this machine


def _die_with_parent(parent: int) -> None:
    """Pool initializer: a worker whose batch is gone must stop, not parse on and write cache files.

    Linux kills the worker when its parent dies (the parent-death signal);
    elsewhere a thread watches for the parent's end.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    else:  # pragma: no cover
        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)
        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


# Jobs sent to a local pool per worker before their results are back: one more than the worker runs
# keeps it busy while this process takes a result and sends the next; the more are in flight, the more
# are run again alone when a worker dies.
IN_FLIGHT_PER_WORKER = 2
# How often the watchdog reads the busy workers' clocks and memory: a worker over its memory limit grows
# for at most this long before it is stopped.
WATCH_SECONDS = 0.1
# The lines of /proc/<pid>/smaps_rollup that count a process's own memory.
OWN_MEMORY = (b"Private_Clean", b"Private_Dirty", b"Swap")

# In a worker: its slot of the pool's shared board, where it posts (pid, job, start) while it runs a job.
_board: tuple[Any, int] | None = None


def _start_worker(parent: int, board, counter) -> None:
    """Pool initializer: die with the batch, and take a slot of the board the watchdog reads."""
    global _board
    _die_with_parent(parent)
    with counter.get_lock():
        slot = counter.value
        counter.value += 1
    _board = (board, slot)


def _posted(fn: Callable[[Any], Any], index: int, job: Any) -> Any:
    """Run one job with its index and start time posted on the board, for the watchdog."""
    if _board is None:  # only a worker started by _start_worker has a slot
        raise RuntimeError("_posted runs in a pool worker started with _start_worker")
    board, slot = _board
    board[3 * slot: 3 * slot + 3] = [os.getpid(), index, time.monotonic()]
    try:
        return fn(job)
    finally:
        board[3 * slot + 1] = -1


def _own_bytes(pid: int) -> int:
    """The memory a process and its children (Tesseract runs as one) hold of their own; 0 when gone.

    Private pages and swap, not the resident set: a forked worker shares the
    pages of the modules this process had loaded, which no file costs.
    """
    total = 0
    for p in [pid, *_children(pid)]:
        try:
            with open(f"/proc/{p}/smaps_rollup", "rb") as fh:
                fields = dict(line.split(b":", 1) for line in fh.read().splitlines()[1:] if b":" in line)
            total += sum(int(fields.get(name, b"0 kB").split()[0]) for name in OWN_MEMORY) * 1024
        except (OSError, ValueError):
            pass
    return total


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", "rb") as fh:
            return [int(p) for p in fh.read().split()]
    except (OSError, ValueError):
        return []


class _Watchdog:
    """A thread that stops a pool's worker whose job runs over `limits`, and remembers why."""

    def __init__(self, board, slots: int, limits: Limits, overrun: dict[int, Lost]):
        self.board, self.slots, self.limits, self.overrun = board, slots, limits, overrun
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True, name="plan-parse watchdog")

    def __enter__(self) -> _Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(WATCH_SECONDS):
            for slot in range(self.slots):
                pid, index, began = self.board[3 * slot: 3 * slot + 3]
                if index >= 0 and pid > 0:
                    self._check(int(pid), int(index), began)

    def _check(self, pid: int, index: int, began: float) -> None:
        limits, why = self.limits, None
        if limits.seconds and time.monotonic() - began > limits.seconds:
            why = Lost(f"refused: it took longer than the {limits.seconds:g} s a file may take (--file-timeout)",
                       "timeout")
        elif limits.megabytes and _own_bytes(pid) > limits.megabytes * 2**20:
            why = Lost(f"refused: it needed more than the {limits.megabytes} MB of memory a file may use "
                       "(--file-memory)", "over_memory")
        if why is None or index in self.overrun:
            return
        self.overrun[index] = why
        for p in [*_children(pid), pid]:
            with contextlib.suppress(OSError):
                os.kill(p, signal.SIGKILL)


class LocalEngine:
    """A pool of processes on this machine, each job within `limits`; this process alone when none are set."""

    name = "local"

    def __init__(self, workers: int, limits: Limits | None = None):
        self.workers = max(1, workers)
        self.limits = DEFAULT_LIMITS if limits is None else limits

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc) -> None:
        pass

    @property
    def in_process(self) -> bool:
        return self.workers == 1 and not self.limits.any

    @property
    def parent(self) -> int | None:
        """The pid a worker checks before it writes: when it is gone, so is the batch."""
        return None if self.in_process else os.getpid()

    def map(self, fn: Callable[[Any], Any], jobs: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        if self.in_process:
            for index, job in enumerate(jobs):
                yield index, fn(job)
            return
        workers = min(self.workers, len(jobs))
        pending = list(range(len(jobs)))
        overrun: dict[int, Lost] = {}  # job -> the limit it ran over (its worker was stopped for it)
        while pending:
            suspects, pending = yield from self._pool(fn, jobs, pending, workers, overrun)
            for i in suspects:
                if i not in overrun:  # run again alone: a worker died, maybe of another job
                    alone, _ = yield from self._pool(fn, jobs, [i], 1, overrun)
                    if not alone:
                        continue
                    if i not in overrun:
                        yield i, Lost("its worker process died while parsing it, and again when it was parsed "
                                      "alone (killed by the system for its memory? a crash in a library?)")
                        continue
                yield i, overrun[i]

    def _pool(self, fn, jobs: Sequence[Any], order: list[int], workers: int, overrun: dict[int, Lost]):
        """Run the jobs `order` names in a pool, a few at a time (so that the jobs a dying worker may have
        held are known: those in flight), yielding each result as it ends. Returns the jobs in flight when
        a worker died, and those not yet sent; both empty when all ended."""
        queue = iter(order)
        unsent: list[int] = []
        board = multiprocessing.Array("d", [0.0, -1.0, 0.0] * workers, lock=False)
        counter = multiprocessing.Value("i", 0)
        with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                                 initargs=(os.getpid(), board, counter)) as pool, \
                _Watchdog(board, workers, self.limits, overrun):
            in_flight: dict[Future[Any], int] = {}

            def send_next() -> bool:
                for i in queue:
                    try:
                        in_flight[pool.submit(_posted, fn, i, jobs[i])] = i
                    except BrokenProcessPool:
                        unsent.append(i)
                        return False
                    break
                return True

            broken = not all(send_next() for _ in range(IN_FLIGHT_PER_WORKER * workers))
            while in_flight and not broken:
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=in_flight.__getitem__):  # done: futures of in_flight
                    if isinstance(future.exception(), BrokenProcessPool):
                        broken = True
                        continue
                    yield in_flight.pop(future), future.result()
                    broken = broken or not send_next()
        return sorted(in_flight.values()), unsent + list(queue)


# ------------------------------------------------------------------ a Dask cluster


class DaskEngine:
    """`dask.distributed`: a local cluster started here, or an existing one at `scheduler`."""

    name = "dask"
    parent = None  # a Dask worker outlives no batch of ours: its scheduler cancels what is not wanted

    def __init__(self, workers: int, scheduler: str | None = None, limits: Limits | None = None):
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise EngineUnavailable("--engine dask needs dask.distributed: "
                                    "pip install 'vn-plan-pipeline[cluster]' (make setup installs it)") from None
        if scheduler is not None:
            check_scheduler(scheduler)
        self.workers = max(1, workers)
        self.scheduler = scheduler
        self.limits = DEFAULT_LIMITS if limits is None else limits
        self._client = None
        self._cluster = None

    def __enter__(self) -> DaskEngine:
        if self.scheduler:
            self.client()  # a scheduler named by address is reached now, before the batch writes anything
        return self

    def __exit__(self, *exc) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    def client(self):
        """The client, connected on first use: a cluster is started only for a batch with work to do."""
        if self._client is None:
            import logging

            from distributed import Client, LocalCluster

            try:
                if self.scheduler:
                    self._client = Client(self.scheduler, timeout=CONNECT_SECONDS)
                else:
                    # Every server on the loopback, no dashboard: a run serves nothing to the network.
                    memory = self.limits.megabytes * 2**20 if self.limits.megabytes else 0
                    self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                                 host="127.0.0.1", dashboard_address=None,
                                                 memory_limit=memory, silence_logs=logging.ERROR)
                    self._client = Client(self._cluster)
            except (OSError, TimeoutError) as exc:
                self.__exit__()
                where = self.scheduler or "a local cluster"
                raise EngineUnavailable(f"cannot reach the Dask scheduler at {where} ({exc})") from None
        return self._client

    def map(self, fn: Callable[[Any], Any], jobs: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        if not jobs:
            return
        from distributed import as_completed

        client = self.client()
        futures = client.map(fn, list(jobs), pure=False, retries=DASK_RETRIES)
        index = {future.key: i for i, future in enumerate(futures)}
        try:
            for future in as_completed(futures):
                i = index[future.key]
                if future.status == "finished":
                    yield i, future.result()
                else:
                    exc = future.exception()
                    yield i, Lost(_lost_message(exc))
                future.release()
        finally:
            client.cancel([f for f in futures if not f.done()])


class BadScheduler(ValueError):
    """`--scheduler` is not an address a Dask client can reach: one line."""


def check_scheduler(address: str) -> None:
    """BadScheduler unless `address` reads as a scheduler's (`tcp://HOST:PORT`, `tls://…`, or `HOST:PORT`)."""
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        protocol, location = parse_address(address, strict=False)
        if protocol in ("tcp", "tls", "ws", "wss", "ucx"):
            host, port = parse_host_port(location)
            if not host or not 0 < int(port) < 65536:
                raise ValueError("no host or port")
    except (ValueError, TypeError):
        raise BadScheduler(f"--scheduler {address!r} is not a scheduler's address: give tcp://HOST:PORT") from None


def _lost_message(exc: BaseException | None) -> str:
    from distributed.scheduler import KilledWorker

    if isinstance(exc, KilledWorker):
        return "its Dask worker died while parsing it, each time it was tried"
    return f"the Dask task failed: {type(exc).__name__}: {exc}"
