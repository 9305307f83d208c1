"""The reader's own files a shell command sends: laid out as stand-ins, a home-folder path read as "your file"."""

from __future__ import annotations

import json

from harness.extract.placeholders import prepare
from harness.extract.prepare import ready
from harness.extract.shell_reader_files import ReaderFile, shell_reader_files
from harness.generated_values import READER_FILES_OPTION, READER_PATHS_OPTION, reader_file_stand_ins


def test_files_a_command_sends_are_the_readers() -> None:
    code = ("curl -X POST https://x/upload \\\n  -F \"photo=@holiday.jpeg\" \\\n"
            "  --form 'notes=@docs/notes.txt;type=text/plain' \\\n  --data-binary @./payload.bin\n"
            "curl -T archive.tar.gz https://x/put\n")
    assert shell_reader_files(code) == (
        ReaderFile("holiday.jpeg", "holiday.jpeg"), ReaderFile("docs/notes.txt", "docs/notes.txt"),
        ReaderFile("./payload.bin", "payload.bin"), ReaderFile("archive.tar.gz", "archive.tar.gz"),
    )


def test_a_home_folder_path_stands_for_the_readers_file_and_others_are_left_alone() -> None:
    code = ("curl --form file=@/Users/sam/Movies/clip.mov https://x\n"
            "curl -F f=@/home/kim/data/set.csv https://x\n"
            "curl --data-binary @/etc/hosts https://x\n"  # a file of the system: the command may mean it
            "curl -d @$BODY https://x\ncurl -d @- https://x\ncurl -F f=@../up.png https://x\n")
    assert shell_reader_files(code) == (ReaderFile("/Users/sam/Movies/clip.mov", "clip.mov"),
                                        ReaderFile("/home/kim/data/set.csv", "set.csv"))


def test_a_file_the_block_writes_itself_is_not_the_readers() -> None:
    code = "echo '{\"a\": 1}' > body.json\ncurl -o out.png https://x/img\ncurl -d @body.json https://x -F p=@out.png\n"
    assert shell_reader_files(code) == ()


def test_the_path_becomes_its_name_and_the_runner_lays_a_stand_in() -> None:
    code = "curl -F file=@/Users/sam/Movies/clip.mov -F cover=@cover.png https://api.example.com/up\n"
    prepared = prepare(code, "sh", {})
    assert prepared.code == "curl -F file=@clip.mov -F cover=@cover.png https://api.example.com/up\n"
    assert prepared.reader_files == ("clip.mov", "cover.png")
    made = ready(code, "sh", {}, None, {}, code.splitlines(), 10)
    assert json.loads(made.options[READER_PATHS_OPTION]) == {"clip.mov": "/Users/sam/Movies/clip.mov",
                                                           "cover.png": "cover.png"}
    assert set(reader_file_stand_ins({READER_FILES_OPTION: made.options[READER_FILES_OPTION]})) == {"clip.mov",
                                                                                                   "cover.png"}
    assert prepare("curl --data-binary @./body.bin https://x\n", "sh", {}).code.startswith("curl --data-binary @./body")
    python = "import requests\nrequests.post(url, files={'f': open('a.png', 'rb')})\n"
    assert prepare(python, "py", {}).reader_files == ()
