"""How long the print PDFs take, cold and incremental, and against headless Chromium.

    .venv/bin/python bench/pdf_build.py [--runs N]

Renders the sample notice of tests/pdf_samples.py (the notice, a 14-session
schedule, the instructions, the 30-office directory, the flow chart: five
PDFs) into bench/artifacts/pdf/ and reports:

* cold: an empty cache, in a fresh process (fonts not yet loaded), all
  cores, then one worker;
* unchanged: the same documents again (nothing should render);
* one edit: a phone number in the directory changed (the directory's PDF and
  the whole notice's re-render, the other three are reused);
* Chromium: the same HTML and stylesheet printed by headless Chromium, one
  process per document as a build would run it, and the ratio to WeasyPrint.

Each figure is the best of ``--runs`` runs (the machine may be busy).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import jinja2  # noqa: E402
from pypdf import PdfReader  # noqa: E402

import pdf_samples  # noqa: E402
from noticesite import pdf  # noqa: E402

OUT = ROOT / "bench" / "artifacts" / "pdf"
CHROMIUM = "/usr/bin/chromium"


def documents(**options) -> list[pdf.PrintDocument]:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT / "layouts")),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    pdf.register_filters(env)
    site = pdf_samples.site(**options)
    return pdf.print_documents(site, site.notices[0], env)


def best(runs: int, fn) -> tuple[float, object]:
    results = []
    for _ in range(runs):
        start = time.perf_counter()
        value = fn()
        results.append((time.perf_counter() - start, value))
    return min(results, key=lambda r: r[0])


def cold(docs, workers: int | None) -> pdf.RenderReport:
    shutil.rmtree(OUT / "cache", ignore_errors=True)
    return pdf.render_pdfs(docs, OUT / "weasyprint", OUT / "cache", workers=workers)


def fresh(workers: int) -> float:
    """A cold render in a new process, as a build from the command line runs it."""
    out = subprocess.run([sys.executable, __file__, "--cold", str(workers)], check=True,
                         capture_output=True, text=True).stdout
    return float(out.split()[-1])


def chromium(docs: list[pdf.PrintDocument], workers: int) -> list[Path]:
    """Each document printed by its own headless Chromium, ``workers`` at a time."""
    def one(doc: pdf.PrintDocument) -> Path:
        stem = doc.name.replace("/", "-").removesuffix(".pdf")
        html = OUT / "chromium" / f"{stem}.html"
        links = "".join(f'<link rel="stylesheet" href="{Path(s).as_uri()}">' for s in doc.stylesheets)
        html.write_text(doc.html.replace("</head>", f"{links}</head>", 1), encoding="utf-8")
        target = html.with_suffix(".pdf")
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                            "--disable-background-networking", f"--user-data-dir={profile}",
                            "--no-pdf-header-footer", f"--print-to-pdf={target}", html.as_uri()],
                           check=True, capture_output=True, timeout=120)
        return target

    (OUT / "chromium").mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, docs))


def pages(paths) -> int:
    return sum(len(PdfReader(p).pages) for p in paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cold", type=int, metavar="WORKERS", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold is not None:  # one measurement in this fresh process (see fresh())
        docs = documents()
        start = time.perf_counter()
        cold(docs, args.cold)
        print(f"{time.perf_counter() - start:.3f}")
        return
    cores = os.cpu_count() or 1
    OUT.mkdir(parents=True, exist_ok=True)
    docs = documents()
    edited_offices = [("天津分社", "022-23678099", "天津市南开区迎水道新华园"), *pdf_samples.OFFICES[1:]]
    edited = documents(offices=edited_offices)

    t_cold = min(fresh(cores) for _ in range(args.runs))
    t_serial = min(fresh(1) for _ in range(args.runs))
    r_cold = cold(docs, None)
    t_same, r_same = best(args.runs, lambda: pdf.render_pdfs(docs, OUT / "weasyprint", OUT / "cache"))

    def edit_once() -> pdf.RenderReport:
        pdf.render_pdfs(docs, OUT / "weasyprint", OUT / "cache")  # back to the original
        start = time.perf_counter()
        report = pdf.render_pdfs(edited, OUT / "weasyprint", OUT / "cache")
        report.seconds = time.perf_counter() - start
        return report

    r_edit = min((edit_once() for _ in range(args.runs)), key=lambda r: r.seconds)
    total_pages = pages(OUT / "weasyprint" / d.name for d in edited)

    t_chrome, chrome_pdfs = best(args.runs, lambda: chromium(docs, cores))
    chrome_pages = pages(chrome_pdfs)

    print(f"Print PDFs of the sample notice: {len(docs)} documents, {total_pages} pages, "
          f"{cores} cores, load average {os.getloadavg()[0]:.1f} (best of {args.runs})")
    rows = [
        ("WeasyPrint cold, all cores", t_cold, f"{len(r_cold.rendered)} rendered"),
        ("WeasyPrint cold, 1 worker", t_serial, f"{len(r_cold.rendered)} rendered"),
        ("unchanged rebuild", t_same, f"{len(r_same.rendered)} rendered, {len(r_same.reused)} reused"),
        ("one edit to the directory", r_edit.seconds,
         f"{len(r_edit.rendered)} rendered ({', '.join(n.split('/')[-1] for n in r_edit.rendered)}), "
         f"{len(r_edit.reused)} reused"),
        ("Chromium --print-to-pdf", t_chrome, f"{len(chrome_pdfs)} printed, {chrome_pages} pages"),
    ]
    for label, seconds, note in rows:
        print(f"  {label:28s} {seconds:7.2f} s   {note}")
    print(f"  WeasyPrint cold / Chromium: {t_cold / t_chrome:.2f}×   "
          f"parallel speed-up: {t_serial / t_cold:.2f}×")
    print(f"  PDFs: {OUT / 'weasyprint'}  {OUT / 'chromium'}")


if __name__ == "__main__":
    main()
