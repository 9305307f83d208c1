"""The engine's framing of an exec's output, as the standing execs read it."""

from __future__ import annotations

from harness.run.docker.exec_stream import FRAME_HEADER, split_frames


def frame(stream: int, data: bytes) -> bytes:
    return FRAME_HEADER.pack(stream, len(data)) + data


def test_complete_frames_are_split_off_and_a_partial_one_is_left() -> None:
    buffer = frame(1, b"out\n") + frame(2, b"err") + frame(1, b"") + frame(1, b"next line")[:11]

    frames, rest = split_frames(buffer)

    assert frames == [(1, b"out\n"), (2, b"err"), (1, b"")]
    assert rest == frame(1, b"next line")[:11]
    assert split_frames(rest + frame(1, b"next line")[11:]) == ([(1, b"next line")], b"")


def test_less_than_a_header_is_left_whole() -> None:
    assert split_frames(b"\x01\x00\x00") == ([], b"\x01\x00\x00")
