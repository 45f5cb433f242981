"""`companion transcribe` and `companion models list|download` (download from a loopback server only)."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import threading
import zipfile
from pathlib import Path

import pytest

from assistant import cli
from speechgen import have_tools, korean_model_dir, shared_maker, word_errors

TESTDATA = Path("/usr/share/pocketsphinx/test/data")
QUIET = dict(noise_scale=0.0, noise_w_scale=0.0)


@pytest.fixture(scope="module")
def maker(tmp_path_factory):
    if have_tools():
        pytest.skip(f"{have_tools()} is not installed")
    return shared_maker(tmp_path_factory.getbasetemp())


def test_transcribe_json_reports_each_file_and_fails_only_the_bad_one(maker, tmp_path, capsys):
    good = [maker.vary(maker.piper(t, **QUIET), rate=44100, channels=2) for t in ("stop", "next one")]
    bad = tmp_path / "notes.wav"
    bad.write_text("not audio")
    code = cli.main(["transcribe", "--json", str(good[0]), str(bad), str(good[1])])
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [line["file"] for line in lines] == [str(good[0]), str(good[1])]
    assert [line["text"] for line in lines] == ["stop", "next one"]
    assert {line["engine"] for line in lines} == {"whisper"}  # the default whenever its weights are installed
    assert err.strip().count("\n") == 0 and str(bad) in err and err.startswith("companion: ")


def test_transcribe_plain_output_and_success_exit_code(maker, capsys):
    path = maker.piper("say that again", **QUIET)
    assert cli.main(["transcribe", str(path)]) == 0
    assert capsys.readouterr().out.strip() == "say that again"


@pytest.mark.skipif(not (TESTDATA / "librivox").is_dir(), reason="Debian pocketsphinx-testdata is not installed")
def test_transcribe_real_human_recordings_in_open_mode(capsys):
    refs = {}
    for line in (TESTDATA / "librivox" / "transcription").read_text().splitlines():
        words, _, utt = line.rpartition("(")
        refs[str(TESTDATA / "librivox" / (utt.strip(") ") + ".wav"))] = " ".join(
            w for w in words.split() if w not in ("<s>", "</s>"))
    for line in (TESTDATA / "cards" / "cards.transcription").read_text().splitlines():
        words, _, utt = line.rpartition("(")
        refs[str(TESTDATA / "cards" / (utt.strip(") ") + ".wav"))] = " ".join(
            w for w in words.split() if w not in ("<s>", "</s>"))
    assert cli.main(["transcribe", "--json", "--mode", "open", *refs]) == 0
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(results) == len(refs)
    spoken = {"mr": "mister"}
    errors = words = 0
    for result in results:
        hyp = " ".join(spoken.get(w, w) for w in result["text"].split())
        errors += word_errors(refs[result["file"]], hyp)
        words += len(refs[result["file"]].split())
    wer = errors / words
    print(f"pocketsphinx open-mode WER on pocketsphinx-testdata human speech: {wer:.3f} ({errors}/{words})")
    assert wer < 0.35


def test_models_list_shows_installed_models_and_the_bundled_one(companion_home, capsys):
    ko = korean_model_dir()
    if ko is not None:
        (companion_home / "models").mkdir(parents=True)
        (companion_home / "models" / "vosk-model-small-ko-0.22").symlink_to(ko)
    (companion_home / "models").mkdir(parents=True, exist_ok=True)
    (companion_home / "models" / "not-a-model").mkdir()
    assert cli.main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "pocketsphinx en-us" in out and "bundled" in out
    assert "not-a-model" not in out
    if ko is not None:
        line = next(x for x in out.splitlines() if x.startswith("vosk-model-small-ko-0.22"))
        assert "MB" in line and str(companion_home / "models" / "vosk-model-small-ko-0.22") in line


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass


@pytest.fixture
def model_server(tmp_path):
    """A loopback HTTP server (127.0.0.1 only) serving a small zipped fake Vosk model."""
    site = tmp_path / "site"
    site.mkdir()
    name = "vosk-model-tiny-test-0.1"
    with zipfile.ZipFile(site / f"{name}.zip", "w") as zf:
        for member in ("am/final.mdl", "graph/HCLr.fst", "graph/Gr.fst", "conf/model.conf"):
            zf.writestr(f"{name}/{member}", b"x" * 50_000)
    digest = hashlib.sha256((site / f"{name}.zip").read_bytes()).hexdigest()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", name, digest
    server.shutdown()
    server.server_close()


def leftovers(models: Path) -> list:
    return sorted(p.name for p in models.iterdir()) if models.exists() else []


def test_download_checks_the_digest_shows_progress_and_installs(model_server, companion_home, capsys):
    url, name, digest = model_server
    assert cli.main(["models", "download", name, "--url", url, "--sha256", digest]) == 0
    out, err = capsys.readouterr()
    assert "100.0%" in err and "sha256 verified" in err
    installed = companion_home / "models" / name
    assert (installed / "am" / "final.mdl").read_bytes() == b"x" * 50_000
    assert leftovers(companion_home / "models") == [name]
    assert str(installed) in out
    assert cli.main(["models", "download", name, "--url", url, "--sha256", digest]) == 2
    assert "already installed" in capsys.readouterr().err


def test_download_with_a_bad_digest_installs_nothing(model_server, companion_home, capsys):
    url, name, _ = model_server
    assert cli.main(["models", "download", name, "--url", url, "--sha256", "0" * 64]) == 2
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert last.startswith("companion: checksum mismatch") and "nothing installed" in last
    assert leftovers(companion_home / "models") == []


def test_download_without_a_pinned_digest_says_unverified(model_server, companion_home, capsys):
    url, name, digest = model_server
    assert cli.main(["models", "download", name, "--url", url]) == 0
    assert f"unverified (no pinned SHA-256 for this model); sha256 {digest}" in capsys.readouterr().err


def test_download_of_a_missing_model_or_dead_server_is_one_line(model_server, companion_home, capsys):
    url, _, _ = model_server
    assert cli.main(["models", "download", "vosk-model-nope", "--url", url]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "HTTP 404" in err
    assert cli.main(["models", "download", "--url", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("companion: download failed") and "\n" not in err
    assert leftovers(companion_home / "models") == []
