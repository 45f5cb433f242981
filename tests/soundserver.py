"""A private PulseAudio server for live-audio tests: a null sink as the speaker, a virtual microphone fed from WAVs."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

RATE = 16000
FRAME_BYTES = 4  # one stereo s16le frame of the room: speaker left, microphone right
FRAME_S = 0.01  # envelope resolution
LOUD_DB = -45.0  # a 10 ms frame above this (dB full scale) has sound in it; the null sink is digital silence
TOOLS = ("pulseaudio", "pactl", "parec", "paplay")
ALSA_PULSE_PLUGIN = "libasound_module_pcm_pulse.so"
PACKAGES = "pulseaudio pulseaudio-utils libasound2-plugins libportaudio2"

# One stereo "room" sink records everything on one clock: the speaker is its left channel, the microphone
# its right one. The companion plays to "speaker" and records "mic"; the test plays recordings to "micfeed".
SERVER_SCRIPT = """\
load-module module-native-protocol-unix auth-anonymous=1 socket={socket}
load-module module-null-sink sink_name=room rate={rate} channels=2 channel_map=front-left,front-right
load-module module-remap-sink sink_name=speaker master=room channels=1 channel_map=mono master_channel_map=front-left remix=no
load-module module-remap-sink sink_name=micfeed master=room channels=1 channel_map=mono master_channel_map=front-right remix=no
load-module module-remap-source source_name=mic master=room.monitor channels=1 channel_map=mono master_channel_map=front-right remix=no
set-default-sink speaker
set-default-source mic
"""


def _alsa_pulse_plugin() -> Optional[Path]:
    """Where ALSA's PulseAudio plugin is installed (libasound2-plugins), if it is."""
    for libdir in Path("/usr/lib").glob("*/alsa-lib"):
        if (libdir / ALSA_PULSE_PLUGIN).exists():
            return libdir / ALSA_PULSE_PLUGIN
    return None


def missing() -> Optional[str]:
    """None if a private PulseAudio server can be tried here, else what is missing."""
    absent = [tool for tool in TOOLS if shutil.which(tool) is None]
    if _alsa_pulse_plugin() is None:
        absent.append(f"ALSA's pulse plugin ({ALSA_PULSE_PLUGIN})")
    if absent:
        return f"no sound server: {', '.join(absent)} missing (apt-get install {PACKAGES})"
    return None


