"""Benchmark: 2,000 certificate PDFs into one ZIP stream (``results.certificates``).

Data (seeded, but for the serials, which come from ``secrets``): 2,000 certificates of both
tracks — 10 % 상장 (tiers with and without prize money), 90 % 참가확인서 — each with its own
serial, name, team or school and title,
rendered by :func:`certificates_zip_write` with a PNG logo into a non-seekable sink that counts
and discards the bytes (the renderer, not the disk, is measured). Two runs, each in a fresh
``spawn`` process so that its memory is its own:

* ``certificates`` — the real renderer: Korean TrueType subsetting, QR code, logo, layout;
* ``minimal`` — the baseline: a reportlab page with one line of Helvetica (no font embedding,
  no QR, no logo), through the same ZIP writing and the same sink.

Throughput is certificates per second over all 2,000 (first one included, so the font's
one-off loading counts). Memory is flat if the peak RSS (``VmHWM``, reset through
``/proc/self/clear_refs`` at the start of each window) over the last 200 certificates is no
higher than over the first 200: the ``…_peak_rss_mb`` row has the last window as its value,
the first as its baseline, and ratio ≈ 1.0 for flat memory. What does grow is zipfile's
central directory (one ``ZipInfo`` per entry, ~1.2 KB of Python objects, written at the end):
tracemalloc shows nothing else surviving a certificate, and the minimal baseline grows too.

Run: ``python -m bench.bench_certificates``.
"""

import io
import multiprocessing
import random
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

from PIL import Image, ImageDraw
from reportlab.pdfgen.canvas import Canvas

from results.certificates import (
    CertificateData,
    CertificateKind,
    CertificateStyle,
    certificates_zip_write,
    serial_generate,
)

N, WINDOW, SEED = 2_000, 200, 2021
SURNAMES = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "남궁", "황보", "선우"]
SYLLABLES = "민서지하윤준우예은도현수아연진혜원태성"
TIERS_S = [("대상 (국토교통부 장관상)", 50_000_000), ("최우수상", 30_000_000), ("입선", 5_000_000)]
TIERS_D = [("대상", 500_000), ("장려상", 100_000), ("입선", 0)]
WORDS = [
    "스마트",
    "모빌리티",
    "탄소중립",
    "공유",
    "정원",
    "드론",
    "자율주행",
    "우리",
    "동네",
    "하늘",
    "버스",
    "미래",
    "도시",
    "광장",
]


def make_certificates(n: int = N, seed: int = SEED) -> Iterator[CertificateData]:
    """Lazily, as a queryset iterator would hand them over."""
    rng = random.Random(seed)
    for i in range(n):
        serial = serial_generate()
        name = rng.choice(SURNAMES) + "".join(rng.sample(SYLLABLES, 2))
        title = " ".join(rng.sample(WORDS, rng.randint(3, 8)))
        award = i % 10 == 0
        track_s = i % 2 == 0
        tier, amount = rng.choice(TIERS_S if track_s else TIERS_D) if award else ("", 0)
        common = dict(
            serial=serial,
            kind=CertificateKind.AWARD if award else CertificateKind.PARTICIPATION,
            recipient_name=name,
            entry_title=title,
            tier_name=tier,
            amount_krw=amount,
            issued_on=date(2021, 10, 15),
            verify_url=f"https://gongmo.example.kr/verify/{serial}",
        )
        if track_s:
            yield CertificateData(
                contest_title="2021 월드 스마트시티 엑스포 대학생 스마트시티 경진대회",
                contest_title_en="2021 World Smart City Expo — University Smart City Challenge",
                team_name=f"{rng.choice(WORDS)} {rng.choice(WORDS)} 팀",
                university=f"{rng.choice(['한국', '세종', '서울', '부산'])}대학교",
                **common,
            )
        else:
            yield CertificateData(
                contest_title="2021 월드 스마트시티 엑스포 어린이 그림 그리기 대회",
                division=rng.choice(["유아부", "초등 저학년", "초등 고학년"]),
                school=f"{rng.choice(['새롬', '한솔', '도담'])}초등학교",
                **common,
            )


def make_style() -> CertificateStyle:
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 190, 190), fill=(31, 58, 95, 255))
    logo = io.BytesIO()
    image.save(logo, "PNG")
    return CertificateStyle(
        organizer="2021 월드 스마트시티 엑스포 조직위원회",
        signatory_name="홍길동",
        signatory_title="조직위원장",
        logo=logo.getvalue(),
    )


