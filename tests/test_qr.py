"""The QR code on the printed notice (site.yaml ``print: qr_code``): read, placed, keyed, decoded.

The decoding test prints the example with the option on, renders the page that carries the code
at 200 dpi (pdftoppm) and reads it back with zxing-cpp, as a phone would."""
from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from conftest import ARTIFACTS, REPO, Project, copy_project
from noticesite import pdf
from noticesite.errors import Problems
from noticesite.schema import load_site_config
from noticesite.yamlio import parse

sys.path.insert(0, str(Path(__file__).parent))
import pdf_samples  # noqa: E402

URL = "https://jwc.example.edu.cn/2012-104/"
SITE_YAML = "school: 学校\noffice: 教务处\ntitle: 通知\nbase_url: https://jwc.example.edu.cn/\n"


def config_of(text: str):
    node, found = parse(text, "data/site.yaml")
    assert not found
    problems = Problems()
    config = load_site_config(node, problems)
    return config, [str(p) for p in problems]


def env() -> jinja2.Environment:
    made = jinja2.Environment(loader=jinja2.FileSystemLoader(str(REPO / "layouts")),
                              autoescape=True, undefined=jinja2.StrictUndefined)
    pdf.register_filters(made)
    return made


def documents(qr: bool, base_url: str = "https://jwc.example.edu.cn/") -> list[pdf.PrintDocument]:
    site = pdf_samples.site()
    site.config = dataclasses.replace(site.config, print_qr=qr, base_url=base_url)
    return pdf.print_documents(site, site.notices[0], env())


@pytest.mark.unit
def test_the_qr_code_is_off_unless_the_site_asks_for_it():
    assert config_of(SITE_YAML)[0].print_qr is False
    assert config_of(SITE_YAML + "print:\n  qr_code: false\n")[0].print_qr is False
    assert config_of(SITE_YAML + "print:\n  qr_code: true\n")[0].print_qr is True


@pytest.mark.unit
def test_a_wrong_qr_setting_is_located():
    assert config_of(SITE_YAML + "print:\n  qr_code: yes\n") == (
        None, ["data/site.yaml:6:12: site: print: qr_code: expected true or false, got 'yes'"])
    assert config_of(SITE_YAML + "print: true\n")[1] == [
        "data/site.yaml:5:8: site: print: expected a mapping of fields, got 'true'"]
    assert config_of(SITE_YAML + "print:\n  qr: true\n")[1] == [
        "data/site.yaml:6:3: site: print: unknown field 'qr' (known: duplex, fonts, qr_code)"]


@pytest.mark.unit
def test_the_qr_code_asks_for_the_base_url_it_is_made_from():
    text = SITE_YAML.replace("base_url: https://jwc.example.edu.cn/\n", "") + "print:\n  qr_code: true\n"
    _, problems = config_of(text)
    assert "data/site.yaml:5:12: site: print: qr_code: the QR code holds the notice's address, made from " \
           "base_url: set base_url (e.g. https://jwc.example.edu.cn/)" in problems
    assert any("missing field 'base_url'" in p for p in problems)


@pytest.mark.unit
def test_only_the_whole_notice_carries_the_code_beside_its_signature():
    notice, *attachments = documents(qr=True)
    assert notice.html.count('<figure class="qr-code">') == 1
    assert f"<figcaption>{URL}</figcaption>" in notice.html
    signature = notice.html.index('<div class="signature">')
    assert signature < notice.html.index('<figure class="qr-code">') < notice.html.index("signature-block")
    assert all("qr-code" not in doc.html for doc in attachments)
    assert all("qr-code" not in doc.html for doc in documents(qr=False))


@pytest.mark.unit
def test_the_pdfs_key_holds_the_setting_and_the_address():
    """A PDF's key hashes its HTML: turning the code on, or moving the site, prints it again."""
    fonts = pdf.FontSet(())
    off, on, moved = (pdf.input_hash(docs[0], fonts) for docs in (
        documents(qr=False), documents(qr=True), documents(qr=True, base_url="https://example.org/jwc/")))
    assert len({off, on, moved}) == 3
    assert "https://example.org/jwc/2012-104/" in documents(qr=True, base_url="https://example.org/jwc/")[0].html
    # the attachments' PDFs carry no code: their keys do not move
    assert pdf.input_hash(documents(qr=False)[1], fonts) == pdf.input_hash(documents(qr=True)[1], fonts)


def images_of(resources) -> list[str]:
    """The image XObjects a page (or a form XObject in it) draws, searched through forms."""
    found: list[str] = []
    xobjects = resources.get("/XObject") if resources else None
    if isinstance(xobjects, IndirectObject):
        xobjects = xobjects.get_object()
    for name, ref in (xobjects or {}).items():
        obj = ref.get_object()
        if obj.get("/Subtype") == "/Image":
            found.append(name)
        elif obj.get("/Subtype") == "/Form":
            found += images_of(obj.get("/Resources"))
    return found


@pytest.mark.pdf
def test_the_printed_code_decodes_to_the_notices_address_and_is_drawn_in_vectors(tmp_path: Path):
    import zxingcpp
    from PIL import Image

    project = Project(copy_project(REPO, tmp_path / "site"))
    project.replace("data/site.yaml", "print: {duplex: false}", "print: {duplex: false, qr_code: true}")
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--project", str(project.root),
                             "--no-search"], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    notice_pdf = project.root / "output/2012-104/notice.pdf"
    pages = PdfReader(notice_pdf).pages
    with_url = [i for i, page in enumerate(pages, 1) if URL in page.extract_text().replace("\n", "")]
    assert len(with_url) == 1, "the address is printed once, under the code"
    number = with_url[0]
    assert "湖南理工学院教务处" in pages[number - 1].extract_text(), "on the signature's page"
    stem = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", "-f", str(number), "-l", str(number),
                    str(notice_pdf), str(stem)], check=True)
    image = Image.open(f"{stem}.png")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image.save(ARTIFACTS / "qr-notice-page.png")
    codes = zxingcpp.read_barcodes(image)
    assert [(c.format, c.text) for c in codes] == [(zxingcpp.BarcodeFormat.QRCode, URL)]
    # vectors: the page draws no image at all (the code is paths), so it prints sharp at any size
    assert images_of(pages[number - 1].get("/Resources")) == []
    # the attachments' PDFs and the other pages carry none
    for page in range(1, len(pages) + 1):
        if page != number:
            subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                            str(notice_pdf), str(stem)], check=True)
            assert zxingcpp.read_barcodes(Image.open(f"{stem}.png")) == []