class RoomRecorder:
    """Records the room sink's monitor into memory; its frame count is the server's own clock."""

    def __init__(self, env: Dict[str, str]) -> None:
        self._audio = bytearray()
        self._lock = threading.Lock()
        self._proc = subprocess.Popen(
            ["parec", "-d", "room.monitor", "--raw", f"--rate={RATE}", "--channels=2", "--format=s16le",
             "--latency-msec=20"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        """Copy parec's output as it arrives."""
        assert self._proc.stdout is not None
        while True:
            block = self._proc.stdout.read1(8192)  # type: ignore[attr-defined]
            if not block:
                return
            with self._lock:
                self._audio += block

    def _channel(self, index: int) -> bytes:
        """One channel of everything recorded so far, as 16 kHz mono s16le."""
        import numpy as np

        with self._lock:
            frames = bytes(self._audio[: len(self._audio) // FRAME_BYTES * FRAME_BYTES])
        return np.frombuffer(frames, "<i2")[index::2].tobytes()

    def speaker(self) -> bytes:
        """What the speaker played so far."""
        return self._channel(0)

    def mic(self) -> bytes:
        """What the microphone was fed so far."""
        return self._channel(1)

    @property
    def seconds(self) -> float:
        """How much room time has been recorded."""
        with self._lock:
            return len(self._audio) / FRAME_BYTES / RATE

    def stop(self) -> None:
        """End the recording."""
        _end(self._proc)
        self._thread.join(timeout=2)


def _end(proc: subprocess.Popen) -> None:
    """Terminate a child process, killing it if it does not go."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=3)


class SoundServer:
    """A PulseAudio daemon of our own under `root` (its own runtime dir, socket and state), stopped by stop()."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.socket = self.root / "native"
        self._proc: Optional[subprocess.Popen] = None
        self._children: List[subprocess.Popen] = []

    @property
    def env(self) -> Dict[str, str]:
        """Environment for clients of this server (the companion, pactl, paplay, parec)."""
        return dict(os.environ, PULSE_SERVER=f"unix:{self.socket}", PULSE_SINK="speaker", PULSE_SOURCE="mic",
                    PULSE_RUNTIME_PATH=str(self.root / "run"), PULSE_STATE_PATH=str(self.root / "state"))

    def start(self, timeout_s: float = 10.0) -> None:
        """Start the daemon and wait until it answers; RuntimeError with its log if it does not."""
        for sub in ("run", "state", "config"):
            (self.root / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
        script = self.root / "server.pa"
        script.write_text(SERVER_SCRIPT.format(socket=self.socket, rate=RATE))
        log = self.root / "pulseaudio.log"
        env = dict(self.env, HOME=str(self.root), XDG_RUNTIME_DIR=str(self.root / "run"),
                   XDG_CONFIG_HOME=str(self.root / "config"))
        env.pop("PULSE_SERVER")
        with open(log, "wb") as out:
            self._proc = subprocess.Popen(
                ["pulseaudio", "-n", "-F", str(script), "--daemonize=no", "--system=false", "--exit-idle-time=-1",
                 "--use-pid-file=false", "--high-priority=true", "--realtime=true", "--disallow-exit=true",
                 "--log-target=stderr"],
                stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                break
            if self.socket.exists() and self.pactl("info").returncode == 0:
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"pulseaudio did not start: {log.read_text(errors='replace')[-400:]}")

    def pactl(self, *args: str) -> subprocess.CompletedProcess:
        """Run pactl against this server."""
        return subprocess.run(["pactl", *args], capture_output=True, text=True, env=self.env, timeout=10)

    def say(self, wav: Path) -> subprocess.Popen:
        """Start playing a WAV into the virtual microphone; returns the paplay process."""
        proc = subprocess.Popen(["paplay", "-d", "micfeed", str(wav)], env=self.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._children.append(proc)
        return proc

    def record(self) -> RoomRecorder:
        """Start recording the speaker and the microphone on one timeline."""
        return RoomRecorder(self.env)

    def stop(self) -> None:
        """Stop every player and the daemon."""
        for child in self._children:
            _end(child)
        self._children.clear()
        if self._proc is not None:
            _end(self._proc)
            self._proc = None


# ---------------------------------------------------------------- what came out of the speaker


def envelope(audio: bytes) -> Any:
    """Loudness of each 10 ms frame in dB full scale (digital silence is -100)."""
    import numpy as np

    size = int(RATE * FRAME_S)
    samples = np.frombuffer(audio[: len(audio) // (2 * size) * (2 * size)], "<i2").astype(np.float64) / 32768.0
    power = (samples.reshape(-1, size) ** 2).mean(axis=1)
    return 10 * np.log10(np.maximum(power, 1e-10))


def onset_s(env: Any, after_s: float = 0.0) -> Optional[float]:
    """When sound starts (three loud frames in a row) after `after_s`, or None."""
    import numpy as np

    loud = env > LOUD_DB
    start = int(after_s / FRAME_S)
    for i in np.nonzero(loud[start:])[0] + start:
        if loud[i:i + 3].all():
            return float(i * FRAME_S)
    return None


def sound_end_s(env: Any, after_s: float, quiet_s: float) -> Optional[float]:
    """End of the last sound after `after_s` that is followed by `quiet_s` of silence, or None if none is yet."""
    import numpy as np

    loud = np.nonzero(env[int(after_s / FRAME_S):] > LOUD_DB)[0]
    if not len(loud):
        return None
    quiet = int(quiet_s / FRAME_S)
    gaps = np.nonzero(np.diff(loud) > quiet)[0]
    last = loud[gaps[0]] if len(gaps) else loud[-1]
    if not len(gaps) and len(env) - (int(after_s / FRAME_S) + last) <= quiet:
        return None
    return after_s + float((last + 1) * FRAME_S)


def loud_seconds(env: Any, start_s: float, end_s: float) -> float:
    """How much of [start_s, end_s) had sound."""
    return float((env[int(start_s / FRAME_S):int(end_s / FRAME_S)] > LOUD_DB).sum() * FRAME_S)


def first_quiet_s(env: Any, start_s: float, end_s: float, quiet_s: float) -> Optional[float]:
    """When, between `start_s` and `end_s`, the first stretch of `quiet_s` without sound begins; None if none does."""
    frames, run = int(quiet_s / FRAME_S), 0
    first, last = int(start_s / FRAME_S), min(len(env), int((end_s + quiet_s) / FRAME_S))
    for i in range(first, last):
        run = run + 1 if env[i] <= LOUD_DB else 0
        if run == frames:
            return (i - frames + 1) * FRAME_S
    return None


def dropouts(env: Any, min_s: float = 0.03) -> List[Tuple[int, int]]:
    """Stretches of digital silence (at least `min_s`) between the first and the last sound: gaps in playback."""
    import numpy as np

    silent = env <= -99.0
    loud = np.nonzero(~silent)[0]
    if not len(loud):
        return []
    gaps: List[Tuple[int, int]] = []
    start = None
    for i in range(int(loud[0]), int(loud[-1]) + 1):
        if silent[i] and start is None:
            start = i
        elif not silent[i] and start is not None:
            if (i - start) * FRAME_S >= min_s:
                gaps.append((start, i))
            start = None
    return gaps


# ---------------------------------------------------------------- playback check: python -m tests.soundserver


def _play_through_sink(server: SoundServer, room: RoomRecorder, wav: Path, latency: str) -> Tuple[float, int]:
    """Play `wav` with the product's SoundDeviceSink at `latency`: (seconds until played, gaps heard)."""
    import sounddevice as sd

    from assistant.playback import SoundDeviceSink, read_wav

    speech = read_wav(wav)
    sink = SoundDeviceSink("pulse", open_stream=lambda **kw: sd.RawOutputStream(**dict(kw, latency=latency)))
    try:
        sink.play(speech)  # open the stream once before timing
        sink.wait()
        time.sleep(0.3)
        start, began = room.seconds, time.monotonic()
        sink.play(speech)
        sink.wait()
        took = time.monotonic() - began
        time.sleep(0.3)
    finally:
        sink.close()
    return took, len(dropouts(envelope(room.speaker())[int(start / FRAME_S):]))


def main(argv: Optional[List[str]] = None) -> int:
    """Play a WAV through SoundDeviceSink on a private server at latency "low" and "high"; print a table."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("wav", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        server = SoundServer(Path(tmp))
        server.start()
        os.environ.update(server.env)  # before PortAudio is first loaded: it lists devices once
        room = server.record()
        try:
            from assistant.playback import read_wav

            speech = read_wav(args.wav)
            length = len(speech.audio) / speech.format.width / speech.format.rate
            source_gaps = len(dropouts(envelope(_as_16k(speech))))
            print(f"{args.wav.name}: {length:.2f} s, {source_gaps} gaps of digital silence in the file itself")
            print("latency  run  seconds to play  gaps heard")
            for latency in ("low", "high"):
                for run in range(1, args.runs + 1):
                    took, gaps = _play_through_sink(server, room, args.wav, latency)
                    print(f"{latency:<7}  {run:>3}  {took:>15.2f}  {gaps:>10}", flush=True)
        finally:
            room.stop()
            server.stop()
    return 0


def _as_16k(speech: Any) -> bytes:
    """SpeechAudio as 16 kHz mono, the room's format."""
    from assistant.audio import resample
    from assistant.messages import PCM16K

    return resample(speech.audio, speech.format, PCM16K)


if __name__ == "__main__":
    raise SystemExit(main())