def minimal_zip_write(*, certificates, out) -> int:
    """The baseline: one line of Helvetica per page, same ZIP writing as the real one."""
    count = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for data in certificates:
            buffer = io.BytesIO()
            canvas = Canvas(buffer, invariant=1, pageCompression=1)
            canvas.drawString(72, 720, f"Certificate {data.serial}")
            canvas.showPage()
            canvas.save()
            archive.writestr(f"{data.serial}.pdf", buffer.getvalue())
            count += 1
    return count


class CountingSink(io.RawIOBase):
    """Non-seekable, keeps nothing: like a streamed HTTP response."""

    def __init__(self) -> None:
        self.written = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.written += len(data)
        return len(data)


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # VmHWM := the current RSS


def _windows(items: Iterator[CertificateData], peaks: dict) -> Iterator[CertificateData]:
    """Pass items through, reading the peak RSS over items 1–200 and N−199–N."""
    for i, item in enumerate(items):
        if i in (0, N - WINDOW):
            _reset_peak()
        if i == WINDOW:
            peaks["first"] = _status_kb("VmHWM")
        yield item
    peaks["last"] = _status_kb("VmHWM")


def _measure(kind: str) -> dict:
    """Runs in a child process: one full ZIP of N certificates."""
    write: Callable = {
        "certificates": lambda items, out: certificates_zip_write(
            certificates=items, style=make_style(), out=out
        ),
        "minimal": lambda items, out: minimal_zip_write(certificates=items, out=out),
    }[kind]
    sink, peaks = CountingSink(), {}
    start = time.perf_counter()
    count = write(_windows(make_certificates(), peaks), sink)
    seconds = time.perf_counter() - start
    if count != N:
        raise AssertionError(f"{kind}: {count} certificates written, not {N}")
    return {"seconds": seconds, "bytes": sink.written, "peak_first_mb": peaks["first"] / 1024,
            "peak_last_mb": peaks["last"] / 1024}  # fmt: skip


def measure_all() -> dict[str, dict]:
    """Each run in its own fresh process, one after the other (the machine has two cores)."""
    context = multiprocessing.get_context("spawn")
    runs = {}
    for kind in ("certificates", "minimal"):
        with context.Pool(1) as pool:
            runs[kind] = pool.apply(_measure, (kind,))
    return runs


def summarize(runs: dict[str, dict]) -> dict:
    real, minimal = runs["certificates"], runs["minimal"]
    rate, baseline_rate = N / real["seconds"], N / minimal["seconds"]
    return {
        "certificates_zip_per_second": {
            "value": rate,
            "unit": "1/s",
            "baseline": baseline_rate,
            "ratio": rate / baseline_rate,
            "seconds": real["seconds"],
            "kb_per_certificate": real["bytes"] / N / 1024,
            "note": f"{N:,} certificates into a ZIP stream; baseline = a one-line Helvetica page",
        },
        "certificates_zip_peak_rss_mb": {
            "value": real["peak_last_mb"],
            "unit": "MB",
            "baseline": real["peak_first_mb"],
            "ratio": real["peak_last_mb"] / real["peak_first_mb"],
            "growth_mb": real["peak_last_mb"] - real["peak_first_mb"],
            "minimal_growth_mb": minimal["peak_last_mb"] - minimal["peak_first_mb"],
            "note": f"peak RSS over the last {WINDOW} vs the first {WINDOW} (flat = 1.0)",
        },
    }


def run() -> dict:
    return summarize(measure_all())


if __name__ == "__main__":
    runs = measure_all()
    for kind, r in runs.items():
        print(f"{kind:<13} {N / r['seconds']:8.1f}/s {r['bytes'] / N / 1024:7.1f} KB each  "
              f"peak RSS first {WINDOW} {r['peak_first_mb']:6.1f} MB, last {WINDOW} "
              f"{r['peak_last_mb']:6.1f} MB")  # fmt: skip
    for name, m in summarize(runs).items():
        print(f"{name:<30} {m['value']:10.2f} {m['unit']:<4} baseline {m['baseline']:10.2f}"
              f"  ratio {m['ratio']:.3f}")  # fmt: skip
