"""The build machine fetches nothing: WeasyPrint's URL fetcher serves the project's own files and the
shipped fonts only. A remote or outside resource in the print HTML is refused without being opened."""
from __future__ import annotations

import http.server
import threading

import pytest

from cdv.pdf import _write, local_fetcher

from conftest import ROOT


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (the http.server API)
        _Recorder.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    _Recorder.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}", _Recorder.requests
    server.shutdown()
    server.server_close()


def test_pdf_rendering_opens_no_remote_or_outside_resource(local_server, tmp_path, monkeypatch):
    from weasyprint.urls import URLFetcher

    host, received = local_server
    opened = []
    original = URLFetcher.fetch
    monkeypatch.setattr(URLFetcher, "fetch", lambda self, url, headers=None: (opened.append(url),
                                                                              original(self, url, headers))[1])
    outside = tmp_path / "secret.css"
    outside.write_text("body { color: red }", encoding="utf-8")
    html = f"""<!DOCTYPE html><html lang="fr"><head><title>t</title>
<link rel="stylesheet" href="http://{host}/feuille.css">
<link rel="stylesheet" href="{outside.as_uri()}">
<style>@import url("http://{host}/import.css"); p {{ background: url("https://{host}/fond.png") }}</style>
</head><body><p>Texte</p><img src="http://{host}/p.png" alt=""><img src="//{host}/q.png" alt="">
<img src="ftp://{host}/r.png" alt=""><img src="data:image/png;base64,iVBORw0KGgo=" alt="">
<object data="http://{host}/o.svg"></object><img src="schemas/../../../../../etc/hostname" alt=""></body></html>"""
    pdf = _write(html, ROOT, tmp_path / "sortie.pdf", "test")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert received == []
    # Whatever WeasyPrint asked for, only files of the project or of the shipped fonts were opened.
    assert all(url.startswith(ROOT.as_uri() + "/") or "font_source" in url for url in opened), opened
    assert outside.as_uri() not in opened


@pytest.mark.parametrize("url", ["https://exemple.fr/p.png", "http://127.0.0.1/p.png", "ftp://x/y", "data:,x",
                                 "file:///etc/hostname", "file://autre-machine/partage/x.png", "FILE:///etc/passwd",
                                 "file:mkdocs.yml", ROOT.parent.as_uri() + "/secret",
                                 ROOT.as_uri() + "/../secret"])
def test_fetcher_refuses_what_is_not_the_projects(url):
    with pytest.raises(ValueError):
        local_fetcher(ROOT).fetch(url)


def test_fetcher_serves_the_projects_files():
    response = local_fetcher(ROOT).fetch((ROOT / "mkdocs.yml").as_uri())
    try:
        assert b"site_name" in response.read()
    finally:
        response.close()
