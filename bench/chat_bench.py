"""Chat benchmark: /api/chat through the whole stack versus the bare Rasa server with the same model,
measured in the same run at 1 and 8 concurrent founders, plus each process's peak RSS."""
from __future__ import annotations

import json
import statistics
import tempfile
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

MESSAGES = [
    "hello", "How can I get a startup visa?", "창업 지원금이 있나요?", "Tôi cần văn phòng miễn phí",
    "有没有出口支持？", "thanks", "Where can I make a prototype?", "Как открыть банковский счёт?",
]
ROUNDS_PER_FOUNDER = 2   # passes over MESSAGES per founder in one batch
# Batches per path, alternating bare Rasa and the stack so both see the same machine; each adjacent
# (bare, stack) pair gives one throughput ratio, and the median of those is robust to a noisy neighbour.
BATCHES = {1: 8, 8: 5}


def post(url: str, body: dict, timeout: float = 120) -> dict:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read())


def founder_via_stack(base: str) -> list[float]:
    conversation, times = {}, []
    for _ in range(ROUNDS_PER_FOUNDER):
        for text in MESSAGES:
            body = {"text": text, **conversation}
            start = time.perf_counter()
            out = post(base + "/api/chat", body)
            times.append((time.perf_counter() - start) * 1000)
            conversation = {"conversation_id": out["conversation_id"], "token": out["token"]}
    return times


def founder_via_rasa(rasa_url: str) -> list[float]:
    sender, times = uuid.uuid4().hex, []
    for _ in range(ROUNDS_PER_FOUNDER):
        for text in MESSAGES:
            start = time.perf_counter()
            post(rasa_url + "/webhooks/rest/webhook", {"sender": sender, "message": text,
                                                        "metadata": {"language": "en"}})
            times.append((time.perf_counter() - start) * 1000)
    return times


def batch(fn, target: str, founders: int) -> tuple[list[float], float]:
    """One batch: ``founders`` concurrent founders; returns latencies and wall time."""
    start = time.perf_counter()
    with ThreadPoolExecutor(founders) as pool:
        samples = [t for times in pool.map(lambda _: fn(target), range(founders)) for t in times]
    return samples, time.perf_counter() - start


def summary(samples: list[float], wall: float, founders: int) -> dict:
    return {"founders": founders, "messages": len(samples), "p50_ms": round(statistics.median(samples), 1),
            "p95_ms": round(float(np.percentile(samples, 95)), 1), "msgs_per_s": round(len(samples) / wall, 2)}


def compare(stack_url: str, rasa_url: str, founders: int) -> dict:
    """Alternate batches through the stack and straight to Rasa, so both see the same machine.

    ``throughput_ratio`` is the median over adjacent (bare, stack) batch pairs of stack msgs/s over
    bare msgs/s; ``pooled_ratio`` divides the totals.
    """
    founder_via_stack(stack_url), founder_via_rasa(rasa_url)  # warm up every path once
    runs = {"stack": ([], 0.0), "bare_rasa": ([], 0.0)}
    pair_ratios = []
    for _ in range(BATCHES.get(founders, 4)):
        rates = {}
        for name, fn, target in (("bare_rasa", founder_via_rasa, rasa_url), ("stack", founder_via_stack, stack_url)):
            samples, wall = batch(fn, target, founders)
            runs[name] = (runs[name][0] + samples, runs[name][1] + wall)
            rates[name] = len(samples) / wall
        pair_ratios.append(rates["stack"] / rates["bare_rasa"])
    full, bare = (summary(*runs[name], founders) for name in ("stack", "bare_rasa"))
    return {"founders": founders, "stack": full, "bare_rasa": bare,
            "throughput_ratio": round(statistics.median(pair_ratios), 3),
            "pooled_ratio": round(full["msgs_per_s"] / bare["msgs_per_s"], 3),
            "pair_ratios": [round(r, 3) for r in pair_ratios]}


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def run(settings=None) -> dict:
    from web.testing import Stack
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(Path(tmp)).start()
        try:
            rasa_url = stack.env["FOUNDERDESK_RASA_URL"]
            rows = [compare(stack.url, rasa_url, founders) for founders in (1, 8)]
            rss = {name: peak_rss_mb(p.pid) for name, p in stack.processes.items()}
            rss["web"] = peak_rss_mb(stack.web.process.pid)
        finally:
            stack.stop()
    return {"rows": rows, "peak_rss_mb": rss, "messages": MESSAGES}


def table(result: dict) -> str:
    lines = ["| founders | path | p50 ms | p95 ms | msgs/s | stack / bare throughput (median of pairs; pooled) |",
             "| ---: | --- | ---: | ---: | ---: | ---: |"]
    for row in result["rows"]:
        for name in ("stack", "bare_rasa"):
            r = row[name]
            ratio = (f"{row['throughput_ratio']:.2f}; {row.get('pooled_ratio', row['throughput_ratio']):.2f}"
                     if name == "stack" else "")
            label = "web + Rasa + actions (/api/chat)" if name == "stack" else "bare Rasa REST webhook"
            lines.append(f"| {row['founders']} | {label} | {r['p50_ms']} | {r['p95_ms']} | {r['msgs_per_s']} | {ratio} |")
    rss = ", ".join(f"{k} {v} MB" for k, v in result["peak_rss_mb"].items())
    lines += ["", f"Peak RSS: {rss}."]
    return "\n".join(lines)
