"""The benchmark suite's inputs: generated access-log lines with their ground truth, and the loghub corpus
replayed as syslog messages. Both are deterministic (seeded) and cached: generating 2,000,000 lines takes a few
seconds of Python, so a file is made once per (lines, seed) and reused.
"""

from __future__ import annotations

import json
import os
import random
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
METHODS = ["GET"] * 14 + ["POST"] * 3 + ["PUT", "DELETE", "HEAD"]
PATHS = ["/", "/index.html", "/api/v2/orders", "/api/v2/users/profile", "/api/v2/cart/items", "/static/js/app.min.js",
         "/static/css/site.css", "/images/banner-large.png", "/search", "/products/running-shoes", "/checkout/pay",
         "/blog/2024/05/release-notes", "/healthz", "/favicon.ico"]
QUERY_KEYS = ["page", "q", "sort", "ref", "utm_source", "lang", "size", "color"]
QUERY_VALUES = ["2", "17", "price", "newsletter", "ads", "en-US", "42", "blue", "running+shoes", "desc"]
STATUSES = [200] * 12 + [201, 204, 301, 302, 304, 304, 400, 401, 403, 404, 404, 500, 502, 503]
USERS = ["-"] * 7 + ["alice", "bob", "svc-batch"]
VERSIONS = ["HTTP/1.1"] * 6 + ["HTTP/1.0", "HTTP/2.0"]
REFERRERS = ["-", "-", "https://www.example.com/", "https://www.google.com/search?q=shop",
             "https://shop.example.org/products?cat=7", "https://news.example.net/article/77",
             "https://m.example.com/deals"]
AGENTS = ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15",
          "curl/8.5.0", "Googlebot/2.1 (+http://www.google.com/bot.html)", "python-requests/2.31.0"]

# The fields a combined-format parser yields, named as grok's COMBINEDAPACHELOG names them; the parse
# scenarios compare these for a sample of lines with what each agent wrote.
CHECKED_FIELDS = ["clientip", "auth", "verb", "request", "httpversion", "response", "bytes", "referrer", "agent"]


@dataclass
class Input:
    path: Path
    lines: int
    bytes: int
    truth: dict[int, dict[str, str]]  # line index -> expected field values (a sample)


def cache_dir() -> Path:
    d = Path(os.environ.get("PYROLOG_BENCH_CACHE", Path.home() / ".cache" / "pyrolog" / "bench-suite"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def sample_stride(lines: int) -> int:
    return max(1, lines // 1000)


def access_log(lines: int, seed: int = 20240601) -> Input:
    """Combined-format access lines, about 200 bytes each; line i carries `rid=i` in its query string."""
    path = cache_dir() / f"access-{lines}-{seed}.log"
    truth_path = path.with_suffix(".truth.json")
    if not (path.exists() and truth_path.exists()):
        rnd = random.Random(seed)
        stride = sample_stride(lines)
        truth: dict[int, dict[str, str]] = {}
        base = 1_717_200_000
        stamp_second, stamp = -1, ""
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w") as out:
            chunk: list[str] = []
            for i in range(lines):
                second = base + i // 2000
                if second != stamp_second:
                    t = time.gmtime(second)
                    stamp = (f"{t.tm_mday:02}/{MONTHS[t.tm_mon - 1]}/{t.tm_year}:{t.tm_hour:02}:{t.tm_min:02}:"
                             f"{t.tm_sec:02} +0000")
                    stamp_second = second
                r = rnd.getrandbits(32)
                ip = f"{(r >> 24) % 223 + 1}.{(r >> 16) & 255}.{(r >> 8) & 255}.{r & 255}"
                query = f"?rid={i}"
                for _ in range(rnd.randrange(3)):
                    query += f"&{rnd.choice(QUERY_KEYS)}={rnd.choice(QUERY_VALUES)}"
                f = {"clientip": ip, "auth": rnd.choice(USERS), "verb": rnd.choice(METHODS),
                     "request": rnd.choice(PATHS) + query, "httpversion": rnd.choice(VERSIONS)[5:],
                     "response": str(rnd.choice(STATUSES)), "bytes": str(rnd.randrange(120, 250_000)),
                     "referrer": rnd.choice(REFERRERS), "agent": rnd.choice(AGENTS)}
                chunk.append(f'{f["clientip"]} - {f["auth"]} [{stamp}] "{f["verb"]} {f["request"]} '
                             f'HTTP/{f["httpversion"]}" {f["response"]} {f["bytes"]} "{f["referrer"]}" '
                             f'"{f["agent"]}"\n')
                if i % stride == 0:
                    truth[i] = f
                if len(chunk) == 10000:
                    out.write("".join(chunk))
                    chunk.clear()
            out.write("".join(chunk))
        truth_path.write_text(json.dumps(truth))
        tmp.rename(path)
    truth = {int(k): v for k, v in json.loads(truth_path.read_text()).items()}
    return Input(path, lines, path.stat().st_size, truth)


def loghub_lines() -> list[tuple[str, str, str]]:
    """(host, tag, message) of the syslog-style loghub corpora (Linux, OpenSSH): BSD syslog lines without PRI."""
    out = []
    for name in ["Linux/Linux_2k.log", "OpenSSH/OpenSSH_2k.log"]:
        for line in (ROOT / "tests" / "data" / "loghub" / name).read_text(errors="replace").splitlines():
            # "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; ..."
            head, sep, message = line[16:].partition(": ")
            host, _, tag = head.partition(" ")
            if sep and host and tag and " " not in tag:
                out.append((host, tag, message.rstrip()))
    return out


def syslog_replay(lines: int, seed: int = 20240601) -> Input:
    """The loghub lines replayed as RFC 3164 messages with varied priorities and fresh timestamps, one per line
    (newline framing, as `logger --tcp` or a relay sends them); every message ends with ` seq=i`."""
    path = cache_dir() / f"syslog-{lines}-{seed}.log"
    truth_path = path.with_suffix(".truth.json")
    if not (path.exists() and truth_path.exists()):
        corpus = loghub_lines()
        rnd = random.Random(seed)
        stride = sample_stride(lines)
        truth: dict[int, dict[str, str]] = {}
        base = 1_717_200_000
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w") as out:
            chunk: list[str] = []
            for i in range(lines):
                host, tag, message = corpus[i % len(corpus)]
                t = time.gmtime(base + i // 2000)
                pri = rnd.choice([13, 14, 30, 38, 86, 134, 163, 190])
                message = f"{message} seq={i}"
                chunk.append(f"<{pri}>{MONTHS[t.tm_mon - 1]} {t.tm_mday:2} {t.tm_hour:02}:{t.tm_min:02}:"
                             f"{t.tm_sec:02} {host} {tag}: {message}\n")
                if i % stride == 0:
                    truth[i] = {"host": host, "message": message}
                if len(chunk) == 10000:
                    out.write("".join(chunk))
                    chunk.clear()
            out.write("".join(chunk))
        truth_path.write_text(json.dumps(truth))
        tmp.rename(path)
    truth = {int(k): v for k, v in json.loads(truth_path.read_text()).items()}
    return Input(path, lines, path.stat().st_size, truth)
